import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { sidPattern } from '../common/sid';
import { AccountEntity } from './account.entity';
import { AccountStatus } from './account-status';
import { AccountsService } from './accounts.service';
import { ApiKeysService } from './api-keys.service';

export interface Credential {
  /** The account the credentials belong to (for an API key, the key's account). */
  account: AccountEntity;
  kind: 'auth-token' | 'api-key';
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The account whose resources the request acts on: the path's AccountSid once authorised. */
    account?: AccountEntity;
    credential?: Credential;
  }
}

/**
 * HTTP Basic, `AccountSid:AuthToken` (primary or secondary) or `SK…:secret` (an API key).
 *
 * A suspended or closed account's own credentials get 401/20005, told only once the credentials are
 * valid so the status leaks to nobody else. The path's AccountSid must be the credentials' account
 * or one of its subaccounts (Twilio's rule: a main account acts on its subaccounts, and the request
 * then acts as the subaccount); anything else is 404, so no account learns whether another's
 * resources exist.
 */
@Injectable()
export class BasicAuthGuard implements CanActivate {
  constructor(
    private readonly accounts: AccountsService,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const credential = await this.authenticate(req.headers.authorization);
    if (!credential)
      throw new DomainError(
        DomainErrorCode.AuthenticationRequired,
        'Authentication required: invalid AccountSid or AuthToken',
      );
    const { account } = credential;
    if (account.status !== AccountStatus.Active)
      throw new DomainError(
        DomainErrorCode.AccountNotActive,
        `Account ${account.sid} is not active (${account.status})`,
      );
    req.credential = credential;
    req.account = await this.target(req.params.accountSid as string | undefined, account, req.path);
    return true;
  }

  /** The credential of an `Authorization: Basic` header (AuthToken or API key), or null. */
  async authenticate(header: string | undefined): Promise<Credential | null> {
    const login = parseBasic(header);
    if (!login) return null;
    if (login.user.startsWith('SK')) {
      const accountSid = await this.keys.authenticate(login.user, login.password);
      const account = accountSid && (await this.accounts.findBySid(accountSid));
      return account ? { account, kind: 'api-key' } : null;
    }
    const account = await this.accounts.authenticate(login.user, login.password);
    return account ? { account, kind: 'auth-token' } : null;
  }

  private async target(
    pathSid: string | undefined,
    account: AccountEntity,
    path: string,
  ): Promise<AccountEntity> {
    if (pathSid === undefined || pathSid === account.sid) return account;
    const other = sidPattern('AC').test(pathSid) ? await this.accounts.findBySid(pathSid) : null;
    if (other && other.parentSid === account.sid) return other;
    throw new DomainError(DomainErrorCode.NotFound, `The requested resource ${path} was not found`);
  }
}

/**
 * After BasicAuthGuard on the routes that manage credentials and accounts (Accounts, Keys,
 * AuthTokens): an API key cannot mint more keys, rotate tokens or create accounts, like Twilio's
 * standard keys.
 */
@Injectable()
export class AuthTokenCredentialGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (req.credential?.kind !== 'auth-token')
      throw new DomainError(
        DomainErrorCode.Forbidden,
        'API keys cannot manage accounts, keys or auth tokens; use the AccountSid and AuthToken',
      );
    return true;
  }
}

function parseBasic(header: string | undefined): { user: string; password: string } | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
