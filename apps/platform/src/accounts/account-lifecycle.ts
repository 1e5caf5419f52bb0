import { Injectable, Logger } from '@nestjs/common';
import type { AccountStatus } from './account-status';

export interface AccountStatusChange {
  accountSid: string;
  from: string;
  to: AccountStatus;
}

export interface SipDomainChange {
  accountSid: string;
  from: string;
  to: string;
}

export type SipDomainListener = (change: SipDomainChange) => Promise<void> | void;

export type AccountStatusListener = (change: AccountStatusChange) => Promise<void> | void;

/**
 * Tells other modules that an account's status changed, so a resource module (accounts/) need not
 * know the facades that react: the calls module, for one, hangs up a closed account's live calls.
 */
@Injectable()
export class AccountLifecycle {
  private readonly logger = new Logger(AccountLifecycle.name);
  private readonly listeners: AccountStatusListener[] = [];
  private readonly domainListeners: SipDomainListener[] = [];

  onStatusChanged(listener: AccountStatusListener): void {
    this.listeners.push(listener);
  }

  /** Waits for every listener; one failing listener does not keep the others from running. */
  async statusChanged(change: AccountStatusChange): Promise<void> {
    const results = await Promise.allSettled(this.listeners.map(async (listener) => listener(change)));
    for (const result of results)
      if (result.status === 'rejected')
        this.logger.error(`A status listener failed for ${change.accountSid}: ${result.reason}`);
  }

  /** The extensions module re-provisions phones under the new domain. */
  onSipDomainChanged(listener: SipDomainListener): void {
    this.domainListeners.push(listener);
  }

  async sipDomainChanged(change: SipDomainChange): Promise<void> {
    const results = await Promise.allSettled(this.domainListeners.map(async (listener) => listener(change)));
    for (const result of results)
      if (result.status === 'rejected')
        this.logger.error(`A SIP domain listener failed for ${change.accountSid}: ${result.reason}`);
  }
}
