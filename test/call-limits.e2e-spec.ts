import { DataSource } from 'typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccountLimitsService,
  DEFAULT_ACCOUNT_LIMITS,
} from '../apps/platform/src/accounts/account-limits.service';
import { dataSourceOptions } from '../apps/platform/src/database/data-source-options';
import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { liveChannels } from './support/asterisk-inspector';
import { CallsClient } from './support/calls-client';
import { callPlatformFromFarEnd } from './support/far-end';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { SippPeer, sipHeader, startUas } from './support/sipp';

const FINAL = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];
const MAX_CALL_HOPS = 3;
/** The platform's own SIP port: a call to it comes back as an inbound call. */
const selfUri = (number: string) => `sip:${number}@127.0.0.1:5060`;

describe('Call limits and loop protection on the real stack', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let calls: CallsClient;
  let peer: SippPeer | undefined;
  let hangupUrl: string;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    hangupUrl = appServer.rcml('/hangup.xml', '<Response><Hangup/></Response>');
    platform = await startPlatform({ MAX_CALL_HOPS: String(MAX_CALL_HOPS) });
    calls = new CallsClient(platform);
  });

  afterEach(async () => {
    await peer?.stop();
    peer = undefined;
    await setLimits(DEFAULT_ACCOUNT_LIMITS);
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const base = () => `/restcomm/2012-04-24/Accounts/${platform.accountSid}`;
  const setLimits = (limits: Parameters<AccountLimitsService['setLimits']>[1]) =>
    platform.app.get(AccountLimitsService).setLimits(platform.accountSid, limits);
  const get = (path: string) =>
    platform.http().get(`${base()}${path}`).auth(platform.accountSid, platform.authToken);

  async function notificationsWithCode(code: number): Promise<Record<string, any>[]> {
    const response = await get('/Notifications.json?PageSize=1000').expect(200);
    return response.body.notifications.filter((n: Record<string, any>) => n.error_code === code);
  }

  async function allCalls(): Promise<Record<string, any>[]> {
    return (await get('/Calls.json?PageSize=1000').expect(200)).body.calls;
  }

  async function addNumber(phoneNumber: string, voiceUrl: string): Promise<void> {
    await platform
      .http()
      .post(`${base()}/IncomingPhoneNumbers.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ PhoneNumber: phoneNumber, VoiceUrl: voiceUrl })
      .expect(201);
  }

  it('dials 30 calls created at once at cps=5 over about 6 s, and every one reaches a final status', async () => {
    await setLimits({ cps: 5 });
    peer = await startUas({ scenario: 'reject', responseCode: 486, calls: 30 });
    const created = await Promise.all(
      Array.from({ length: 30 }, () =>
        calls.create(buildCallRequest({ To: peer!.uri('pace'), Url: hangupUrl })),
      ),
    );
    expect(created.map((response) => response.status)).toEqual(Array(30).fill(201));
    expect(created.every((response) => response.body.status === 'queued')).toBe(true);

    const finals = await Promise.all(
      created.map((response) => calls.waitForStatus(response.body.sid, FINAL, 30000)),
    );
    expect(finals.map((call) => call.status)).toEqual(Array(30).fill('busy'));
    expect(finals.every((call) => call.sip_response_code === 486)).toBe(true);

    const result = await peer.received;
    const times = result.invites.map((invite) => invite.receivedAt).sort((a, b) => a - b);
    expect(times).toHaveLength(30);
    // 29 gaps of 200 ms: 5.8 s; a little scheduling slack either way, never a burst.
    expect(times[29] - times[0]).toBeGreaterThanOrEqual(5500);
    expect(times[29] - times[0]).toBeLessThan(8000);
    for (const start of times) {
      expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(6);
    }
  });

  it('answers 429 with code 20429 in both dialects once max_queued calls wait, and a canceled queued call is never dialed', async () => {
    // Held by concurrency, not by the clock: one live call, so every later call waits for its slot
    // however slowly the requests arrive.
    await setLimits({ maxConcurrentCalls: 1, maxQueuedCalls: 3 });
    const holding = buildCallRequest({
      To: farEndUri('answer'),
      Url: appServer.rcml('/hold-slot.xml', '<Response><Pause length="3"/><Hangup/></Response>'),
    });
    const request = buildCallRequest({ To: farEndUri('busy'), Url: hangupUrl });
    const accepted = [(await calls.create(holding).expect(201)).body.sid as string];
    await waitUntil(
      async () => (await calls.fetch(accepted[0])).body.status !== 'queued',
      5000,
      'first call dialed',
    );
    for (let i = 0; i < 3; i++) accepted.push((await calls.create(request).expect(201)).body.sid);

    const restcomm = await calls.create(request).expect(429);
    expect(restcomm.body).toMatchObject({ code: 20429, status: 429 });
    const restcommXml = await platform
      .http()
      .post(`${base()}/Calls`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send(request)
      .expect(429);
    expect(restcommXml.text).toMatch(/<RestException><Code>20429<\/Code>/);
    const twilio = await platform
      .http()
      .post(`/2010-04-01/Accounts/${platform.accountSid}/Calls.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send(request)
      .expect(429);
    expect(twilio.body).toMatchObject({
      code: 20429,
      status: 429,
      more_info: expect.stringContaining('20429'),
    });

    const last = accepted[3];
    expect((await calls.fetch(last).expect(200)).body.status).toBe('queued');
    const canceled = await platform
      .http()
      .post(`${base()}/Calls/${last}.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ Status: 'canceled' })
      .expect(200);
    expect(canceled.body.status).toBe('canceled');

    const finals = await Promise.all(accepted.map((sid) => calls.waitForStatus(sid, FINAL, 15000)));
    expect(finals.map((call) => call.status)).toEqual(['completed', 'busy', 'busy', 'canceled']);
    expect(finals[3].sip_call_id).toBeNull();
    expect(finals[3].start_time).toBeNull();
    // Only the accepted calls were stored.
    expect((await allCalls()).filter((call) => accepted.includes(call.sid))).toHaveLength(4);
    // The queue drained: a new call is admitted again.
    await calls.create(request).expect(201);
  });

  it('puts the hop count on every INVITE: 1 for an API call, caller + 1 for a Dial leg, spoofs dropped', async () => {
    peer = await startUas({ scenario: 'reject', responseCode: 486 });
    const call = await calls.create(buildCallRequest({ To: peer.uri('api'), Url: hangupUrl })).expect(201);
    await calls.waitForStatus(call.body.sid);
    expect(sipHeader((await peer.received).invite!.headers, 'X-Callwright-Hops')).toBe('1');

    peer = await startUas({ scenario: 'reject', responseCode: 486 });
    const dial = appServer.rcml(
      '/dial-hops.xml',
      `<Response><Dial timeout="10"><Sip>${peer.uri('leg')}?X-Callwright-Hops=0&amp;X-Other=1</Sip></Dial></Response>`,
    );
    const parent = await calls.create(buildCallRequest({ To: farEndUri('answer'), Url: dial })).expect(201);
    const invite = (await peer.received).invite!;
    expect(sipHeader(invite.headers, 'X-Callwright-Hops')).toBe('2');
    expect(sipHeader(invite.headers, 'X-Other')).toBe('1');
    await calls.waitForStatus(parent.body.sid);
  });

  it('stops a number that dials itself at MAX_CALL_HOPS with 482 and a notification, leaving no channel', async () => {
    const number = '+15550004820';
    await addNumber(
      number,
      appServer.rcml(
        '/loop.xml',
        `<Response><Dial timeout="20"><Sip>${selfUri(number)}</Sip></Dial></Response>`,
      ),
    );
    await callPlatformFromFarEnd(number, 'answer');

    await waitUntil(
      async () => (await notificationsWithCode(20482)).length > 0,
      20000,
      'a 20482 notification',
    );
    await waitUntil(
      async () => (await allCalls()).every((call) => FINAL.includes(call.status)),
      30000,
      'every call of the loop to end',
    );
    await waitUntil(async () => (await liveChannels()).length === 0, 15000, 'no channel left on Asterisk');

    const loop = await allCalls();
    const inbound = loop.filter((call) => call.direction === 'inbound' && call.to === number);
    const legs = loop.filter((call) => call.direction === 'outbound-dial' && call.to === selfUri(number));
    // Inbound hops 0 .. MAX-1 are let in; each dials once; the INVITE carrying MAX is refused.
    expect(inbound).toHaveLength(MAX_CALL_HOPS);
    expect(legs).toHaveLength(MAX_CALL_HOPS);
    expect(legs.filter((leg) => leg.sip_response_code === 482)).toHaveLength(1);
    const [notification] = await notificationsWithCode(20482);
    expect(notification.call_sid).toBeNull();
    expect(notification.message_text).toContain('482');
    // Nothing keeps going after the chain collapsed.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await allCalls()).length).toBe(loop.length);
  });

  it('refuses an inbound call over max_concurrent_calls with SIP 503 and a notification', async () => {
    await setLimits({ maxConcurrentCalls: 1 });
    const number = '+15550005030';
    const voice = '/never-fetched.xml';
    await addNumber(number, appServer.rcml(voice, '<Response><Hangup/></Response>'));
    // The API call is the account's one live call; its INVITE comes back to the account's number.
    const call = await calls.create(buildCallRequest({ To: selfUri(number), Url: hangupUrl })).expect(201);
    const final = await calls.waitForStatus(call.body.sid);
    expect(final).toMatchObject({ status: 'failed', sip_response_code: 503 });
    const [notification] = await notificationsWithCode(20503);
    expect(notification).toBeDefined();
    expect(notification.message_text).toContain('max_concurrent_calls');
    expect(appServer.requestsTo(voice)).toHaveLength(0);
    expect((await allCalls()).filter((c) => c.direction === 'inbound' && c.to === number)).toHaveLength(0);
  });

  it('holds a queued call while the account is at max_concurrent_calls and dials it when a call ends', async () => {
    await setLimits({ maxConcurrentCalls: 1 });
    const pause = appServer.rcml('/pause.xml', '<Response><Pause length="2"/><Hangup/></Response>');
    const first = await calls.create(buildCallRequest({ To: farEndUri('answer'), Url: pause })).expect(201);
    const second = await calls
      .create(buildCallRequest({ To: farEndUri('busy'), Url: hangupUrl }))
      .expect(201);
    await calls.waitForStatus(first.body.sid, ['in-progress'], 10000);
    expect((await calls.fetch(second.body.sid).expect(200)).body.status).toBe('queued');
    const firstFinal = await calls.waitForStatus(first.body.sid);
    const secondFinal = await calls.waitForStatus(second.body.sid);
    expect(firstFinal.status).toBe('completed');
    expect(secondFinal.status).toBe('busy');
    expect(Date.parse(secondFinal.start_time)).toBeGreaterThanOrEqual(Date.parse(firstFinal.end_time) - 1000);
  });
});

describe('Queued calls at shutdown', () => {
  it('end failed with a notification and their status callback instead of staying queued', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callwright-limits-'));
    const databasePath = join(dir, 'db.sqlite');
    const appServer = await new HttpRecorder().start();
    try {
      const platform = await startPlatform({ DATABASE_PATH: databasePath });
      await platform.app.get(AccountLimitsService).setLimits(platform.accountSid, { cps: 1 });
      const calls = new CallsClient(platform);
      const status = appServer.on('/status', { status: 204 });
      const request = buildCallRequest({
        To: farEndUri('busy'),
        Url: appServer.rcml('/h.xml', '<Response><Hangup/></Response>'),
        StatusCallback: status,
      });
      const sids: string[] = [];
      for (let i = 0; i < 4; i++) sids.push((await calls.create(request).expect(201)).body.sid);
      await platform.close();

      const queued = sids.slice(1);
      const callbacks = appServer.requestsTo('/status').filter((r) => queued.includes(r.body.CallSid));
      expect(callbacks.map((r) => r.body.CallStatus)).toEqual(['failed', 'failed', 'failed']);

      const db = new DataSource(
        dataSourceOptions({ databaseType: 'sqlite', databasePath, databaseUrl: undefined }),
      );
      await db.initialize();
      try {
        const rows: Array<{ sid: string; status: string }> = await db.query(
          `SELECT sid, status FROM calls WHERE sid IN (${queued.map(() => '?').join(',')})`,
          queued,
        );
        expect(rows).toHaveLength(3);
        expect(rows.every((row) => row.status === 'failed')).toBe(true);
        const notices: Array<{ call_sid: string; message_text: string }> = await db.query(
          'SELECT call_sid, message_text FROM notifications',
        );
        for (const sid of queued) {
          expect(notices.find((n) => n.call_sid === sid)?.message_text).toContain(
            'shut down before this queued call was dialed',
          );
        }
      } finally {
        await db.destroy();
      }
    } finally {
      await appServer.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
