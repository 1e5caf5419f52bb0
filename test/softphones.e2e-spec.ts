import { CallControl } from '../apps/platform/src/call-control/call-control.service';
import type { CallEvent } from '../apps/platform/src/call-control/events/call-event';
import { CallEventBus } from '../apps/platform/src/call-control/events/call-event-bus';
import { SipUserDirectory } from '../apps/platform/src/telephony/sip-user-directory.port';
import { farEndUri } from './factories/call-request.factory';
import { uniqueLogin } from './factories/client-request.factory';
import { liveBridges } from './support/asterisk-inspector';
import { CallsClient } from './support/calls-client';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { Baresip, Linphonec } from './support/softphones';

const PASSWORD = 'correct-horse-42';

/**
 * Real softphones registered as Clients of an account: baresip (hold, resume, blind REFER) and
 * linphonec (attended REFER with Replaces), reached through <Dial><Client> and driven by the
 * call-control core, on the real stack.
 */
describe('Softphones registered as Clients, and the call-control core', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let calls: CallsClient;
  let control: CallControl;
  const events: CallEvent[] = [];
  const phones: { stop(): Promise<void> }[] = [];
  const logins: string[] = [];

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    platform = await startPlatform();
    calls = new CallsClient(platform);
    control = platform.app.get(CallControl);
    platform.app.get(CallEventBus).subscribe((event) => void events.push(event));
  });

  afterEach(async () => {
    await Promise.all(phones.splice(0).map((phone) => phone.stop()));
  });

  afterAll(async () => {
    // Asterisk outlives the test database: take this run's SIP users off it.
    if (platform) for (const login of logins) await platform.app.get(SipUserDirectory).remove(login);
    await platform?.close();
    await appServer?.stop();
  });

  /** A Client of the account, created through the API, with a baresip registered as it. */
  async function baresipClient(prefix: string): Promise<{ login: string; phone: Baresip }> {
    const login = await createClient(prefix);
    const phone = await Baresip.start({ user: login, password: PASSWORD, autoAnswer: true });
    phones.push(phone);
    return { login, phone };
  }

  async function createClient(prefix: string): Promise<string> {
    const login = uniqueLogin(prefix);
    await platform
      .http()
      .post(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Clients.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ Login: login, Password: PASSWORD })
      .expect(201);
    logins.push(login);
    return login;
  }

  /**
   * An API call to the far end whose RCML dials the Client `login`; resolves once the Client's leg
   * is answered and is a party of the Dial's conversation.
   */
  async function dialClient(
    login: string,
    from = '+15550001111',
  ): Promise<{ caller: string; callee: string }> {
    const url = appServer.rcml(
      `/dial-${Math.random().toString(36).slice(2)}.xml`,
      `<Response><Dial timeout="15"><Client>${login}</Client></Dial></Response>`,
    );
    const created = await calls.create({ To: farEndUri('answer'), From: from, Url: url }).expect(201);
    const caller = created.body.sid as string;
    const callee = await calls.waitForFirstChild(caller, 'in-progress', 15000);
    await waitUntil(
      () => {
        try {
          return control.partyOf(callee).parties.length === 2;
        } catch {
          return false;
        }
      },
      10000,
      'the Dial conversation',
    );
    return { caller, callee };
  }

  const hangUp = (callSid: string) =>
    platform
      .http()
      .post(calls.path(`/${callSid}.json`))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ Status: 'completed' })
      .expect(200);

  const eventsOf = (callSid: string, type: string) =>
    events.filter((event) => event.callSid === callSid && event.payload.type === type);

  const bridgeOf = async (channelId: string) =>
    (await liveBridges()).find((bridge) => bridge.channels.includes(channelId));

  it('a baresip registered as a Client is reached by <Dial><Client> and auto-answers into the conversation', async () => {
    const { login, phone } = await baresipClient('bs-dial');
    const { caller, callee } = await dialClient(login);

    const established = await phone.waitForEvent('CALL_ESTABLISHED');
    expect(established.direction).toBe('incoming');
    const { party, parties } = control.partyOf(callee);
    expect(party).toMatchObject({ callSid: callee, held: false });
    expect(parties.map((each) => each.callSid).sort()).toEqual([caller, callee].sort());
    expect(control.partyOf(caller).conversationId).toBe(control.partyOf(callee).conversationId);
    expect((await calls.fetch(callee).expect(200)).body).toMatchObject({
      parent_call_sid: caller,
      status: 'in-progress',
    });

    await hangUp(caller);
    await phone.waitForEvent('CALL_CLOSED');
    await calls.waitForStatus(callee, ['completed']);
  }, 60000);

  it("the phone's own hold and resume show as its party held and unheld by 'phone'", async () => {
    const { login, phone } = await baresipClient('bs-hold');
    const { caller, callee } = await dialClient(login);
    await phone.waitForEvent('CALL_ESTABLISHED');

    await phone.hold();
    await waitUntil(() => control.partyOf(callee).party.held, 5000, 'the party held');
    expect(eventsOf(callee, 'party.held').map((event) => event.payload)).toEqual([
      expect.objectContaining({ by: 'phone' }),
    ]);
    // The phone did it with SIP: its re-INVITE offered a=sendonly.
    expect(
      phone
        .sipTrace()
        .some((m) => m.direction === 'sent' && /^INVITE /.test(m.text) && /a=sendonly/.test(m.text)),
    ).toBe(true);

    await phone.resume();
    await waitUntil(() => !control.partyOf(callee).party.held, 5000, 'the party unheld');
    expect(eventsOf(callee, 'party.unheld').map((event) => event.payload)).toEqual([
      expect.objectContaining({ by: 'phone' }),
    ]);

    await hangUp(caller);
    await calls.waitForStatus(callee, ['completed']);
  }, 60000);

  it('SIP-visible hold by the core sends the phone a re-INVITE a=sendonly, and a=sendrecv on unhold', async () => {
    const { login, phone } = await baresipClient('bs-held');
    const { caller, callee } = await dialClient(login);
    await phone.waitForEvent('CALL_ESTABLISHED');
    const reInvites = () =>
      phone
        .sipTrace()
        .filter(
          (m) =>
            m.direction === 'received' && /^INVITE /.test(m.text) && /\r?\nTo: [^\r\n]*;tag=/.test(m.text),
        );
    expect(reInvites()).toEqual([]);

    await control.hold(callee, { sipVisible: true });
    const held = await waitUntil(() => reInvites().length === 1, 5000, 'the hold re-INVITE').then(
      () => reInvites()[0].text,
    );
    expect(held).toMatch(/a=sendonly/);
    expect(control.partyOf(callee).party).toMatchObject({ held: true });

    await control.unhold(callee);
    await waitUntil(() => reInvites().length === 2, 5000, 'the unhold re-INVITE');
    expect(reInvites()[1].text).toMatch(/a=sendrecv/);
    expect(control.partyOf(callee).party).toMatchObject({ held: false });

    await hangUp(caller);
    await calls.waitForStatus(callee, ['completed']);
  }, 60000);

  it("the phone's blind REFER to another Client is carried out by the core: the other party meets that phone, the first is released", async () => {
    const { login, phone } = await baresipClient('bs-refer');
    const target = await baresipClient('bs-target');
    const { caller, callee } = await dialClient(login);
    await phone.waitForEvent('CALL_ESTABLISHED');

    // Asterisk hands the platform only the Refer-To's user part: a Client login it resolves.
    await phone.transfer(`sip:${target.login}@127.0.0.1:5060`);
    const completed = await waitUntil(
      () => eventsOf(caller, 'transfer.completed').length > 0,
      15000,
      'transfer.completed',
    ).then(() => eventsOf(caller, 'transfer.completed')[0].payload);
    expect(completed).toMatchObject({ flow: 'blind', role: 'transferred' });
    const { recipient, initiator } = (completed as unknown as { roles: Record<string, string> }).roles;
    expect(initiator).toBe(callee);
    await target.phone.waitForEvent('CALL_ESTABLISHED');

    // The phone heard 200 in the REFER's NOTIFY, and hung up its leg.
    await phone.waitForSip(
      (m) => m.direction === 'received' && /^NOTIFY /.test(m.text) && /\r?\n\r?\nSIP\/2\.0 200/.test(m.text),
      'the NOTIFY 200',
    );
    await phone.waitForEvent('CALL_CLOSED');
    await calls.waitForStatus(callee, ['completed']);
    const callerChannel = control.partyOf(caller).party.channelId;
    const recipientChannel = control.partyOf(recipient).party.channelId;
    expect((await bridgeOf(callerChannel))?.id).toBe((await bridgeOf(recipientChannel))?.id);
    expect((await calls.fetch(recipient).expect(200)).body).toMatchObject({ status: 'in-progress' });

    await hangUp(caller);
    await target.phone.waitForEvent('CALL_CLOSED');
    await calls.waitForStatus(recipient, ['completed']);
  }, 60000);

  it("linphonec's attended REFER (Replaces) is carried out by the core: its two peers are connected, its legs dropped", async () => {
    const login = await createClient('lp-attended');
    const phone = await Linphonec.start({ user: login, password: PASSWORD });
    phones.push(phone);

    // Two calls from different numbers: linphonec refuses (486) a call from the address of one it has.
    // First call: answered, then put on hold by the phone, as a desk phone does before consulting.
    let from = phone.log.length;
    const first = dialClient(login, '+15550001111');
    const firstId = await phone.waitForIncomingCall(from);
    phone.answer(firstId);
    const { caller: firstCaller, callee: firstLeg } = await first;
    phone.pause(firstId);
    await waitUntil(() => control.partyOf(firstLeg).party.held, 5000, 'the first call held');
    expect(eventsOf(firstLeg, 'party.held').map((event) => event.payload)).toEqual([
      expect.objectContaining({ by: 'phone' }),
    ]);

    from = phone.log.length;
    const second = dialClient(login, '+15550002222');
    const secondId = await phone.waitForIncomingCall(from);
    phone.answer(secondId);
    const { caller: secondCaller, callee: secondLeg } = await second;

    from = phone.log.length;
    phone.transferToCall(firstId, secondId);
    // Told the transfer succeeded (NOTIFY 200), the phone hangs up both of its calls.
    await calls.waitForStatus(firstLeg, ['completed'], 15000);
    await calls.waitForStatus(secondLeg, ['completed'], 15000);
    await phone.waitForOutput(new RegExp(`Call ${firstId} [^\\n]* ended`), from);
    await phone.waitForOutput(new RegExp(`Call ${secondId} [^\\n]* ended`), from);
    const completed = eventsOf(firstCaller, 'transfer.completed').map((event) => event.payload);
    expect(completed).toEqual([
      expect.objectContaining({
        flow: 'attended',
        role: 'transferred',
        roles: { initiator: firstLeg, transferred: firstCaller, recipient: secondCaller },
      }),
    ]);
    const firstChannel = control.partyOf(firstCaller).party.channelId;
    const secondChannel = control.partyOf(secondCaller).party.channelId;
    expect((await bridgeOf(firstChannel))?.id).toBe((await bridgeOf(secondChannel))?.id);
    expect(
      control
        .partyOf(firstCaller)
        .parties.map((party) => party.callSid)
        .sort(),
    ).toEqual([firstCaller, secondCaller].sort());

    await hangUp(firstCaller);
    await calls.waitForStatus(secondCaller, ['completed']);
  }, 60000);
});
