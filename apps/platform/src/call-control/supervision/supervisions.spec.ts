import { fakeCore } from '../../../../../test/support/fake-core';
import { DomainErrorCode } from '../../common/domain-error';
import { SuperviseRequest, Supervisions } from './supervisions';

async function supervisionCore() {
  const core = fakeCore();
  const supervisions = new Supervisions(core.registry, core.legs, core.legs, core.gateway);
  const agent = core.legs.answered('agent');
  const customer = core.legs.answered('customer');
  const call = core.registry.create({ endWhenAlone: true });
  await call.start([agent, customer]);
  await core.settle();
  const request: SuperviseRequest = {
    agentCallSid: agent.callSid,
    spy: 'both',
    targets: [{ kind: 'sip-user', dialString: 'PJSIP/1009@t.example' }],
    to: '1009',
    callerId: '1001',
    ringSeconds: 20,
  };
  const snoopOf = (channelId: string) =>
    core.gateway.commands.find((command) => command.op === 'snoop' && command.channelId === channelId);
  return { ...core, supervisions, agent, customer, call, request, snoopOf };
}

describe('Supervisions (listen-only supervision on the fake gateway)', () => {
  it('rings the supervisor, then bridges it with a snoop of the agent that hears both ways and whispers nothing', async () => {
    const { supervisions, agent, customer, call, request, gateway, legs, registry, settle, snoopOf } =
      await supervisionCore();
    const view = await supervisions.supervise(request);
    expect(view).toMatchObject({ stage: 'ringing', agentCallSid: agent.callSid });
    expect(legs.placed).toEqual([
      expect.objectContaining({ forCallSid: agent.callSid, to: '1009', target: request.targets[0] }),
    ]);
    expect(snoopOf(agent.channelId)).toBeUndefined();

    const supervisorChannel = gateway.originated[0].channelId;
    gateway.answerLeg(supervisorChannel);
    await settle();
    const snoop = snoopOf(agent.channelId)!;
    expect(snoop.args).toMatchObject({ spy: 'both', whisper: 'none' });
    const snoopChannelId = (snoop.args as { snoopChannelId: string }).snoopChannelId;
    expect([...gateway.bridges.get(view.id)!].sort()).toEqual([supervisorChannel, snoopChannelId].sort());
    expect(supervisions.find(view.id)?.stage).toBe('listening');
    // The supervisor has a conversation of its own; the agent's call is untouched.
    expect(
      registry
        .find(view.id)
        ?.partyList()
        .map((party) => party.callSid),
    ).toEqual(view.supervisorCallSids);
    expect(call.partyList().map((party) => party.callSid)).toEqual([agent.callSid, customer.callSid]);
    expect(gateway.commandsFor(agent.channelId)).not.toContain('hold');
    expect(gateway.commandsFor(customer.channelId)).toEqual(['addToBridge']);
  });

  it('ends the supervision when the agent’s call ends: the snoop goes, then the supervisor is hung up', async () => {
    const { supervisions, agent, request, gateway, legs, registry, settle, snoopOf } =
      await supervisionCore();
    const view = await supervisions.supervise(request);
    gateway.answerLeg(gateway.originated[0].channelId);
    await settle();
    const snoopChannelId = (snoopOf(agent.channelId)!.args as { snoopChannelId: string }).snoopChannelId;
    gateway.farEndHangsUp(agent.channelId);
    gateway.farEndHangsUp(snoopChannelId);
    await settle();
    expect(legs.hungUp).toContain(view.supervisorCallSids[0]);
    expect(registry.find(view.id)).toBeUndefined();
    expect(supervisions.find(view.id)).toBeUndefined();
  });

  it('hangs up the snoop when the supervisor hangs up', async () => {
    const { supervisions, agent, request, gateway, settle, snoopOf } = await supervisionCore();
    const view = await supervisions.supervise(request);
    const supervisorChannel = gateway.originated[0].channelId;
    gateway.answerLeg(supervisorChannel);
    await settle();
    const snoopChannelId = (snoopOf(agent.channelId)!.args as { snoopChannelId: string }).snoopChannelId;
    gateway.farEndHangsUp(supervisorChannel);
    await settle();
    expect(gateway.commandsFor(snoopChannelId)).toContain('hangup');
    expect(gateway.bridges.has(view.id)).toBe(false);
    expect(supervisions.of(agent.callSid)).toEqual([]);
  });

  it('stops ringing the supervisor when the agent’s call ends first', async () => {
    const { supervisions, agent, request, gateway, legs, settle, snoopOf } = await supervisionCore();
    const view = await supervisions.supervise(request);
    gateway.farEndHangsUp(agent.channelId);
    await settle();
    expect(legs.hungUp).toContain(view.supervisorCallSids[0]);
    expect(snoopOf(agent.channelId)).toBeUndefined();
  });

  it('refuses to supervise a call that is not a party of a conversation', async () => {
    const { supervisions, request, legs } = await supervisionCore();
    const alone = legs.answered('alone');
    await expect(supervisions.supervise({ ...request, agentCallSid: alone.callSid })).rejects.toMatchObject({
      code: DomainErrorCode.PartyNotFound,
    });
    expect(legs.placed).toEqual([]);
  });
});
