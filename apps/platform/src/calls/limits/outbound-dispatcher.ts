import type { AccountLimits } from '../../accounts/account-limits.service';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { admitToQueue, planDispatch, slotIntervalMs } from './dispatch-schedule';
import { NO_LOAD, type AccountLoadShare } from '../../cluster/shared-account-load.port';

export interface QueuedCall {
  sid: string;
  accountSid: string;
}

export interface DispatcherDeps<T extends QueuedCall> {
  limitsFor(accountSid: string): Promise<AccountLimits>;
  /** Live calls of the account right now; `dial` must count the call it starts before returning. */
  activeCalls(accountSid: string): number;
  dial(call: T): void;
  /** The count `waitingToTell` gives for the account changed without a call joining or leaving. */
  waitingChanged?(accountSid: string): void;
  /** The other nodes' calls and the shared pace, with several nodes on one PostgreSQL. */
  share?: AccountLoadShare | null;
  now?: () => number;
  /** Told when something went wrong that the dispatcher recovered from. */
  warn?: (message: string) => void;
}

/** A place in an account's queue, taken before the call's record is stored so the 429 comes first. */
export interface QueueReservation<T extends QueuedCall> {
  /** Queues the call (it may be dialed before this returns). False when the dispatcher has shut down. */
  submit(call: T): boolean;
  /** Gives the place back when the call could not be stored. */
  release(): void;
}

interface AccountQueue<T> {
  limits: AccountLimits;
  waiting: T[];
  reserved: number;
  nextSlotAt: number;
  timer: NodeJS.Timeout | null;
  /** With a share: the call that has claimed the next shared slot and waits for it (still `queued`). */
  claim: Claim<T> | null;
}

interface Claim<T> {
  call: T;
  timer: NodeJS.Timeout | null;
  /** The slot it got is still to come; until the database answers, it may well be dialed at once. */
  waitsForSlot: boolean;
}

/**
 * Holds outbound API calls in `queued` and dials them at each account's pace (see
 * dispatch-schedule.ts). The queue lives in this node's memory, and calls that are still waiting when
 * the platform stops are handed back by `shutdown()` to be ended. With several nodes (a share), the
 * limits count the other nodes' live and waiting calls too, and each call is dialed in a slot taken
 * from the account's shared pace, one claim at a time per account.
 */
