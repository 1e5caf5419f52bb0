import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import type { AccountEntity } from '../../accounts/account.entity';
import { AccountStatus } from '../../accounts/account-status';
import { AccountsService } from '../../accounts/accounts.service';
import { ApiKeyEntity } from '../../accounts/api-key.entity';
import { BasicAuthGuard } from '../../accounts/basic-auth.guard';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import { ConsoleSessionEntity } from '../console-session.entity';

/** A console session as a request sees it once its cookie was verified. */
export interface ActiveSession {
  record: ConsoleSessionEntity;
  /** The account whose credentials signed in. */
  user: AccountEntity;
  /** The account the console acts on (the user's, or one of its subaccounts). */
  account: AccountEntity;
}

export interface SignInCredentials {
  user: string;
  password: string;
}

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');
const unauthenticated = (message = 'Sign in to the console') =>
  new DomainError(DomainErrorCode.AuthenticationRequired, message);

/**
 * Console sign-ins: credentials are verified by the API's own BasicAuthGuard (AuthToken, secondary
 * token or API key, and the same account-status rule), then a random 256-bit id goes into the cookie
 * and only its SHA-256 into the table. Each request re-checks the accounts (a suspended account or a
 * deleted API key ends the session at once).
 */
@Injectable()
export class ConsoleSessionsService {
  constructor(
    @InjectRepository(ConsoleSessionEntity) private readonly sessions: Repository<ConsoleSessionEntity>,
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly basicAuth: BasicAuthGuard,
    private readonly accounts: AccountsService,
    private readonly config: AppConfig,
  ) {}

  get lifetimeMs(): number {
    return this.config.consoleSessionHours * 3600 * 1000;
  }

  /** Verifies the credentials; resolves with the cookie's id (to send once) and the session. */
  async signIn(login: SignInCredentials): Promise<{ id: string; session: ActiveSession }> {
    const header = 'Basic ' + Buffer.from(`${login.user}:${login.password}`, 'utf8').toString('base64');
    const credential = await this.basicAuth.authenticate(header);
    if (!credential) throw unauthenticated('Invalid credentials');
    const user = credential.account;
    this.assertActive(user);
    const id = randomBytes(32).toString('base64url');
    const record = this.sessions.create({
      idHash: hashOf(id),
      userSid: user.sid,
      accountSid: user.sid,
      credential: credential.kind,
      apiKeySid: credential.kind === 'api-key' ? login.user : null,
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: new Date(Date.now() + this.lifetimeMs),
    });
    await this.sessions.insert(record);
    await this.sessions.delete({ expiresAt: LessThan(new Date()) });
    return { id, session: { record, user, account: user } };
  }

  /** The live session of a cookie id, or null (unknown, expired, account no longer active, key gone). */
  async resume(id: string | undefined): Promise<ActiveSession | null> {
    if (!id || id.length > 128) return null;
    const record = await this.sessions.findOneBy({ idHash: hashOf(id) });
    if (!record || record.expiresAt.getTime() <= Date.now()) return null;
    if (record.apiKeySid && !(await this.keys.existsBy({ sid: record.apiKeySid }))) return null;
    const user = await this.accounts.findBySid(record.userSid);
    if (!user || user.status !== AccountStatus.Active) return null;
    const account = record.accountSid === user.sid ? user : await this.accounts.findBySid(record.accountSid);
    if (!account || account.status !== AccountStatus.Active || !this.mayActOn(user, account)) return null;
    return { record, user, account };
  }

  async signOut(session: ActiveSession): Promise<void> {
    await this.sessions.delete({ idHash: session.record.idHash });
  }

  /** Switches to one of the user's own subaccounts, or back to the user's account; 404 otherwise. */
  async switchAccount(session: ActiveSession, accountSid: string): Promise<ActiveSession> {
    const target = accountSid === session.user.sid ? session.user : await this.accounts.findBySid(accountSid);
    if (!target || !this.mayActOn(session.user, target))
      throw new DomainError(DomainErrorCode.NotFound, `Account ${accountSid} was not found`);
    this.assertActive(target);
    await this.sessions.update({ idHash: session.record.idHash }, { accountSid: target.sid });
    return { ...session, record: { ...session.record, accountSid: target.sid }, account: target };
  }

  /** The user's own subaccounts (a subaccount has none), main account first excluded. */
  async subaccounts(user: AccountEntity): Promise<AccountEntity[]> {
    if (user.parentSid !== null) return [];
    const { items } = await this.accounts.listFamily(user, 0, 1000);
    return items.filter((account) => account.sid !== user.sid);
  }

  private mayActOn(user: AccountEntity, account: AccountEntity): boolean {
    return account.sid === user.sid || account.parentSid === user.sid;
  }

  private assertActive(account: AccountEntity): void {
    if (account.status !== AccountStatus.Active)
      throw new DomainError(
        DomainErrorCode.AccountNotActive,
        `Account ${account.sid} is not active (${account.status})`,
      );
  }
}
