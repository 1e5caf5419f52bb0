import { fakeCore } from '../../../../../test/support/fake-core';
import { DomainErrorCode } from '../../common/domain-error';
import { ParkOrbits, PickupRequest } from './park-orbits';

const pickup: PickupRequest = {
  targets: [
    { kind: 'sip-user', dialString: 'PJSIP/1003@t.example/sip:1003@10.0.0.3' },
    { kind: 'sip-user', dialString: 'PJSIP/1003@t.example/sip:1003@10.0.0.4' },
  ],
  to: '1003',
  callerId: '1002',
  ringSeconds: 20,
};

/** Agent and customer in a two-party call (a lone party is hung up), and the orbits on the fake core. */
async function parkCore() {
  const core = fakeCore();
  const orbits = new ParkOrbits(core.registry, core.legs, core.legs);
  const agent = core.legs.answered('agent');
  const customer = core.legs.answered('customer');
  const conversation = core.registry.create({ endWhenAlone: true });
  await conversation.start([agent, customer]);
  await core.settle();
  const placedChannel = (index: number) => core.gateway.originated[index]?.channelId;
  return { ...core, orbits, agent, customer, conversation, placedChannel };
}

describe('ParkOrbits (call park on the fake gateway)', () => {
  it('parks the customer on music in its own conversation and hangs up the agent', async () => {
    const { orbits, agent, customer, conversation, gateway, legs, events, settle } = await parkCore();
    const parked = await orbits.park(agent.callSid, customer.callSid);
    await settle();
    expect(parked).toMatchObject({ parkId: '801', callSid: customer.callSid, pickingUp: false });
    expect(legs.hungUp).toEqual([agent.callSid]);
    expect(gateway.held.get(customer.channelId)).toEqual({ sipVisible: false });
    // Alone, yet not hung up: the conversation (the session) waits with it.
    expect(conversation.isEnded).toBe(false);
    expect(conversation.partyList()).toEqual([
      expect.objectContaining({ callSid: customer.callSid, held: true, parked: '801' }),
    ]);
    expect(events.map((event) => event.payload)).toContainEqual({
      type: 'party.parked',
      conversationId: conversation.id,
      parkId: '801',
    });
    expect(orbits.list('AC-test').map((call) => call.parkId)).toEqual(['801']);
  });

  it('gives each parked call of an account the lowest free park id', async () => {
    const first = await parkCore();
    const otherAgent = first.legs.answered('agent-2');
    const otherCustomer = first.legs.answered('customer-2');
    await first.registry.create({ endWhenAlone: true }).start([otherAgent, otherCustomer]);
    await first.orbits.park(first.agent.callSid, first.customer.callSid);
    const next = await first.orbits.park(otherAgent.callSid, otherCustomer.callSid);
    expect(next.parkId).toBe('802');
  });

  it('refuses to park a party of another conversation, or a party already parked', async () => {
    const { orbits, agent, customer, legs, registry } = await parkCore();
    const stranger = legs.answered('stranger');
    const lonely = legs.answered('lonely');
    await registry.create().start([stranger, lonely]);
    await expect(orbits.park(stranger.callSid, customer.callSid)).rejects.toMatchObject({
      code: DomainErrorCode.PartyNotFound,
    });
    await orbits.park(agent.callSid, customer.callSid);
    expect(orbits.find(customer.callSid)?.parkId).toBe('801');
  });

  it('picks up: every phone of the picker rings, the first to answer joins and the call leaves the orbit', async () => {
    const { orbits, agent, customer, conversation, gateway, legs, settle, placedChannel } = await parkCore();
    await orbits.park(agent.callSid, customer.callSid);
    const ringing = await orbits.pickup(customer.callSid, pickup);
    expect(ringing.callSids).toHaveLength(2);
    expect(legs.placed).toEqual(
      pickup.targets.map((target) =>
        expect.objectContaining({ forCallSid: customer.callSid, target, to: '1003', callerId: '1002' }),
      ),
    );
    expect(orbits.find(customer.callSid)?.pickingUp).toBe(true);
    await expect(orbits.pickup(customer.callSid, pickup)).rejects.toMatchObject({
      code: DomainErrorCode.InvalidPartyState,
    });

    gateway.answerLeg(placedChannel(1));
    await settle();
    expect(conversation.partyList()).toEqual([
      expect.objectContaining({ callSid: customer.callSid, held: false }),
      expect.objectContaining({ callSid: ringing.callSids[1], status: 'connected' }),
    ]);
    expect(conversation.party(customer.callSid)?.parked).toBeUndefined();
    expect(gateway.held.has(customer.channelId)).toBe(false);
    expect(legs.hungUp).toContain(ringing.callSids[0]);
    expect(orbits.list('AC-test')).toEqual([]);
    // A two-party call again: the customer hanging up ends the picker's leg.
    gateway.farEndHangsUp(customer.channelId);
    await settle();
    expect(legs.hungUp).toContain(ringing.callSids[1]);
  });

  it('leaves the call parked when nobody answers the pickup', async () => {
    const { orbits, agent, customer, gateway, settle, placedChannel } = await parkCore();
    await orbits.park(agent.callSid, customer.callSid);
    await orbits.pickup(customer.callSid, { ...pickup, targets: [pickup.targets[0]] });
    gateway.farEndHangsUp(placedChannel(0));
    await settle();
    expect(orbits.find(customer.callSid)).toMatchObject({ parkId: '801', pickingUp: false });
  });

  it('frees the park id and ends the conversation when the parked caller hangs up, stopping a pickup', async () => {
    const { orbits, agent, customer, conversation, gateway, legs, settle, placedChannel } = await parkCore();
    await orbits.park(agent.callSid, customer.callSid);
    const ringing = await orbits.pickup(customer.callSid, { ...pickup, targets: [pickup.targets[0]] });
    gateway.farEndHangsUp(customer.channelId);
    await settle();
    expect(conversation.isEnded).toBe(true);
    expect(orbits.list('AC-test')).toEqual([]);
    expect(legs.hungUp).toContain(ringing.callSids[0]);
    expect(gateway.channels.has(placedChannel(0))).toBe(false);
    await expect(orbits.pickup(customer.callSid, pickup)).rejects.toMatchObject({
      code: DomainErrorCode.InvalidPartyState,
    });
  });

  it('refuses a pickup of a call that is not parked', async () => {
    const { orbits, customer } = await parkCore();
    await expect(orbits.pickup(customer.callSid, pickup)).rejects.toMatchObject({
      code: DomainErrorCode.InvalidPartyState,
    });
  });
});
