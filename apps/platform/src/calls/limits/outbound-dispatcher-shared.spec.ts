import type { AccountLimits } from '../../accounts/account-limits.service';
import { DomainErrorCode } from '../../common/domain-error';
import { OutboundDispatcher } from './outbound-dispatcher';
import type { AccountLoad, AccountLoadShare } from '../../cluster/shared-account-load.port';

interface Call {
  sid: string;
  accountSid: string;
}

/** A share standing in for the other nodes: their counts, and one pace all claims take slots from. */
class OtherNodes implements AccountLoadShare {
  load: AccountLoad = { live: 0, waiting: 0 };
  nextSlotAt = 0;
  failing = false;
  elsewhere = (): AccountLoad => this.load;
  claimSlot = async (_account: string, intervalMs: number): Promise<number> => {
    if (this.failing) throw new Error('database down');
    const slot = Math.max(this.nextSlotAt, Date.now());
    this.nextSlotAt = slot + intervalMs;
    return slot - Date.now();
  };
}

function setup(limits: Partial<AccountLimits> = {}) {
  const all: AccountLimits = { cps: 5, maxConcurrentCalls: 200, maxQueuedCalls: 1000, ...limits };
  const share = new OtherNodes();
  const dialed: Array<{ sid: string; at: number }> = [];
  const warnings: string[] = [];
  let active = 0;
  const dispatcher = new OutboundDispatcher<Call>({
    limitsFor: async () => all,
    activeCalls: () => active,
    dial: (call) => {
      dialed.push({ sid: call.sid, at: Date.now() });
      active++;
    },
    share,
    warn: (message) => warnings.push(message),
  });
  const place = async (sid: string) => (await dispatcher.reserve('AC1')).submit({ sid, accountSid: 'AC1' });
  const hangUp = () => {
    active--;
    dispatcher.wake('AC1');
  };
  return { dispatcher, share, dialed, place, hangUp, warnings };
}

describe('OutboundDispatcher with other nodes on the same database', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('dials in the slots it takes from the shared pace, so other nodes’ slots are left out', async () => {
    const { dialed, place, share } = setup({ cps: 5 });
    // Another node has just taken the next two slots.
    share.nextSlotAt = Date.now() + 400;
    for (let i = 0; i < 3; i++) await place(`CA${i}`);
    await jest.advanceTimersByTimeAsync(0);
    expect(dialed).toEqual([]);
    await jest.advanceTimersByTimeAsync(1000);
    expect(dialed.map((d) => d.sid)).toEqual(['CA0', 'CA1', 'CA2']);
    expect(dialed.map((d) => d.at - 1_000_000)).toEqual([400, 600, 800]);
  });

  it('counts the other nodes’ live calls against max_concurrent_calls, and dials when they end', async () => {
    const { dialed, place, share, dispatcher } = setup({ cps: 10, maxConcurrentCalls: 3 });
    share.load = { live: 2, waiting: 0 };
    await place('CA0');
    await place('CA1');
    await jest.advanceTimersByTimeAsync(500);
    expect(dialed.map((d) => d.sid)).toEqual(['CA0']);
    expect(dispatcher.waitingOf('AC1')).toBe(1);
    share.load = { live: 1, waiting: 0 };
    dispatcher.wake('AC1');
    await jest.advanceTimersByTimeAsync(500);
    expect(dialed.map((d) => d.sid)).toEqual(['CA0', 'CA1']);
  });

  it('puts a call back at the head of the queue when another node filled the room before its slot came', async () => {
    const { dialed, place, share, dispatcher } = setup({ cps: 1, maxConcurrentCalls: 2 });
    share.nextSlotAt = Date.now() + 1000;
    await place('CA0');
    await place('CA1');
    await jest.advanceTimersByTimeAsync(10);
    share.load = { live: 2, waiting: 0 };
    await jest.advanceTimersByTimeAsync(3000);
    expect(dialed).toEqual([]);
    expect(dispatcher.waitingOf('AC1')).toBe(2);
    share.load = { live: 0, waiting: 0 };
    dispatcher.wake('AC1');
    await jest.advanceTimersByTimeAsync(3000);
    expect(dialed.map((d) => d.sid)).toEqual(['CA0', 'CA1']);
  });

  it('counts the other nodes’ waiting calls against max_queued_calls', async () => {
    const { place, share } = setup({ cps: 1, maxQueuedCalls: 3 });
    share.load = { live: 0, waiting: 2 };
    await place('CA0');
    const refused = place('CA1');
    await expect(refused).rejects.toMatchObject({ code: DomainErrorCode.TooManyQueuedCalls });
  });

  it('tells the other nodes of a claimed call only once its slot is known to be still to come', async () => {
    const changed: string[] = [];
    const share = new OtherNodes();
    let answer: (waitMs: number) => void = () => undefined;
    share.claimSlot = () => new Promise<number>((resolve) => (answer = resolve));
    const dispatcher = new OutboundDispatcher<Call>({
      limitsFor: async () => ({ cps: 1, maxConcurrentCalls: 10, maxQueuedCalls: 10 }),
      activeCalls: () => 0,
      dial: () => undefined,
      waitingChanged: (accountSid) => changed.push(accountSid),
      share,
    });
    (await dispatcher.reserve('AC1')).submit({ sid: 'CA0', accountSid: 'AC1' });
    (await dispatcher.reserve('AC1')).submit({ sid: 'CA1', accountSid: 'AC1' });
    // CA0's claim is in flight: it may be dialed at once, so only CA1 counts elsewhere.
    expect(dispatcher.waitingOf('AC1')).toBe(2);
    expect(dispatcher.waitingToTell('AC1')).toBe(1);
    answer(800);
    await jest.advanceTimersByTimeAsync(0);
    expect(dispatcher.waitingToTell('AC1')).toBe(2);
    expect(changed).toEqual(['AC1']);
  });

  it('withdraws a call that waits for its slot: it is never dialed', async () => {
    const { dialed, place, share, dispatcher } = setup({ cps: 1 });
    share.nextSlotAt = Date.now() + 1000;
    await place('CA0');
    await jest.advanceTimersByTimeAsync(10);
    expect(dispatcher.isWaiting('CA0')).toBe(true);
    expect(dispatcher.withdraw('CA0')?.sid).toBe('CA0');
    await jest.advanceTimersByTimeAsync(2000);
    expect(dialed).toEqual([]);
    expect(dispatcher.waitingOf('AC1')).toBe(0);
  });

  it('hands the call waiting for its slot back at shutdown', async () => {
    const { place, share, dispatcher, dialed } = setup({ cps: 1 });
    share.nextSlotAt = Date.now() + 1000;
    await place('CA0');
    await place('CA1');
    await jest.advanceTimersByTimeAsync(10);
    expect(dispatcher.shutdown().map((call) => call.sid)).toEqual(['CA0', 'CA1']);
    await jest.advanceTimersByTimeAsync(2000);
    expect(dialed).toEqual([]);
  });

  it('dials without a slot when the database cannot be asked, and says so', async () => {
    const { place, share, dialed, warnings } = setup({ cps: 5 });
    share.failing = true;
    await place('CA0');
    await jest.advanceTimersByTimeAsync(0);
    expect(dialed.map((d) => d.sid)).toEqual(['CA0']);
    expect(warnings[0]).toMatch(/database down/);
  });
});
