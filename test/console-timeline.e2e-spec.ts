import { CallEventRecorder } from '../apps/platform/src/console/events/call-event-recorder.service';
import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { CallsClient } from './support/calls-client';
import { consoleGet, consolePost, consoleSignIn, type ConsoleLogin } from './support/console-client';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';

type TimelineEvent = Record<string, any> & { kind: string; at: string };

/**
 * The console's view of real calls through Asterisk: a Dial to the far end, read back as timelines with
 * the webhook requests (URL credentials masked) and the SIP responses, found by its SIP Call-ID, and a
 * live call hung up from the console.
 */
describe('Console timelines of real calls', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let calls: CallsClient;
  let login: ConsoleLogin;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    platform = await startPlatform();
    calls = new CallsClient(platform);
    login = await consoleSignIn(platform);
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const timelineOf = async (sid: string) => {
    await platform.app.get(CallEventRecorder).flush();
    return (await consoleGet(platform, login, `/console/api/calls/${sid}/timeline`).expect(200)).body;
  };

  it('shows a Dial call’s webhook requests, status changes, SIP responses and its Dial leg', async () => {
    const dial = `<Dial timeout="15"><Sip>${farEndUri('answer-4s')}</Sip></Dial>`;
    const plain = appServer.rcml('/console/dial.xml', `<Response>${dial}</Response>`);
    const url = plain.replace('http://', 'http://app-user:app-secret-1@');
    const statusCallback = appServer.on('/console/status', { status: 204 });
    const created = await calls
      .create(buildCallRequest({ To: farEndUri('answer'), Url: url, StatusCallback: statusCallback }))
      .expect(201);
    const parent = await calls.waitForStatus(created.body.sid);
    expect(parent.status).toBe('completed');
    await appServer.waitFor((r) => r.path === '/console/status' && r.body.CallSid === parent.sid);

    const timeline = await timelineOf(parent.sid);
    const text = JSON.stringify(timeline);
    expect(text).not.toContain('app-secret-1');
    expect(timeline.call).toMatchObject({ sid: parent.sid, status: 'completed', sip_response_code: 200 });
    const events: TimelineEvent[] = timeline.events;
    const ats = events.map((e) => e.at);
    expect(ats).toEqual([...ats].sort());

    const webhooks = events.filter((e) => e.kind === 'webhook');
    const documentFetch = webhooks.find((e) => e.purpose === 'document');
    expect(documentFetch).toMatchObject({
      method: 'POST',
      url: url.replace('app-user:app-secret-1', '***:***'),
      httpStatus: 200,
      failure: null,
    });
    expect(documentFetch!.latencyMs).toBeGreaterThan(0);
    expect(documentFetch!.latencyMs).toBeLessThan(5000);
    expect(webhooks.find((e) => e.purpose === 'callback')).toMatchObject({ httpStatus: 204, method: 'POST' });

    const statuses = events.filter((e) => e.kind === 'status');
    expect(statuses.map((e) => e.status)).toEqual(
      expect.arrayContaining(['ringing', 'in-progress', 'completed']),
    );
    expect(statuses[statuses.length - 1]).toMatchObject({ status: 'completed', sipCode: 200 });
    // The RCML document is fetched once the call is answered.
    const answeredAt = statuses.find((e) => e.status === 'in-progress')!.at;
    expect(documentFetch!.at >= answeredAt).toBe(true);

    expect(timeline.children).toHaveLength(1);
    const child = timeline.children[0];
    expect(events.find((e) => e.kind === 'child')).toMatchObject({ callSid: child.sid, status: 'completed' });
    const childTimeline = await timelineOf(child.sid);
    expect(childTimeline.parent.sid).toBe(parent.sid);
    const childEvents: TimelineEvent[] = childTimeline.events;
    // The far end's 180 Ringing, as Asterisk's Dial event reported it.
    expect(childEvents.find((e) => e.kind === 'sip')).toMatchObject({
      sipCode: 180,
      statusLine: expect.stringMatching(/^SIP\/2\.0 180/),
    });
    expect(childEvents.filter((e) => e.kind === 'party').map((e) => e.type)).toEqual(
      expect.arrayContaining(['party.joined', 'party.left']),
    );

    // The log's search finds the leg by the Call-ID its SIP dialog had.
    expect(child.sip_call_id).toEqual(expect.any(String));
    const found = await consoleGet(
      platform,
      login,
      `/console/api/calls/search?q=${encodeURIComponent(child.sip_call_id)}`,
    ).expect(200);
    expect(found.body.calls.map((c: { sid: string }) => c.sid)).toEqual([child.sid]);
  });

  it('hangs up a live call from the console: the call completes at once', async () => {
    const url = appServer.rcml('/console/long.xml', '<Response><Pause length="30"/></Response>');
    const created = await calls.create(buildCallRequest({ To: farEndUri('answer'), Url: url })).expect(201);
    await calls.waitForStatus(created.body.sid, ['in-progress']);
    await waitUntil(
      async () =>
        (await consoleGet(platform, login, '/console/api/live-calls')).body.calls.some(
          (c: { sid: string }) => c.sid === created.body.sid,
        ),
      5000,
      'the call in the live list',
    );
    const started = Date.now();
    await consolePost(platform, login, `/console/api/live-calls/${created.body.sid}/hangup`).expect(200);
    const ended = await calls.waitForStatus(created.body.sid, ['completed'], 5000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(ended.duration).toBeLessThan(20);
    const live = (await consoleGet(platform, login, '/console/api/live-calls')).body.calls;
    expect(live.map((c: { sid: string }) => c.sid)).not.toContain(created.body.sid);
  });
});
