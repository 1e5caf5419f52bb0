import { get, type IncomingMessage } from 'node:http';
import { DataSource } from 'typeorm';
import {
  ConsoleLogin,
  consoleGet,
  consolePost,
  consoleSignIn,
} from '../../../../../test/support/console-client';
import { HttpRecorder } from '../../../../../test/support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from '../../../../../test/support/platform';
import { LiveCallsService } from '../../calls/live-calls.service';
import { newSid } from '../../common/sid';
import { FakeTelephonyGateway } from '../../telephony/testing/fake-telephony-gateway';
import { CallEventEntity } from '../call-event.entity';
import { CallEventRecorder } from '../events/call-event-recorder.service';
import type { LiveCallMessage } from './live-call-stream';

/** The console's server-sent events, parsed as they arrive. */
class EventStream {
  readonly messages: Array<{ event: string; data: any }> = [];
  private response?: IncomingMessage;

  static open(port: number, cookie: string): Promise<EventStream> {
    const stream = new EventStream();
    return new Promise((resolve, reject) => {
      get(
        {
          host: '127.0.0.1',
          port,
          path: '/console/api/live-calls/stream',
          headers: { cookie },
          agent: false,
        },
        (res) => {
          stream.response = res;
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) !== -1) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const event = /^event: (.*)$/m.exec(block)?.[1];
              const data = /^data: (.*)$/m.exec(block)?.[1];
              if (event && data) stream.messages.push({ event, data: JSON.parse(data) });
            }
          });
          resolve(stream);
        },
      ).on('error', reject);
    });
  }

  calls(): LiveCallMessage[] {
    return this.messages.filter((m) => m.event === 'call').map((m) => m.data as LiveCallMessage);
  }

  close(): void {
    this.response?.destroy();
  }
}

/**
 * Medium tier: a Dial call on the fake gateway, watched and driven from the console — live list, event
 * stream, hold, unhold, hang-up — then read back as a timeline from the stored event log.
 */
