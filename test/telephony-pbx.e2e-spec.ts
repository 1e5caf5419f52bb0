import { Logger } from '@nestjs/common';
import { loadConfig } from '../apps/platform/src/config/app-config';
import { AriTelephonyGateway } from '../apps/platform/src/telephony/ari/ari-telephony-gateway';
import type { ChannelEvent, IncomingChannel } from '../apps/platform/src/telephony/telephony-gateway.port';
import { channelReport, liveChannels } from './support/asterisk-inspector';
import { waitUntil } from './support/platform';
import { SippPeer, SippResult, startUac, startUas } from './support/sipp';

/**
 * The ARI adapter's PBX operations and events against the real platform Asterisk and SIPp phones. The
 * adapter is driven directly under the platform's own ARI app (no platform runs in this file), so the
 * calls SIPp phones place to Asterisk reach it as they would reach the platform.
 */
describe('ARI gateway PBX operations against Asterisk and SIPp', () => {
  let gateway: AriTelephonyGateway;
  const incoming: IncomingChannel[] = [];
  const events = new Map<string, ChannelEvent[]>();
  const peers: SippPeer[] = [];

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    gateway = new AriTelephonyGateway(loadConfig(process.env));
    gateway.onIncomingChannel((channel) => {
      incoming.push(channel);
      watch(channel.channelId);
    });
    gateway.onApplicationBootstrap();
    await waitUntil(() => gateway.isConnected(), 15000, 'the ARI connection');
  });

  afterAll(async () => {
    await gateway?.onApplicationShutdown();
  });

  afterEach(async () => {
    await Promise.all(peers.splice(0).map((peer) => peer.stop()));
    incoming.length = 0;
  });

  function watch(channelId: string): ChannelEvent[] {
    const seen: ChannelEvent[] = [];
    events.set(channelId, seen);
    gateway.watchChannel(channelId, (event) => seen.push(event));
    return seen;
  }

  async function eventOf<K extends ChannelEvent['kind']>(
    channelId: string,
    kind: K,
    timeoutMs = 15000,
  ): Promise<Extract<ChannelEvent, { kind: K }>> {
    const seen = events.get(channelId)!;
    await waitUntil(() => seen.some((event) => event.kind === kind), timeoutMs, `${kind} on ${channelId}`);
    return seen.find((event) => event.kind === kind) as Extract<ChannelEvent, { kind: K }>;
  }

  async function uas(scenario: Parameters<typeof startUas>[0]['scenario']): Promise<SippPeer> {
    const peer = await startUas({ scenario });
    peers.push(peer);
    return peer;
  }

  const legTo = (peer: SippPeer, channelId: string) => ({
    channelId,
    target: { kind: 'sip' as const, uri: peer.uri('bob') },
    callerId: '+15550001111',
    timeoutSeconds: 20,
    hops: 0,
  });

  /** Places an answered call from the platform to `peer`; resolves with its channel id. */
  async function callOut(peer: SippPeer): Promise<string> {
    const channelId = gateway.newChannelId();
    watch(channelId);
    await gateway.originate(legTo(peer, channelId));
    await eventOf(channelId, 'entered-app');
    return channelId;
  }

  /** A SIPp phone calls the platform; resolves with the phone and the answered channel. */
  async function phoneCallsIn(options: Parameters<typeof startUac>[0]) {
    const phone = await startUac(options);
    peers.push(phone);
    await waitUntil(() => incoming.some((channel) => channel.to === options.to), 15000, 'the call in');
    const channelId = incoming.find((channel) => channel.to === options.to)!.channelId;
    await gateway.answer(channelId);
    return { phone, channelId };
  }

  async function finished(peer: SippPeer): Promise<SippResult> {
    const result = await peer.received;
    if (result.exitCode !== 0) throw new Error(`sipp exited ${result.exitCode}:\n${result.log}`);
    return result;
  }

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('holds a phone with music from Asterisk and no SIP, and unhold ends the music', async () => {
    const peer = await uas('answer');
    const channelId = await callOut(peer);
    const name = (await liveChannels()).find((channel) => channel.id === channelId)!.name;
    // The stack's music on hold is a GSM prompt: while it plays, Asterisk transcodes GSM to the phone.
    const playsMusic = async () => /WriteTranscode: Yes \(gsm/.test(await channelReport(name));
    expect(await playsMusic()).toBe(false);

    await gateway.hold(channelId, { sipVisible: false });
    await waitUntil(playsMusic, 5000, 'music on hold');
    await gateway.unhold(channelId);
    await waitUntil(async () => !(await playsMusic()), 5000, 'the music to stop');
    await gateway.hangup(channelId);

    // The answer scenario fails on any request it does not expect, such as a re-INVITE.
    await finished(peer);
    await eventOf(channelId, 'hangup');
  });

  it('holds a phone in SIP: a re-INVITE a=sendonly, then a=sendrecv on unhold', async () => {
    const peer = await uas('hold');
    const channelId = await callOut(peer);

    await gateway.hold(channelId, { sipVisible: true });
    await pause(1000);
    await gateway.unhold(channelId);
    await pause(1000);
    await gateway.hangup(channelId);

    const result = await finished(peer);
    const offers = [...result.log.matchAll(/CW_REINVITE (a=\w+)/g)].map((match) => match[1]);
    expect(offers).toEqual(['a=sendonly', 'a=sendrecv']);
  });

  it('reports a phone putting the call on hold and taking it off', async () => {
    const { phone, channelId } = await phoneCallsIn({ scenario: 'phone-hold', to: 'pbx-phone-hold' });
    await eventOf(channelId, 'hangup');
    await finished(phone);
    const kinds = events.get(channelId)!.map((event) => event.kind);
    expect(kinds.filter((kind) => kind === 'phone-held' || kind === 'phone-unheld')).toEqual([
      'phone-held',
      'phone-unheld',
    ]);
    expect(kinds.indexOf('phone-held')).toBeLessThan(kinds.indexOf('phone-unheld'));
  });

  it('dials a created leg and reports each provisional response with the status line the far end sent', async () => {
    const peer = await uas('provisional');
    const channelId = gateway.newChannelId();
    const seen = watch(channelId);
    await gateway.createChannel(legTo(peer, channelId));
    await eventOf(channelId, 'entered-app');
    await gateway.dial(channelId, 20);
    await eventOf(channelId, 'answered');

    expect(seen.filter((event) => event.kind === 'setup-response')).toEqual([
      { kind: 'setup-response', sipCode: 180, statusLine: 'SIP/2.0 180 Ringing Loudly' },
      { kind: 'setup-response', sipCode: 183, statusLine: 'SIP/2.0 183 Early Media Here' },
    ]);
    expect(incoming).toEqual([]);
    await gateway.hangup(channelId);
    await finished(peer);
  });

  it('snoops on a channel: the snoop enters the app and is not taken for a call coming in', async () => {
    const peer = await uas('answer');
    const channelId = await callOut(peer);
    const snoopChannelId = gateway.newChannelId();
    watch(snoopChannelId);

    await gateway.snoop(channelId, { snoopChannelId, spy: 'both', whisper: 'none' });
    await eventOf(snoopChannelId, 'entered-app');
    const snoop = (await liveChannels()).find((channel) => channel.id === snoopChannelId);
    expect(snoop?.name).toMatch(/^Snoop\//);
    expect(incoming).toEqual([]);

    await gateway.hangup(snoopChannelId);
    await gateway.hangup(channelId);
    await finished(peer);
  });

  it("reports a phone's blind REFER once, and tells the phone the transfer was answered", async () => {
    const { phone, channelId } = await phoneCallsIn({
      scenario: 'phone-refer',
      to: 'pbx-phone-refer',
      referTo: 'sip:carol@127.0.0.1:5060',
    });
    const requested = await eventOf(channelId, 'transfer-requested');
    expect(requested.transfer).toEqual({ mode: 'blind', target: 'carol' });

    await gateway.reportTransferProgress(channelId, 'answered');
    const result = await finished(phone);
    expect([...result.log.matchAll(/CW_NOTIFY (.*)/g)].map((match) => match[1].trim())).toEqual([
      'SIP/2.0 100 Trying',
      'SIP/2.0 200 OK',
    ]);
    await eventOf(channelId, 'hangup');
    // Asterisk echoes every transfer_progress as another ChannelTransfer: not a new REFER.
    expect(events.get(channelId)!.filter((event) => event.kind === 'transfer-requested')).toHaveLength(1);
  });

  it('redirects an answered phone with a REFER to the target', async () => {
    const peer = await uas('refer');
    const channelId = await callOut(peer);

    await gateway.redirect(channelId, { kind: 'sip', uri: 'sip:carol@127.0.0.1:5090' });
    await pause(1000);
    await gateway.hangup(channelId);

    const result = await finished(peer);
    expect(result.log).toMatch(/CW_REFER_TO\s*<?sip:carol@127\.0\.0\.1:5090>?\s*$/m);
  });

  it('reports a channel entering and leaving a bridge', async () => {
    const peer = await uas('answer');
    const channelId = await callOut(peer);
    const bridgeId = `pbx-e2e-${Date.now()}`;
    await gateway.createBridge(bridgeId);

    await gateway.addToBridge(bridgeId, channelId);
    expect(await eventOf(channelId, 'entered-bridge')).toEqual({ kind: 'entered-bridge', bridgeId });
    await gateway.removeFromBridge(bridgeId, channelId);
    expect(await eventOf(channelId, 'left-bridge')).toEqual({ kind: 'left-bridge', bridgeId });

    await gateway.destroyBridge(bridgeId);
    await gateway.hangup(channelId);
    await finished(peer);
  });
});
