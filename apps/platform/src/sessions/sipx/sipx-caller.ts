import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import type { SipxCaller, SipxRequest } from './auth/sipx-caller';

export type { SipxCaller, SipxRequest };

/** The caller SipxDigestGuard authenticated. */
export function sipxCallerOf(req: SipxRequest): SipxCaller {
  if (req.sipxCaller) return req.sipxCaller;
  throw new DomainError(DomainErrorCode.AuthenticationRequired, 'authentication required');
}

export const CurrentSipxCaller = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  sipxCallerOf(context.switchToHttp().getRequest<SipxRequest>()),
);

/**
 * sipX's rule (the guard applies it first; this keeps the service safe on its own): the authenticated
 * user is the one placing the call, the agent when one is named, else the calling user; acting for
 * another user needs the agent permission.
 */
export function assertMayActFor(caller: SipxCaller, callingUser: string, agent: string | null): void {
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
