import type { AccountLimits } from '../../accounts/account-limits.service';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { OutboundDispatcher } from './outbound-dispatcher';

interface Call {
  sid: string;
  accountSid: string;
}

function setup(limits: Partial<AccountLimits> = {}) {
  const all: AccountLimits = { cps: 5, maxConcurrentCalls: 200, maxQueuedCalls: 1000, ...limits };
  const dialed: Array<{ sid: string; at: number }> = [];
  const active = new Map<string, number>();
  const dispatcher = new OutboundDispatcher<Call>({
    limitsFor: async () => all,
    activeCalls: (account) => active.get(account) ?? 0,
    dial: (call) => {
      dialed.push({ sid: call.sid, at: Date.now() });
      active.set(call.accountSid, (active.get(call.accountSid) ?? 0) + 1);
    },
  });
  const place = async (sid: string, accountSid = 'AC1') =>
    (await dispatcher.reserve(accountSid)).submit({ sid, accountSid });
  const hangUp = (accountSid = 'AC1') => {
    active.set(accountSid, (active.get(accountSid) ?? 1) - 1);
    dispatcher.wake(accountSid);
  };
  return { dispatcher, dialed, place, hangUp, limits: all };
}

describe('OutboundDispatcher', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('dials the first call at once and the rest at the account rate, in order', async () => {
    const { dialed, place } = setup({ cps: 5 });
    for (let i = 0; i < 4; i++) await place(`CA${i}`);
    expect(dialed.map((d) => d.sid)).toEqual(['CA0']);
    await jest.advanceTimersByTimeAsync(600);
    expect(dialed.map((d) => d.sid)).toEqual(['CA0', 'CA1', 'CA2', 'CA3']);
    expect(dialed.map((d) => d.at - dialed[0].at)).toEqual([0, 200, 400, 600]);
  });

  it('paces each account on its own', async () => {
    const { dialed, place } = setup({ cps: 1 });
    await place('CA1', 'AC1');
    await place('CA2', 'AC2');
    await place('CA3', 'AC1');
    expect(dialed.map((d) => d.sid)).toEqual(['CA1', 'CA2']);
  });

  it('answers 20429 once max_queued calls wait, and admits again when the queue moves', async () => {
    const { dialed, place } = setup({ cps: 1, maxQueuedCalls: 2 });
    await place('CA0');
    await place('CA1');
    await place('CA2');
    const refused = place('CA3');
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: DomainErrorCode.TooManyQueuedCalls });
    await jest.advanceTimersByTimeAsync(1000);
    expect(dialed).toHaveLength(2);
    await expect(place('CA4')).resolves.toBe(true);
  });

  it('counts places reserved for calls not yet stored', async () => {
    const { dispatcher, place } = setup({ cps: 1, maxQueuedCalls: 1 });
    await place('CA0');
    const reservation = await dispatcher.reserve('AC1');
    await expect(dispatcher.reserve('AC1')).rejects.toMatchObject({
      code: DomainErrorCode.TooManyQueuedCalls,
    });
    reservation.release();
    await expect(dispatcher.reserve('AC1')).resolves.toBeDefined();
  });

  it('holds calls while the account is at its concurrency limit and dials one per call that ends', async () => {
    const { dialed, place, hangUp } = setup({ cps: 100, maxConcurrentCalls: 1 });
    await place('CA0');
    await place('CA1');
    await place('CA2');
    await jest.advanceTimersByTimeAsync(5000);
    expect(dialed.map((d) => d.sid)).toEqual(['CA0']);
    hangUp();
    expect(dialed.map((d) => d.sid)).toEqual(['CA0', 'CA1']);
  });

  it('withdraws a waiting call so it is never dialed', async () => {
    const { dispatcher, dialed, place } = setup({ cps: 1 });
    await place('CA0');
    await place('CA1');
    await place('CA2');
    expect(dispatcher.isWaiting('CA1')).toBe(true);
    expect(dispatcher.withdraw('CA1')).toEqual({ sid: 'CA1', accountSid: 'AC1' });
    expect(dispatcher.withdraw('CA1')).toBeUndefined();
    expect(dispatcher.isWaiting('CA0')).toBe(false);
    await jest.advanceTimersByTimeAsync(3000);
    expect(dialed.map((d) => d.sid)).toEqual(['CA0', 'CA2']);
  });

  it('applies a new rate to the calls already waiting', async () => {
    const { dispatcher, dialed, place, limits } = setup({ cps: 1 });
    for (let i = 0; i < 4; i++) await place(`CA${i}`);
    dispatcher.limitsChanged('AC1', { ...limits, cps: 10 });
    await jest.advanceTimersByTimeAsync(1000 + 300);
    expect(dialed).toHaveLength(4);
  });

  it('hands back the waiting calls at shutdown and dials nothing after', async () => {
    const { dispatcher, dialed, place } = setup({ cps: 1 });
    await place('CA0');
    await place('CA1');
    await place('CA2');
    expect(dispatcher.shutdown().map((call) => call.sid)).toEqual(['CA1', 'CA2']);
    await jest.advanceTimersByTimeAsync(5000);
    expect(dialed).toHaveLength(1);
    await expect(dispatcher.reserve('AC1')).rejects.toMatchObject({
      code: DomainErrorCode.TelephonyUnavailable,
    });
  });
});
