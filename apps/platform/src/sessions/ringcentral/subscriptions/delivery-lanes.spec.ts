import {
  DeliveryFailure,
  DeliveryLanes,
  DeliveryTarget,
  LaneHost,
  SessionNotification,
} from './delivery-lanes';
import { DeliveryPolicy, retryDelayMs } from './delivery-policy';

const target = (subscriptionId = 'sub-1', address = 'http://receiver.test/hook'): DeliveryTarget => ({
  subscriptionId,
  accountSid: 'AC' + 'a'.repeat(32),
  address,
  verificationToken: 'secret',
});

const notification = (session: string, sequence: number, subscriptionId = 'sub-1'): SessionNotification => ({
  uuid: `${subscriptionId}-${session}-${sequence}`,
  event: '/restapi/v1.0/account/~/telephony/sessions',
  timestamp: '2026-12-02T10:00:00.000Z',
  subscriptionId,
  ownerId: 'AC' + 'a'.repeat(32),
  body: {
    sequence,
    sessionId: session,
    telephonySessionId: session,
    serverId: 'callwright',
    eventTime: '2026-12-02T10:00:00.000Z',
    accountId: 'AC' + 'a'.repeat(32),
    origin: { type: 'Call' },
    parties: [],
  },
});

/** A receiver the test scripts: `failing` says whether an attempt fails; every attempt is logged. */
class FakeReceiver implements LaneHost {
  readonly attempts: Array<{ at: number; address: string; uuid: string }> = [];
  readonly delivered: string[] = [];
  readonly suspensions: Array<{ target: DeliveryTarget; failure: DeliveryFailure }> = [];
  failing: (n: SessionNotification) => boolean = () => false;
  currentTarget: (t: DeliveryTarget) => DeliveryTarget | null = (t) => t;

  async send(t: DeliveryTarget, n: SessionNotification): Promise<void> {
    this.attempts.push({ at: Date.now(), address: t.address, uuid: n.uuid });
    await Promise.resolve();
    if (this.failing(n)) throw new Error('HTTP 503');
    this.delivered.push(n.uuid);
  }

  async current(t: DeliveryTarget): Promise<DeliveryTarget | null> {
    return this.currentTarget(t);
  }

  async suspend(t: DeliveryTarget, failure: DeliveryFailure): Promise<void> {
    this.suspensions.push({ target: t, failure });
  }
}

