import type { CallLeg } from '../../call-control/legs/call-leg';
import type { SipxMethod } from './sipx-params';

/** What a GET reports of a call placed between two users, kept for its result cache time. */
export interface SipxCallRecord {
  accountSid: string;
  callingUser: string;
  calledUser: string;
  sipMethod: SipxMethod;
  /** The call-out's (its conversation's) id in INVITE mode. */
  callOutId: string | null;
  /** Every leg placed for the call, in the order they were placed. */
  legs: CallLeg[];
  /** REFER mode: the REFER went out to the calling user (its outcome is not visible to the platform). */
  referSentTo: string | null;
  expiry: NodeJS.Timeout | null;
}

const keyOf = (accountSid: string, callingUser: string, calledUser: string) =>
  `${accountSid}\u0000${callingUser}\u0000${calledUser}`;

/** The call last placed between two users of an account; a newer call between them replaces it. */
export class SipxCallRecords {
  private readonly records = new Map<string, SipxCallRecord>();

  put(record: SipxCallRecord, keepSeconds: number): void {
    const key = keyOf(record.accountSid, record.callingUser, record.calledUser);
    const previous = this.records.get(key);
    if (previous?.expiry) clearTimeout(previous.expiry);
    record.expiry = setTimeout(() => {
      if (this.records.get(key) === record) this.records.delete(key);
    }, keepSeconds * 1000);
    record.expiry.unref();
    this.records.set(key, record);
  }

  get(accountSid: string, callingUser: string, calledUser: string): SipxCallRecord | undefined {
    return this.records.get(keyOf(accountSid, callingUser, calledUser));
  }

  /** Whether a call between the two users is kept here for any account (another node asks; see cluster/). */
  hasPair(callingUser: string, calledUser: string): boolean {
    for (const record of this.records.values())
      if (record.callingUser === callingUser && record.calledUser === calledUser) return true;
    return false;
  }

  clear(): void {
    for (const record of this.records.values()) if (record.expiry) clearTimeout(record.expiry);
    this.records.clear();
  }
}

/** The status lines of every leg, leg after leg (a leg's callee is placed once its caller answered). */
export function statusLinesOf(record: SipxCallRecord): string[] {
  return record.legs.flatMap((leg) => [...leg.sipStatusLines]);
}
