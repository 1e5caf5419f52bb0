import { FakeTelephonyGateway } from '../testing/fake-telephony-gateway';
import { ChannelEvent, OriginateRequest } from '../telephony-gateway.port';
import { MultiServerGateway } from './multi-server-gateway';

function setup(count = 2, graceMs = 50) {
  const fakes = Array.from({ length: count }, () => new FakeTelephonyGateway());
  const gateway = new MultiServerGateway(
    fakes.map((fake, index) => ({ name: `ast${index + 1}`, gateway: fake })),
    graceMs,
  );
  return { fakes, gateway };
}

function request(channelId: string, labels: OriginateRequest['labels'] = {}): OriginateRequest {
  return {
    channelId,
    target: { kind: 'number', number: '100' },
    callerId: '1',
    timeoutSeconds: 5,
    hops: 0,
    labels,
  };
}

async function place(gateway: MultiServerGateway, callSid?: string, parentCallSid?: string) {
  const channelId = gateway.newChannelId();
  const events: ChannelEvent[] = [];
  const watch = gateway.watchChannel(channelId, (event) => events.push(event));
  await gateway.originate(request(channelId, { callSid, parentCallSid }));
  return { channelId, events, watch };
}

describe('MultiServerGateway', () => {
  it('places new calls on the least-loaded server and routes each operation to it', async () => {
    const { fakes, gateway } = setup();
    const first = await place(gateway);
    const second = await place(gateway);
    const third = await place(gateway);
    expect(fakes[0].originated.map((r) => r.channelId)).toEqual([first.channelId, third.channelId]);
    expect(fakes[1].originated.map((r) => r.channelId)).toEqual([second.channelId]);
    expect(gateway.serverOf(second.channelId)).toBe('ast2');

    await gateway.answer(second.channelId);
    await gateway.play(second.channelId, 'pb-1', 'sound:beep');
    await gateway.stopPlayback('pb-1');
    expect(fakes[1].commandsFor(second.channelId)).toEqual(['originate', 'answer', 'play']);
    expect(fakes[0].commandsFor(second.channelId)).toEqual([]);
    expect(fakes[1].commands.map((c) => c.op)).toContain('stopPlayback');
  });

  it('delivers events from the server that holds the channel; a hangup frees its place in the load', async () => {
    const { fakes, gateway } = setup();
    const first = await place(gateway);
    fakes[0].answerLeg(first.channelId);
    expect(first.events.map((e) => e.kind)).toEqual(['ringing', 'answered', 'entered-app']);
    fakes[0].farEndHangsUp(first.channelId);
    first.watch.stop();
    const next = await place(gateway);
    expect(gateway.serverOf(next.channelId)).toBe('ast1');
  });

  it("keeps a Dial leg on its parent call's server, and snoops and detectors beside their channel", async () => {
    const { fakes, gateway } = setup();
    await place(gateway, 'CA1');
    const parent = await place(gateway, 'CA2');
    expect(gateway.serverOf(parent.channelId)).toBe('ast2');
    const child = await place(gateway, 'CA3', 'CA2');
    expect(gateway.serverOf(child.channelId)).toBe('ast2');
    await gateway.createChannel({ ...request('cw-early'), originatorChannelId: parent.channelId });
    expect(gateway.serverOf('cw-early')).toBe('ast2');
    await gateway.snoop(parent.channelId, { snoopChannelId: 'cw-snoop', spy: 'in', whisper: 'none' });
    expect(gateway.serverOf('cw-snoop')).toBe('ast2');
    expect(fakes[0].commands.map((c) => c.op)).toEqual(['originate']);
  });

  it('creates a bridge on the server of its first member and refuses a member of another server', async () => {
    const { fakes, gateway } = setup();
    const a = await place(gateway);
    const b = await place(gateway);
    await gateway.createBridge('br-1');
    expect(fakes[0].bridges.size + fakes[1].bridges.size).toBe(0);
    await gateway.addToBridge('br-1', b.channelId);
    expect(fakes[1].bridges.get('br-1')).toEqual(new Set([b.channelId]));
    await expect(gateway.addToBridge('br-1', a.channelId)).rejects.toThrow(
      /on Asterisk ast1, bridge br-1 on ast2/,
    );
    await gateway.destroyBridge('br-1');
    expect(fakes[1].bridges.has('br-1')).toBe(false);
  });

  it('takes a server whose ARI stopped answering out of rotation, and reports per channel', async () => {
    const { fakes, gateway } = setup();
    const first = await place(gateway);
    fakes[1].connected = false;
    const next = await place(gateway);
    expect(gateway.serverOf(next.channelId)).toBe('ast1');
    expect(gateway.isConnected()).toBe(true);
    fakes[0].connected = false;
    expect(gateway.isConnected()).toBe(false);
    await expect(place(gateway)).rejects.toThrow('Asterisk is not connected');
    fakes[0].connected = true;
    fakes[1].connected = false;
    expect(gateway.isConnected(first.channelId)).toBe(true);
    const onTwo = await (async () => {
      fakes[1].connected = true;
      fakes[0].connected = false;
      const placed = await place(gateway);
      fakes[0].connected = true;
      return placed;
    })();
    fakes[1].connected = false;
    expect(gateway.isConnected(onTwo.channelId)).toBe(false);
    expect(gateway.isConnected()).toBe(true);
  });

  it("learns where incoming channels and a previous process's channels are", async () => {
    const { fakes, gateway } = setup();
    const seen: string[] = [];
    gateway.onIncomingChannel((channel) => seen.push(channel.channelId));
    fakes[1].arrive({ channelId: 'in-1' });
    expect(seen).toEqual(['in-1']);
    expect(gateway.serverOf('in-1')).toBe('ast2');
    fakes[0].channels.add('old-1');
    const inventory = await gateway.inventory();
    expect([...inventory.channelIds].sort()).toEqual(['in-1', 'old-1']);
    expect(gateway.serverOf('old-1')).toBe('ast1');
    await gateway.resumeChannel('old-1');
    expect(fakes[0].commands.map((c) => c.op)).toContain('resumeChannel');
  });

  it('says connected once every server answered, or after the grace time with those that did', async () => {
    const { fakes, gateway } = setup(2, 30);
    fakes.forEach((fake) => (fake.connected = false));
    const connected = jest.fn();
    gateway.onConnected(connected);
    gateway.onApplicationBootstrap();
    fakes[0].reconnect();
    expect(connected).not.toHaveBeenCalled();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(connected).toHaveBeenCalledTimes(1);
    fakes[1].reconnect();
    expect(connected).toHaveBeenCalledTimes(2);
    await gateway.onApplicationShutdown();

    const both = setup(2, 10_000);
    both.fakes.forEach((fake) => (fake.connected = false));
    const ready = jest.fn();
    both.gateway.onConnected(ready);
    both.gateway.onApplicationBootstrap();
    both.fakes[0].reconnect();
    both.fakes[1].reconnect();
    expect(ready).toHaveBeenCalledTimes(1);
    await both.gateway.onApplicationShutdown();
  });

  it('with one server, creates bridges at once as a single gateway does', async () => {
    const { fakes, gateway } = setup(1);
    await gateway.createBridge('br-1');
    expect(fakes[0].bridges.has('br-1')).toBe(true);
  });
});