describe('DeliveryLanes', () => {
  let receiver: FakeReceiver;
  let policy: DeliveryPolicy;
  let lanes: DeliveryLanes;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-02T10:00:00Z') });
    receiver = new FakeReceiver();
    policy = Object.assign(new DeliveryPolicy(), {
      firstRetryMs: 100,
      maxRetryMs: 1000,
      suspendAfterMs: 10_000,
      maxPending: 50,
    });
    lanes = new DeliveryLanes(receiver, policy);
  });

  afterEach(async () => {
    lanes.stopAll();
    await jest.runAllTimersAsync();
    jest.useRealTimers();
  });

  it('retries with doubling waits, up to the longest', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(policy, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(retryDelayMs(new DeliveryPolicy(), 1)).toBe(500);
    expect(retryDelayMs(new DeliveryPolicy(), 100)).toBe(15_000);
  });

  it('sends each session’s notifications one at a time, in the order they came', async () => {
    for (let sequence = 1; sequence <= 5; sequence++)
      lanes.enqueue(target(), 's-1', notification('s-1', sequence));
    expect(lanes.pending('sub-1')).toBe(5);
    await lanes.settled();
    expect(receiver.delivered).toEqual([1, 2, 3, 4, 5].map((n) => `sub-1-s-1-${n}`));
    expect(lanes.pending('sub-1')).toBe(0);
  });

  it('keeps a failing notification at the head of its lane until it goes through', async () => {
    let outage = true;
    receiver.failing = () => outage;
    for (let sequence = 1; sequence <= 3; sequence++)
      lanes.enqueue(target(), 's-1', notification('s-1', sequence));
    await jest.advanceTimersByTimeAsync(5000);
    // Only the first one was tried, again and again, with growing waits.
    expect(new Set(receiver.attempts.map((a) => a.uuid))).toEqual(new Set(['sub-1-s-1-1']));
    const waits = receiver.attempts.slice(1).map((a, i) => a.at - receiver.attempts[i].at);
    expect(waits.slice(0, 5)).toEqual([100, 200, 400, 800, 1000]);
    outage = false;
    await jest.advanceTimersByTimeAsync(1000);
    await lanes.settled();
    expect(receiver.delivered).toEqual(['sub-1-s-1-1', 'sub-1-s-1-2', 'sub-1-s-1-3']);
    expect(receiver.suspensions).toEqual([]);
  });

  it('lets other sessions through while one session’s notification fails', async () => {
    receiver.failing = (n) => n.body.sessionId === 's-1' && Date.now() < Date.parse('2026-12-02T10:00:03Z');
    lanes.enqueue(target(), 's-1', notification('s-1', 1));
    lanes.enqueue(target(), 's-2', notification('s-2', 1));
    lanes.enqueue(target(), 's-1', notification('s-1', 2));
    lanes.enqueue(target(), 's-2', notification('s-2', 2));
    await jest.advanceTimersByTimeAsync(500);
    expect(receiver.delivered).toEqual(['sub-1-s-2-1', 'sub-1-s-2-2']);
    await jest.advanceTimersByTimeAsync(5000);
    await lanes.settled();
    expect(receiver.delivered).toEqual(['sub-1-s-2-1', 'sub-1-s-2-2', 'sub-1-s-1-1', 'sub-1-s-1-2']);
  });

  it('keeps retrying through an outage shorter than the bound, then delivers everything in order', async () => {
    receiver.failing = () => Date.now() < Date.parse('2026-12-02T10:00:09.500Z');
    for (let sequence = 1; sequence <= 4; sequence++)
      lanes.enqueue(target(), 's-1', notification('s-1', sequence));
    await jest.advanceTimersByTimeAsync(20_000);
    await lanes.settled();
    expect(receiver.delivered).toEqual([1, 2, 3, 4].map((n) => `sub-1-s-1-${n}`));
    expect(receiver.suspensions).toEqual([]);
  });

  it('suspends a subscription whose notification fails for the bound, and drops what waits', async () => {
    receiver.failing = () => true;
    lanes.enqueue(target(), 's-1', notification('s-1', 1));
    lanes.enqueue(target(), 's-2', notification('s-2', 1));
    await jest.advanceTimersByTimeAsync(9_000);
    expect(receiver.suspensions).toEqual([]);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(receiver.suspensions).toHaveLength(1);
    expect(receiver.suspensions[0].failure.reason).toMatch(
      /^notifications to http:\/\/receiver\.test\/hook failed for 1\d s \(\d+ attempts\); the last attempt: HTTP 503$/,
    );
    expect(lanes.pending('sub-1')).toBe(0);
    const attempts = receiver.attempts.length;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(receiver.attempts).toHaveLength(attempts);
  });

  it('queues nothing for a subscription while its suspension is being recorded', async () => {
    let record!: () => void;
    receiver.suspend = (t, failure) => {
      receiver.suspensions.push({ target: t, failure });
      return new Promise<void>((resolve) => (record = resolve));
    };
    receiver.failing = () => true;
    lanes.enqueue(target(), 's-1', notification('s-1', 1));
    await jest.advanceTimersByTimeAsync(11_000);
    expect(receiver.suspensions).toHaveLength(1);
    lanes.enqueue(target(), 's-1', notification('s-1', 2));
    expect(lanes.pending('sub-1')).toBe(0);
    record();
    await jest.advanceTimersByTimeAsync(0);
    // On record as Suspended now: what is queued after this comes from a renewed subscription.
    receiver.failing = () => false;
    lanes.enqueue(target(), 's-1', notification('s-1', 3));
    await lanes.settled();
    expect(receiver.delivered).toEqual(['sub-1-s-1-3']);
  });

  it('suspends a subscription with more notifications waiting than allowed', async () => {
    receiver.failing = () => true;
    for (let sequence = 1; sequence <= 51; sequence++)
      lanes.enqueue(target(), `s-${sequence}`, notification('s', sequence));
    expect(receiver.suspensions).toHaveLength(1);
    expect(receiver.suspensions[0].failure.reason).toBe(
      'more than 50 notifications were waiting for http://receiver.test/hook',
    );
    expect(lanes.pending('sub-1')).toBe(0);
  });

  it('stops a lane whose subscription no longer takes notifications (deleted, expired, suspended)', async () => {
    receiver.failing = () => true;
    receiver.currentTarget = () => null;
    lanes.enqueue(target(), 's-1', notification('s-1', 1));
    lanes.enqueue(target(), 's-1', notification('s-1', 2));
    await jest.advanceTimersByTimeAsync(1000);
    expect(receiver.attempts).toHaveLength(1);
    expect(lanes.pending('sub-1')).toBe(0);
    expect(receiver.suspensions).toEqual([]);
  });

  it('retries at the address the subscription has now', async () => {
    receiver.failing = (n) => receiver.attempts.length === 1 && n.uuid === 'sub-1-s-1-1';
    receiver.currentTarget = (t) => ({ ...t, address: 'http://moved.test/hook' });
    lanes.enqueue(target(), 's-1', notification('s-1', 1));
    await jest.advanceTimersByTimeAsync(200);
    await lanes.settled();
    expect(receiver.attempts.map((a) => a.address)).toEqual([
      'http://receiver.test/hook',
      'http://moved.test/hook',
    ]);
  });

  it('forget drops what a subscription has waiting and keeps the others going', async () => {
    receiver.failing = (n) => n.subscriptionId === 'sub-1';
    lanes.enqueue(target('sub-1'), 's-1', notification('s-1', 1, 'sub-1'));
    lanes.enqueue(target('sub-2'), 's-1', notification('s-1', 1, 'sub-2'));
    await jest.advanceTimersByTimeAsync(50);
    lanes.forget('sub-1');
    await jest.advanceTimersByTimeAsync(5000);
    await lanes.settled();
    expect(receiver.attempts.filter((a) => a.uuid.startsWith('sub-1'))).toHaveLength(1);
    expect(receiver.delivered).toEqual(['sub-2-s-1-1']);
  });
});
