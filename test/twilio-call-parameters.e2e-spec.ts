import twilio from 'twilio';
import { farEndUri } from './factories/call-request.factory';
import { buildToneWav } from './factories/wav.factory';
import { HttpRecorder, type RecordedRequest } from './support/http-recorder';
import { RunningPlatform, startPlatform } from './support/platform';
import { sipRegister } from './support/sip-register';
import { sipHeader, SippPeer, startUas } from './support/sipp';
import { LocalRequestClient, restError } from './support/twilio-local-client';

const { VoiceResponse } = twilio.twiml;
const FROM = '+15550001111';
const FINAL = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];

/**
 * Calls.create and update through the official `twilio` SDK, with every documented parameter the
 * platform acts on, against the real stack: numbers go through the trunk to the far-end Asterisk,
 * Clients are SIP users registered by SIPp, `sip:` peers are SIPp user agent servers.
 */
describe('Twilio Calls parameters with the official twilio SDK', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let client: ReturnType<typeof twilio>;
  const peers: SippPeer[] = [];
  let scenario = 0;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    appServer.on('/long.wav', { contentType: 'audio/x-wav', body: buildToneWav(20) });
    appServer.on('/status', { status: 204 });
    appServer.rcml('/hangup.xml', '<Response><Hangup/></Response>');
    platform = await startPlatform();
    const { port } = platform.app.getHttpServer().address() as { port: number };
    client = twilio(platform.accountSid, platform.authToken, {
      httpClient: new LocalRequestClient(`http://127.0.0.1:${port}`),
    });
  }, 60000);

  afterEach(async () => {
    await Promise.all(peers.splice(0).map((peer) => peer.stop()));
  });

  afterAll(async () => {
    // Every request the platform sent to the app server in these tests is signed as Twilio signs.
    const unsigned = appServer.requests.filter((request) => !signedByPlatform(request));
    expect(unsigned.map((request) => `${request.method} ${request.url}`)).toEqual([]);
    expect(appServer.requests.length).toBeGreaterThanOrEqual(10);
    await platform?.close();
    await appServer?.stop();
  });

  /** The request is signed with the account's token for the exact URL (and form body) requested. */
  function signedByPlatform(request: RecordedRequest): boolean {
    const signature = String(request.headers['x-twilio-signature']);
    const params = request.method === 'POST' ? request.body : {};
    return twilio.validateRequest(platform.authToken, signature, request.url, params);
  }

  async function peer(options: Parameters<typeof startUas>[0]): Promise<SippPeer> {
    const started = await startUas(options);
    peers.push(started);
    return started;
  }

  /** A fresh path on the app server, so each test waits for its own requests. */
  const path = (name: string) => `/t${++scenario}/${name}`;

  async function finished(sid: string, timeoutMs = 30000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const call = await client.calls(sid).fetch();
      if (FINAL.includes(call.status)) return call;
      if (Date.now() > deadline) throw new Error(`Call ${sid} still ${call.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function inProgress(sid: string) {
    for (let tries = 0; tries < 200; tries++) {
      const call = await client.calls(sid).fetch();
      if (call.status === 'in-progress') return call;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Call ${sid} was not answered`);
  }

  it('calls a number through the trunk: the document request and every progress callback speak 2010-04-01 with Caller and Called', async () => {
    const start = path('start.xml');
    const status = path('status');
    appServer.rcml(start, new VoiceResponse().pause({ length: 1 }).toString());
    appServer.on(status, { status: 204 });
    const call = await client.calls.create({
      to: '+15557770001',
      from: FROM,
      url: appServer.baseUrl + start,
      statusCallback: appServer.baseUrl + status,
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    expect(call.apiVersion).toBe('2010-04-01');
    expect(call.to).toBe('+15557770001');
    const document = await appServer.waitFor((r) => r.path === start, 20000);
    expect(document.body).toMatchObject({
      CallSid: call.sid,
      AccountSid: platform.accountSid,
      ApiVersion: '2010-04-01',
      From: FROM,
      To: '+15557770001',
      Caller: FROM,
      Called: '+15557770001',
      Direction: 'outbound-api',
      CallStatus: 'in-progress',
    });
    expect((await finished(call.sid)).status).toBe('completed');
    const completed = await appServer.waitFor(
      (r) => r.path === status && r.body.CallStatus === 'completed',
      10000,
    );
    const callbacks = appServer.requestsTo(status);
    expect(callbacks.map((r) => r.body.CallStatus)).toEqual([
      'initiated',
      'ringing',
      'in-progress',
      'completed',
    ]);
    for (const callback of callbacks)
      expect(callback.body).toMatchObject({ ApiVersion: '2010-04-01', Caller: FROM, Called: '+15557770001' });
    expect(Number(completed.body.CallDuration)).toBeGreaterThanOrEqual(1);
    expect(completed.body.Duration).toBe('1');
  }, 40000);

  it('calls a registered Client by client:<name>, with CallerId on its INVITE and inline Twiml', async () => {
    const login = `twc${Date.now().toString(36)}`;
    await platform
      .http()
      .post(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Clients.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ Login: login, Password: 'client-password-1' })
      .expect(201);
    const registration = await sipRegister({ login, password: 'client-password-1' });
    expect(registration.code).toBe(200);
    const phone = await peer({ scenario: 'answer', port: registration.port, holdSeconds: 30 });
    const redirected = path('after-inline.xml');
    appServer.rcml(redirected, '<Response><Hangup/></Response>');
    const twiml = new VoiceResponse();
    twiml.pause({ length: 1 });
    twiml.redirect(appServer.baseUrl + redirected);
    const call = await client.calls.create({
      to: `client:${login}`,
      from: FROM,
      callerId: '+15559998888',
      twiml,
    });
    const request = await appServer.waitFor((r) => r.path === redirected, 20000);
    expect(request.body).toMatchObject({
      CallSid: call.sid,
      To: `client:${login}`,
      Called: `client:${login}`,
    });
    expect((await finished(call.sid)).status).toBe('completed');
    const { invite } = await phone.received;
    expect(invite?.requestUri).toContain(login);
    expect(sipHeader(invite!.headers, 'From')).toContain('+15559998888');
    await sipRegister({
      login,
      password: 'client-password-1',
      expiresSeconds: 0,
      localPort: registration.port,
    });
  }, 40000);

  it('an unregistered Client fails the call with 480', async () => {
    const call = await client.calls.create({
      to: 'client:nobody-here',
      from: FROM,
      twiml: '<Response><Hangup/></Response>',
    });
    expect((await finished(call.sid)).status).toBe('failed');
  });

  it('runs inline Twiml on create and replaces the running document with Twiml on update', async () => {
    const first = path('first.xml');
    const second = path('second.xml');
    appServer.rcml(second, '<Response><Hangup/></Response>');
    const playing = new VoiceResponse();
    playing.play({ loop: 0 }, `${appServer.baseUrl}/long.wav`);
    appServer.rcml(first, playing.toString());
    const startTwiml = new VoiceResponse();
    startTwiml.redirect({ method: 'GET' }, appServer.baseUrl + first);
    const call = await client.calls.create({ to: farEndUri('answer'), from: FROM, twiml: startTwiml });
    const fetched = await appServer.waitFor((r) => r.path === first, 20000);
    expect(fetched.method).toBe('GET');
    expect(fetched.query).toMatchObject({ CallSid: call.sid, ApiVersion: '2010-04-01' });

    const multiLine = `<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n\t<Redirect>${appServer.baseUrl}${second}</Redirect>\n</Response>\n`;
    const updated = await client.calls(call.sid).update({ twiml: multiLine });
    expect(updated.sid).toBe(call.sid);
    const after = await appServer.waitFor((r) => r.path === second, 10000);
    expect(after.body).toMatchObject({ CallSid: call.sid, CallStatus: 'in-progress', Caller: FROM });
    expect((await finished(call.sid)).status).toBe('completed');
  }, 40000);

  it('refuses Twiml over 4,000 characters, and a call with nothing to run, with a 400', async () => {
    const long = `<Response>${'<Pause length="1"/>'.repeat(300)}</Response>`;
    const tooLong = await restError(
      client.calls.create({ to: farEndUri('answer'), from: FROM, twiml: long }),
    );
    expect(tooLong).toMatchObject({ status: 400 });
    expect(tooLong.message).toMatch(/Twiml/);
    const nothing = await restError(client.calls.create({ to: farEndUri('answer'), from: FROM } as never));
    expect(nothing).toMatchObject({ status: 400, code: 21205 });
    const badTo = await restError(client.calls.create({ to: 'mailto:x', from: FROM, twiml: '<Response/>' }));
    expect(badTo).toMatchObject({ status: 400, code: 21211 });
  });

  it('SendDigits: the far end receives the DTMF after answer (w waits) and echoes it back to a Gather', async () => {
    const gathered = path('gathered');
    appServer.rcml(gathered, '<Response><Hangup/></Response>');
    const twiml = new VoiceResponse();
    twiml.gather({ finishOnKey: '#', timeout: 10, action: appServer.baseUrl + gathered });
    const call = await client.calls.create({
      to: farEndUri('dtmf-echo'),
      from: FROM,
      sendDigits: 'w1234#',
      twiml,
    });
    const request = await appServer.waitFor((r) => r.path === gathered, 25000);
    expect(request.body).toMatchObject({ CallSid: call.sid, Digits: '1234' });
    expect((await finished(call.sid)).status).toBe('completed');
  }, 40000);

  it('TimeLimit hangs the call up that long after answer; an update sets a new limit', async () => {
    const waiting = new VoiceResponse().pause({ length: 30 }).toString();
    const limited = await client.calls.create({
      to: farEndUri('answer'),
      from: FROM,
      twiml: waiting,
      timeLimit: 2,
    });
    const ended = await finished(limited.sid, 20000);
    expect(ended.status).toBe('completed');
    expect(Number(ended.duration)).toBeGreaterThanOrEqual(2);
    expect(Number(ended.duration)).toBeLessThanOrEqual(4);

    const longer = await client.calls.create({ to: farEndUri('answer'), from: FROM, twiml: waiting });
    await inProgress(longer.sid);
    await client.calls(longer.sid).update({ timeLimit: 3 });
    const cut = await finished(longer.sid, 20000);
    expect(cut.status).toBe('completed');
    expect(Number(cut.duration)).toBeLessThanOrEqual(5);
  }, 40000);

  it('SipAuthUsername and SipAuthPassword answer a sip: peer’s digest challenge', async () => {
    const uas = await peer({
      scenario: 'digest-answer',
      username: 'alice',
      password: 's3cret',
      holdSeconds: 1,
    });
    const call = await client.calls.create({
      to: uas.uri('alice'),
      from: FROM,
      twiml: new VoiceResponse().pause({ length: 5 }),
      sipAuthUsername: 'alice',
      sipAuthPassword: 's3cret',
    });
    const result = await uas.received;
    expect(result.exitCode).toBe(0);
    expect(result.log).toContain('CW_AUTH ok');
    expect((await finished(call.sid)).status).toBe('completed');
  }, 40000);

  it('accepts the parameters it does not act on instead of refusing the call', async () => {
    const call = await client.calls.create({
      to: farEndUri('answer-4s'),
      from: FROM,
      twiml: new VoiceResponse().pause({ length: 1 }),
      byoc: 'BY00000000000000000000000000000000',
      callReason: 'Appointment reminder',
      callToken: 'token-from-an-inbound-call',
      clientNotificationUrl: 'https://push.example.com/notify',
      recordingConfigurationId: 'RC00000000000000000000000000000000',
      trim: 'do-not-trim',
      recordingChannels: 'dual',
      machineDetection: 'Enable',
      sendDigits: 'W1',
    });
    expect(call.status).toBe('queued');
    expect((await finished(call.sid)).status).toBe('completed');
  }, 30000);
});
