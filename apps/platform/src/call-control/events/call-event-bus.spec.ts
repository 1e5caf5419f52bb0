import { Logger } from '@nestjs/common';
import { CallStatus } from '../legs/call-status';
import { CallEvent } from './call-event';
import { CallEventBus } from './call-event-bus';

const callA = { callSid: 'CA-a', accountSid: 'AC-1' };
const callB = { callSid: 'CA-b', accountSid: 'AC-2' };
const joined = { type: 'party.joined', conversationId: 'cv-1' } as const;
const status = (value: CallStatus) => ({ type: 'leg.status', status: value }) as const;

describe('CallEventBus', () => {
  it('numbers each call from 1 in publish order, independently of other calls', () => {
    const bus = new CallEventBus();
    const sequences = [
      bus.publish(callA, status(CallStatus.Ringing)),
      bus.publish(callB, status(CallStatus.Ringing)),
      bus.publish(callA, status(CallStatus.InProgress)),
      bus.publish(callA, joined),
      bus.publish(callB, joined),
    ].map((event) => `${event.callSid}#${event.sequence}`);
    expect(sequences).toEqual(['CA-a#1', 'CA-b#1', 'CA-a#2', 'CA-a#3', 'CA-b#2']);
  });

  it('calls subscribers after publish returns, never inside it', async () => {
    const bus = new CallEventBus();
    const seen: number[] = [];
    bus.subscribe((event) => void seen.push(event.sequence));
    bus.publish(callA, joined);
    expect(seen).toEqual([]);
    await bus.settled();
    expect(seen).toEqual([1]);
  });

  it('delivers one call’s events to a subscriber in sequence order even when its handler is slow', async () => {
    const bus = new CallEventBus();
    const seen: number[] = [];
    bus.subscribe(async (event) => {
      // The first event takes longest: a subscriber that ran handlers concurrently would reorder them.
      await new Promise((resolve) => setTimeout(resolve, event.sequence === 1 ? 30 : 1));
      seen.push(event.sequence);
    });
    for (let i = 0; i < 5; i++) bus.publish(callA, joined);
    await bus.settled();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('does not let a stuck subscriber delay publishing or the other subscribers', async () => {
    const bus = new CallEventBus();
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const slowSeen: number[] = [];
    const fastSeen: number[] = [];
    bus.subscribe(async (event) => {
      await stuck;
      slowSeen.push(event.sequence);
    });
    bus.subscribe((event) => void fastSeen.push(event.sequence));
    bus.publish(callA, joined);
    bus.publish(callA, joined);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fastSeen).toEqual([1, 2]);
    expect(slowSeen).toEqual([]);
    release();
    await bus.settled();
    expect(slowSeen).toEqual([1, 2]);
  });

  it('keeps delivering to the others, and to the thrower itself, after a subscriber throws', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const bus = new CallEventBus();
    const throwerSeen: number[] = [];
    const otherSeen: number[] = [];
    bus.subscribe((event) => {
      throwerSeen.push(event.sequence);
      throw new Error('subscriber bug');
    });
    bus.subscribe(async (event) => {
      otherSeen.push(event.sequence);
    });
    bus.publish(callA, joined);
    bus.publish(callA, joined);
    await bus.settled();
    expect(throwerSeen).toEqual([1, 2]);
    expect(otherSeen).toEqual([1, 2]);
    expect(logged).toHaveBeenCalledTimes(2);
    logged.mockRestore();
  });

  it('filters by call, account and event type', async () => {
    const bus = new CallEventBus();
    const byCall: CallEvent[] = [];
    const byAccount: CallEvent[] = [];
    const byType: CallEvent[] = [];
    bus.subscribe({ callSid: 'CA-a' }, (event) => void byCall.push(event));
    bus.subscribe({ accountSid: 'AC-2' }, (event) => void byAccount.push(event));
    bus.subscribe({ types: ['leg.status'] }, (event) => void byType.push(event));
    bus.publish(callA, joined);
    bus.publish(callB, status(CallStatus.Ringing));
    await bus.settled();
    expect(byCall.map((event) => event.callSid)).toEqual(['CA-a']);
    expect(byAccount.map((event) => event.callSid)).toEqual(['CA-b']);
    expect(byType.map((event) => event.payload.type)).toEqual(['leg.status']);
  });

  it('stops delivering, queued events included, once unsubscribed', async () => {
    const bus = new CallEventBus();
    const seen: number[] = [];
    const unsubscribe = bus.subscribe((event) => void seen.push(event.sequence));
    bus.publish(callA, joined);
    unsubscribe();
    bus.publish(callA, joined);
    await bus.settled();
    expect(seen).toEqual([]);
  });

  it('forgets a call once its final status is published, and keeps no queue behind', async () => {
    const bus = new CallEventBus();
    bus.subscribe(() => undefined);
    bus.publish(callA, status(CallStatus.InProgress));
    bus.publish(callB, status(CallStatus.Ringing));
    expect(bus.openCalls).toBe(2);
    const final = bus.publish(callA, status(CallStatus.Completed));
    expect(final.sequence).toBe(2);
    expect(bus.openCalls).toBe(1);
    bus.publish(callB, status(CallStatus.Busy));
    expect(bus.openCalls).toBe(0);
    await bus.settled();
    expect(bus.queuedCalls).toBe(0);
  });

  it('stamps events with the time given, or now', () => {
    const bus = new CallEventBus();
    const at = new Date('2026-01-01T00:00:00Z');
    expect(bus.publish(callA, joined, at).at).toBe(at);
    const before = Date.now();
    expect(bus.publish(callA, joined).at.getTime()).toBeGreaterThanOrEqual(before);
  });
});
