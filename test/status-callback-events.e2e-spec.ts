import twilio from 'twilio';
import {
  AccountLimitsService,
  DEFAULT_ACCOUNT_LIMITS,
} from '../apps/platform/src/accounts/account-limits.service';
import { farEndUri } from './factories/call-request.factory';
import { CallsClient } from './support/calls-client';
import { callPlatformFromFarEnd } from './support/far-end';
import { HttpRecorder, RecordedRequest } from './support/http-recorder';
import { RunningPlatform, startPlatform } from './support/platform';
import { LocalRequestClient, restError } from './support/twilio-local-client';

const ALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];
const FINAL = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
const RFC_2822 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

/** StatusCallbackEvent on the Calls API, with the official twilio SDK and real SIP to the far end. */
describe('Call progress events (StatusCallbackEvent) on the Calls API', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let client: ReturnType<typeof twilio>;
  let calls: CallsClient;
  let briefUrl: string;
  let path = 0;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    briefUrl = appServer.rcml('/brief.xml', '<Response><Pause length="1"/><Hangup/></Response>');
    platform = await startPlatform();
    const { port } = platform.app.getHttpServer().address() as { port: number };
    client = twilio(platform.accountSid, platform.authToken, {
      httpClient: new LocalRequestClient(`http://127.0.0.1:${port}`),
    });
    calls = new CallsClient(platform);
  });

  afterEach(() =>
    platform.app.get(AccountLimitsService).setLimits(platform.accountSid, DEFAULT_ACCOUNT_LIMITS),
  );

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  /**
   * A callback route of its own per call, so each test sees only its call's requests. `delayMs` slows
   * the answers to all but the final callback, which the test is over with.
   */
  function progressRoute(delayMs = 0): { url: string; path: string } {
    const route = `/progress-${++path}`;
    const url = appServer.on(route, (request) => ({
      status: 204,
      delayMs: FINAL.includes(request.body.CallStatus) ? 0 : delayMs,
    }));
    return { url, path: route };
  }

  /** Waits for the callback whose CallStatus is final, then a moment more for stragglers. */
  async function callbacksOf(route: string): Promise<RecordedRequest[]> {
    await appServer.waitFor((r) => r.path === route && FINAL.includes(r.body.CallStatus), 30000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return appServer.requestsTo(route);
  }

  const summary = (requests: RecordedRequest[]) =>
    requests.map((r) => [r.body.SequenceNumber, r.body.CallStatus]);

  it('sends initiated, ringing, in-progress and completed in order with increasing SequenceNumber', async () => {
    const progress = progressRoute();
    const call = await client.calls.create({
      to: farEndUri('answer'),
      from: '+15550001111',
      url: briefUrl,
      statusCallback: progress.url,
      statusCallbackEvent: ALL_EVENTS,
    });
    const received = await callbacksOf(progress.path);
    // In arrival order, which is firing order.
    expect(summary(received)).toEqual([
      ['0', 'initiated'],
      ['1', 'ringing'],
      ['2', 'in-progress'],
      ['3', 'completed'],
    ]);
    for (const request of received) {
      expect(request.method).toBe('POST');
      expect(request.headers['x-twilio-signature']).toBeTruthy();
      expect(request.body).toMatchObject({
        CallSid: call.sid,
        AccountSid: platform.accountSid,
        CallbackSource: 'call-progress-events',
        Direction: 'outbound-api',
      });
      expect(request.body.Timestamp).toMatch(RFC_2822);
    }
    const completed = received[3].body;
    expect(Number(completed.CallDuration)).toBeGreaterThanOrEqual(1);
    expect(completed.Duration).toBe('1');
    expect(completed.SipResponseCode).toBe('200');
    expect(received[2].body).not.toHaveProperty('CallDuration');
  });

  it('a busy callee gives initiated, then completed with CallStatus busy (it never rang)', async () => {
    const progress = progressRoute();
    const call = await client.calls.create({
      to: farEndUri('busy'),
      from: '+15550001111',
      url: briefUrl,
      statusCallback: progress.url,
      statusCallbackEvent: ALL_EVENTS,
    });
    const received = await callbacksOf(progress.path);
    expect(summary(received)).toEqual([
      ['0', 'initiated'],
      ['1', 'busy'],
    ]);
    expect(received[1].body).toMatchObject({
      CallSid: call.sid,
      SipResponseCode: '486',
      CallDuration: '0',
      Duration: '0',
    });
  });

  it('sends only completed when no StatusCallbackEvent is given', async () => {
    const progress = progressRoute();
    await client.calls.create({
      to: farEndUri('answer'),
      from: '+15550001111',
      url: briefUrl,
      statusCallback: progress.url,
    });
    expect(summary(await callbacksOf(progress.path))).toEqual([['0', 'completed']]);
  });

  it('a call waiting in the outbound queue sends its events once it is dialed (RestComm create)', async () => {
    await platform.app.get(AccountLimitsService).setLimits(platform.accountSid, { maxConcurrentCalls: 1 });
    const first = progressRoute();
    const second = progressRoute();
    const running = await calls
      .create({ From: '+15550001111', To: farEndUri('answer'), Url: briefUrl, StatusCallback: first.url })
      .expect(201);
    const waiting = await calls
      .create({
        From: '+15550001111',
        To: farEndUri('answer'),
        Url: briefUrl,
        StatusCallback: second.url,
        StatusCallbackEvent: 'initiated ringing answered completed',
      })
      .expect(201);
    expect(waiting.body.status).toBe('queued');
    const received = await callbacksOf(second.path);
    expect(summary(received).map(([, status]) => status)).toEqual([
      'initiated',
      'ringing',
      'in-progress',
      'completed',
    ]);
    // Dialed only after the first call had run its one-second document.
    const firstDocument = appServer.requests.find(
      (r) => r.path === '/brief.xml' && r.body.CallSid === running.body.sid,
    )!;
    expect(received[0].receivedAt).toBeGreaterThanOrEqual(firstDocument.receivedAt + 900);
  });

  it('a slow callback server delays the callbacks behind it, not the call', async () => {
    const slow = progressRoute(2500);
    const call = await client.calls.create({
      to: farEndUri('answer'),
      from: '+15550001111',
      url: appServer.rcml('/slow-brief.xml', '<Response><Pause length="1"/><Hangup/></Response>'),
      statusCallback: slow.url,
      statusCallbackEvent: ALL_EVENTS,
    });
    const received = await callbacksOf(slow.path);
    expect(summary(received).map(([, status]) => status)).toEqual([
      'initiated',
      'ringing',
      'in-progress',
      'completed',
    ]);
    // Each request went out only once the one before it was answered...
    for (let i = 1; i < received.length; i++)
      expect(received[i].receivedAt - received[i - 1].receivedAt).toBeGreaterThanOrEqual(2400);
    // ...while the call itself was answered and ran its RCML without waiting for them.
    const document = appServer.requests.find(
      (r) => r.path === '/slow-brief.xml' && r.body.CallSid === call.sid,
    )!;
    expect(document.receivedAt).toBeLessThan(received[1].receivedAt);
  });

  it("an inbound call sends completed only to its number's StatusCallback", async () => {
    const progress = progressRoute();
    const number = '+15550107777';
    await platform
      .http()
      .post(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/IncomingPhoneNumbers.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ PhoneNumber: number, VoiceUrl: briefUrl, StatusCallback: progress.url })
      .expect(201);
    await callPlatformFromFarEnd(number, 'answer');
    const received = await callbacksOf(progress.path);
    expect(summary(received)).toEqual([['0', 'completed']]);
    expect(received[0].body).toMatchObject({ Direction: 'inbound', To: number });
  });

  it("an inbound call sends every event its number's StatusCallbackEvent names, in order", async () => {
    const progress = progressRoute();
    const number = '+15550107778';
    const created = await platform
      .http()
      .post(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/IncomingPhoneNumbers.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({
        PhoneNumber: number,
        VoiceUrl: briefUrl,
        StatusCallback: progress.url,
        StatusCallbackEvent: 'initiated ringing answered completed',
      })
      .expect(201);
    expect(created.body.status_callback_event).toBe('initiated ringing answered completed');
    await callPlatformFromFarEnd(number, 'answer');
    const received = await callbacksOf(progress.path);
    expect(summary(received)).toEqual([
      ['0', 'initiated'],
      ['1', 'ringing'],
      ['2', 'in-progress'],
      ['3', 'completed'],
    ]);
    expect(new Set(received.map((request) => request.body.CallSid)).size).toBe(1);
    expect(received[3].body).toMatchObject({ Direction: 'inbound', To: number });
  });

  it("refuses an unknown StatusCallbackEvent on a number with Twilio's 21626", async () => {
    const refused = await platform
      .http()
      .post(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/IncomingPhoneNumbers.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ PhoneNumber: '+15550107779', VoiceUrl: briefUrl, StatusCallbackEvent: 'hungup' })
      .expect(400);
    expect(refused.body).toMatchObject({ code: 21626 });
  });

  it("refuses an unknown event with Twilio's 21626", async () => {
    const error = await restError(
      client.calls.create({
        to: farEndUri('answer'),
        from: '+15550001111',
        url: briefUrl,
        statusCallbackEvent: ['initiated', 'hungup'],
      }),
    );
    expect(error).toMatchObject({ status: 400, code: 21626 });
  });
});
