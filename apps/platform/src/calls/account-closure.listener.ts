import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AccountLifecycle, type AccountStatusChange } from '../accounts/account-lifecycle';
import { AccountStatus } from '../accounts/account-status';
import { LiveCallsService } from './live-calls.service';

/** Closing an account hangs up its live calls (suspension only stops new ones). */
@Injectable()
export class AccountClosureListener implements OnModuleInit {
  private readonly logger = new Logger(AccountClosureListener.name);

  constructor(
    private readonly lifecycle: AccountLifecycle,
    private readonly control: LiveCallsService,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onStatusChanged((change) => this.endCallsOfClosed(change));
  }

  async endCallsOfClosed(change: AccountStatusChange): Promise<void> {
    if (change.to !== AccountStatus.Closed) return;
    const sessions = this.control.liveSessionsOf(change.accountSid);
    if (sessions.length > 0)
      this.logger.log(`Hanging up ${sessions.length} call(s) of closed ${change.accountSid}`);
    await Promise.all(sessions.map((session) => session.modification.apply({ status: 'completed' })));
  }
}
