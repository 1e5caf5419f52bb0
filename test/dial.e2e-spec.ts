import { NotificationsService } from '../apps/platform/src/notifications/notifications.service';
import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { liveBridges } from './support/asterisk-inspector';
import { CallsClient } from './support/calls-client';
import { callPlatformFromFarEnd } from './support/far-end';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';

describe('<Dial> against real SIP peers', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let calls: CallsClient;
  let scenario = 0;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    platform = await startPlatform();
    calls = new CallsClient(platform);
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const api = (path: string) => `/restcomm/2012-04-24/Accounts/${platform.accountSid}${path}`;
  const notificationsOf = (callSid: string) =>
    platform.app.get(NotificationsService).listForCall(platform.accountSid, callSid);

  /**
   * Places an API call to the far end's `answer` user whose RCML is `dialXml` (a `<Dial>`), with a
   * unique action path answered by `<Hangup/>`; resolves with the parent call and the action request.
   */
  async function dialScenario(
    dialXml: (paths: { action: string; id: number }) => string,
    parentUser = 'answer',
  ) {
    const id = ++scenario;
    const action = `/dial-${id}/action`;
    appServer.rcml(action, '<Response><Hangup/></Response>');
    const url = appServer.rcml(`/dial-${id}/start.xml`, `<Response>${dialXml({ action, id })}</Response>`);
    const created = await calls.create(buildCallRequest({ To: farEndUri(parentUser), Url: url })).expect(201);
    return { id, action, parentSid: created.body.sid as string };
  }

  async function childrenOf(parentSid: string): Promise<Record<string, any>[]> {
    const response = await platform
      .http()
      .get(api(`/Calls.json?ParentCallSid=${parentSid}`))
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    return response.body.calls;
  }

  it('connects the caller to an answering SIP peer, then requests the action with the Dial results', async () => {
    const { action, parentSid } = await dialScenario(
      ({ action }) =>
        `<Dial action="${action}" timeLimit="3" callerId="+15557770000"><Sip>${farEndUri('answer')}</Sip></Dial>`,
    );
    await waitUntil(
      async () => (await liveBridges()).some((bridge) => bridge.channels.length === 2),
      15000,
      'a two-party bridge',
    );
    const request = await appServer.waitFor((r) => r.path === action, 20000);
    expect(request.body).toMatchObject({
      CallSid: parentSid,
      DialCallStatus: 'completed',
      DialSipResponseCode: '200',
      DialCallSid: expect.stringMatching(/^CA/),
      DialSipCallId: expect.any(String),
    });
    expect(Number(request.body.DialCallDuration)).toBeGreaterThanOrEqual(2);
    const [child] = await childrenOf(parentSid);
    expect(child).toMatchObject({
      sid: request.body.DialCallSid,
      parent_call_sid: parentSid,
      direction: 'outbound-dial',
      to: farEndUri('answer'),
      from: '+15557770000',
      sip_call_id: request.body.DialSipCallId,
    });
    expect((await calls.waitForStatus(child.sid)).status).toBe('completed');
    expect((await calls.waitForStatus(parentSid)).status).toBe('completed');
  });

  it.each([
    ['busy', 'busy', '486'],
    ['decline', 'busy', '603'],
    ['unavailable', 'failed', '480'],
  ])('%s peer: DialCallStatus %s with SIP %s, and the caller continues', async (user, status, code) => {
    const { action, parentSid } = await dialScenario(
      ({ action }) => `<Dial action="${action}"><Sip>${farEndUri(user)}</Sip></Dial>`,
    );
    const request = await appServer.waitFor((r) => r.path === action, 15000);
    expect(request.body).toMatchObject({ DialCallStatus: status, DialSipResponseCode: code });
    expect((await calls.waitForStatus(parentSid)).status).toBe('completed');
  });

  it('no answer within timeout: DialCallStatus no-answer', async () => {
    const started = Date.now();
    const { action } = await dialScenario(
      ({ action }) => `<Dial action="${action}" timeout="2"><Sip>${farEndUri('noanswer')}</Sip></Dial>`,
    );
    const request = await appServer.waitFor((r) => r.path === action, 15000);
    expect(request.body.DialCallStatus).toBe('no-answer');
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('without an action, the next verb runs', async () => {
    const { id, parentSid } = await dialScenario(
      ({ id }) => `<Dial><Sip>${farEndUri('busy')}</Sip></Dial><Redirect>/dial-${id}/next.xml</Redirect>`,
    );
    appServer.rcml(`/dial-${id}/next.xml`, '<Response><Hangup/></Response>');
    await appServer.waitFor((r) => r.path === `/dial-${id}/next.xml`, 15000);
    expect((await calls.waitForStatus(parentSid)).status).toBe('completed');
  });

  it(';transport=tcp dials over TCP', async () => {
    const { action } = await dialScenario(
      ({ action }) =>
        `<Dial action="${action}" timeLimit="1"><Sip>${farEndUri('tcp-only', 'tcp')}</Sip></Dial>`,
    );
    expect((await appServer.waitFor((r) => r.path === action, 15000)).body.DialCallStatus).toBe('completed');
  });

  it('rings several nouns at once: the first to answer wins, the others are canceled', async () => {
    const { action, parentSid } = await dialScenario(
      ({ action }) =>
        `<Dial action="${action}" timeLimit="1"><Sip>${farEndUri('busy')}</Sip><Sip>${farEndUri('noanswer')}</Sip><Number>+15550009999</Number></Dial>`,
    );
    const request = await appServer.waitFor((r) => r.path === action, 15000);
    expect(request.body.DialCallStatus).toBe('completed');
    await waitUntil(
      async () =>
        (await childrenOf(parentSid)).every((c) => ['busy', 'canceled', 'completed'].includes(c.status)),
      10000,
      'final legs',
    );
    const children = await childrenOf(parentSid);
    const statusOf = (to: string) => children.find((child) => child.to === to)?.status;
    expect(statusOf(farEndUri('busy'))).toBe('busy');
    expect(statusOf(farEndUri('noanswer'))).toBe('canceled');
    expect(statusOf('+15550009999')).toBe('completed');
    expect(children.find((child) => child.sid === request.body.DialCallSid)?.to).toBe('+15550009999');
  });

  it('sends call progress events initiated, ringing, answered, completed with increasing SequenceNumber', async () => {
    const progress = `/progress-${scenario + 1}`;
    appServer.on(progress, { status: 204 });
    const { action, parentSid } = await dialScenario(
      ({ action }) =>
        `<Dial action="${action}" timeLimit="1"><Sip statusCallbackEvent="initiated ringing answered completed" statusCallback="${progress}">${farEndUri('answer')}</Sip></Dial>`,
    );
    await appServer.waitFor((r) => r.path === action, 15000);
    await waitUntil(() => appServer.requestsTo(progress).length === 4, 10000, 'four progress events');
    const events = appServer.requestsTo(progress).map((r) => r.body);
    events.sort((a, b) => Number(a.SequenceNumber) - Number(b.SequenceNumber));
    expect(events.map((e) => [e.SequenceNumber, e.CallStatus])).toEqual([
      ['0', 'initiated'],
      ['1', 'ringing'],
      ['2', 'in-progress'],
      ['3', 'completed'],
    ]);
    for (const event of events) {
      expect(event).toMatchObject({
        ParentCallSid: parentSid,
        CallbackSource: 'call-progress-events',
        Direction: 'outbound-dial',
      });
      expect(new Date(event.Timestamp).getTime()).not.toBeNaN();
    }
    expect(Number(events[3].CallDuration)).toBeGreaterThanOrEqual(0);
  });

  it('screening that accepts: the callee hears the screening document, then the parties are bridged', async () => {
    const screen = `/screen-accept-${scenario + 1}`;
    appServer.rcml(screen, '<Response><Pause length="1"/></Response>');
    const { action } = await dialScenario(
      ({ action }) =>
        `<Dial action="${action}" timeLimit="2"><Sip url="${screen}">${farEndUri('answer')}</Sip></Dial>`,
    );
    const screening = await appServer.waitFor((r) => r.path === screen, 15000);
    expect(screening.body).toMatchObject({
      Direction: 'outbound-dial',
      CallStatus: 'in-progress',
      SipCallId: expect.any(String),
    });
    await waitUntil(
      async () => (await liveBridges()).some((bridge) => bridge.channels.length === 2),
      10000,
      'the bridge',
    );
    const request = await appServer.waitFor((r) => r.path === action, 15000);
    expect(request.body).toMatchObject({ DialCallStatus: 'completed', DialCallSid: screening.body.CallSid });
  });

  it('screening that hangs up: the callee is not connected and the caller continues', async () => {
    const screen = `/screen-reject-${scenario + 1}`;
    appServer.rcml(screen, '<Response><Hangup/></Response>');
    const { action, parentSid } = await dialScenario(
      ({ action }) => `<Dial action="${action}"><Sip url="${screen}">${farEndUri('answer')}</Sip></Dial>`,
    );
    const request = await appServer.waitFor((r) => r.path === action, 15000);
    expect(request.body.DialCallStatus).toBe('no-answer');
    const [child] = await childrenOf(parentSid);
    expect((await calls.waitForStatus(child.sid)).status).toBe('completed');
  });

  it('a screening document with <Dial>: a notification, the Dial in it is skipped', async () => {
    const screen = `/screen-dial-${scenario + 1}`;
    appServer.rcml(screen, `<Response><Dial><Sip>${farEndUri('answer')}</Sip></Dial></Response>`);
    const { action, parentSid } = await dialScenario(
      ({ action }) =>
        `<Dial action="${action}" timeLimit="1"><Sip url="${screen}">${farEndUri('answer')}</Sip></Dial>`,
    );
    await appServer.waitFor((r) => r.path === action, 15000);
    const [child] = await childrenOf(parentSid);
    expect(await notificationsOf(child.sid)).toEqual([
      expect.objectContaining({
        errorCode: 12200,
        messageText: expect.stringContaining('not allowed in a screening document'),
      }),
    ]);
  });

  it('hanging up the caller ends the callee too', async () => {
    const { parentSid } = await dialScenario(
      () => `<Dial><Sip>${farEndUri('answer')}</Sip></Dial>`,
      'answer-4s',
    );
    expect((await calls.waitForStatus(parentSid, undefined, 20000)).status).toBe('completed');
    const [child] = await childrenOf(parentSid);
    expect((await calls.waitForStatus(child.sid, undefined, 10000)).status).toBe('completed');
  });

  it('record="record-from-answer" stores the conversation and hands it to the action', async () => {
    const { action } = await dialScenario(
      ({ action }) =>
        `<Dial action="${action}" timeLimit="2" record="record-from-answer"><Number>+15550001234</Number></Dial>`,
    );
    const request = await appServer.waitFor((r) => r.path === action, 15000);
    expect(request.body).toMatchObject({
      DialCallStatus: 'completed',
      RecordingSid: expect.stringMatching(/^RE/),
    });
    const audio = await platform
      .http()
      .get(new URL(request.body.RecordingUrl).pathname)
      .buffer(true)
      .expect(200);
    expect(audio.body.subarray(0, 4).toString()).toBe('RIFF');
    expect(audio.body.length).toBeGreaterThan(8000);
  });

  it('hangupOnStar: the caller pressing * drops the callee and goes on to the action', async () => {
    const { action, parentSid } = await dialScenario(
      ({ action }) => `<Dial action="${action}" hangupOnStar="true"><Sip>${farEndUri('answer')}</Sip></Dial>`,
      'star',
    );
    const request = await appServer.waitFor((r) => r.path === action, 20000);
    expect(request.body.DialCallStatus).toBe('completed');
    const [child] = await childrenOf(parentSid);
    expect((await calls.waitForStatus(child.sid)).status).toBe('completed');
    expect(Number(request.body.DialCallDuration)).toBeLessThan(10);
  });

  it('answerOnBridge: an inbound caller stays unanswered (ringing) until the callee answers', async () => {
    const number = '+15550777001';
    const action = '/answer-on-bridge/action';
    appServer.rcml(action, '<Response><Hangup/></Response>');
    const voiceUrl = appServer.rcml(
      '/answer-on-bridge.xml',
      `<Response><Dial answerOnBridge="true" timeLimit="1" action="${action}"><Sip>${farEndUri('answer')}</Sip></Dial></Response>`,
    );
    await platform
      .http()
      .post(api('/IncomingPhoneNumbers.json'))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ PhoneNumber: number, VoiceUrl: voiceUrl })
      .expect(201);
    await callPlatformFromFarEnd(number, 'answer');
    let parent: Record<string, any> | undefined;
    let child: Record<string, any> | undefined;
    await waitUntil(
      async () => {
        const all = (
          await platform.http().get(api('/Calls.json')).auth(platform.accountSid, platform.authToken)
        ).body.calls;
        parent = all.find((call: any) => call.to === number);
        child = parent && all.find((call: any) => call.parent_call_sid === parent!.sid);
        return child?.status === 'ringing';
      },
      10000,
      'the callee to ring',
    );
    expect((await calls.fetch(parent!.sid).expect(200)).body.status).toBe('ringing');
    const request = await appServer.waitFor((r) => r.path === action, 15000);
    expect(request.body).toMatchObject({ DialCallStatus: 'completed', CallSid: parent!.sid });
  });

  describe('bad Dial input leaves notifications and the call goes on', () => {
    it.each([
      ['no nouns', '<Dial></Dial>', /nothing to dial/],
      ['an unknown noun', '<Dial><Application>support</Application></Dial>', /not a <Dial> noun/],
      ['an over-long URI', `<Dial><Sip>sip:${'a'.repeat(260)}@127.0.0.1</Sip></Dial>`, /under 255/],
      [
        'over-long headers',
        `<Dial><Sip>sip:a@127.0.0.1?X-Long=${'b'.repeat(1100)}</Sip></Dial>`,
        /under 1024/,
      ],
      ['an invalid transport', '<Dial><Sip>sip:a@127.0.0.1;transport=sctp</Sip></Dial>', /transport "sctp"/],
    ])('%s', async (_name, dial, message) => {
      const { id, parentSid } = await dialScenario(
        ({ id }) => `${dial}<Redirect>/dial-${id}/after.xml</Redirect>`,
      );
      appServer.rcml(`/dial-${id}/after.xml`, '<Response><Hangup/></Response>');
      await appServer.waitFor((r) => r.path === `/dial-${id}/after.xml`, 15000);
      expect((await calls.waitForStatus(parentSid)).status).toBe('completed');
      const notifications = await notificationsOf(parentSid);
      expect(notifications.some((n) => message.test(n.messageText))).toBe(true);
    });
  });
});
