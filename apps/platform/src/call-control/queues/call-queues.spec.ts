import { CallQueues } from './call-queues';

const leg = (callSid: string) => {
  const controller = new AbortController();
  return {
    member: { callSid, accountSid: 'AC1', channelId: `ch-${callSid}`, ended: controller.signal },
    controller,
  };
};

describe('CallQueues (the core’s waiting areas of legs)', () => {
  it('keeps members first in, first out, with 1-based positions; refuses beyond maxSize', () => {
    const queues = new CallQueues();
    expect(queues.enter('QU1', 2, leg('CA1').member)).not.toBeNull();
    expect(queues.enter('QU1', 2, leg('CA2').member)).not.toBeNull();
    expect(queues.enter('QU1', 2, leg('CA3').member)).toBeNull();
    expect(queues.members('QU1').map((m) => [m.callSid, m.position])).toEqual([
      ['CA1', 1],
      ['CA2', 2],
    ]);
    expect(queues.member('QU1', 'Front')?.callSid).toBe('CA1');
    expect(queues.stats('QU1').currentSize).toBe(2);
  });

  it('a member whose leg ends leaves with "gone"; <Leave> with "leave"', async () => {
    const queues = new CallQueues();
    const first = leg('CA1');
    const gone = queues.enter('QU1', 10, first.member)!;
    const staying = queues.enter('QU1', 10, leg('CA2').member)!;
    first.controller.abort();
    await expect(gone.exited).resolves.toEqual({ kind: 'gone' });
    expect(queues.member('QU1', 'Front')?.callSid).toBe('CA2');
    staying.leave({ kind: 'leave' });
    await expect(staying.exited).resolves.toEqual({ kind: 'leave' });
    expect(queues.stats('QU1')).toEqual({ currentSize: 0, averageWaitSeconds: 0 });
  });

  it('dequeueFront takes the front member, or waits for the next one until aborted', async () => {
    const queues = new CallQueues();
    const member = queues.enter('QU1', 10, leg('CA1').member)!;
    const taken = await queues.dequeueFront('QU1', 'CA9', null, new AbortController().signal);
    expect(taken?.callSid).toBe('CA1');
    const exit = await member.exited;
    expect(exit.kind).toBe('bridge');
    expect(exit.kind === 'bridge' && exit.handoff.dequeuerCallSid).toBe('CA9');

    const waiting = queues.dequeueFront('QU1', 'CA9', null, new AbortController().signal);
    const late = queues.enter('QU1', 10, leg('CA2').member)!;
    expect((await waiting)?.callSid).toBe('CA2');
    expect((await late.exited).kind).toBe('bridge');

    const stop = new AbortController();
    const nobody = queues.dequeueFront('QU2', 'CA9', null, stop.signal);
    stop.abort();
    await expect(nobody).resolves.toBeNull();
  });

  it('redirect dequeues one member (Front or by CallSid) to a document', async () => {
    const queues = new CallQueues();
    queues.enter('QU1', 10, leg('CA1').member);
    const second = queues.enter('QU1', 10, leg('CA2').member)!;
    expect(queues.redirect('QU1', 'CA2', 'http://app/next', 'GET')?.position).toBe(2);
    await expect(second.exited).resolves.toEqual({ kind: 'redirect', url: 'http://app/next', method: 'GET' });
    expect(queues.redirect('QU1', 'CA7', 'http://app/next', 'GET')).toBeNull();
    expect(queues.members('QU1').map((m) => m.callSid)).toEqual(['CA1']);
  });
});
