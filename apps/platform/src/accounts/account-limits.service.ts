import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { AccountEntity } from './account.entity';

/** How much telephony an account may use at once. */
export interface AccountLimits {
  /** Outbound API calls dialed per second. */
  cps: number;
  /** Live calls at once (inbound, outbound and Dial legs). */
  maxConcurrentCalls: number;
  /** Outbound API calls waiting to be dialed. */
  maxQueuedCalls: number;
}

export const DEFAULT_ACCOUNT_LIMITS: Readonly<AccountLimits> = {
  cps: 10,
  maxConcurrentCalls: 200,
  maxQueuedCalls: 1000,
};

const BOUNDS: Record<keyof AccountLimits, { min: number; max: number; name: string }> = {
  cps: { min: 1, max: 1000, name: 'Cps' },
  maxConcurrentCalls: { min: 1, max: 100_000, name: 'MaxConcurrentCalls' },
  maxQueuedCalls: { min: 0, max: 100_000, name: 'MaxQueuedCalls' },
};

/** `elsewhere`: another node on the same database changed them (this node re-read them). */
type LimitsListener = (accountSid: string, limits: AccountLimits, origin: 'here' | 'elsewhere') => void;

/**
 * Per-account limits, read from the account's columns. Call placement asks on every call, so the
 * values are cached per account; `setLimits` updates the cache and tells the dispatcher, so a change
 * applies to the next call placed or dialed from the queue (live calls are never cut off).
 */
@Injectable()
export class AccountLimitsService {
  private readonly cache = new Map<string, AccountLimits>();
  private readonly listeners: LimitsListener[] = [];

  constructor(@InjectRepository(AccountEntity) private readonly accounts: Repository<AccountEntity>) {}

  async limitsFor(accountSid: string): Promise<AccountLimits> {
    const cached = this.cache.get(accountSid);
    if (cached) return cached;
    const account = await this.accounts.findOneBy({ sid: accountSid });
    const limits = account ? pickLimits(account) : { ...DEFAULT_ACCOUNT_LIMITS };
    if (account) this.cache.set(accountSid, limits);
    return limits;
  }

  /** Validates and stores a partial change; 400/21000 names the parameter when a value is out of range. */
  async setLimits(accountSid: string, change: Partial<AccountLimits>): Promise<AccountLimits> {
    for (const key of Object.keys(change) as Array<keyof AccountLimits>) {
      const bound = BOUNDS[key];
      const value = change[key];
      if (!bound) throw new DomainError(DomainErrorCode.InvalidParameter, `Unknown limit ${String(key)}`);
      if (!Number.isInteger(value) || value! < bound.min || value! > bound.max) {
        throw new DomainError(
          DomainErrorCode.InvalidParameter,
          `${bound.name} must be an integer from ${bound.min} to ${bound.max}`,
        );
      }
    }
    const account = await this.accounts.findOneBy({ sid: accountSid });
    if (!account)
      throw new DomainError(
        DomainErrorCode.NotFound,
        `The requested resource Account ${accountSid} was not found`,
      );
    const limits = { ...pickLimits(account), ...change };
    await this.accounts.update({ sid: accountSid }, limits);
    this.cache.set(accountSid, limits);
    for (const listener of this.listeners) listener(accountSid, limits, 'here');
    return limits;
  }

  /** Another node changed the account's limits: read them again and apply them here too. */
  async reload(accountSid: string): Promise<void> {
    this.cache.delete(accountSid);
    const limits = await this.limitsFor(accountSid);
    for (const listener of this.listeners) listener(accountSid, limits, 'elsewhere');
  }

  onChange(listener: LimitsListener): void {
    this.listeners.push(listener);
  }
}

function pickLimits(account: AccountEntity): AccountLimits {
  return {
    cps: account.cps ?? DEFAULT_ACCOUNT_LIMITS.cps,
    maxConcurrentCalls: account.maxConcurrentCalls ?? DEFAULT_ACCOUNT_LIMITS.maxConcurrentCalls,
    maxQueuedCalls: account.maxQueuedCalls ?? DEFAULT_ACCOUNT_LIMITS.maxQueuedCalls,
  };
}
