import { HttpRecorder } from '../../../../test/support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from '../../../../test/support/platform';
import { CallControl } from '../call-control/call-control.service';
import { ConversationRegistry } from '../call-control/conversations/conversation-registry';
import type { CallEvent } from '../call-control/events/call-event';
import { CallEventBus } from '../call-control/events/call-event-bus';
import { FakeTelephonyGateway } from '../telephony/testing/fake-telephony-gateway';
import { LiveCallsService } from './live-calls.service';

/**
 * Medium tier: the whole application with its real SQLite database and the shared fake gateway in place
 * of Asterisk. The test plays the far ends; everything else (records, RCML over HTTP, Dial, the core's
 * conversations and transfers, the event stream) is the real code.
 */
describe('Calls, Dial and the call-control core on SQLite and the fake gateway', () => {
  let platform: RunningPlatform;
  let gateway: FakeTelephonyGateway;
  let appServer: HttpRecorder;
  let control: CallControl;
  let dialUrl: string;
  const events: CallEvent[] = [];

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    dialUrl = appServer.rcml(
      '/dial.xml',
      '<Response><Dial><Sip>sip:bob@127.0.0.1:5999</Sip></Dial></Response>',
    );
    gateway = new FakeTelephonyGateway();
    platform = await startPlatform({ ARI_PASSWORD: 'medium-tests-use-no-ari' }, { gateway });
    control = platform.app.get(CallControl);
    platform.app.get(CallEventBus).subscribe((event) => void events.push(event));
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const callsPath = (suffix = '.json') =>
    `/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls${suffix}`;
  const fetchCall = async (sid: string) =>
    (
      await platform
        .http()
        .get(callsPath(`/${sid}.json`))
        .auth(platform.accountSid, platform.authToken)
    ).body;
  const channelOf = (sid: string) => platform.app.get(LiveCallsService).liveSession(sid)!.leg.channelId;

  async function statusOf(sid: string, status: string): Promise<void> {
    await waitUntil(async () => (await fetchCall(sid)).status === status, 5000, `${sid} ${status}`);
  }

  /** The channel the platform originated after `count` others, once it has. */
  async function originated(count: number): Promise<string> {
    await waitUntil(() => gateway.originated.length > count, 5000, `origination #${count + 1}`);
    return gateway.originated[count].channelId;
  }

  /** An API call whose RCML dials bob; both far ends answer; resolves with both legs bridged. */
  async function dialConversation(): Promise<{ caller: string; callee: string }> {
    const before = gateway.originated.length;
    const created = await platform
      .http()
      .post(callsPath())
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ To: 'sip:alice@127.0.0.1:5998', From: '+15550001111', Url: dialUrl })
      .expect(201);
    const caller = created.body.sid as string;
    gateway.answerLeg(await originated(before));
    const calleeChannel = await originated(before + 1);
    gateway.answerLeg(calleeChannel);
    await waitUntil(() => gateway.bridgeOf(calleeChannel) !== null, 5000, 'the Dial bridge');
    const list = await platform
      .http()
      .get(callsPath(`.json?ParentCallSid=${caller}`))
      .auth(platform.accountSid, platform.authToken);
    return { caller, callee: list.body.calls[0].sid };
  }

  /** A Dial conversation whose callee started an attended transfer of the caller and talks with carol. */
  async function consultation() {
    const { caller, callee } = await dialConversation();
    const before = gateway.originated.length;
    const transfer = await control.attendedTransfer(callee, caller, {
      target: { kind: 'sip', uri: 'sip:carol@127.0.0.1:5997' },
      callerId: '+15550002222',
    });
    const recipientChannel = await originated(before);
    gateway.answerLeg(recipientChannel);
    await waitUntil(
      () => gateway.bridgeOf(recipientChannel) === gateway.bridgeOf(channelOf(callee)),
      5000,
      'the consultation',
    );
    return { caller, callee, transfer, recipientChannel };
  }

  it('stores both legs of a Dial, bridged in one core conversation, each with its own numbered events', async () => {
    const { caller, callee } = await dialConversation();
    await statusOf(caller, 'in-progress');
    expect(await fetchCall(callee)).toMatchObject({ status: 'in-progress', parent_call_sid: caller });
    const conversation = platform.app.get(ConversationRegistry).conversationOf(caller)!;
    expect(
      conversation
        .partyList()
        .map((party) => party.callSid)
        .sort(),
    ).toEqual([caller, callee].sort());
    expect(gateway.bridgeOf(channelOf(caller))).toBe(conversation.bridgeId);

    await control.hold(callee);
    expect(gateway.held.get(channelOf(callee))).toEqual({ sipVisible: false });
    await control.unhold(callee);
    expect(gateway.held.has(channelOf(callee))).toBe(false);

    gateway.farEndHangsUp(channelOf(callee));
    await statusOf(callee, 'completed');
    // The callee left: the caller's document goes on after the Dial (here it ends, hanging up).
    await statusOf(caller, 'completed');
    const calleeEvents = events.filter((event) => event.callSid === callee);
    expect(calleeEvents.map((event) => event.sequence)).toEqual(calleeEvents.map((_, index) => index + 1));
    expect(calleeEvents.map((event) => event.payload.type)).toEqual(
      expect.arrayContaining(['leg.status', 'party.joined', 'party.held', 'party.unheld', 'party.left']),
    );
  });

  it('blind transfer stores the recipient as a leg the initiator placed, and ends the initiator once it answers', async () => {
    const { caller, callee } = await dialConversation();
    const before = gateway.originated.length;
    const transfer = await control.blindTransfer(callee, caller, {
      target: { kind: 'sip', uri: 'sip:carol@127.0.0.1:5997' },
      callerId: '+15550002222',
    });
    const recipientChannel = await originated(before);
    expect(gateway.held.has(channelOf(caller))).toBe(true);
    gateway.answerLeg(recipientChannel);
    const outcome = await control.transferOutcome(transfer.transferId);
    expect(outcome.state).toBe('completed');

    const recipient = outcome.roles.recipient!;
    await statusOf(callee, 'completed');
    expect(await fetchCall(recipient)).toMatchObject({
      status: 'in-progress',
      parent_call_sid: callee,
      to: 'sip:carol@127.0.0.1:5997',
      from: '+15550002222',
    });
    expect(gateway.bridgeOf(channelOf(caller))).toBe(gateway.bridgeOf(recipientChannel));
    expect(gateway.held.has(channelOf(caller))).toBe(false);

    // The conversation is the core's now: when one party leaves, the other is hung up.
    gateway.farEndHangsUp(recipientChannel);
    await statusOf(caller, 'completed');
  });

  it('attended transfer canceled: the recipient is hung up and the caller is back with the callee', async () => {
    const { caller, callee, transfer } = await consultation();
    expect(gateway.held.has(channelOf(caller))).toBe(true);

    const canceled = await control.cancelTransfer(transfer.transferId);
    expect(canceled.state).toBe('canceled');
    await statusOf(transfer.roles.recipient!, 'completed');
    await waitUntil(
      () => gateway.bridgeOf(channelOf(caller)) === gateway.bridgeOf(channelOf(callee)),
      5000,
      'caller and callee together again',
    );
    expect(gateway.held.has(channelOf(caller))).toBe(false);
    gateway.farEndHangsUp(channelOf(caller));
    await statusOf(callee, 'completed');
  });

  it('attended transfer completed: caller and recipient talk, and the one left alone is hung up', async () => {
    const { caller, callee, transfer, recipientChannel } = await consultation();
    expect((await control.completeTransfer(transfer.transferId)).state).toBe('completed');
    await statusOf(callee, 'completed');
    expect(gateway.bridgeOf(channelOf(caller))).toBe(gateway.bridgeOf(recipientChannel));
    gateway.farEndHangsUp(recipientChannel);
    await statusOf(caller, 'completed');
  });

  it('refuses to hold a call that is in no conversation, with a domain error', async () => {
    await expect(control.hold('CA00000000000000000000000000000000')).rejects.toMatchObject({
      code: 22302,
    });
  });
});
