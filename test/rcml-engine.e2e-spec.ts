import { validateRequest } from 'twilio';
import { NotificationsService } from '../apps/platform/src/notifications/notifications.service';
import { buildCallRequest } from './factories/call-request.factory';
import { buildToneWav } from './factories/wav.factory';
import { CallsClient } from './support/calls-client';
import { callPlatformFromFarEnd } from './support/far-end';
import { HttpRecorder, RecordedRequest } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';

const XML = 'application/xml';

describe('RCML engine against real Asterisk', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let calls: CallsClient;
  let numberCounter = 0;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    platform = await startPlatform({ WEBHOOK_TIMEOUT_MS: '2000' });
    calls = new CallsClient(platform);
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const api = (path: string) => `/restcomm/2012-04-24/Accounts/${platform.accountSid}${path}`;

  /** Configures a fresh number whose VoiceUrl serves `xml` and returns the number. */
  async function numberServing(
    xml: string,
    extra: Record<string, string> = {},
  ): Promise<{ number: string; voicePath: string }> {
    const number = `+1555987${String(++numberCounter).padStart(4, '0')}`;
    const voicePath = `/voice-${numberCounter}.xml`;
    await platform
      .http()
      .post(api('/IncomingPhoneNumbers.json'))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ PhoneNumber: number, VoiceUrl: appServer.rcml(voicePath, xml), ...extra })
      .expect(201);
    return { number, voicePath };
  }

  async function inboundCallTo(number: string): Promise<Record<string, any>> {
    let sid = '';
    await waitUntil(
      async () => {
        const list = await platform
          .http()
          .get(api('/Calls.json'))
          .auth(platform.accountSid, platform.authToken);
        sid = list.body.calls.find((call: any) => call.to === number)?.sid ?? '';
        return sid !== '';
      },
      15000,
      `an inbound call to ${number}`,
    );
    return calls.waitForStatus(sid, undefined, 40000);
  }

  const notificationsOf = (callSid: string) =>
    platform.app.get(NotificationsService).listForCall(platform.accountSid, callSid);

  it('answers an inbound call to a configured number and runs its RCML (Say finishes, then Hangup)', async () => {
    const { number, voicePath } = await numberServing(
      '<Response><Say>Welcome to Callwright. This sentence takes a moment to say.</Say><Hangup/></Response>',
    );
    await callPlatformFromFarEnd(number, 'answer');
    const call = await inboundCallTo(number);
    expect(call).toMatchObject({
      status: 'completed',
      direction: 'inbound',
      to: number,
      sip_response_code: 200,
    });
    expect(call.phone_number_sid).toMatch(/^PN/);
    expect(call.duration).toBeGreaterThanOrEqual(2);
    const [fetch] = appServer.requestsTo(voicePath);
    expect(fetch.body).toMatchObject({
      CallSid: call.sid,
      To: number,
      Direction: 'inbound',
      CallStatus: 'ringing',
    });
    expect(await notificationsOf(call.sid)).toEqual([]);
  });

  it('Gather collects the DTMF the far end sends and requests the action with Digits', async () => {
    appServer.rcml('/gathered', '<Response><Hangup/></Response>');
    const { number } = await numberServing(
      '<Response><Gather numDigits="4" timeout="10" action="/gathered"><Say>Please enter your code</Say></Gather><Say>No input</Say></Response>',
    );
    await callPlatformFromFarEnd(number, 'dtmf');
    const action = await appServer.waitFor((r) => r.path === '/gathered', 30000);
    expect(action.body).toMatchObject({ Digits: '1234', To: number, CallStatus: 'in-progress' });
    expect((await inboundCallTo(number)).status).toBe('completed');
  });

  it('Play of an HTTP-served WAV plays to the end', async () => {
    appServer.on('/tone.wav', { contentType: 'audio/x-wav', body: buildToneWav(2) });
    const url = appServer.rcml('/play.xml', '<Response><Play>/tone.wav</Play><Hangup/></Response>');
    const created = await calls.create(buildCallRequest({ Url: url })).expect(201);
    const call = await calls.waitForStatus(created.body.sid);
    expect(call.status).toBe('completed');
    expect(await notificationsOf(call.sid)).toEqual([]);
    expect(call.duration).toBeGreaterThanOrEqual(2);
    expect(appServer.requestsTo('/tone.wav')).toHaveLength(1);
    expect(await notificationsOf(call.sid)).toEqual([]);
  });

  it('Record stores a non-empty WAV that the API serves, and the action gets the recording', async () => {
    appServer.rcml('/recorded', '<Response><Hangup/></Response>');
    const { number } = await numberServing(
      '<Response><Record maxLength="10" timeout="0" action="/recorded"/></Response>',
    );
    await callPlatformFromFarEnd(number, 'dtmf');
    const action = await appServer.waitFor((r) => r.path === '/recorded', 30000);
    expect(action.body).toMatchObject({
      Digits: '1',
      RecordingSid: expect.stringMatching(/^RE[0-9a-f]{32}$/),
    });
    expect(Number(action.body.RecordingDuration)).toBeGreaterThanOrEqual(1);
    const mediaPath = new URL(action.body.RecordingUrl).pathname;
    expect(mediaPath).toMatch(/\.wav$/);
    const audio = await platform.http().get(mediaPath).buffer(true).expect(200);
    expect(audio.headers['content-type']).toMatch(/audio\/(x-)?wav/);
    expect(audio.body.subarray(0, 4).toString()).toBe('RIFF');
    expect(audio.body.length).toBeGreaterThan(8000);
    const call = await inboundCallTo(number);
    const listing = await platform
      .http()
      .get(api(`/Calls/${call.sid}/Recordings.json`))
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(JSON.stringify(listing.body)).toContain(action.body.RecordingSid);
  });

  it('Redirect switches documents', async () => {
    appServer.rcml('/second.xml', '<Response><Pause length="1"/><Hangup/></Response>');
    const url = appServer.rcml(
      '/first.xml',
      '<Response><Redirect method="GET">second.xml</Redirect><Say>never</Say></Response>',
    );
    const created = await calls.create(buildCallRequest({ Url: url })).expect(201);
    expect((await calls.waitForStatus(created.body.sid)).status).toBe('completed');
    const [second] = appServer.requestsTo('/second.xml');
    expect(second.method).toBe('GET');
    expect(second.query).toMatchObject({ CallSid: created.body.sid, CallStatus: 'in-progress' });
  });

  it('Reject answers an unanswered inbound call with 486 when reason is busy', async () => {
    const { number } = await numberServing('<Response><Reject reason="busy"/></Response>');
    await callPlatformFromFarEnd(number, 'answer');
    const call = await inboundCallTo(number);
    expect(call).toMatchObject({ status: 'busy', sip_response_code: 486, duration: 0 });
  });

  it('falls back to FallbackUrl when Url fails, and records the failure', async () => {
    const url = appServer.on('/failing.xml', { status: 503, body: 'down for maintenance' });
    const fallback = appServer.rcml('/fallback.xml', '<Response><Hangup/></Response>');
    const created = await calls.create(buildCallRequest({ Url: url, FallbackUrl: fallback })).expect(201);
    expect((await calls.waitForStatus(created.body.sid)).status).toBe('completed');
    expect(appServer.requestsTo('/fallback.xml')).toHaveLength(1);
    expect(await notificationsOf(created.body.sid)).toEqual([
      expect.objectContaining({ errorCode: 11200, requestUrl: url, responseBody: 'down for maintenance' }),
    ]);
  });

  it('rejects an inbound call to an unknown number with 404 and records it', async () => {
    await callPlatformFromFarEnd('+19990000000', 'answer');
    await waitUntil(
      async () => {
        const response = await platform
          .http()
          .get(api('/Notifications.json'))
          .auth(platform.accountSid, platform.authToken);
        return JSON.stringify(response.body).includes('+19990000000');
      },
      10000,
      'the unknown-number notification',
    );
    const list = await platform
      .http()
      .get(api('/Calls.json'))
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(list.body.calls.some((call: any) => call.to === '+19990000000')).toBe(false);
  });

  describe('bad documents leave a notification and a cleanly ended call', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
      Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join(
        '',
      ) +
      ']><Response><Say>&lol9;</Say></Response>';

    it.each([
      ['malformed XML', { contentType: XML, body: '<Response><Say>unclosed</Response>' }, 12100],
      ['an XML bomb', { contentType: XML, body: bomb }, 12100],
      [
        'a 5 MB body',
        { contentType: XML, body: `<Response>${' '.repeat(5 * 1024 * 1024)}</Response>` },
        11200,
      ],
      [
        'the wrong content type',
        { contentType: 'text/html', body: '<html><body>hello</body></html>' },
        12300,
      ],
      ['a server slower than the timeout', { contentType: XML, body: '<Response/>', delayMs: 3000 }, 11200],
      ['a wrong root element', { contentType: XML, body: '<Document><Hangup/></Document>' }, 12200],
    ])('%s', async (name, response, code) => {
      const path = `/bad-${name.replace(/\W+/g, '-')}.xml`;
      const created = await calls.create(buildCallRequest({ Url: appServer.on(path, response) })).expect(201);
      const call = await calls.waitForStatus(created.body.sid, undefined, 20000);
      expect(call.status).toBe('completed');
      const notifications = await notificationsOf(call.sid);
      expect(notifications).toEqual([expect.objectContaining({ errorCode: code, log: 0 })]);
    });

    it('unknown verbs and attributes: warnings, the rest of the document runs', async () => {
      const url = appServer.rcml(
        '/unknown.xml',
        '<Response><Dance/><Pause length="1" colour="red"/><Hangup/></Response>',
      );
      const created = await calls.create(buildCallRequest({ Url: url })).expect(201);
      const call = await calls.waitForStatus(created.body.sid);
      expect(call).toMatchObject({ status: 'completed' });
      const notifications = await notificationsOf(call.sid);
      expect(notifications.map((n) => [n.errorCode, n.log])).toEqual([
        [12200, 1],
        [12200, 1],
      ]);
    });
  });

  it('signs every request to the app server so that twilio.validateRequest accepts it', () => {
    const signed = appServer.requests.filter((r: RecordedRequest) => r.headers['x-twilio-signature']);
    expect(signed.length).toBeGreaterThan(10);
    // Media included: the platform fetches <Play> files itself, so Asterisk sends nothing unsigned.
    expect(signed.length).toBe(appServer.requests.length);
    for (const request of signed) {
      const params = request.method === 'POST' ? request.body : {};
      expect(
        validateRequest(
          platform.authToken,
          String(request.headers['x-twilio-signature']),
          request.url,
          params,
        ),
      ).toBe(true);
    }
  });
});
