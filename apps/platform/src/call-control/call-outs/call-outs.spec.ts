import { fakeCore } from '../../../../../test/support/fake-core';
import { CallOutRequest, CallOuts } from './call-outs';

const request: CallOutRequest = {
  accountSid: 'AC-test',
  caller: {
    targets: [{ kind: 'sip-user', dialString: 'PJSIP/1001@t.example' }],
    to: '1001',
    callerId: '1002',
    headers: { 'Call-Info': '<sip:t.example>;answer-after=0' },
  },
  callee: {
    targets: [
      { kind: 'sip-user', dialString: 'PJSIP/1002@t.example/sip:1002@10.0.0.1' },
      { kind: 'sip-user', dialString: 'PJSIP/1002@t.example/sip:1002@10.0.0.2' },
    ],
    to: '1002',
    callerId: '1001',
    callerName: 'Front desk',
  },
  ringSeconds: 20,
  userData: 'ticket 42',
};

function callOutCore() {
  const core = fakeCore();
  const callOuts = new CallOuts(core.legs, core.registry, core.legs);
  const placedChannel = (index: number) => core.gateway.originated[index]?.channelId;
  return { ...core, callOuts, placedChannel };
}

describe('CallOuts (click-to-call on the fake gateway)', () => {
  it('rings the caller first, then the callee, and bridges both in the conversation named by the id', async () => {
    const { callOuts, legs, gateway, registry, settle, placedChannel } = callOutCore();
    const started = await callOuts.start(request);
    expect(started).toMatchObject({ stage: 'calling-caller', callSids: [expect.any(String)] });
    expect(legs.placed).toEqual([
      expect.objectContaining({
        forCallSid: null,
        target: request.caller.targets[0],
        to: '1001',
        callerId: '1002',
        headers: request.caller.headers,
        timeoutSeconds: 20,
        userData: 'ticket 42',
      }),
    ]);
    expect(registry.find(started.id)).toBeUndefined();

    gateway.answerLeg(placedChannel(0));
    await settle();
    expect(callOuts.find(started.id)?.stage).toBe('calling-callee');
    // Both phones of the callee ring at once.
    expect(legs.placed.slice(1)).toEqual(
      request.callee.targets.map((target) =>
        expect.objectContaining({
          forCallSid: started.callSids[0],
          target,
          to: '1002',
          callerName: 'Front desk',
        }),
      ),
    );
    expect(
      registry
        .find(started.id)
        ?.partyList()
        .map((party) => party.callSid),
    ).toEqual(started.callSids);

    gateway.answerLeg(placedChannel(1));
    await settle();
    const parties = registry.find(started.id)!.partyList();
    expect(parties).toHaveLength(2);
    expect([...gateway.bridges.get(started.id)!]).toEqual([placedChannel(0), placedChannel(1)]);
    // The first to answer is the party; the other phone stops ringing.
    expect(legs.hungUp).toEqual([gateway.originated[2].labels?.callSid]);
    expect(callOuts.find(started.id)).toBeUndefined();
    expect(callOuts.list()).toEqual([]);
  });

  it('places nobody else when the caller does not answer', async () => {
    const { callOuts, legs, gateway, registry, settle, placedChannel } = callOutCore();
    const started = await callOuts.start(request);
    gateway.farEndHangsUp(placedChannel(0), 17);
    await settle();
    expect(legs.placed).toHaveLength(1);
    expect(callOuts.find(started.id)).toBeUndefined();
    expect(registry.find(started.id)).toBeUndefined();
  });

  it('hangs up the caller when the callee does not answer', async () => {
    const { callOuts, legs, gateway, settle, placedChannel } = callOutCore();
    const started = await callOuts.start(request);
    gateway.answerLeg(placedChannel(0));
    await settle();
    gateway.farEndHangsUp(placedChannel(1), 17);
    await settle();
    expect(legs.hungUp).toEqual([]);
    gateway.farEndHangsUp(placedChannel(2), 17);
    await settle();
    expect(legs.hungUp).toContain(started.callSids[0]);
    expect(callOuts.find(started.id)).toBeUndefined();
  });

  it('cancels the ringing callee when the caller hangs up', async () => {
    const { callOuts, legs, gateway, settle, placedChannel } = callOutCore();
    const started = await callOuts.start(request);
    gateway.answerLeg(placedChannel(0));
    await settle();
    const callees = callOuts.find(started.id)!.callSids.slice(1);
    expect(callees).toHaveLength(2);
    gateway.farEndHangsUp(placedChannel(0));
    await settle();
    expect(legs.hungUp).toEqual(expect.arrayContaining(callees));
  });

  it('forwards the ringing callee: both its phones stop, the target rings for the answered caller and joins on answer', async () => {
    const { callOuts, legs, gateway, registry, settle, placedChannel } = callOutCore();
    const started = await callOuts.start(request);
    gateway.answerLeg(placedChannel(0));
    await settle();
    const [first, second] = callOuts.find(started.id)!.callSids.slice(1);
    const side = registry.ringing.ringing(second)!;
    expect(side).toMatchObject({ sessionId: started.id, waitingCallSid: started.callSids[0] });
    const target = { kind: 'sip-user' as const, dialString: 'PJSIP/1003@t.example/sip:1003@10.0.0.3' };
    const [forwarded] = await side.retarget([target], '1003');
    await settle();
    expect(legs.placed[3]).toEqual(
      expect.objectContaining({ forCallSid: started.callSids[0], target, to: '1003', callerId: '1001' }),
    );
    expect(legs.hungUp).toEqual([first, second]);
    expect(callOuts.find(started.id)!.callSids).toEqual([
      ...started.callSids,
      first,
      second,
      forwarded.callSid,
    ]);
    expect(legs.hungUp).not.toContain(started.callSids[0]);

    gateway.answerLeg(placedChannel(3));
    await settle();
    expect(
      registry
        .find(started.id)!
        .partyList()
        .map((party) => party.callSid),
    ).toEqual([started.callSids[0], forwarded.callSid]);
    expect(registry.ringing.list()).toEqual([]);
  });
});
