import type { AccountLimits } from '../../accounts/account-limits.service';

/**
 * Pacing of outbound API calls, one account at a time: calls are dialed oldest first, at most one
 * every 1/cps seconds (no bursts: "cps=5" means an INVITE every 200 ms, so no second ever carries
 * more than cps of them), and only while the account has fewer live calls than its concurrency
 * limit. These functions only decide; OutboundDispatcher keeps the state and the timers.
 */
export interface DispatchInput {
  now: number;
  /** Earliest time (ms) the account's next call may be dialed; 0 before its first call. */
  nextSlotAt: number;
  /** Calls waiting to be dialed. */
  waiting: number;
  /** Live calls of the account (inbound, outbound, Dial legs). */
  active: number;
  limits: Pick<AccountLimits, 'cps' | 'maxConcurrentCalls'>;
}

export interface DispatchPlan {
  /** How many of the waiting calls to dial now, oldest first. */
  dial: number;
  nextSlotAt: number;
  /**
   * When to look again: the next slot while calls wait and there is room for them; null when
   * nothing waits or only a call ending can make room (the dispatcher is woken then).
   */
  wakeAt: number | null;
}

export function slotIntervalMs(cps: number): number {
  return 1000 / cps;
}

export function planDispatch(input: DispatchInput): DispatchPlan {
  const { now, waiting, active, limits } = input;
  const room = Math.max(0, limits.maxConcurrentCalls - active);
  if (waiting === 0 || room === 0) return { dial: 0, nextSlotAt: input.nextSlotAt, wakeAt: null };
  if (input.nextSlotAt > now) return { dial: 0, nextSlotAt: input.nextSlotAt, wakeAt: input.nextSlotAt };
  // A slot is used when it is taken, so a late timer never lets two calls out together.
  const nextSlotAt = now + slotIntervalMs(limits.cps);
  return { dial: 1, nextSlotAt, wakeAt: waiting > 1 && room > 1 ? nextSlotAt : null };
}

export interface AdmissionInput extends DispatchInput {
  limits: AccountLimits;
}

/**
 * Whether one more call may join the account's queue. A call that would be dialed at once never
 * counts against `maxQueuedCalls`; any other is refused once `maxQueuedCalls` calls already wait.
 */
export function admitToQueue(input: AdmissionInput): boolean {
  const dialsAtOnce =
    input.waiting === 0 && input.active < input.limits.maxConcurrentCalls && input.nextSlotAt <= input.now;
  return dialsAtOnce || input.waiting < input.limits.maxQueuedCalls;
}
