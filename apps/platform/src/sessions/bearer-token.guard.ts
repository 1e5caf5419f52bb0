import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AccessTokensService, TokenHolder } from '../accounts/access-tokens.service';
import { DomainError, DomainErrorCode } from '../common/domain-error';

/** Whom a PortSIP-style request acts for (an account, or one extension of it), set by the guard. */
export interface BearerRequest extends Request {
  bearer?: TokenHolder;
}

/** `Authorization: Bearer <access_token>` (PortSIP's or RingCentral's OAuth endpoint); 401 otherwise. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokensService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<BearerRequest>();
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{16,512})$/.exec(req.headers.authorization ?? '');
    if (!match)
      throw new DomainError(
        DomainErrorCode.AuthenticationRequired,
        'An Authorization: Bearer token is required',
      );
    req.bearer = await this.tokens.verify(match[1]);
    return true;
  }
}
