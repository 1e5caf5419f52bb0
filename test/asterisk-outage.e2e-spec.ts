import { getRepositoryToken } from '@nestjs/typeorm';
import { XMLParser } from 'fast-xml-parser';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Repository } from 'typeorm';
import { CallEntity } from '../apps/platform/src/calls/call.entity';
import { TelephonyGateway } from '../apps/platform/src/telephony/telephony-gateway.port';
import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { CallsClient } from './support/calls-client';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';

const run = promisify(execFile);
const STACK = join(__dirname, '..', 'asterisk', 'stack.sh');
const stack = (command: string) => run('bash', [STACK, command], { timeout: 120_000 });
const xml = new XMLParser({ parseTagValue: false });

// The outage is made by killing the Asterisk that `npm test` started; with your own (ARI_URL) there is none to kill.
const describeWithOwnStack = process.env.ARI_URL ? describe.skip : describe;

describeWithOwnStack('Asterisk outage (the platform Asterisk killed and restarted under a live call)', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let calls: CallsClient;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    appServer.on('/status', { body: '' });
    platform = await startPlatform();
    calls = new CallsClient(platform);
  });

  afterAll(async () => {
    // The next test file runs against the same stack: bring it back whatever happened here.
    await stack('status').catch(() => stack('start'));
    await platform?.close();
    await appServer?.stop();
  });

  const gateway = () => platform.app.get(TelephonyGateway);
  const restcomm = `/restcomm/2012-04-24/Accounts`;
  const twilio = `/2010-04-01/Accounts`;
  const post = (path: string, fields: Record<string, string>) =>
    platform.http().post(path).auth(platform.accountSid, platform.authToken).type('form').send(fields);

  it('answers 503/20500 while ARI is down, then closes the vanished call at the moment of the outage', async () => {
    const url = appServer.rcml('/pause.xml', '<Response><Pause length="30"/></Response>');
    const statusCallback = `${appServer.baseUrl}/status`;
    const created = await calls
      .create(buildCallRequest({ To: farEndUri('answer'), Url: url, StatusCallback: statusCallback }))
      .expect(201);
    const sid = created.body.sid as string;
    await calls.waitForStatus(sid, ['in-progress'], 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const killedAt = Date.now();
    await stack('kill-platform');
    await waitUntil(() => !gateway().isConnected(), 5000, 'the platform to notice ARI is gone');

    const account = platform.accountSid;
    const json = await post(`${restcomm}/${account}/Calls/${sid}.json`, { Status: 'completed' });
    expect(json.status).toBe(503);
    expect(json.body).toMatchObject({
      code: 20500,
      status: 503,
      message: expect.stringContaining('Asterisk'),
    });

    const redirect = await post(`${restcomm}/${account}/Calls/${sid}`, { Url: url });
    expect(redirect.status).toBe(503);
    expect(redirect.headers['content-type']).toContain('xml');
    expect(xml.parse(redirect.text).RestcommResponse.RestException).toMatchObject({
      Code: '20500',
      Status: '503',
    });

    const viaTwilio = await post(`${twilio}/${account}/Calls/${sid}.json`, { Status: 'completed' });
    expect(viaTwilio.status).toBe(503);
    expect(viaTwilio.body).toMatchObject({ code: 20500, status: 503 });

    const createJson = await calls.create(buildCallRequest({ Url: url }));
    expect(createJson.status).toBe(503);
    expect(createJson.body).toMatchObject({ code: 20500, status: 503 });
    const createTwilio = await post(`${twilio}/${account}/Calls.json`, buildCallRequest({ Url: url }));
    expect(createTwilio.status).toBe(503);
    expect(createTwilio.body).toMatchObject({ code: 20500, status: 503 });

    // Nothing was stored by the refused creations, and the refused hangup changed nothing.
    const repository = platform.app.get<Repository<CallEntity>>(getRepositoryToken(CallEntity));
    expect(await repository.countBy({ accountSid: account })).toBe(1);
    expect((await calls.fetch(sid).expect(200)).body.status).toBe('in-progress');

    await stack('start');
    const restartedAt = Date.now();
    await waitUntil(() => gateway().isConnected(), 60_000, 'ARI to reconnect');

    const final = await calls.waitForStatus(sid, ['completed', 'failed'], 15_000);
    expect(final.status).toBe('completed');
    const stored = await repository.findOneByOrFail({ sid });
    const endTime = stored.endTime!.getTime();
    expect(Math.abs(endTime - killedAt)).toBeLessThan(2000);
    // The restart took seconds: an end time of the reconnect would be far from the kill.
    expect(restartedAt - killedAt).toBeGreaterThan(2000);
    expect(stored.duration).toBe(Math.round((endTime - stored.answerTime!.getTime()) / 1000));

    const completed = await appServer.waitFor(
      (request) => request.path === '/status' && request.body.CallStatus === 'completed',
      10_000,
    );
    expect(completed.body).toMatchObject({ CallSid: sid, CallDuration: String(stored.duration) });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(appServer.requestsTo('/status').filter((r) => r.body.CallStatus === 'completed')).toHaveLength(1);

    // The restarted stack places calls again.
    const after = appServer.rcml('/after.xml', '<Response><Pause length="1"/><Hangup/></Response>');
    const next = await calls.create(buildCallRequest({ To: farEndUri('answer'), Url: after })).expect(201);
    expect((await calls.waitForStatus(next.body.sid, undefined, 20_000)).status).toBe('completed');
  }, 150_000);
});
