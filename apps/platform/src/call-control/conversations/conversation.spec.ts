import { refusal } from '../../../../../test/support/domain-refusal';
import { DomainErrorCode } from '../../common/domain-error';
import { fakeCore } from '../../../../../test/support/fake-core';

const recording = {
  name: 'rec-1',
  maxDurationSeconds: 60,
  maxSilenceSeconds: 0,
  beep: false,
  terminateOn: 'none',
} as const;

function setUp() {
  const core = fakeCore();
  const { events } = core;
  /** `call#sequence type` of the events published for `callSid`, after the leg's own answered status. */
  const eventsOf = (callSid: string) =>
    events
      .filter((event) => event.callSid === callSid && event.payload.type !== 'leg.status')
      .map((event) => `#${event.sequence} ${event.payload.type}`);
  return { ...core, eventsOf };
}

async function twoParties(options: { endWhenAlone?: boolean } = {}) {
  const context = setUp();
  const alice = context.legs.answered('alice');
  const bob = context.legs.answered('bob');
  const conversation = context.registry.create(options);
  await conversation.start([alice, bob]);
  await context.settle();
  return { ...context, alice, bob, conversation };
}

describe('Conversation', () => {
  it('creates its bridge with an id chosen beforehand and joins the members', async () => {
    const { gateway, conversation, alice, bob, eventsOf } = await twoParties();
    expect(conversation.id).toMatch(/^cw-bridge-[0-9a-f-]{36}$/);
    expect(gateway.commands.map((command) => command.op)).toEqual([
      'createBridge',
      'addToBridge',
      'addToBridge',
    ]);
    expect([...gateway.bridges.get(conversation.id)!]).toEqual([alice.channelId, bob.channelId]);
    expect(conversation.partyList().map((party) => [party.callSid, party.status])).toEqual([
      [alice.callSid, 'connected'],
      [bob.callSid, 'connected'],
    ]);
    // #1 is each leg's own in-progress status.
    expect(eventsOf(alice.callSid)).toEqual(['#2 conversation.started', '#3 party.joined']);
    expect(eventsOf(bob.callSid)).toEqual(['#2 conversation.started', '#3 party.joined']);
  });

  it('adopts a bridge Asterisk still holds without asking Asterisk anything, and acts on it after', async () => {
    const context = setUp();
    const alice = context.legs.answered('alice');
    const bob = context.legs.answered('bob');
    await context.gateway.createBridge('cw-bridge-left-by-a-previous-process');
    await context.gateway.addToBridge('cw-bridge-left-by-a-previous-process', alice.channelId);
    await context.gateway.addToBridge('cw-bridge-left-by-a-previous-process', bob.channelId);
    const before = context.gateway.commands.length;
    const conversation = context.registry.create({
      id: 'cw-bridge-left-by-a-previous-process',
      endWhenAlone: true,
    });
    await conversation.adopt([alice, bob]);
    expect(context.gateway.commands.length).toBe(before);
    expect(conversation.partyList().map((party) => party.status)).toEqual(['connected', 'connected']);
    expect(context.registry.conversationOf(bob.callSid)).toBe(conversation);
    await conversation.hold(bob.callSid, { sipVisible: false });
    expect(context.gateway.held.has(bob.channelId)).toBe(true);
  });

  it('holds and unholds a party through the gateway and tells who held it', async () => {
    const { gateway, conversation, alice, events, eventsOf, settle } = await twoParties();
    await conversation.hold(alice.callSid, { sipVisible: true });
    expect(gateway.held.get(alice.channelId)).toEqual({ sipVisible: true });
    expect(conversation.party(alice.callSid)).toMatchObject({ held: true, muted: false });
    await conversation.hold(alice.callSid, { sipVisible: true });
    expect(gateway.commandsFor(alice.channelId).filter((op) => op === 'hold')).toHaveLength(1);
    await conversation.unhold(alice.callSid);
    expect(gateway.held.has(alice.channelId)).toBe(false);
    await settle();
    expect(eventsOf(alice.callSid).slice(2)).toEqual(['#4 party.held', '#5 party.unheld']);
    expect(events.find((event) => event.payload.type === 'party.held')?.payload).toEqual({
      type: 'party.held',
      conversationId: conversation.id,
      by: 'platform',
    });
  });

  it('follows the phone’s own hold and resume', async () => {
    const { gateway, conversation, bob, events, settle } = await twoParties();
    gateway.emit(bob.channelId, { kind: 'phone-held' });
    expect(conversation.party(bob.callSid)?.held).toBe(true);
    gateway.emit(bob.channelId, { kind: 'phone-unheld' });
    expect(conversation.party(bob.callSid)?.held).toBe(false);
    await settle();
    expect(
      events
        .filter((event) => event.payload.type.startsWith('party.') && event.callSid === bob.callSid)
        .map((event) => event.payload),
    ).toEqual([
      { type: 'party.joined', conversationId: conversation.id },
      { type: 'party.held', conversationId: conversation.id, by: 'phone' },
      { type: 'party.unheld', conversationId: conversation.id, by: 'phone' },
    ]);
    expect(gateway.commandsFor(bob.channelId)).not.toContain('hold');
  });

  it('mutes a party’s audio into the bridge', async () => {
    const { gateway, conversation, bob, eventsOf, settle } = await twoParties();
    await conversation.mute(bob.callSid);
    expect([...gateway.muted.get(bob.channelId)!]).toEqual(['in']);
    expect(conversation.party(bob.callSid)?.muted).toBe(true);
    await conversation.unmute(bob.callSid);
    expect([...gateway.muted.get(bob.channelId)!]).toEqual([]);
    await settle();
    expect(eventsOf(bob.callSid).slice(2)).toEqual(['#4 party.muted', '#5 party.unmuted']);
  });

  it('refuses commands for a leg that is not a party, and leaves state alone when Asterisk fails', async () => {
    const { gateway, conversation, alice } = await twoParties();
    expect((await refusal(conversation.hold('CA-nobody', { sipVisible: false }))).code).toBe(
      DomainErrorCode.PartyNotFound,
    );
    gateway.failing.add('hold');
    await expect(conversation.hold(alice.callSid, { sipVisible: false })).rejects.toThrow(
      'refused by the test',
    );
    expect(conversation.party(alice.callSid)?.held).toBe(false);
  });

  it('refuses a leg that has already ended', async () => {
    const { gateway, conversation, legs } = await twoParties();
    const carol = legs.answered('carol');
    gateway.farEndHangsUp(carol.channelId);
    expect((await refusal(conversation.join(carol))).code).toBe(DomainErrorCode.CallNotInProgress);
  });

  it('lets a party leave with its leg still up; the last one leaving ends the conversation', async () => {
    const { gateway, conversation, registry, alice, bob, eventsOf, settle } = await twoParties();
    await conversation.leave(alice.callSid);
    expect(gateway.bridges.get(conversation.id)?.has(alice.channelId)).toBe(false);
    expect(gateway.channels.has(alice.channelId)).toBe(true);
    expect(registry.conversationOf(alice.callSid)).toBeUndefined();
    await conversation.leave(bob.callSid);
    await settle();
    expect(conversation.isEnded).toBe(true);
    expect(gateway.bridges.has(conversation.id)).toBe(false);
    expect(registry.find(conversation.id)).toBeUndefined();
    expect(eventsOf(alice.callSid)).toEqual(['#2 conversation.started', '#3 party.joined', '#4 party.left']);
  });

  it('removes a party whose leg ended before the leg’s final status, and keeps the other', async () => {
    const { gateway, conversation, alice, bob, events, legs, settle } = await twoParties();
    gateway.farEndHangsUp(alice.channelId);
    await settle();
    expect(conversation.party(alice.callSid)).toBeUndefined();
    expect(conversation.party(bob.callSid)?.status).toBe('connected');
    expect(legs.hungUp).toEqual([]);
    expect(
      events
        .filter((event) => event.callSid === alice.callSid)
        .map((event) => `#${event.sequence} ${event.payload.type}`),
    ).toEqual([
      '#1 leg.status',
      '#2 conversation.started',
      '#3 party.joined',
      '#4 party.left',
      '#5 leg.status',
    ]);
  });

  it('with endWhenAlone hangs up the other side when one leaves, then ends', async () => {
    const { gateway, conversation, alice, bob, legs, bus, settle } = await twoParties({ endWhenAlone: true });
    gateway.farEndHangsUp(alice.channelId);
    await settle();
    expect(legs.hungUp).toEqual([bob.callSid]);
    expect(gateway.channels.has(bob.channelId)).toBe(false);
    expect(conversation.isEnded).toBe(true);
    expect(gateway.commands.at(-1)).toEqual({ op: 'destroyBridge', bridgeId: conversation.id });
    expect(bus.openCalls).toBe(0);
  });

  it('does not hang up a lone party while a transfer has suspended endWhenAlone', async () => {
    const { gateway, conversation, alice, bob, legs, settle } = await twoParties({ endWhenAlone: true });
    const resume = conversation.suspendEndWhenAlone();
    gateway.farEndHangsUp(alice.channelId);
    await settle();
    expect(legs.hungUp).toEqual([]);
    resume();
    await settle();
    expect(legs.hungUp).toEqual([bob.callSid]);
  });

  it('ends: every party leaves, the bridge goes, the legs stay up, later commands are refused', async () => {
    const { gateway, conversation, alice, bob, eventsOf, settle } = await twoParties();
    await conversation.end();
    await settle();
    expect(gateway.bridges.has(conversation.id)).toBe(false);
    expect(gateway.channels.has(alice.channelId) && gateway.channels.has(bob.channelId)).toBe(true);
    expect(eventsOf(bob.callSid).slice(2)).toEqual(['#4 party.left', '#5 conversation.ended']);
    expect((await refusal(conversation.hold(bob.callSid, { sipVisible: false }))).code).toBe(
      DomainErrorCode.ConversationNotFound,
    );
  });

  it('records the bridge with pause, resume and stop, and one party through a snoop channel', async () => {
    const { gateway, conversation, alice } = await twoParties();
    await conversation.record(recording);
    await conversation.pauseRecording('rec-1');
    await conversation.resumeRecording('rec-1');
    await conversation.stopRecording('rec-1');
    expect((await refusal(conversation.pauseRecording('rec-1'))).code).toBe(DomainErrorCode.NotFound);
    await conversation.recordParty(alice.callSid, { ...recording, name: 'rec-alice' });
    const ops = gateway.commands.slice(3).map((command) => command.op);
    expect(ops).toEqual([
      'recordBridge',
      'pauseRecording',
      'resumeRecording',
      'stopRecording',
      'snoop',
      'record',
    ]);
    const snoop = gateway.commands.find((command) => command.op === 'snoop')!;
    expect(snoop).toMatchObject({ channelId: alice.channelId, args: { spy: 'in', whisper: 'none' } });
    const snoopChannelId = (snoop.args as { snoopChannelId: string }).snoopChannelId;
    expect(gateway.commands.at(-1)).toMatchObject({ op: 'record', channelId: snoopChannelId });
  });

  it('drops a party that Asterisk moved out of the bridge behind its back', async () => {
    const { gateway, conversation, alice, settle } = await twoParties();
    await gateway.createBridge('other-bridge');
    await gateway.addToBridge('other-bridge', alice.channelId);
    await settle();
    expect(conversation.party(alice.callSid)).toBeUndefined();
  });

  it('does not keep a party whose channel could not be added', async () => {
    const { gateway, registry, legs } = setUp();
    const carol = legs.answered('carol');
    const conversation = registry.create();
    await conversation.start();
    gateway.failing.add('addToBridge');
    await expect(conversation.join(carol)).rejects.toThrow('refused by the test');
    expect(conversation.partyList()).toEqual([]);
    expect(registry.conversationOf(carol.callSid)).toBeUndefined();
  });
});

