import twilio from 'twilio';
import { newSid } from '../apps/platform/src/common/sid';
import { callPlatformFromFarEnd } from './support/far-end';
import { HttpRecorder, type RecordedRequest } from './support/http-recorder';
import { RunningPlatform, startPlatform } from './support/platform';
import { LocalRequestClient, restError } from './support/twilio-local-client';

/**
 * Twilio's Applications resource through the official SDK, and the calls that run an Application's
 * voice settings: Calls.create with ApplicationSid, and inbound calls to a number whose
 * VoiceApplicationSid names one.
 */
describe('Twilio Applications with the official twilio SDK', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let client: ReturnType<typeof twilio>;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    appServer.rcml('/app-voice.xml', new twilio.twiml.VoiceResponse().pause({ length: 1 }).toString());
    appServer.on('/app-status', { status: 204 });
    platform = await startPlatform();
    const { port } = platform.app.getHttpServer().address() as { port: number };
    client = twilio(platform.accountSid, platform.authToken, {
      httpClient: new LocalRequestClient(`http://127.0.0.1:${port}`),
    });
  }, 60000);

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const signedByPlatform = (request: RecordedRequest) =>
    twilio.validateRequest(
      platform.authToken,
      String(request.headers['x-twilio-signature']),
      request.url,
      request.method === 'POST' ? request.body : {},
    );

  it('create, fetch, update, list with paging and FriendlyName, delete', async () => {
    const created = await client.applications.create({
      friendlyName: 'IVR',
      voiceUrl: `${appServer.baseUrl}/app-voice.xml`,
      voiceMethod: 'GET',
      statusCallback: `${appServer.baseUrl}/app-status`,
      smsUrl: 'https://sms.example.com/in',
    });
    expect(created.sid).toMatch(/^AP[0-9a-f]{32}$/);
    expect(created).toMatchObject({
      accountSid: platform.accountSid,
      apiVersion: '2010-04-01',
      friendlyName: 'IVR',
      voiceMethod: 'GET',
      voiceFallbackUrl: null,
      statusCallbackMethod: 'POST',
      smsUrl: 'https://sms.example.com/in',
      voiceCallerIdLookup: false,
      uri: `/2010-04-01/Accounts/${platform.accountSid}/Applications/${created.sid}.json`,
    });
    expect(created.dateCreated).toBeInstanceOf(Date);

    const updated = await client.applications(created.sid).update({ friendlyName: 'IVR 2', smsUrl: '' });
    expect(updated).toMatchObject({ friendlyName: 'IVR 2', smsUrl: null, voiceMethod: 'GET' });
    expect((await client.applications(created.sid).fetch()).friendlyName).toBe('IVR 2');

    const others = [];
    for (let i = 0; i < 4; i++) others.push(await client.applications.create({ friendlyName: `other-${i}` }));
    const all = await client.applications.list({ pageSize: 2 });
    expect(all.map((app) => app.sid)).toEqual([...others.reverse().map((app) => app.sid), created.sid]);
    expect((await client.applications.list({ friendlyName: 'IVR 2' })).map((app) => app.sid)).toEqual([
      created.sid,
    ]);
    const page = await client.applications.page({ pageSize: 2 });
    expect(page.instances).toHaveLength(2);
    expect(page.nextPageUrl).toContain('Page=1');

    for (const app of others) expect(await client.applications(app.sid).remove()).toBe(true);
    expect(await restError(client.applications(others[0].sid).fetch())).toMatchObject({
      status: 404,
      code: 20404,
    });
    expect(await restError(client.applications(newSid('AP')).fetch())).toMatchObject({ status: 404 });
    const bad = await restError(client.applications.create({ voiceUrl: 'ftp://nope' }));
    expect(bad).toMatchObject({ status: 400, code: 21205 });
  });

  it('Calls.create with ApplicationSid runs the Application’s voice URL and method, and its status callback', async () => {
    const app = await client.applications.create({
      friendlyName: 'outbound',
      voiceUrl: `${appServer.baseUrl}/app-voice.xml`,
      voiceMethod: 'GET',
      statusCallback: `${appServer.baseUrl}/app-status`,
    });
    const call = await client.calls.create({
      to: '+15557770002',
      from: '+15550001111',
      applicationSid: app.sid,
    });
    const voice = await appServer.waitFor((r) => r.path === '/app-voice.xml' && r.query.CallSid === call.sid);
    expect(voice.method).toBe('GET');
    expect(voice.query).toMatchObject({ ApiVersion: '2010-04-01', Called: '+15557770002' });
    const completed = await appServer.waitFor(
      (r) => r.path === '/app-status' && r.body.CallSid === call.sid && r.body.CallStatus === 'completed',
      20000,
    );
    expect(signedByPlatform(voice)).toBe(true);
    expect(signedByPlatform(completed)).toBe(true);

    const unknown = await restError(
      client.calls.create({ to: '+15557770002', from: '+15550001111', applicationSid: newSid('AP') }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.message).toMatch(/ApplicationSid/);
  }, 40000);

  it('a number whose VoiceApplicationSid names an Application runs it for inbound calls, in 2010-04-01', async () => {
    appServer.rcml('/inbound-app.xml', '<Response><Pause length="1"/><Hangup/></Response>');
    const app = await client.applications.create({ voiceUrl: `${appServer.baseUrl}/inbound-app.xml` });
    const api = `/restcomm/2012-04-24/Accounts/${platform.accountSid}/IncomingPhoneNumbers.json`;
    const number = '+15559870077';
    const created = await platform
      .http()
      .post(api)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({
        PhoneNumber: number,
        VoiceUrl: `${appServer.baseUrl}/not-this.xml`,
        VoiceApplicationSid: app.sid,
      })
      .expect(201);
    expect(created.body.voice_application_sid).toBe(app.sid);
    expect((await client.incomingPhoneNumbers(created.body.sid).fetch()).voiceApplicationSid).toBe(app.sid);
    await platform
      .http()
      .post(api)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ PhoneNumber: '+15559870078', VoiceApplicationSid: newSid('AP') })
      .expect(400);

    await callPlatformFromFarEnd(number, 'answer');
    const request = await appServer.waitFor((r) => r.path === '/inbound-app.xml', 20000);
    expect(request.body).toMatchObject({
      To: number,
      Called: number,
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
    });
    expect(signedByPlatform(request)).toBe(true);
    expect(appServer.requestsTo('/not-this.xml')).toHaveLength(0);
  }, 40000);
});
