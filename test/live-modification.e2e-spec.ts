import { getRepositoryToken } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CallEntity } from '../apps/platform/src/call-control/legs/call.entity';
import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { buildToneWav } from './factories/wav.factory';
import { CallsClient } from './support/calls-client';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';

describe('Live call modification (POST to a call)', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let calls: CallsClient;
  let scenario = 0;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    appServer.on('/long.wav', { contentType: 'audio/x-wav', body: buildToneWav(20) });
    appServer.rcml('/hangup.xml', '<Response><Hangup/></Response>');
    platform = await startPlatform();
    calls = new CallsClient(platform);
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const modify = (callSid: string, fields: Record<string, string>) =>
    platform
      .http()
      .post(calls.path(`/${callSid}.json`))
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send(fields);

  async function callRunning(xml: string, to = farEndUri('answer')) {
    const id = ++scenario;
    const url = appServer.rcml(`/live-${id}/start.xml`, `<Response>${xml}</Response>`);
    const sid = (await calls.create(buildCallRequest({ To: to, Url: url })).expect(201)).body.sid as string;
    return { id, sid };
  }

  it.each([
    ['a Play', '<Play>/long.wav</Play><Hangup/>', () => appServer.requestsTo('/long.wav').length > 0],
    ['a Gather', '<Gather timeout="30" action="/never"><Play>/long.wav</Play></Gather><Hangup/>', () => true],
  ])('redirect during %s stops it and starts the new document', async (_name, xml, started) => {
    const { id, sid } = await callRunning(xml);
    await calls.waitForStatus(sid, ['in-progress'], 10000);
    await waitUntil(started, 10000, 'the verb to start');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const redirected = appServer.rcml(
      `/live-${id}/redirected.xml`,
      '<Response><Pause length="1"/><Hangup/></Response>',
    );
    const startedAt = Date.now();
    const response = await modify(sid, { Url: redirected, Method: 'POST' }).expect(200);
    expect(response.body.sid).toBe(sid);
    await appServer.waitFor((r) => r.path === `/live-${id}/redirected.xml` && r.body.CallSid === sid, 5000);
    expect((await calls.waitForStatus(sid)).status).toBe('completed');
    expect(Date.now() - startedAt).toBeLessThan(6000);
    expect(appServer.requestsTo('/never')).toHaveLength(0);
  });

  it('redirect during a ringing Dial cancels the dialed leg and runs the new document', async () => {
    const { id, sid } = await callRunning(
      `<Dial timeout="30"><Sip>${farEndUri('noanswer')}</Sip></Dial><Hangup/>`,
    );
    const childSid = await calls.waitForFirstChild(sid, 'ringing');
    const next = appServer.rcml(`/live-${id}/after-dial.xml`, '<Response><Hangup/></Response>');
    await modify(sid, { Url: next }).expect(200);
    await appServer.waitFor((r) => r.path === `/live-${id}/after-dial.xml`, 5000);
    expect((await calls.waitForStatus(childSid)).status).toBe('canceled');
    expect((await calls.waitForStatus(sid)).status).toBe('completed');
  });

  it('Status=canceled ends a ringing call as canceled but leaves an in-progress call alone; Status=completed ends it', async () => {
    const ringing = await callRunning('<Hangup/>', farEndUri('noanswer'));
    await calls.waitForStatus(ringing.sid, ['ringing'], 10000);
    expect((await modify(ringing.sid, { Status: 'canceled' }).expect(200)).body.status).toBe('canceled');

    const talking = await callRunning('<Play>/long.wav</Play>');
    await calls.waitForStatus(talking.sid, ['in-progress'], 10000);
    expect((await modify(talking.sid, { Status: 'canceled' }).expect(200)).body.status).toBe('in-progress');
    expect((await modify(talking.sid, { Status: 'completed' }).expect(200)).body.status).toBe('completed');
  });

  it('a finished call cannot be modified: 400 with code 21220', async () => {
    const { sid } = await callRunning('<Hangup/>', farEndUri('busy'));
    await calls.waitForStatus(sid);
    const response = await modify(sid, { Url: 'http://127.0.0.1:9/x.xml' }).expect(400);
    expect(response.body).toMatchObject({ code: 21220, status: 400 });
  });

  it('MoveConnectedCallLeg=true sends both legs of a Dial to the new Url', async () => {
    const { id, sid } = await callRunning(`<Dial><Sip>${farEndUri('answer')}</Sip></Dial><Hangup/>`);
    const childSid = await calls.waitForFirstChild(sid, 'in-progress');
    const moved = appServer.rcml(
      `/live-${id}/moved.xml`,
      '<Response><Pause length="1"/><Hangup/></Response>',
    );
    await modify(sid, { Url: moved, MoveConnectedCallLeg: 'true' }).expect(200);
    await waitUntil(
      () => appServer.requestsTo(`/live-${id}/moved.xml`).length === 2,
      8000,
      'both legs to fetch the new document',
    );
    expect(
      appServer
        .requestsTo(`/live-${id}/moved.xml`)
        .map((r) => r.body.CallSid)
        .sort(),
    ).toEqual([sid, childSid].sort());
    expect((await calls.waitForStatus(sid)).status).toBe('completed');
    expect((await calls.waitForStatus(childSid)).status).toBe('completed');
  });

  it('20 concurrent modifications of one call end in one consistent state', async () => {
    const { id, sid } = await callRunning('<Play loop="0">/long.wav</Play>');
    await calls.waitForStatus(sid, ['in-progress'], 10000);
    const targets = Array.from({ length: 20 }, (_, n) =>
      appServer.rcml(`/live-${id}/doc-${n}.xml`, '<Response><Play loop="0">/long.wav</Play></Response>'),
    );
    const responses = await Promise.all(targets.map((url) => modify(sid, { Url: url })));
    expect(responses.map((r) => r.status)).toEqual(targets.map(() => 200));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const call = (await calls.fetch(sid).expect(200)).body;
    expect(call.status).toBe('in-progress');
    const fetches = appServer.requests.filter((r) => r.path.startsWith(`/live-${id}/doc-`));
    // Each redirect ran in turn; the document the call is left running is the one its record names.
    expect(fetches.length).toBe(20);
    const stored = await platform.app
      .get<Repository<CallEntity>>(getRepositoryToken(CallEntity))
      .findOneByOrFail({ sid });
    expect(fetches[fetches.length - 1].url).toContain(new URL(stored.url!).pathname);
    expect((await modify(sid, { Status: 'completed' }).expect(200)).body.status).toBe('completed');
  });
});
