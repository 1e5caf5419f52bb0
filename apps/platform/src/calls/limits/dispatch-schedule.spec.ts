import { admitToQueue, planDispatch, type AdmissionInput } from './dispatch-schedule';

const limits = { cps: 5, maxConcurrentCalls: 200, maxQueuedCalls: 1000 };
const input = (over: Partial<AdmissionInput> = {}): AdmissionInput => ({
  now: 10_000,
  nextSlotAt: 0,
  waiting: 1,
  active: 0,
  limits,
  ...over,
});

/** Runs the plan the way the dispatcher does: at each wake-up time, until nothing waits. */
function simulate(count: number, cps: number, lateMs = 0): number[] {
  const dialedAt: number[] = [];
  let now = 0;
  let nextSlotAt = 0;
  let waiting = count;
  for (let guard = 0; waiting > 0 && guard < 10 * count; guard++) {
    const plan = planDispatch({ now, nextSlotAt, waiting, active: 0, limits: { ...limits, cps } });
    for (let i = 0; i < plan.dial; i++) dialedAt.push(now);
    waiting -= plan.dial;
    nextSlotAt = plan.nextSlotAt;
    if (plan.wakeAt === null) break;
    now = plan.wakeAt + lateMs;
  }
  return dialedAt;
}

describe('planDispatch', () => {
  it('dials one call at once when the account is idle', () => {
    expect(planDispatch(input({ waiting: 3 }))).toEqual({ dial: 1, nextSlotAt: 10_200, wakeAt: 10_200 });
  });

  it('waits for the next slot when the last call went out less than 1/cps ago', () => {
    expect(planDispatch(input({ nextSlotAt: 10_150 }))).toEqual({
      dial: 0,
      nextSlotAt: 10_150,
      wakeAt: 10_150,
    });
  });

  it('dials nothing and sets no timer while the account is at its concurrency limit', () => {
    const plan = planDispatch(input({ active: 2, waiting: 5, limits: { ...limits, maxConcurrentCalls: 2 } }));
    expect(plan).toEqual({ dial: 0, nextSlotAt: 0, wakeAt: null });
  });

  it('sets no timer when the call it dials fills the last free slot', () => {
    const plan = planDispatch(input({ active: 1, waiting: 5, limits: { ...limits, maxConcurrentCalls: 2 } }));
    expect(plan.dial).toBe(1);
    expect(plan.wakeAt).toBeNull();
  });

  it('has nothing to do when nothing waits', () => {
    expect(planDispatch(input({ waiting: 0 }))).toEqual({ dial: 0, nextSlotAt: 0, wakeAt: null });
  });

  it('spreads 30 calls at cps=5 evenly over 5.8 s', () => {
    const times = simulate(30, 5);
    expect(times).toHaveLength(30);
    expect(times[29] - times[0]).toBe(5800);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBe(200);
  });

  it('never lets more than cps calls out in any second, even when timers fire late', () => {
    const times = simulate(50, 7, 13);
    for (const start of times)
      expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(7);
  });
});

describe('admitToQueue', () => {
  const queueLimits = { cps: 1, maxConcurrentCalls: 10, maxQueuedCalls: 3 };

  it('admits a call that is dialed at once even when no call may wait', () => {
    expect(admitToQueue(input({ waiting: 0, limits: { ...queueLimits, maxQueuedCalls: 0 } }))).toBe(true);
  });

  it('admits waiting calls up to maxQueuedCalls and refuses the next', () => {
    const busy = { nextSlotAt: 10_500, limits: queueLimits };
    expect(admitToQueue(input({ ...busy, waiting: 0 }))).toBe(true);
    expect(admitToQueue(input({ ...busy, waiting: 2 }))).toBe(true);
    expect(admitToQueue(input({ ...busy, waiting: 3 }))).toBe(false);
  });

  it('counts a call held back only by the concurrency limit as waiting', () => {
    const full = { active: 10, limits: { ...queueLimits, maxQueuedCalls: 0 } };
    expect(admitToQueue(input({ ...full, waiting: 0 }))).toBe(false);
  });
});
