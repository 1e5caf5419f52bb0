import type { AccountLimitsService } from '../../accounts/account-limits.service';
import type { InboundRoute } from '../../call-control/inbound/inbound-router.port';
import { NotificationCode, NotificationLevel } from '../../common/notification-codes';
import type { AppConfig } from '../../config/app-config';
import type { IncomingChannel } from '../../telephony/telephony-gateway.port';
import { isLoop } from './hop-policy';

const SIP_LOOP_DETECTED = 482;
const SIP_SERVICE_UNAVAILABLE = 503;

export type InboundRefusal = Extract<InboundRoute, { kind: 'refuse' }>;

/**
 * Whether an inbound call its router accepted may be taken now: not while the platform drains, not
 * when it is looping (SIP 482), not past the account's concurrency limit (SIP 503). An admitted call
 * holds a slot from the check on, so two calls arriving together cannot both take the last one.
 */
export class InboundAdmission {
  private readonly reserved = new Map<string, number>();
  /** While a DRAIN_ON_STOP shutdown waits for live calls, new inbound calls are refused. */
  draining = false;

  constructor(
    private readonly limits: AccountLimitsService,
    private readonly config: AppConfig,
    /** Live calls of the account, reservations included. */
    private readonly activeCalls: (accountSid: string) => number,
  ) {}

  /** Null when admitted (a slot is then reserved until `release`), else how to refuse the call. */
  async admit(channel: IncomingChannel, accountSid: string): Promise<InboundRefusal | null> {
    const refuse = (sipCode: number, code: NotificationCode, message: string): InboundRefusal => ({
      kind: 'refuse',
      sipCode,
      hangupReason: 'congestion',
      notification: {
        accountSid,
        callSid: null,
        level: code === NotificationCode.LoopDetected ? NotificationLevel.Error : NotificationLevel.Warning,
        code,
        message,
      },
    });
    const call = `Inbound call from ${channel.from} to ${channel.to}`;
    if (this.draining)
      return refuse(
        SIP_SERVICE_UNAVAILABLE,
        NotificationCode.TelephonyFailure,
        `${call} refused with 503: the platform is shutting down`,
      );
    if (isLoop(channel.hops, this.config.maxCallHops))
      return refuse(
        SIP_LOOP_DETECTED,
        NotificationCode.LoopDetected,
        `${call} had gone through the platform ${channel.hops} times (MAX_CALL_HOPS ${this.config.maxCallHops}); refused with 482 Loop Detected`,
      );
    const { maxConcurrentCalls } = await this.limits.limitsFor(accountSid);
    if (this.activeCalls(accountSid) >= maxConcurrentCalls)
      return refuse(
        SIP_SERVICE_UNAVAILABLE,
        NotificationCode.ConcurrencyLimit,
        `${call} refused with 503: the account already has ${maxConcurrentCalls} live calls (max_concurrent_calls)`,
      );
    // Reserved in the same tick as the check; released once the call is tracked (or failed).
    this.count(accountSid, +1);
    return null;
  }

  release(accountSid: string): void {
    this.count(accountSid, -1);
  }

  reservedFor(accountSid: string): number {
    return this.reserved.get(accountSid) ?? 0;
  }

  private count(accountSid: string, delta: 1 | -1): void {
    const count = (this.reserved.get(accountSid) ?? 0) + delta;
    if (count > 0) this.reserved.set(accountSid, count);
    else this.reserved.delete(accountSid);
  }
}
