import type { AccountLimits } from '../../accounts/account-limits.service';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { admitToQueue, planDispatch } from './dispatch-schedule';

export interface QueuedCall {
  sid: string;
  accountSid: string;
}

export interface DispatcherDeps<T extends QueuedCall> {
  limitsFor(accountSid: string): Promise<AccountLimits>;
  /** Live calls of the account right now; `dial` must count the call it starts before returning. */
  activeCalls(accountSid: string): number;
  dial(call: T): void;
  now?: () => number;
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
}

/**
 * Holds outbound API calls in `queued` and dials them at each account's pace (see
 * dispatch-schedule.ts). The queue lives in this node's memory: limits are per node, and calls that
 * are still waiting when the platform stops are handed back by `shutdown()` to be ended.
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
    const admitted = admitToQueue({
      now: this.now(),
      nextSlotAt: queue.nextSlotAt,
      waiting: queue.waiting.length + queue.reserved,
      active: this.deps.activeCalls(accountSid),
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
    for (const [accountSid, queue] of this.queues)
      if (queue.waiting.length) counts.push([accountSid, queue.waiting.length]);
    return counts;
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
    found.queue.waiting.splice(found.queue.waiting.indexOf(found.call), 1);
    this.accountOf.delete(callSid);
    return found.call;
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
      waiting.push(...queue.waiting.splice(0));
    }
    this.accountOf.clear();
    return waiting;
  }

  private drain(accountSid: string): void {
    const queue = this.queues.get(accountSid);
    if (!queue || this.closed) return;
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

  private queueOf(accountSid: string, limits: AccountLimits): AccountQueue<T> {
    let queue = this.queues.get(accountSid);
    if (!queue) {
      queue = { limits, waiting: [], reserved: 0, nextSlotAt: 0, timer: null };
      this.queues.set(accountSid, queue);
    }
    return queue;
  }

  private find(callSid: string): { queue: AccountQueue<T>; call: T } | undefined {
    const accountSid = this.accountOf.get(callSid);
    const queue = accountSid === undefined ? undefined : this.queues.get(accountSid);
    const call = queue?.waiting.find((candidate) => candidate.sid === callSid);
    return queue && call ? { queue, call } : undefined;
  }
}
