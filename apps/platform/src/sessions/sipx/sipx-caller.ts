import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import type { BearerRequest } from '../bearer-token.guard';

/** Whom a callcontroller request acts for: one extension, and whether it may act for other users. */
export interface SipxCaller {
  accountSid: string;
  /** Null for a credential of the whole account (it may act for any of its users). */
  extensionNumber: string | null;
  /** The extension's agent permission: it may place and query calls between other users. */
  agent: boolean;
}

export interface SipxRequest extends BearerRequest {
  /** Set by the callcontroller's Digest guard. */
  sipxCaller?: SipxCaller;
}

/**
 * The caller of a request: the Digest guard's, else (until that guard is wired on the routes) the
 * holder of a Bearer token, an account's token counting as an agent of every extension.
 */
export function sipxCallerOf(req: SipxRequest): SipxCaller {
  if (req.sipxCaller) return req.sipxCaller;
  if (req.bearer)
    return {
      accountSid: req.bearer.accountSid,
      extensionNumber: req.bearer.extensionNumber,
      agent: req.bearer.extensionNumber === null,
    };
  throw new DomainError(DomainErrorCode.AuthenticationRequired, 'not authenticated');
}

export const CurrentSipxCaller = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  sipxCallerOf(context.switchToHttp().getRequest<SipxRequest>()),
);

/**
 * sipX's rule: the authenticated user is the one placing the call, the agent when one is named, else
 * the calling user; acting for another user needs the agent permission.
 */
export function assertMayActFor(caller: SipxCaller, callingUser: string, agent: string | null): void {
  if (caller.extensionNumber === null) return;
  const actor = agent ?? callingUser;
  if (actor !== caller.extensionNumber)
    throw new DomainError(
      DomainErrorCode.Forbidden,
      `user ${caller.extensionNumber} is not ${actor}: a call is placed as the agent or the calling user`,
    );
  if (actor !== callingUser && !caller.agent)
    throw new DomainError(
      DomainErrorCode.Forbidden,
      `user ${actor} has no agent permission: it may place calls only as itself`,
    );
}
