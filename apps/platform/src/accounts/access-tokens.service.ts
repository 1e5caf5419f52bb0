import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { LessThan, Repository } from 'typeorm';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { AccessTokenEntity } from './access-token.entity';
import { AccountStatus } from './account-status';
import { AccountsService } from './accounts.service';

/** What a grant answers, in OAuth's names (PortSIP's `/api/login/oauth/token`). */
export interface TokenGrant {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  token_type: 'Bearer';
  /** Whose grant it is (not part of PortSIP's answer: the facades pick their fields). */
  account_sid: string;
  extension_number: string | null;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

/** Whom a live access token acts for: an account, or one extension of it (an agent). */
export interface TokenHolder {
  accountSid: string;
  extensionNumber: string | null;
}

const refused = () =>
  new DomainError(DomainErrorCode.AuthenticationRequired, 'The access token is missing, unknown or expired');

/**
 * Bearer tokens of the PBX APIs: granted for an account's credentials (AccountSid and AuthToken),
 * renewed with the refresh token (which is then spent), revoked on request. Only hashes are stored, so
 * a copy of the database grants nothing; every node shares them.
 */
@Injectable()
export class AccessTokensService {
  constructor(
    @InjectRepository(AccessTokenEntity) private readonly tokens: Repository<AccessTokenEntity>,
    private readonly accounts: AccountsService,
    private readonly config: AppConfig,
  ) {}

  async grantForPassword(username: string, password: string): Promise<TokenGrant> {
    const account = await this.accounts.authenticate(username, password);
    if (!account)
      throw new DomainError(DomainErrorCode.AuthenticationRequired, 'The username or password is wrong');
    if (account.status !== AccountStatus.Active)
      throw new DomainError(DomainErrorCode.AccountNotActive, `Account ${account.sid} is ${account.status}`);
    return this.grant({ accountSid: account.sid, extensionNumber: null });
  }

  /**
   * A grant for an active account, or for one extension of it (`extensionNumber`), whose credentials
   * the caller (a PBX facade) has checked: extensions are the facades' knowledge, not this service's.
   */
  async grantFor(accountSid: string, extensionNumber: string | null): Promise<TokenGrant> {
    const account = await this.accounts.findBySid(accountSid);
    if (!account || account.status !== AccountStatus.Active)
      throw new DomainError(DomainErrorCode.AccountNotActive, `Account ${accountSid} is not active`);
    return this.grant({ accountSid, extensionNumber });
  }

  /** A new grant for the refresh token's account; the old grant (both tokens) ends. */
  async refresh(refreshToken: string): Promise<TokenGrant> {
    const grant = await this.tokens.findOneBy({ refreshHash: hash(refreshToken) });
    if (!grant || grant.refreshExpiresAt <= new Date())
      throw new DomainError(
        DomainErrorCode.AuthenticationRequired,
        'The refresh token is unknown or expired',
      );
    await this.tokens.delete({ accessHash: grant.accessHash });
    return this.grant({ accountSid: grant.accountSid, extensionNumber: grant.extensionNumber });
  }

  /** Whom a live access token belongs to. */
  async verify(accessToken: string): Promise<TokenHolder> {
    const grant = await this.tokens.findOneBy({ accessHash: hash(accessToken) });
    if (!grant || grant.accessExpiresAt <= new Date()) throw refused();
    const account = await this.accounts.findBySid(grant.accountSid);
    if (!account || account.status !== AccountStatus.Active) throw refused();
    return { accountSid: account.sid, extensionNumber: grant.extensionNumber };
  }

  async revoke(accessToken: string): Promise<void> {
    await this.tokens.delete({ accessHash: hash(accessToken) });
  }

  private async grant({ accountSid, extensionNumber }: TokenHolder): Promise<TokenGrant> {
    const now = Date.now();
    const access = newToken();
    const refresh = newToken();
    // Grants whose refresh token has expired are of no use to anyone: they go as new ones come.
    await this.tokens.delete({ refreshExpiresAt: LessThan(new Date(now)) });
    await this.tokens.insert({
      accessHash: hash(access),
      refreshHash: hash(refresh),
      accountSid,
      extensionNumber,
      accessExpiresAt: new Date(now + this.config.accessTokenTtlSeconds * 1000),
      refreshExpiresAt: new Date(now + this.config.refreshTokenTtlSeconds * 1000),
    });
    return {
      access_token: access,
      expires_in: this.config.accessTokenTtlSeconds,
      refresh_token: refresh,
      token_type: 'Bearer',
      account_sid: accountSid,
      extension_number: extensionNumber,
    };
  }
}
