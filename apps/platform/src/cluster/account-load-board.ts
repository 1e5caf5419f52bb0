import type { AccountLoad } from './shared-account-load.port';

/** A node that stops telling (killed, cut off) no longer counts after this long: three heartbeats. */
export const LOAD_EXPIRY_MS = 6000;

interface Entry extends AccountLoad {
  seenAt: number;
}

/** One account's load on one node, as a node tells it: [accountSid, live, waiting]. */
export type LoadReport = [string, number, number];

/**
 * The other nodes' load per account, as they last told it. A node repeats its non-zero counts every
 * heartbeat; an entry it stops repeating expires, so a node killed with its counts never holds slots
 * for longer than LOAD_EXPIRY_MS (its live calls are adopted, and counted, by the node taking its server).
 */
export class AccountLoadBoard {
  private readonly byNode = new Map<string, Map<string, Entry>>();
  private readonly totals = new Map<string, AccountLoad>();

  constructor(private readonly expiryMs = LOAD_EXPIRY_MS) {}

  /** Records a node's reports; answers the accounts whose totals changed. */
  record(node: string, reports: LoadReport[], now: number): string[] {
    let entries = this.byNode.get(node);
    if (!entries) this.byNode.set(node, (entries = new Map()));
    const changed: string[] = [];
    for (const [accountSid, live, waiting] of reports) {
      const before = entries.get(accountSid);
      if (live <= 0 && waiting <= 0) entries.delete(accountSid);
      else entries.set(accountSid, { live, waiting, seenAt: now });
      if (before?.live !== live || before?.waiting !== waiting) {
        this.adjust(accountSid, live - (before?.live ?? 0), waiting - (before?.waiting ?? 0));
        changed.push(accountSid);
      }
    }
    return changed;
  }

  /** A node said goodbye: its counts go at once. */
  forget(node: string): string[] {
    const entries = this.byNode.get(node);
    this.byNode.delete(node);
    return entries ? this.drop([...entries].map(([accountSid, entry]) => ({ accountSid, entry }))) : [];
  }

  /** Drops the entries not repeated within the expiry; answers the accounts whose totals changed. */
  expire(now: number): string[] {
    const stale: Array<{ accountSid: string; entry: Entry }> = [];
    for (const [node, entries] of this.byNode) {
      for (const [accountSid, entry] of entries)
        if (now - entry.seenAt > this.expiryMs) {
          entries.delete(accountSid);
          stale.push({ accountSid, entry });
        }
      if (entries.size === 0) this.byNode.delete(node);
    }
    return this.drop(stale);
  }

  elsewhere(accountSid: string): AccountLoad {
    return this.totals.get(accountSid) ?? { live: 0, waiting: 0 };
  }

  private drop(gone: Array<{ accountSid: string; entry: Entry }>): string[] {
    for (const { accountSid, entry } of gone) this.adjust(accountSid, -entry.live, -entry.waiting);
    return [...new Set(gone.map((g) => g.accountSid))];
  }

  private adjust(accountSid: string, live: number, waiting: number): void {
    const total = this.totals.get(accountSid) ?? { live: 0, waiting: 0 };
    total.live += live;
    total.waiting += waiting;
    if (total.live <= 0 && total.waiting <= 0) this.totals.delete(accountSid);
    else this.totals.set(accountSid, total);
  }
}