export class OutboundDispatcher<T extends QueuedCall> {
  private readonly queues = new Map<string, AccountQueue<T>>();
  /** Waiting call sid → its account, so API requests on one call find it without a scan. */
  private readonly accountOf = new Map<string, string>();
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly deps: DispatcherDeps<T>) {
    this.now = deps.now ?? Date.now;
  }

  async reserve(accountSid: string): Promise<QueueReservation<T>> {
    const limits = await this.deps.limitsFor(accountSid);
    if (this.closed)
      throw new DomainError(DomainErrorCode.TelephonyUnavailable, 'The platform is shutting down');
    const queue = this.queueOf(accountSid, limits);
    queue.limits = limits;
    const elsewhere = this.elsewhere(accountSid);
    const admitted = admitToQueue({
      now: this.now(),
      nextSlotAt: queue.nextSlotAt,
      waiting: this.waitingIn(queue) + queue.reserved + elsewhere.waiting,
      active: this.deps.activeCalls(accountSid) + elsewhere.live,
      limits,
    });
    if (!admitted) {
      throw new DomainError(
        DomainErrorCode.TooManyQueuedCalls,
        `Too many calls waiting to be dialed: the account allows ${limits.maxQueuedCalls} queued calls`,
      );
    }
    queue.reserved++;
    let used = false;
    const take = () => {
      if (used) return false;
      used = true;
      queue.reserved--;
      return true;
    };
    return {
      submit: (call) => {
        if (!take() || this.closed) return false;
        queue.waiting.push(call);
        this.accountOf.set(call.sid, accountSid);
        this.drain(accountSid);
        return true;
      },
      release: () => void take(),
    };
  }

  /** How many calls wait per account (accounts with none left out). */
  waitingByAccount(): Array<[string, number]> {
    const counts: Array<[string, number]> = [];
    for (const [accountSid, queue] of this.queues) {
      const waiting = this.waitingIn(queue);
      if (waiting) counts.push([accountSid, waiting]);
    }
    return counts;
  }

  waitingOf(accountSid: string): number {
    const queue = this.queues.get(accountSid);
    return queue ? this.waitingIn(queue) : 0;
  }

  /**
   * What the other nodes are told waits here: a call whose claim the database has not answered yet is
   * left out, because a call that would be dialed at once never counts against `maxQueuedCalls` and
   * the claim's round trip must not make another node refuse a call one node alone would admit.
   */
  waitingToTell(accountSid: string): number {
    const queue = this.queues.get(accountSid);
    if (!queue) return 0;
    return queue.waiting.length + (queue.claim?.waitsForSlot ? 1 : 0);
  }

  isWaiting(callSid: string): boolean {
    return this.find(callSid) !== undefined;
  }

  waitingCall(callSid: string): T | undefined {
    return this.find(callSid)?.call;
  }

  /** Takes a waiting call out of its queue (canceled before it was dialed); undefined if it is not waiting. */
  withdraw(callSid: string): T | undefined {
    const found = this.find(callSid);
    if (!found) return undefined;
    const { queue, call } = found;
    if (queue.claim?.call === call) {
      if (queue.claim.timer) clearTimeout(queue.claim.timer);
      queue.claim = null;
    } else queue.waiting.splice(queue.waiting.indexOf(call), 1);
    this.accountOf.delete(callSid);
    return call;
  }

  /** A call of the account ended: a waiting call may take its place. */
  wake(accountSid: string): void {
    this.drain(accountSid);
  }

  limitsChanged(accountSid: string, limits: AccountLimits): void {
    const queue = this.queues.get(accountSid);
    if (!queue) return;
    queue.limits = limits;
    this.drain(accountSid);
  }

  /** Stops dialing and hands back every call that was still waiting. */
  shutdown(): T[] {
    this.closed = true;
    const waiting: T[] = [];
    for (const queue of this.queues.values()) {
      if (queue.timer) clearTimeout(queue.timer);
      queue.timer = null;
      if (queue.claim) {
        if (queue.claim.timer) clearTimeout(queue.claim.timer);
        waiting.push(queue.claim.call);
        queue.claim = null;
      }
      waiting.push(...queue.waiting.splice(0));
    }
    this.accountOf.clear();
    return waiting;
  }

  private drain(accountSid: string): void {
    const queue = this.queues.get(accountSid);
    if (!queue || this.closed) return;
    if (this.deps.share) return this.drainShared(accountSid, queue, this.deps.share);
    if (queue.timer) clearTimeout(queue.timer);
    queue.timer = null;
    const now = this.now();
    const plan = planDispatch({
      now,
      nextSlotAt: queue.nextSlotAt,
      waiting: queue.waiting.length,
      active: this.deps.activeCalls(accountSid),
      limits: queue.limits,
    });
    queue.nextSlotAt = plan.nextSlotAt;
    for (let i = 0; i < plan.dial; i++) {
      const call = queue.waiting.shift()!;
      this.accountOf.delete(call.sid);
      this.deps.dial(call);
    }
    if (plan.wakeAt !== null) {
      queue.timer = setTimeout(() => this.drain(accountSid), Math.max(0, plan.wakeAt - now));
      queue.timer.unref();
    }
  }

  /**
   * The oldest waiting call claims the account's next shared slot and is dialed when it comes, if
   * there is still room then (else it goes back to the head of the queue, and a call ending here or
   * elsewhere wakes the queue). No claim with the database down: the call is dialed at once.
   */
  private drainShared(accountSid: string, queue: AccountQueue<T>, share: AccountLoadShare): void {
    if (queue.claim || queue.waiting.length === 0 || !this.hasRoom(accountSid, queue)) return;
    const claim: Claim<T> = { call: queue.waiting.shift()!, timer: null, waitsForSlot: false };
    queue.claim = claim;
    const dialWhenDue = (waitMs: number) => {
      if (queue.claim !== claim) return;
      if (waitMs > 0) {
        claim.waitsForSlot = true;
        this.deps.waitingChanged?.(accountSid);
      }
      claim.timer = setTimeout(() => {
        if (queue.claim !== claim || this.closed) return;
        queue.claim = null;
        if (!this.hasRoom(accountSid, queue)) return void queue.waiting.unshift(claim.call);
        this.accountOf.delete(claim.call.sid);
        this.deps.dial(claim.call);
        this.drain(accountSid);
      }, waitMs);
      claim.timer.unref();
    };
    share.claimSlot(accountSid, slotIntervalMs(queue.limits.cps)).then(dialWhenDue, (error) => {
      this.deps.warn?.(`Taking a dialing slot for ${accountSid} failed (${error}); dialing without it`);
      dialWhenDue(0);
    });
  }

  private hasRoom(accountSid: string, queue: AccountQueue<T>): boolean {
    const active = this.deps.activeCalls(accountSid) + this.elsewhere(accountSid).live;
    return active < queue.limits.maxConcurrentCalls;
  }

  private elsewhere(accountSid: string) {
    return this.deps.share?.elsewhere(accountSid) ?? NO_LOAD;
  }

  private waitingIn(queue: AccountQueue<T>): number {
    return queue.waiting.length + (queue.claim ? 1 : 0);
  }

  private queueOf(accountSid: string, limits: AccountLimits): AccountQueue<T> {
    let queue = this.queues.get(accountSid);
    if (!queue) {
      queue = { limits, waiting: [], reserved: 0, nextSlotAt: 0, timer: null, claim: null };
      this.queues.set(accountSid, queue);
    }
    return queue;
  }

  private find(callSid: string): { queue: AccountQueue<T>; call: T } | undefined {
    const accountSid = this.accountOf.get(callSid);
    const queue = accountSid === undefined ? undefined : this.queues.get(accountSid);
    const claimed = queue?.claim?.call.sid === callSid ? queue.claim.call : undefined;
    const call = claimed ?? queue?.waiting.find((candidate) => candidate.sid === callSid);
    return queue && call ? { queue, call } : undefined;
  }
}
