import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { insertionOrder, type Page } from '../common/paging';
import { newSid, sidPattern } from '../common/sid';
import { AppConfig } from '../config/app-config';
import { AccountEntity } from './account.entity';
import { AccountLifecycle } from './account-lifecycle';
import { AccountStatus, assertStatusChange } from './account-status';
import { AccountLimits, AccountLimitsService } from './account-limits.service';
import { accountSipDomain, DEFAULT_SIP_DOMAIN_SUFFIX, defaultSipDomain } from './sip-domain';
import { isUniqueViolation } from '../common/unique-violation';

export interface AccountFilter {
  friendlyName?: string;
  status?: string;
}

export interface AccountChanges {
  friendlyName?: string;
  status?: AccountStatus;
  limits?: Partial<AccountLimits>;
  /** '' returns to the default domain. */
  sipDomain?: string;
  enforceMediaAuth?: boolean;
}

const newAuthToken = () => randomBytes(16).toString('hex');

@Injectable()
export class AccountsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AccountsService.name);

  constructor(
    @InjectRepository(AccountEntity) private readonly accounts: Repository<AccountEntity>,
    private readonly config: AppConfig,
    private readonly lifecycle: AccountLifecycle,
    private readonly limits: AccountLimitsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureBootstrapAccount();
  }

  /**
   * The configured account is created or has its token brought in line with the configuration;
   * with nothing configured, the first start creates one and prints its credentials once.
   * The bootstrap account is a main account (no parent).
   */
  async ensureBootstrapAccount(): Promise<AccountEntity> {
    const { bootstrapAccountSid, bootstrapAuthToken } = this.config;
    if (bootstrapAccountSid) {
      const existing = await this.accounts.findOneBy({ sid: bootstrapAccountSid });
      const authToken = bootstrapAuthToken ?? existing?.authToken ?? newAuthToken();
      if (existing && existing.authToken === authToken) return existing;
      const saved = await this.accounts.save({
        ...existing,
        sid: bootstrapAccountSid,
        parentSid: null,
        friendlyName: 'Bootstrap account',
        authToken,
      });
      if (!bootstrapAuthToken) this.announce(saved);
      return saved;
    }
    const first = await this.accounts.findOne({
      where: { parentSid: IsNull() },
      order: { dateCreated: 'ASC' },
    });
    if (first) return first;
    const created = await this.accounts.save({
      sid: newSid('AC'),
      parentSid: null,
      friendlyName: 'Bootstrap account',
      authToken: newAuthToken(),
    });
    this.announce(created);
    return created;
  }

  /** The account whose primary or (while one exists) secondary token this is; status is the caller's check. */
  async authenticate(accountSid: string, authToken: string): Promise<AccountEntity | null> {
    if (!sidPattern('AC').test(accountSid)) return null;
    const account = await this.accounts.findOneBy({ sid: accountSid });
    if (!account) return null;
    const primary = sameToken(authToken, account.authToken);
    const secondary = !!account.secondaryAuthToken && sameToken(authToken, account.secondaryAuthToken);
    return primary || secondary ? account : null;
  }

  /** A main account of its own (operators and tests); the API creates subaccounts. */
  async create(friendlyName: string): Promise<AccountEntity> {
    return this.accounts.save({
      sid: newSid('AC'),
      parentSid: null,
      friendlyName,
      authToken: newAuthToken(),
      status: AccountStatus.Active,
    });
  }

  async createSubaccount(main: AccountEntity, friendlyName: string | undefined): Promise<AccountEntity> {
    const sid = newSid('AC');
    return this.accounts.save({
      sid,
      parentSid: main.sid,
      // Twilio's default name for a subaccount without one.
      friendlyName: friendlyName || `SubAccount Created at ${new Date().toUTCString()}`,
      authToken: newAuthToken(),
      status: AccountStatus.Active,
      dateCreated: new Date(),
    });
  }

  async findBySid(sid: string): Promise<AccountEntity | null> {
    return this.accounts.findOneBy({ sid });
  }

  /** The main account itself and its subaccounts, newest first after the main account. */
  async listFamily(
    main: AccountEntity,
    page: number,
    pageSize: number,
    filter: AccountFilter = {},
  ): Promise<Page<AccountEntity>> {
    const query = this.accounts
      .createQueryBuilder('account')
      .where('(account.sid = :sid OR account.parentSid = :sid)', { sid: main.sid });
    if (filter.friendlyName !== undefined)
      query.andWhere('account.friendlyName = :friendlyName', { friendlyName: filter.friendlyName });
    if (filter.status !== undefined) query.andWhere('account.status = :status', { status: filter.status });
    const [items, total] = await query
      .orderBy('CASE WHEN account.parentSid IS NULL THEN 0 ELSE 1 END', 'ASC')
      .addOrderBy('account.dateCreated', 'DESC')
      .addOrderBy(insertionOrder(this.accounts, 'account'), 'DESC')
      .offset(page * pageSize)
      .limit(pageSize)
      .getManyAndCount();
    return { items, total };
  }

  /** FriendlyName and Status; listeners hear of a status change after it is stored. */
  async update(account: AccountEntity, changes: AccountChanges): Promise<AccountEntity> {
    const from = account.status;
    if (account.status === AccountStatus.Closed || changes.status !== undefined)
      assertStatusChange(account, changes.status ?? (account.status as AccountStatus));
    if (changes.limits && Object.keys(changes.limits).length > 0) {
      // Through the limits service, so the dispatcher applies them to queued calls at once.
      Object.assign(account, await this.limits.setLimits(account.sid, changes.limits));
    }
    if (changes.friendlyName !== undefined) account.friendlyName = changes.friendlyName;
    if (changes.status !== undefined) account.status = changes.status;
    if (changes.enforceMediaAuth !== undefined) account.enforceMediaAuth = changes.enforceMediaAuth;
    const domainBefore = accountSipDomain(account);
    if (changes.sipDomain !== undefined) account.sipDomain = this.chosenSipDomain(account, changes.sipDomain);
    account.dateUpdated = new Date();
    const saved = await this.saveWithDomain(account);
    if (changes.status !== undefined && changes.status !== from)
      await this.lifecycle.statusChanged({ accountSid: saved.sid, from, to: changes.status });
    if (accountSipDomain(saved) !== domainBefore)
      await this.lifecycle.sipDomainChanged({
        accountSid: saved.sid,
        from: domainBefore,
        to: accountSipDomain(saved),
      });
    return saved;
  }

  /** The account whose phones register in `domain`, if any. */
  async findBySipDomain(domain: string): Promise<AccountEntity | null> {
    const lower = domain.toLowerCase();
    if (lower.endsWith(DEFAULT_SIP_DOMAIN_SUFFIX)) {
      const sid = lower.slice(0, -DEFAULT_SIP_DOMAIN_SUFFIX.length).replace(/^ac/, 'AC');
      if (!sidPattern('AC').test(sid)) return null;
      return this.accounts.findOneBy({ sid, sipDomain: IsNull() });
    }
    return this.accounts.findOneBy({ sipDomain: lower });
  }

  /** null stands for the default; a default-looking domain is only the account's own. */
  private chosenSipDomain(account: AccountEntity, requested: string): string | null {
    if (requested === '' || requested === defaultSipDomain(account.sid)) return null;
    if (requested.endsWith(DEFAULT_SIP_DOMAIN_SUFFIX)) throw sipDomainTaken(requested);
    return requested;
  }

  private async saveWithDomain(account: AccountEntity): Promise<AccountEntity> {
    try {
      return await this.accounts.save(account);
    } catch (error) {
      if (isUniqueViolation(error) && account.sipDomain) throw sipDomainTaken(account.sipDomain);
      throw error;
    }
  }

  /** Twilio's rotation: one secondary token at a time; creating again replaces it. */
  async createSecondaryToken(account: AccountEntity): Promise<AccountEntity> {
    account.secondaryAuthToken = newAuthToken();
    account.secondaryAuthTokenCreated = new Date();
    return this.accounts.save(account);
  }

  async deleteSecondaryToken(account: AccountEntity): Promise<void> {
    this.requireSecondary(account);
    account.secondaryAuthToken = null;
    account.secondaryAuthTokenCreated = null;
    await this.accounts.save(account);
  }

  /** The secondary becomes the primary (and the signing key); the old primary stops working at once. */
  async promoteSecondaryToken(account: AccountEntity): Promise<AccountEntity> {
    this.requireSecondary(account);
    account.authToken = account.secondaryAuthToken!;
    account.secondaryAuthToken = null;
    account.secondaryAuthTokenCreated = null;
    account.dateUpdated = new Date();
    return this.accounts.save(account);
  }

  private requireSecondary(account: AccountEntity): void {
    if (!account.secondaryAuthToken)
      throw new DomainError(
        DomainErrorCode.NotFound,
        `The requested resource SecondaryAuthToken of ${account.sid} was not found`,
      );
  }

  private announce(account: AccountEntity): void {
    this.logger.log(`Bootstrap account created. AccountSid=${account.sid} AuthToken=${account.authToken}`);
  }
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sipDomainTaken(domain: string): DomainError {
  // The same answer whoever holds it: no way to learn which domain belongs to which tenant.
  return new DomainError(DomainErrorCode.InvalidParameter, `The SipDomain ${domain} is not available`);
}
