import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { uniquePhoneNumber } from '../../../../../test/factories/incoming-number-request.factory';
import {
  ConsoleLogin,
  consoleGet,
  consolePost,
  consoleSignIn,
} from '../../../../../test/support/console-client';
import { HttpRecorder } from '../../../../../test/support/http-recorder';
import { waitUntil } from '../../../../../test/support/platform';
import {
  EXTENSION_PASSWORD,
  RingcentralMedium,
  startRingcentralMedium,
} from '../../../../../test/support/ringcentral-medium';
import { SubscriptionEntity } from '../../sessions/ringcentral/subscriptions/subscription.entity';

/**
 * Medium tier, SIP users in memory: the console's resource lists (registration state, masked URLs, no
 * secrets) and the supervisor actions that ring someone (transfer, listen) or change the RCML (redirect).
 */
describe('Console resources and supervisor actions', () => {
  let medium: RingcentralMedium;
  let appServer: HttpRecorder;
  let login: ConsoleLogin;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    medium = await startRingcentralMedium(['1001', '1002', '1003']);
    login = await consoleSignIn(medium.platform);
  });

  afterAll(async () => {
    await medium?.platform.close();
    await appServer?.stop();
  });

  const get = (path: string) => consoleGet(medium.platform, login, path).expect(200);
  const post = (path: string, body: object = {}) => consolePost(medium.platform, login, path, body);
  const basic = (path: string) => {
    const { platform } = medium;
    return platform.http().post(path).auth(platform.accountSid, platform.authToken).type('form');
  };

  it('lists extensions with their registrations, and never a password', async () => {
    const { body, text } = await get('/console/api/extensions');
    expect(text).not.toContain(EXTENSION_PASSWORD);
    const byNumber = new Map(body.extensions.map((e: { extensionNumber: string }) => [e.extensionNumber, e]));
    expect(byNumber.get('1001')).toMatchObject({
      sid: medium.extensionSids['1001'],
      enabled: true,
      sipUri: `sip:1001@${medium.domain}`,
      registered: true,
      registrations: [{ contact: 'sip:1001@127.0.0.1:5999', userAgent: null, expiresAt: null }],
    });
  });

  it('lists numbers, applications and subscriptions with URL credentials masked', async () => {
    const { platform } = medium;
    const secretUrl = 'https://hooks:pa55word@app.example.com/voice.xml';
    const number = uniquePhoneNumber();
    await basic(`/2010-04-01/Accounts/${platform.accountSid}/IncomingPhoneNumbers.json`)
      .send({ PhoneNumber: number, VoiceUrl: secretUrl })
      .expect(201);
    await basic(`/2010-04-01/Accounts/${platform.accountSid}/Applications.json`)
      .send({ FriendlyName: 'IVR', VoiceUrl: secretUrl, StatusCallback: secretUrl })
      .expect(201);
    const subscriptions = platform.app.get(DataSource).getRepository(SubscriptionEntity);
    await subscriptions.insert({
      id: randomUUID(),
      accountSid: platform.accountSid,
      ownerId: platform.accountSid,
      eventFilters: ['/restapi/v1.0/account/~/telephony/sessions'],
      address: 'https://user:hook-secret@receiver.example.com/events',
      verificationToken: 'verification-secret-token',
      expiresIn: 3600,
      expirationTime: new Date(Date.now() + 3600_000),
      creationTime: new Date(),
      status: 'Suspended',
      suspendedReason: 'Deliveries failed 5 times: HTTP 500',
      suspendedAt: new Date(),
    } as SubscriptionEntity);

    const numbers = await get('/console/api/numbers');
    const applications = await get('/console/api/applications');
    const subs = await get('/console/api/subscriptions');
    for (const res of [numbers, applications, subs]) {
      expect(res.text).not.toContain('pa55word');
      expect(res.text).not.toContain('hook-secret');
      expect(res.text).not.toContain('verification-secret-token');
    }
    expect(numbers.body.numbers).toEqual([
      expect.objectContaining({ phoneNumber: number, voiceUrl: 'https://***:***@app.example.com/voice.xml' }),
    ]);
    expect(applications.body.applications).toEqual([
      expect.objectContaining({
        friendlyName: 'IVR',
        statusCallback: 'https://***:***@app.example.com/voice.xml',
      }),
    ]);
    expect(subs.body.subscriptions).toEqual([
      expect.objectContaining({
        status: 'Suspended',
        address: 'https://***:***@receiver.example.com/events',
        delivery: {
          healthy: false,
          suspendedReason: 'Deliveries failed 5 times: HTTP 500',
          suspendedAt: expect.any(String),
        },
      }),
    ]);
  });

  it('transfers a call to an extension: it rings, answers, and the other party drops out', async () => {
    const { gateway } = medium;
    const call = await medium.connectedCallOut('1001', '1002');
    const before = gateway.originated.length;
    const res = await post(`/console/api/live-calls/${call.callee}/transfer`, { to: '1003' }).expect(200);
    expect(res.body.call).toMatchObject({ sid: call.callee });
    const recipient = await medium.nextLeg(before);
    expect(JSON.stringify(recipient)).toContain('1003');
    gateway.answerLeg(recipient.channelId);
    await waitUntil(
      () => gateway.bridgeOf(recipient.channelId) === gateway.bridgeOf(call.calleeLeg.channelId),
      5000,
      'the callee bridged with 1003',
    );
    await waitUntil(
      () => gateway.commandsFor(call.agentLeg.channelId).includes('hangup'),
      5000,
      'the agent leg hung up',
    );
    // The transferred call goes on with 1003; the console ends it.
    await post(`/console/api/live-calls/${call.callee}/hangup`).expect(200);
  });

  it('listens to a call from an extension: its phone rings, then hears the call through a snoop', async () => {
    const { gateway } = medium;
    const call = await medium.connectedCallOut('1001', '1002');
    const before = gateway.originated.length;
    const res = await post(`/console/api/live-calls/${call.agent}/listen`, { to: '1003' }).expect(200);
    expect(res.body.supervision).toMatchObject({ agentCallSid: call.agent, stage: 'ringing' });
    const supervisor = await medium.nextLeg(before);
    gateway.answerLeg(supervisor.channelId);
    await waitUntil(
      () => gateway.commandsFor(call.agentLeg.channelId).includes('snoop'),
      5000,
      'a snoop on the agent',
    );
  });

  it('redirects a live call to new RCML, fetched from the given URL', async () => {
    const { platform, gateway } = medium;
    const first = appServer.rcml('/first.xml', '<Response><Pause length="30"/></Response>');
    const next = appServer.rcml('/next.xml', '<Response><Pause length="30"/></Response>');
    const before = gateway.originated.length;
    const created = await basic(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls.json`)
      .send({ To: 'sip:alice@127.0.0.1:5998', From: '+15550001111', Url: first })
      .expect(201);
    gateway.answerLeg((await medium.nextLeg(before)).channelId);
    await appServer.waitFor((r) => r.path === '/first.xml');
    await post(`/console/api/live-calls/${created.body.sid}/redirect`, { url: next, method: 'GET' }).expect(
      200,
    );
    const fetched = await appServer.waitFor((r) => r.path === '/next.xml');
    expect(fetched.method).toBe('GET');
    await post(`/console/api/live-calls/${created.body.sid}/hangup`).expect(200);
  });
});
