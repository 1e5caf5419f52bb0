import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { uniquePhoneNumber } from './factories/incoming-number-request.factory';
import { callPlatformFromFarEnd } from './support/far-end';
import { liveBridges, liveChannels } from './support/asterisk-inspector';
import { CallsClient } from './support/calls-client';
import { HttpRecorder } from './support/http-recorder';
import { freePort, waitUntil } from './support/platform';
import {
  buildPlatform,
  PlatformProcess,
  startPlatformProcess,
  stopPlatformProcess,
} from './support/platform-process';

const ARI = process.env.ARI_URL ?? 'http://127.0.0.1:8088';
const AUTH =
  'Basic ' +
  Buffer.from(`${process.env.ARI_USERNAME ?? 'callwright'}:${process.env.ARI_PASSWORD ?? 'callwright'}`).toString(
    'base64',
  );

/** CallSid → channel id, read from the label the platform stored on each channel in Asterisk. */
async function channelsByCallSid(): Promise<Map<string, string>> {
  const bySid = new Map<string, string>();
  for (const channel of await liveChannels()) {
    const response = await fetch(
      `${ARI}/ari/channels/${channel.id}/variable?variable=CALLWRIGHT_CALL_SID`,
      { headers: { Authorization: AUTH } },
    );
    if (!response.ok) continue;
    const { value } = (await response.json()) as { value?: string };
    if (value) bySid.set(value, channel.id);
  }
  return bySid;
}

