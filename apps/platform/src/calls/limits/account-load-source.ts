import type { AccountLimitsService } from '../../accounts/account-limits.service';
import type { AccountLoadSource } from '../../cluster/shared-account-load.port';
import type { OutboundCalls } from '../outbound-calls';

/** What the other nodes read of this node's load, and how their changes reach its queue and limits. */
export function accountLoadSource(
  /** This node's live calls per account, as LiveCallsService counts them (admissions under way included). */
  live: { activeCalls(accountSid: string): number },
  /** The accounts with live calls here (their counts are not read). */
  liveAccounts: ReadonlyMap<string, unknown>,
  outbound: OutboundCalls,
  limits: AccountLimitsService,
): AccountLoadSource {
  return {
    loadOf: (accountSid) => ({
      live: live.activeCalls(accountSid),
      waiting: outbound.waitingToTell(accountSid),
    }),
    busyAccounts: () => new Set([...liveAccounts.keys(), ...outbound.waitingByAccount().map(([sid]) => sid)]),
    changedElsewhere: (accountSid) => outbound.wake(accountSid),
    limitsChangedElsewhere: (accountSid) => void limits.reload(accountSid).catch(() => undefined),
  };
}
