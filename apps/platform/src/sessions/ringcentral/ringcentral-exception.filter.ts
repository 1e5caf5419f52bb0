import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { logRefusal, toErrorBody } from '../../common/restcomm-exception.filter';

/** RingCentral's error codes for the platform's refusals (its own `errorCode` strings). */
const RINGCENTRAL_CODES: Partial<Record<number, { errorCode: string; status: number }>> = {
  [DomainErrorCode.AuthenticationRequired]: { errorCode: 'OAU-128', status: HttpStatus.UNAUTHORIZED },
  [DomainErrorCode.AccountNotActive]: { errorCode: 'CMN-408', status: HttpStatus.FORBIDDEN },
  [DomainErrorCode.Forbidden]: { errorCode: 'CMN-408', status: HttpStatus.FORBIDDEN },
  [DomainErrorCode.NotFound]: { errorCode: 'CMN-102', status: HttpStatus.NOT_FOUND },
  [DomainErrorCode.ConversationNotFound]: { errorCode: 'CMN-102', status: HttpStatus.NOT_FOUND },
  [DomainErrorCode.PartyNotFound]: { errorCode: 'CMN-102', status: HttpStatus.NOT_FOUND },
  [DomainErrorCode.TransferNotFound]: { errorCode: 'CMN-102', status: HttpStatus.NOT_FOUND },
  // A party whose state does not allow the action (hold a ringing party, forward an answered one).
  [DomainErrorCode.InvalidPartyState]: { errorCode: 'TAS-103', status: HttpStatus.CONFLICT },
  [DomainErrorCode.InvalidTransferState]: { errorCode: 'TAS-103', status: HttpStatus.CONFLICT },
  [DomainErrorCode.CallNotInProgress]: { errorCode: 'TAS-103', status: HttpStatus.CONFLICT },
  [DomainErrorCode.TelephonyUnavailable]: { errorCode: 'CMN-211', status: HttpStatus.SERVICE_UNAVAILABLE },
};

/** A refusal naming the request field at fault, so that `errors[].parameterName` can say it. */
export class RingcentralParameterError extends DomainError {
  constructor(
    readonly parameterName: string,
    message: string,
  ) {
    super(DomainErrorCode.InvalidParameter, message);
  }
}

/**
 * Errors of the RingCentral-style `/restapi` family: `{ errorCode, message, errors: [{ errorCode,
 * message, parameterName }] }` with the HTTP status RingCentral gives that kind of refusal.
 */
@Catch()
export class RingcentralExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(RingcentralExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    sendRingcentralError(host.switchToHttp().getResponse<Response>(), exception, this.logger);
  }
}

export function sendRingcentralError(res: Response, exception: unknown, logger: Logger): void {
  const body = toErrorBody(exception);
  const mapped = exception instanceof DomainError ? RINGCENTRAL_CODES[exception.code] : undefined;
  const status = mapped?.status ?? body.status;
  const errorCode =
    mapped?.errorCode ??
    (status === HttpStatus.NOT_FOUND ? 'CMN-102' : status >= 500 ? 'CMN-201' : 'CMN-101');
  logRefusal(logger, { ...body, status }, exception);
  const parameterName =
    exception instanceof RingcentralParameterError ? exception.parameterName : parameterOf(body.message);
  if (status === HttpStatus.UNAUTHORIZED) res.setHeader('WWW-Authenticate', 'Bearer realm="Callwright"');
  res.status(status).json({
    errorCode,
    message: body.message,
    errors: [{ errorCode, message: body.message, ...(parameterName ? { parameterName } : {}) }],
  });
}

/** class-validator's messages start with the property name. */
function parameterOf(message: string): string | undefined {
  return /^([a-zA-Z][a-zA-Z0-9_.]*) (?:must|should|is|has)\b/.exec(message)?.[1];
}
