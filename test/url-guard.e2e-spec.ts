import twilio from 'twilio';
import { buildToneWav } from './factories/wav.factory';
import { CallsClient } from './support/calls-client';
import { CountingProxy } from './support/counting-proxy';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';

const ARI = new URL(process.env.ARI_URL ?? 'http://127.0.0.1:8088');
const ARI_USER = process.env.ARI_USERNAME ?? 'callwright';
const ARI_PASSWORD = process.env.ARI_PASSWORD ?? 'callwright';

/**
 * An ordinary account aiming its URLs at the platform's own ARI. The platform reaches ARI through a counting
 * relay, so the test sees every request that arrived there: none may come from an account's URL.
 */
describe('Account URLs never reach internal services', () => {
  let proxy: CountingProxy;
  let platform: RunningPlatform;
  let calls: CallsClient;
  let app: HttpRecorder;
  let ariUrl: string;

  beforeAll(async () => {
    proxy = await new CountingProxy(ARI.hostname, Number(ARI.port) || 80).start();
    ariUrl = `http://${ARI_USER}:${ARI_PASSWORD}@127.0.0.1:${proxy.port}/ari/channels`;
    platform = await startPlatform({ ARI_URL: `http://127.0.0.1:${proxy.port}` });
    calls = new CallsClient(platform);
    app = await new HttpRecorder().start();
  });

  afterAll(async () => {
    await platform?.close();
    await app?.stop();
    await proxy?.stop();
  });

  const notificationsOf = async (callSid: string) =>
    (
      await platform
        .http()
        .get(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls/${callSid}/Notifications.json`)
        .auth(platform.accountSid, platform.authToken)
        .expect(200)
    ).body.notifications as Array<Record<string, any>>;

  it.each(['Url', 'StatusCallback', 'FallbackUrl'])(
    'refuses the ARI URL as %s when the call is created (400, 21205)',
    async (field) => {
      const fields: Record<string, string> = {
        From: '+15550001111',
        To: 'sip:answer@127.0.0.1:5070',
        Url: app.rcml('/hangup.xml', '<Response><Hangup/></Response>'),
        [field]: ariUrl,
      };
      const response = await calls.create(fields).expect(400);
      expect(response.body).toMatchObject({ code: 21205, status: 400 });
      expect(response.body.message).toContain('internal service');
      expect(response.body.message).not.toContain(ARI_PASSWORD === '' ? '\u0000' : ARI_PASSWORD);
    },
  );

  it('refuses the ARI URL in the Twilio dialect too, and a localhost spelling', async () => {
    const response = await platform
      .http()
      .post(`/2010-04-01/Accounts/${platform.accountSid}/Calls.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({
        From: '+15550001111',
        To: 'sip:answer@127.0.0.1:5070',
        Url: ariUrl.replace('127.0.0.1', 'localhost'),
      })
      .expect(400);
    expect(response.body).toMatchObject({ code: 21205, status: 400 });
  });

  it('refuses the ARI URL as a number VoiceUrl', async () => {
    const response = await platform
      .http()
      .post(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/IncomingPhoneNumbers.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ PhoneNumber: '+15550009191', VoiceUrl: ariUrl })
      .expect(400);
    expect(response.body.code).toBe(21205);
  });

  it.each([
    ['an HTTP redirect', () => ({ status: 302, headers: { location: ariUrl } })],
    [
      'a <Redirect> verb',
      () => ({ contentType: 'application/xml', body: `<Response><Redirect>${ariUrl}</Redirect></Response>` }),
    ],
  ])("refuses ARI as the target of %s: notification 11200 without ARI's answer", async (_name, script) => {
    const path = `/to-ari-${Math.random().toString(36).slice(2)}.xml`;
    app.on(path, script);
    const created = await calls
      .create({ From: '+15550001111', To: 'sip:answer@127.0.0.1:5070', Url: app.baseUrl + path })
      .expect(201);
    await calls.waitForStatus(created.body.sid);

    let notes: Array<Record<string, any>> = [];
    await waitUntil(
      async () => (notes = await notificationsOf(created.body.sid)).length > 0,
      10000,
      'notification',
    );
    const refusal = notes.find((note) => note.error_code === 11200);
    expect(refusal).toBeDefined();
    expect(refusal!.message_text).toContain('internal service');
    expect(refusal!.response_body).toBeNull();
    for (const note of notes) {
      expect(JSON.stringify(note)).not.toContain('"id"');
      expect(JSON.stringify(note)).not.toContain(`${ARI_USER}:${ARI_PASSWORD}@`);
    }
    expect(proxy.foreignHeads()).toEqual([]);
  });

  it('refuses ARI as a <Play> URL: notification 11200, the call goes on, and Asterisk fetched nothing either', async () => {
    const after = app.rcml('/after-play.xml', '<Response><Hangup/></Response>');
    const url = app.rcml(
      '/play-ari.xml',
      `<Response><Play>${ariUrl}</Play><Redirect method="GET">${after}</Redirect></Response>`,
    );
    const created = await calls
      .create({ From: '+15550001111', To: 'sip:answer@127.0.0.1:5070', Url: url })
      .expect(201);
    await calls.waitForStatus(created.body.sid);

    await app.waitFor((request) => request.path === '/after-play.xml');
    const notes = await notificationsOf(created.body.sid);
    const refusal = notes.find((note) => note.error_code === 11200);
    expect(refusal?.message_text).toContain('internal service');
    expect(refusal?.response_body).toBeNull();
    expect(proxy.foreignHeads()).toEqual([]);
  });

  it('let the platform itself use ARI through the relay all along', () => {
    expect(proxy.heads.length).toBeGreaterThan(0);
    expect(proxy.foreignHeads()).toEqual([]);
  });
});

