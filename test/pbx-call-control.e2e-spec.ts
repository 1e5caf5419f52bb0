import { CallControl } from '../apps/platform/src/call-control/call-control.service';
import type { CallEvent } from '../apps/platform/src/call-control/events/call-event';
import { CallEventBus } from '../apps/platform/src/call-control/events/call-event-bus';
import { LiveCallsService } from '../apps/platform/src/calls/live-calls.service';
import { farEndUri } from './factories/call-request.factory';
import { channelReport, liveBridges, liveChannels } from './support/asterisk-inspector';
import { CallsClient } from './support/calls-client';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { SippPeer, startUac, startUas } from './support/sipp';

/**
 * Hold and transfers of <Dial> legs done through the call-control core (the operations every PBX facade
 * will call), on the real stack: real Asterisk, the far-end Asterisk and SIPp as phones.
 */
describe('Call control of Dial conversations (hold, blind and attended transfer)', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let calls: CallsClient;
  let control: CallControl;
  const events: CallEvent[] = [];
  const peers: SippPeer[] = [];

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    platform = await startPlatform();
    calls = new CallsClient(platform);
    control = platform.app.get(CallControl);
    platform.app.get(CallEventBus).subscribe((event) => void events.push(event));
  });

  afterEach(async () => {
    await Promise.all(peers.splice(0).map((peer) => peer.stop()));
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const channelOf = (callSid: string) =>
    platform.app.get(LiveCallsService).liveSession(callSid)!.leg.channelId;

  /** An API call to the far end whose RCML dials `dialed`; resolves once both legs are bridged. */
  async function dialConversation(dialed: string): Promise<{ caller: string; callee: string }> {
    const url = appServer.rcml(
      `/dial-${Math.random().toString(36).slice(2)}.xml`,
      `<Response><Dial timeout="15"><Sip>${dialed}</Sip></Dial></Response>`,
    );
    const created = await calls
      .create({ To: farEndUri('answer'), From: '+15550001111', Url: url })
      .expect(201);
    const caller = created.body.sid as string;
    const callee = await calls.waitForFirstChild(caller, 'in-progress', 15000);
    await waitUntil(
      async () => {
        const bridged = new Set([channelOf(caller), channelOf(callee)]);
        return (await liveBridges()).some(
          (bridge) => bridge.channels.filter((id) => bridged.has(id)).length === 2,
        );
      },
      10000,
      'the Dial conversation',
    );
    return { caller, callee };
  }

  /** Ends a call through the Calls API (Status=completed), as an app would. */
  const hangUp = (callSid: string) =>
    platform
      .http()
      .post(calls.path(`/${callSid}.json`))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ Status: 'completed' })
      .expect(200);

  const bridgeOf = async (callSid: string) =>
    (await liveBridges()).find((bridge) => bridge.channels.includes(channelOf(callSid)));

  const eventsOf = (callSid: string, prefix: string) =>
    events.filter((event) => event.callSid === callSid && event.payload.type.startsWith(prefix));

  it('holds a Dial party with music on hold in Asterisk, and unhold gives it back the conversation', async () => {
    const { caller, callee } = await dialConversation(farEndUri('answer'));
    const name = (await liveChannels()).find((channel) => channel.id === channelOf(callee))!.name;
    // The stack's music on hold is a GSM prompt: while it plays, Asterisk transcodes GSM to the phone.
    const hearsMusic = async () => /WriteTranscode: Yes \(gsm/.test(await channelReport(name));
    expect(await hearsMusic()).toBe(false);

    await control.hold(callee);
    await waitUntil(hearsMusic, 5000, 'music on hold for the held party');
    expect(control.partyOf(callee).party).toMatchObject({ held: true });
    await control.unhold(callee);
    await waitUntil(async () => !(await hearsMusic()), 5000, 'the music to stop');
    expect(control.partyOf(callee).party).toMatchObject({ held: false });
    // Still one conversation: both parties in the same bridge.
    expect((await bridgeOf(caller))?.id).toBe((await bridgeOf(callee))?.id);
    await waitUntil(() => eventsOf(callee, 'party.unheld').length === 1, 2000, 'party.unheld');
    const held = eventsOf(callee, 'party.');
    expect(held.map((event) => event.payload.type)).toEqual(
      expect.arrayContaining(['party.joined', 'party.held', 'party.unheld']),
    );
    // One numbered stream per call, in publish order.
    const sequences = events.filter((event) => event.callSid === callee).map((event) => event.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));

    await calls.fetch(caller).expect(200);
    await hangUp(caller);
    await calls.waitForStatus(callee, ['completed']);
  }, 60000);

  it('with SIP-visible hold the held phone receives a re-INVITE a=sendonly, and a=sendrecv on unhold', async () => {
    const phone = await startUas({ scenario: 'hold' });
    peers.push(phone);
    const { caller, callee } = await dialConversation(phone.uri('bob'));

    await control.hold(callee, { sipVisible: true });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await control.unhold(callee);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await hangUp(caller);

    const result = await phone.received;
    const offers = [...result.log.matchAll(/CW_REINVITE (a=\w+)/g)].map((match) => match[1]);
    expect(offers).toEqual(['a=sendonly', 'a=sendrecv']);
    await calls.waitForStatus(callee, ['completed']);
  }, 60000);

  it('blind transfer: the callee hands the caller to a new leg and drops out once it answers', async () => {
    const { caller, callee } = await dialConversation(farEndUri('answer'));
    const transfer = await control.blindTransfer(callee, caller, {
      target: { kind: 'sip', uri: farEndUri('answer') },
      callerId: '+15550002222',
    });
    const outcome = await control.transferOutcome(transfer.transferId);
    expect(outcome.state).toBe('completed');
    const recipient = outcome.roles.recipient!;

    await calls.waitForStatus(callee, ['completed']);
    const bridge = await bridgeOf(caller);
    expect(bridge?.channels).toEqual(expect.arrayContaining([channelOf(caller), channelOf(recipient)]));
    expect((await calls.fetch(recipient).expect(200)).body).toMatchObject({
      status: 'in-progress',
      parent_call_sid: callee,
    });
    expect(eventsOf(caller, 'transfer.').map((event) => event.payload.type)).toContain('transfer.completed');

    // The caller's RCML stopped at the transfer without hanging up; its hangup now ends the recipient.
    await hangUp(caller);
    await calls.waitForStatus(recipient, ['completed']);
  }, 60000);

  it("a phone's blind REFER is done by the core: the other party meets the target and the phone hears 200", async () => {
    const number = 'pbx-refer-inbound';
    const voiceUrl = appServer.rcml(
      '/inbound-dial.xml',
      `<Response><Dial timeout="15"><Sip>${farEndUri('answer')}</Sip></Dial></Response>`,
    );
    await platform
      .http()
      .post(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/IncomingPhoneNumbers.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ PhoneNumber: number, VoiceUrl: voiceUrl })
      .expect(201);
    const phone = await startUac({
      scenario: 'phone-refer',
      to: number,
      referTo: 'sip:+15550004444@127.0.0.1:5060',
    });
    peers.push(phone);

    const result = await phone.received;
    expect([...result.log.matchAll(/CW_NOTIFY (.*)/g)].map((match) => match[1].trim())).toEqual([
      'SIP/2.0 100 Trying',
      'SIP/2.0 200 OK',
    ]);
    const list = await platform
      .http()
      .get(calls.path(`.json?To=${number}`))
      .auth(platform.accountSid, platform.authToken);
    const referrer = list.body.calls[0].sid as string;
    const completed = events.find(
      (event) =>
        event.payload.type === 'transfer.completed' &&
        event.payload.roles.initiator === referrer &&
        event.payload.role === 'transferred',
    );
    expect(completed?.payload).toMatchObject({ flow: 'blind' });
    const { transferred, recipient } = (
      completed!.payload as { roles: { transferred: string; recipient: string } }
    ).roles;
    // The other party was the Dial's callee: it stays, now with the REFER's target.
    expect((await calls.fetch(transferred).expect(200)).body).toMatchObject({ parent_call_sid: referrer });
    await calls.waitForStatus(referrer, ['completed']);
    expect((await bridgeOf(transferred))?.id).toBe((await bridgeOf(recipient))?.id);
    expect((await calls.fetch(recipient).expect(200)).body).toMatchObject({
      to: '+15550004444',
      status: 'in-progress',
    });

    await hangUp(recipient);
    await calls.waitForStatus(transferred, ['completed']);
  }, 60000);

  it('attended transfer: the caller waits on hold while the callee consults, then talks with the recipient', async () => {
    const { caller, callee } = await dialConversation(farEndUri('answer'));
    const transfer = await control.attendedTransfer(callee, caller, {
      target: { kind: 'sip', uri: farEndUri('answer') },
      callerId: '+15550002222',
    });
    const recipient = transfer.roles.recipient!;
    // Consultation: the callee talks with the recipient, the caller is held apart.
    await waitUntil(
      async () =>
        (await bridgeOf(callee))?.id === (await bridgeOf(recipient))?.id && !!(await bridgeOf(recipient)),
      15000,
      'the consultation',
    );
    expect((await bridgeOf(caller))?.channels ?? []).not.toContain(channelOf(callee));
    expect(control.partyOf(caller).party).toMatchObject({ held: true });

    const done = await control.completeTransfer(transfer.transferId);
    expect(done.state).toBe('completed');
    await calls.waitForStatus(callee, ['completed']);
    await waitUntil(
      async () => (await bridgeOf(caller))?.id === (await bridgeOf(recipient))?.id,
      10000,
      'caller and recipient together',
    );
    expect(control.partyOf(caller).party).toMatchObject({ held: false });

    await hangUp(recipient);
    await calls.waitForStatus(caller, ['completed']);
  }, 60000);
});
