import { HttpStatus } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../../../common/domain-error';

const DOMAIN_CODE_BY_STATUS: Record<number, DomainErrorCode> = {
  [HttpStatus.UNAUTHORIZED]: DomainErrorCode.AuthenticationRequired,
  [HttpStatus.FORBIDDEN]: DomainErrorCode.Forbidden,
  [HttpStatus.NOT_FOUND]: DomainErrorCode.NotFound,
};

/**
 * A refusal with RingCentral's own `errorCode` and status (the Subscription API documents its codes).
 * A DomainError of the matching kind, so that any of the platform's filters answers the right status.
 */
export class RingcentralApiError extends DomainError {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly parameterName?: string,
  ) {
    super(DOMAIN_CODE_BY_STATUS[status] ?? DomainErrorCode.InvalidParameter, message);
  }
}

/** RingCentral's message for any refused request parameter; `name` is its path (`deliveryMode.address`). */
export const invalidParameterMessage = (name: string) => `Parameter [${name}] value is invalid`;

export const SubscriptionErrors = {
  invalidParameter: (name: string, message = invalidParameterMessage(name)) =>
    new RingcentralApiError(HttpStatus.BAD_REQUEST, 'CMN-101', message, name),
  notFound: () =>
    new RingcentralApiError(
      HttpStatus.NOT_FOUND,
      'CMN-102',
      'Resource for parameter [subscriptionId] is not found',
      'subscriptionId',
    ),
  /** An extension-level `~` needs an extension's token. */
  extensionLoginRequired: () =>
    new RingcentralApiError(HttpStatus.UNAUTHORIZED, 'CMN-405', 'Login to extension required'),
  otherAccount: () =>
    new RingcentralApiError(
      HttpStatus.FORBIDDEN,
      'SUB-406',
      'Not allowed subscribe for events to extensions of other account',
      'eventFilters',
    ),
  unknownUser: () =>
    new RingcentralApiError(
      HttpStatus.FORBIDDEN,
      'SUB-408',
      'Not allowed subscribe for unknown user',
      'eventFilters',
    ),
  /** An extension's token asked for the whole account's or another extension's sessions. */
  notPermitted: (what: string) =>
    new RingcentralApiError(
      HttpStatus.FORBIDDEN,
      'CMN-408',
      `An extension token may not subscribe to ${what}: subscribe with an account token`,
      'eventFilters',
    ),
  limitExceeded: () =>
    new RingcentralApiError(HttpStatus.FORBIDDEN, 'SUB-505', 'Subscriptions limit exceeded'),
  webhookStatus: (status: number) =>
    new RingcentralApiError(
      HttpStatus.BAD_REQUEST,
      'SUB-522',
      `WebHook responds with incorrect HTTP status. HTTP status is ${status}`,
      'deliveryMode.address',
    ),
  webhookInvalid: () =>
    new RingcentralApiError(
      HttpStatus.BAD_REQUEST,
      'SUB-525',
      'WebHook server response is invalid',
      'deliveryMode.address',
    ),
};