describe('Calls survive a platform restart (kill -9)', () => {
  const accountSid = 'AC' + randomBytes(16).toString('hex');
  const authToken = randomBytes(16).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'callwright-restart-'));
  let appServer: HttpRecorder;
  let platform: PlatformProcess | null = null;

  beforeAll(async () => {
    buildPlatform();
    appServer = await new HttpRecorder().start();
  }, 120_000);

  afterEach(async () => {
    if (platform) await stopPlatformProcess(platform.child, 'SIGKILL');
    platform = null;
  });

  afterAll(async () => {
    await appServer?.stop();
    // Nothing of this file may outlive it: hang up whatever is left in Asterisk.
    for (const channel of await liveChannels().catch(() => []))
      await fetch(`${ARI}/ari/channels/${channel.id}`, { method: 'DELETE', headers: { Authorization: AUTH } });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('re-adopts live calls and Dial conversations, and closes the call that ended meanwhile', async () => {
    const port = await freePort();
    platform = await startPlatformProcess({ port, dataDir, accountSid, authToken });
    let calls = new CallsClient(platform);
    const pause = appServer.rcml('/pause.xml', '<Response><Pause length="120"/></Response>');
    const hangupDoc = appServer.rcml('/redirected.xml', '<Response><Hangup/></Response>');
    const dialDoc = (n: number) =>
      appServer.rcml(
        `/dial-${n}.xml`,
        `<Response><Dial timeout="10"><Sip statusCallback="${appServer.baseUrl}/status/child-${n}" statusCallbackEvent="completed">${farEndUri('answer')}</Sip></Dial></Response>`,
      );
    for (const name of ['plain1', 'plain2', 'redirected', 'dial1', 'dial2', 'lost', 'child-1', 'child-2'])
      appServer.on(`/status/${name}`, { status: 204 });
    const place = async (name: string, url: string) =>
      (
        await calls
          .create(buildCallRequest({ Url: url, StatusCallback: `${appServer.baseUrl}/status/${name}` }))
          .expect(201)
      ).body.sid as string;
    const sids: Record<string, string> = {
      plain1: await place('plain1', pause),
      plain2: await place('plain2', pause),
      redirected: await place('redirected', pause),
      dial1: await place('dial1', dialDoc(1)),
      dial2: await place('dial2', dialDoc(2)),
      lost: await place('lost', pause),
    };
    // When each call was answered, as a client observes it (the truth durations are measured from).
    const answeredAt = new Map<string, number>();
    const watchAnswers = async (names: string[], sidOf: (name: string) => Promise<string | null>) => {
      await waitUntil(
        async () => {
          for (const name of names) {
            if (answeredAt.has(name)) continue;
            const sid = await sidOf(name);
            if (sid && (await calls.fetch(sid).expect(200)).body.status === 'in-progress')
              answeredAt.set(name, Date.now());
          }
          return names.every((name) => answeredAt.has(name));
        },
        20_000,
        'every call answered',
      );
    };
    const childOf = async (parent: string) => {
      const list = await platform!
        .http()
        .get(calls.path(`.json?ParentCallSid=${parent}`))
        .auth(accountSid, authToken)
        .expect(200);
      return (list.body.calls[0]?.sid as string | undefined) ?? null;
    };
    await watchAnswers(Object.keys(sids), async (name) => sids[name]);
    await watchAnswers(['child1', 'child2'], (name) => childOf(sids[name === 'child1' ? 'dial1' : 'dial2']));
    sids.child1 = (await childOf(sids.dial1))!;
    sids.child2 = (await childOf(sids.dial2))!;
    await waitUntil(
      async () => (await liveBridges()).filter((bridge) => bridge.channels.length === 2).length === 2,
      10_000,
      'two Dial bridges',
    );
    const before = await channelsByCallSid();
    for (const name of Object.keys(sids)) expect(before.get(sids[name])).toBeDefined();

    await stopPlatformProcess(platform.child, 'SIGKILL');
    platform = null;
    // More than the heartbeat's error bound after the kill, the far end of `lost` hangs up.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const lostEndedAt = Date.now();
    await fetch(`${ARI}/ari/channels/${before.get(sids.lost)}`, {
      method: 'DELETE',
      headers: { Authorization: AUTH },
    });

    platform = await startPlatformProcess({ port, dataDir, accountSid, authToken });
    calls = new CallsClient(platform);
    const lost = await calls.waitForStatus(sids.lost, ['completed'], 15_000);
    expect(Math.abs(new Date(lost.end_time).getTime() - lostEndedAt)).toBeLessThanOrEqual(5000);
    const lostTruth = (lostEndedAt - answeredAt.get('lost')!) / 1000;
    expect(Math.abs(lost.duration - lostTruth)).toBeLessThanOrEqual(5);

    const after = await channelsByCallSid();
    for (const name of ['plain1', 'plain2', 'redirected', 'dial1', 'dial2', 'child1', 'child2']) {
      expect(after.get(sids[name])).toBe(before.get(sids[name]));
      expect((await calls.fetch(sids[name]).expect(200)).body.status).toBe('in-progress');
    }
    expect((await liveBridges()).filter((bridge) => bridge.channels.length === 2)).toHaveLength(2);

    const endedAt = new Map<string, number>();
    const modify = async (name: string, fields: Record<string, string>) => {
      await platform!
        .http()
        .post(calls.path(`/${sids[name]}.json`))
        .auth(accountSid, authToken)
        .type('form')
        .send(fields)
        .expect(200);
    };
    const hangUp = async (name: string) => {
      await modify(name, { Status: 'completed' });
      endedAt.set(name, Date.now());
    };
    await hangUp('plain1');
    await hangUp('plain2');
    await hangUp('dial1'); // the caller of a Dial: its callee follows
    await hangUp('child2'); // the callee of a Dial: its caller follows
    await modify('redirected', { Url: hangupDoc });
    await appServer.waitFor((r) => r.path === '/redirected.xml' && r.body.CallSid === sids.redirected, 10_000);
    for (const name of ['plain1', 'plain2', 'dial1', 'child1', 'dial2', 'child2', 'redirected']) {
      const record = await calls.waitForStatus(sids[name], ['completed'], 10_000);
      endedAt.set(name, endedAt.get(name) ?? new Date(record.end_time).getTime());
    }
    const gone = await channelsByCallSid();
    for (const name of Object.keys(sids)) expect(gone.has(sids[name])).toBe(false);

    // Each final callback exactly once, with the call's true duration.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const callbackOf = (name: string) => {
      const path = name.startsWith('child') ? `/status/child-${name.slice(5)}` : `/status/${name}`;
      const completed = appServer.requestsTo(path).filter((r) => r.body.CallStatus === 'completed');
      expect(completed).toHaveLength(1);
      return completed[0];
    };
    for (const name of ['plain1', 'plain2', 'dial1', 'child1', 'dial2', 'child2']) {
      const truth = (endedAt.get(name)! - answeredAt.get(name)!) / 1000;
      expect(Math.abs(Number(callbackOf(name).body.CallDuration) - truth)).toBeLessThanOrEqual(2);
    }
    expect(callbackOf('redirected').body.CallSid).toBe(sids.redirected);
    expect(Number(callbackOf('lost').body.CallDuration)).toBe(lost.duration);
  }, 90_000);

  it('SIGTERM leaves live calls up for the next process; with DRAIN_ON_STOP it refuses new calls, then hangs up', async () => {
    const port = await freePort();
    const secondDir = join(dataDir, 'rolling');
    const start = (env: Record<string, string> = {}) =>
      startPlatformProcess({ port, dataDir: secondDir, accountSid, authToken, env });
    const dial = appServer.rcml('/rolling.xml', `<Response><Dial><Sip>${farEndUri('answer')}</Sip></Dial></Response>`);
    appServer.on('/status/rolling', { status: 204 });
    platform = await start();
    let calls = new CallsClient(platform);
    const request = buildCallRequest({ Url: dial, StatusCallback: `${appServer.baseUrl}/status/rolling` });
    const sid = (await calls.create(request).expect(201)).body.sid as string;
    await calls.waitForStatus(sid, ['in-progress'], 15_000);
    const answeredAt = Date.now();
    const dialBridge = async () => (await liveBridges()).find((bridge) => bridge.channels.length === 2);
    await waitUntil(async () => (await dialBridge()) !== undefined, 10_000, 'the Dial bridge');
    const channelId = (await channelsByCallSid()).get(sid);
    expect(channelId).toBeDefined();

    await stopPlatformProcess(platform.child, 'SIGTERM');
    expect((await channelsByCallSid()).get(sid)).toBe(channelId);
    expect((await dialBridge())?.channels).toContain(channelId);

    platform = await start({ DRAIN_ON_STOP: 'true', DRAIN_TIMEOUT_S: '3' });
    calls = new CallsClient(platform);
    expect((await calls.fetch(sid).expect(200)).body.status).toBe('in-progress');
    const draining = platform;
    const exited = new Promise<number>((resolve) => draining.child.once('exit', () => resolve(Date.now())));
    const stoppedAt = Date.now();
    draining.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const refused = await calls.create(request);
    expect(refused.status).toBe(503);
    const exitedAt = await exited;
    platform = null;
    expect(exitedAt - stoppedAt).toBeGreaterThanOrEqual(3000);
    expect((await channelsByCallSid()).has(sid)).toBe(false);
    expect(await dialBridge()).toBeUndefined();

    platform = await start();
    calls = new CallsClient(platform);
    const ended = (await calls.fetch(sid).expect(200)).body;
    expect(ended.status).toBe('completed');
    const callbacks = appServer.requestsTo('/status/rolling').filter((r) => r.body.CallStatus === 'completed');
    expect(callbacks).toHaveLength(1);
    const truth = (new Date(ended.end_time).getTime() - answeredAt) / 1000;
    expect(Math.abs(Number(callbacks[0].body.CallDuration) - truth)).toBeLessThanOrEqual(2);
    expect(Math.abs(new Date(ended.end_time).getTime() - (stoppedAt + 3000))).toBeLessThanOrEqual(2000);
  }, 60_000);

  it('re-adopts an inbound call, and a redirect runs the new RCML on it', async () => {
    const port = await freePort();
    const start = () => startPlatformProcess({ port, dataDir: join(dataDir, 'inbound'), accountSid, authToken });
    platform = await start();
    const number = uniquePhoneNumber();
    const voice = appServer.rcml('/inbound.xml', '<Response><Say>Hello</Say><Pause length="120"/></Response>');
    const next = appServer.rcml('/inbound-next.xml', '<Response><Hangup/></Response>');
    appServer.on('/status/inbound', { status: 204 });
    await platform
      .http()
      .post(`/restcomm/2012-04-24/Accounts/${accountSid}/IncomingPhoneNumbers.json`)
      .auth(accountSid, authToken)
      .type('form')
      .send({ PhoneNumber: number, VoiceUrl: voice, StatusCallback: `${appServer.baseUrl}/status/inbound` })
      .expect(201);
    let calls = new CallsClient(platform);
    await callPlatformFromFarEnd(number, 'answer');
    let sid = '';
    await waitUntil(
      async () => {
        const list = await platform!.http().get(calls.path()).auth(accountSid, authToken).expect(200);
        sid = list.body.calls.find((call: Record<string, string>) => call.to === number)?.sid ?? '';
        return sid !== '' && list.body.calls.find((call: Record<string, string>) => call.sid === sid).status === 'in-progress';
      },
      15_000,
      'the inbound call answered',
    );
    const channelId = (await channelsByCallSid()).get(sid);
    expect(channelId).toBeDefined();

    await stopPlatformProcess(platform.child, 'SIGKILL');
    platform = await start();
    calls = new CallsClient(platform);
    expect((await calls.fetch(sid).expect(200)).body.status).toBe('in-progress');
    expect((await channelsByCallSid()).get(sid)).toBe(channelId);
    await platform
      .http()
      .post(calls.path(`/${sid}.json`))
      .auth(accountSid, authToken)
      .type('form')
      .send({ Url: next })
      .expect(200);
    const redirected = await appServer.waitFor((r) => r.path === '/inbound-next.xml', 10_000);
    expect(redirected.body).toMatchObject({ CallSid: sid, Direction: 'inbound' });
    await calls.waitForStatus(sid, ['completed'], 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const completed = appServer.requestsTo('/status/inbound').filter((r) => r.body.CallStatus === 'completed');
    expect(completed).toHaveLength(1);
  }, 60_000);
});