describe('Console live calls, actions and call timelines', () => {
  let platform: RunningPlatform;
  let gateway: FakeTelephonyGateway;
  let appServer: HttpRecorder;
  let login: ConsoleLogin;
  let port: number;
  let dialUrl: string;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    const plain = appServer.rcml(
      '/dial.xml',
      '<Response><Dial><Sip>sip:bob@127.0.0.1:5999</Sip></Dial></Response>',
    );
    // Credentials in the app's URL (HTTP Basic to the app server) must never reach the console.
    dialUrl = plain.replace('http://', 'http://hook-user:s3cret-hook@');
    gateway = new FakeTelephonyGateway();
    platform = await startPlatform({ ARI_PASSWORD: 'medium-tests-use-no-ari' }, { gateway });
    port = Number(new URL(await platform.app.getUrl()).port);
    login = await consoleSignIn(platform);
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const callsPath = (suffix: string) => `/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls${suffix}`;
  const channelOf = (sid: string) => platform.app.get(LiveCallsService).liveSession(sid)!.leg.channelId;
  const statusOf = async (sid: string) =>
    (
      await platform
        .http()
        .get(callsPath(`/${sid}.json`))
        .auth(platform.accountSid, platform.authToken)
    ).body.status as string;

  async function dialConversation(): Promise<{ caller: string; callee: string }> {
    const before = gateway.originated.length;
    const created = await platform
      .http()
      .post(callsPath('.json'))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ To: 'sip:alice@127.0.0.1:5998', From: '+15550001111', Url: dialUrl })
      .expect(201);
    await waitUntil(() => gateway.originated.length > before, 5000, 'the caller leg');
    gateway.answerLeg(gateway.originated[before].channelId);
    await waitUntil(() => gateway.originated.length > before + 1, 5000, 'the Dial leg');
    const calleeChannel = gateway.originated[before + 1].channelId;
    // The far end's provisional response, as the adapter reports it from Asterisk's Dial event.
    gateway.emit(calleeChannel, {
      kind: 'setup-response',
      sipCode: 183,
      statusLine: 'SIP/2.0 183 Session Progress',
    });
    gateway.answerLeg(calleeChannel);
    await waitUntil(() => gateway.bridgeOf(calleeChannel) !== null, 5000, 'the Dial bridge');
    const list = await platform
      .http()
      .get(callsPath(`.json?ParentCallSid=${created.body.sid}`))
      .auth(platform.accountSid, platform.authToken);
    return { caller: created.body.sid, callee: list.body.calls[0].sid };
  }

  it('lists live calls, streams their events, holds, unholds and hangs up through the API’s operations', async () => {
    const stream = await EventStream.open(port, login.cookie);
    await waitUntil(() => stream.messages.some((m) => m.event === 'ready'), 2000, 'the ready event');
    expect(stream.messages[0].data).toEqual({ accountSid: platform.accountSid });
    const { caller, callee } = await dialConversation();

    const live = (await consoleGet(platform, login, '/console/api/live-calls').expect(200)).body.calls;
    const bySid = new Map(live.map((call: { sid: string }) => [call.sid, call]));
    expect(bySid.get(caller)).toMatchObject({
      status: 'in-progress',
      direction: 'outbound-api',
      held: false,
    });
    expect(bySid.get(callee)).toMatchObject({ parentCallSid: caller, direction: 'outbound-dial' });
    expect((bySid.get(caller) as { conversationId: string }).conversationId).toBe(
      (bySid.get(callee) as { conversationId: string }).conversationId,
    );
    await waitUntil(
      () => stream.calls().some((m) => m.callSid === callee && m.status === 'in-progress' && m.call !== null),
      2000,
      'the callee answering on the stream',
    );

    // Without the CSRF token nothing happens.
    await platform
      .http()
      .post(`/console/api/live-calls/${callee}/hold`)
      .set('Cookie', login.cookie)
      .expect(403);
    expect(gateway.held.has(channelOf(callee))).toBe(false);
    const held = await consolePost(platform, login, `/console/api/live-calls/${callee}/hold`).expect(200);
    expect(held.body.call).toMatchObject({ sid: callee, held: true });
    expect(gateway.held.has(channelOf(callee))).toBe(true);
    await waitUntil(
      () =>
        stream.calls().some((m) => m.callSid === callee && m.type === 'party.held' && m.call?.held === true),
      2000,
      'party.held on the stream',
    );
    const unheld = await consolePost(platform, login, `/console/api/live-calls/${callee}/unhold`).expect(200);
    expect(unheld.body.call).toMatchObject({ held: false });
    expect(gateway.held.has(channelOf(callee))).toBe(false);

    const callerChannel = channelOf(caller);
    const hung = await consolePost(platform, login, `/console/api/live-calls/${caller}/hangup`).expect(200);
    expect(hung.body).toHaveProperty('call');
    expect(gateway.commandsFor(callerChannel)).toContain('hangup');
    gateway.farEndHangsUp(callerChannel);
    await waitUntil(async () => (await statusOf(caller)) === 'completed', 5000, 'the caller completed');
    await waitUntil(
      () => stream.calls().some((m) => m.callSid === caller && m.status === 'completed' && m.call === null),
      2000,
      'the final status on the stream',
    );
    stream.close();

    // The timeline, from the stored log.
    await platform.app.get(CallEventRecorder).flush();
    const timeline = (await consoleGet(platform, login, `/console/api/calls/${caller}/timeline`).expect(200))
      .body;
    expect(JSON.stringify(timeline)).not.toContain('s3cret-hook');
    expect(timeline.call).toMatchObject({ sid: caller, status: 'completed' });
    expect(timeline.children.map((c: { sid: string }) => c.sid)).toEqual([callee]);
    const ats = timeline.events.map((e: { at: string }) => e.at);
    expect(ats).toEqual([...ats].sort());
    const kinds = timeline.events.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['status', 'webhook', 'party', 'child']));
    const statuses = timeline.events
      .filter((e: { kind: string }) => e.kind === 'status')
      .map((e: { status: string }) => e.status);
    expect(statuses).toEqual(expect.arrayContaining(['ringing', 'in-progress', 'completed']));
    expect(statuses[statuses.length - 1]).toBe('completed');
    const webhook = timeline.events.find((e: { kind: string }) => e.kind === 'webhook');
    expect(webhook).toMatchObject({
      purpose: 'document',
      method: 'POST',
      httpStatus: 200,
      failure: null,
      url: dialUrl.replace('hook-user:s3cret-hook', '***:***'),
    });
    expect(webhook.latencyMs).toBeGreaterThanOrEqual(0);
    expect(timeline.events.find((e: { kind: string }) => e.kind === 'child')).toMatchObject({
      callSid: callee,
    });
    const calleeTimeline = (
      await consoleGet(platform, login, `/console/api/calls/${callee}/timeline`).expect(200)
    ).body;
    expect(calleeTimeline.parent.sid).toBe(caller);
    const provisional = calleeTimeline.events.findIndex((e: { kind: string }) => e.kind === 'sip');
    expect(calleeTimeline.events[provisional]).toMatchObject({
      type: 'leg.sip-response',
      sipCode: 183,
      statusLine: 'SIP/2.0 183 Session Progress',
    });
    const answered = calleeTimeline.events.findIndex((e: { status?: string }) => e.status === 'in-progress');
    expect(provisional).toBeLessThan(answered);
    const partyTypes = calleeTimeline.events
      .filter((e: { kind: string }) => e.kind === 'party')
      .map((e: { type: string }) => e.type);
    expect(partyTypes).toEqual(expect.arrayContaining(['party.joined', 'party.held', 'party.unheld']));
    expect(calleeTimeline.events.find((e: { type: string }) => e.type === 'party.held')).toMatchObject({
      by: 'platform',
    });
  });

  it('answers action and timeline errors as the API would, in the console shape', async () => {
    const unknown = newSid('CA');
    const missing = await consolePost(platform, login, `/console/api/live-calls/${unknown}/hold`).expect(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found', apiCode: 20404 });
    await consoleGet(platform, login, `/console/api/calls/${unknown}/timeline`).expect(404);
    await consoleGet(platform, login, '/console/api/calls/not-a-sid/timeline').expect(404);
    const badUrl = await consolePost(platform, login, `/console/api/live-calls/${unknown}/redirect`, {
      url: 'ftp://example.com/x',
    }).expect(400);
    expect(badUrl.body.error).toMatchObject({ code: 'invalid_parameter', apiCode: 21205 });
    const badTarget = await consolePost(platform, login, `/console/api/live-calls/${unknown}/transfer`, {
      to: 'sip:evil@example.com',
    }).expect(400);
    expect(badTarget.body.error.code).toBe('invalid_parameter');
    await consolePost(platform, login, `/console/api/live-calls/${unknown}/listen`, {}).expect(400);
    // A finished call cannot be changed: the Calls API's 21220.
    const { caller } = await dialConversation();
    gateway.farEndHangsUp(channelOf(caller));
    await waitUntil(async () => (await statusOf(caller)) === 'completed', 5000, 'the caller completed');
    const ended = await consolePost(platform, login, `/console/api/live-calls/${caller}/hangup`).expect(400);
    expect(ended.body.error).toMatchObject({ code: 'call_not_in_progress', apiCode: 21220 });
  });

  it('keeps the event log for the retention period only', async () => {
    const events = platform.app.get(DataSource).getRepository(CallEventEntity);
    const row = (at: Date) => ({
      callSid: newSid('CA'),
      accountSid: platform.accountSid,
      at,
      sequence: 1,
      kind: 'status' as const,
      type: 'leg.status',
      latencyMs: null,
      data: '{"status":"completed"}',
    });
    const old = row(new Date(Date.now() - 31 * 24 * 3600 * 1000));
    const recent = row(new Date(Date.now() - 29 * 24 * 3600 * 1000));
    await events.insert([old, recent]);
    expect(await platform.app.get(CallEventRecorder).sweep()).toBe(1);
    expect(await events.countBy({ callSid: old.callSid })).toBe(0);
    expect(await events.countBy({ callSid: recent.callSid })).toBe(1);
  });
});
