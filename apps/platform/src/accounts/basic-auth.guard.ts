import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { AccountEntity } from './account.entity';
import { AccountsService } from './accounts.service';

declare module 'express-serve-static-core' {
  interface Request {
    account?: AccountEntity;
  }
}

/**
 * HTTP Basic `AccountSid:AuthToken`. A valid login addressing another account's path gets 404,
 * so one account cannot learn whether another's resources exist.
 */
@Injectable()
export class BasicAuthGuard implements CanActivate {
  constructor(private readonly accounts: AccountsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const credentials = parseBasic(req.headers.authorization);
    const account = credentials && (await this.accounts.authenticate(credentials.user, credentials.password));
    if (!account)
      throw new DomainError(
        DomainErrorCode.AuthenticationRequired,
        'Authentication required: invalid AccountSid or AuthToken',
      );
    if (req.params.accountSid !== undefined && req.params.accountSid !== account.sid) {
      throw new DomainError(DomainErrorCode.NotFound, `The requested resource ${req.path} was not found`);
    }
    req.account = account;
    return true;
  }
}

function parseBasic(header: string | undefined): { user: string; password: string } | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