describe('The private-address guard with an allow-list', () => {
  let platform: RunningPlatform;
  let calls: CallsClient;
  let allowed: HttpRecorder;
  let other: HttpRecorder;

  beforeAll(async () => {
    platform = await startPlatform({
      WEBHOOK_BLOCK_PRIVATE_ADDRESSES: 'true',
      WEBHOOK_ALLOWED_ADDRESSES: '127.0.0.2',
    });
    calls = new CallsClient(platform);
    allowed = await new HttpRecorder().start('127.0.0.2');
    other = await new HttpRecorder().start('127.0.0.3');
  });

  afterAll(async () => {
    await platform?.close();
    await allowed?.stop();
    await other?.stop();
  });

  it('plays media from an allow-listed server, fetched and signed by the platform, not by Asterisk', async () => {
    const tone = allowed.on('/tone.wav', { contentType: 'audio/wav', body: buildToneWav(1) });
    const url = allowed.rcml('/play.xml', `<Response><Play>${tone}</Play><Hangup/></Response>`);
    const created = await calls
      .create({ From: '+15550001111', To: 'sip:answer@127.0.0.1:5070', Url: url })
      .expect(201);
    expect((await calls.waitForStatus(created.body.sid)).status).toBe('completed');

    const fetched = allowed.requestsTo('/tone.wav');
    expect(fetched).toHaveLength(1);
    expect(fetched[0].headers['user-agent']).toMatch(/^Callwright\//);
    expect(
      twilio.validateRequest(platform.authToken, String(fetched[0].headers['x-twilio-signature']), tone, {}),
    ).toBe(true);
    const notes = await platform
      .http()
      .get(
        `/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls/${created.body.sid}/Notifications.json`,
      )
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(notes.body.notifications).toEqual([]);
  });

  it('runs RCML from an allow-listed private address and refuses one that is not', async () => {
    const good = await calls
      .create({
        From: '+15550001111',
        To: 'sip:answer@127.0.0.1:5070',
        Url: allowed.rcml('/ok.xml', '<Response><Pause length="1"/><Hangup/></Response>'),
      })
      .expect(201);
    const bad = await calls
      .create({
        From: '+15550001111',
        To: 'sip:answer@127.0.0.1:5070',
        Url: other.rcml('/no.xml', '<Response><Hangup/></Response>'),
      })
      .expect(201);
    expect((await calls.waitForStatus(good.body.sid)).status).toBe('completed');
    await calls.waitForStatus(bad.body.sid);

    expect(allowed.requestsTo('/ok.xml')).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
    const notes = await platform
      .http()
      .get(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls/${bad.body.sid}/Notifications.json`)
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(notes.body.notifications[0]).toMatchObject({ error_code: 11200 });
    expect(notes.body.notifications[0].message_text).toContain('WEBHOOK_BLOCK_PRIVATE_ADDRESSES');
  });
});