describe('ConversationRegistry', () => {
  it('finds the conversation and party of a leg, and follows a party moved to another conversation', async () => {
    const { registry, conversation, alice, bob, legs, gateway, settle } = await twoParties();
    expect(registry.partyOf(alice.callSid)).toMatchObject({ conversation, party: { status: 'connected' } });
    const carol = legs.answered('carol');
    const second = registry.create();
    await second.start([carol]);
    await conversation.moveTo(bob.callSid, second);
    await settle();
    expect(gateway.bridgeOf(bob.channelId)).toBe(second.id);
    expect(registry.conversationOf(bob.callSid)).toBe(second);
    expect(conversation.party(bob.callSid)).toBeUndefined();
    expect(registry.list()).toEqual([conversation, second]);
    expect(() => registry.get('cw-bridge-unknown')).toThrow('not found');
  });

  it('drops a party from its old conversation when it joins another without being moved', async () => {
    const { registry, conversation, bob, legs, settle } = await twoParties();
    const second = registry.create();
    await second.start([legs.answered('carol')]);
    await second.join(bob);
    await settle();
    expect(conversation.party(bob.callSid)).toBeUndefined();
    expect(second.party(bob.callSid)?.status).toBe('connected');
    expect(registry.conversationOf(bob.callSid)).toBe(second);
  });
});
