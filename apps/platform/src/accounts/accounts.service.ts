import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Repository } from 'typeorm';
import { newSid } from '../common/sid';
import { AppConfig } from '../config/app-config';
import { AccountEntity } from './account.entity';

@Injectable()
export class AccountsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AccountsService.name);

  constructor(
    @InjectRepository(AccountEntity) private readonly accounts: Repository<AccountEntity>,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureBootstrapAccount();
  }

  /**
   * The configured account is created or has its token brought in line with the configuration;
   * with nothing configured, the first start creates one and prints its credentials once.
   */
  async ensureBootstrapAccount(): Promise<AccountEntity> {
    const { bootstrapAccountSid, bootstrapAuthToken } = this.config;
    if (bootstrapAccountSid) {
      const existing = await this.accounts.findOneBy({ sid: bootstrapAccountSid });
      const authToken = bootstrapAuthToken ?? existing?.authToken ?? randomBytes(16).toString('hex');
      if (existing && existing.authToken === authToken) return existing;
      const saved = await this.accounts.save({
        ...existing,
        sid: bootstrapAccountSid,
        friendlyName: 'Bootstrap account',
        authToken,
      });
      if (!bootstrapAuthToken) this.announce(saved);
      return saved;
    }
    const first = await this.accounts.findOne({ where: {}, order: { dateCreated: 'ASC' } });
    if (first) return first;
    const created = await this.accounts.save({
      sid: newSid('AC'),
      friendlyName: 'Bootstrap account',
      authToken: randomBytes(16).toString('hex'),
    });
    this.announce(created);
    return created;
  }

  async authenticate(accountSid: string, authToken: string): Promise<AccountEntity | null> {
    const account = await this.accounts.findOneBy({ sid: accountSid });
    if (!account || account.status !== 'active') return null;
    const given = Buffer.from(authToken);
    const expected = Buffer.from(account.authToken);
    return given.length === expected.length && timingSafeEqual(given, expected) ? account : null;
  }

  async create(friendlyName: string): Promise<AccountEntity> {
    return this.accounts.save({
      sid: newSid('AC'),
      friendlyName,
      authToken: randomBytes(16).toString('hex'),
    });
  }

  async findBySid(sid: string): Promise<AccountEntity | null> {
    return this.accounts.findOneBy({ sid });
  }

  private announce(account: AccountEntity): void {
    this.logger.log(`Bootstrap account created. AccountSid=${account.sid} AuthToken=${account.authToken}`);
  }
}
