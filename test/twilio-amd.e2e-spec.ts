import twilio from 'twilio';
import { farEndUri } from './factories/call-request.factory';
import { HttpRecorder, type RecordedRequest } from './support/http-recorder';
import { RunningPlatform, startPlatform } from './support/platform';
import { LocalRequestClient, restError } from './support/twilio-local-client';

/**
 * Twilio's answering machine detection through the official SDK, on the real stack: Asterisk's AMD()
 * listens to far-end users that answer like a person (one short word, then silence) and like an
 * answering machine (a long greeting, then a 1000 Hz beep).
 */
describe('MachineDetection with the official twilio SDK', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let client: ReturnType<typeof twilio>;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    for (const path of ['/human.xml', '/machine.xml', '/start.xml'])
      appServer.rcml(path, '<Response><Pause length="2"/><Hangup/></Response>');
    // Long enough for the detection that goes on beside it.
    appServer.rcml('/async.xml', '<Response><Pause length="8"/><Hangup/></Response>');
    appServer.on('/amd-callback', { status: 204 });
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

  /** The request is signed with the account's token for the exact URL the platform requested. */
  const signedByPlatform = (request: RecordedRequest) =>
    twilio.validateRequest(
      platform.authToken,
      String(request.headers['x-twilio-signature']),
      request.url,
      request.body,
    );

  async function finished(sid: string): Promise<string | null> {
    for (let tries = 0; tries < 200; tries++) {
      const call = await client.calls(sid).fetch();
      if (call.status === 'completed') return call.answeredBy;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Call ${sid} did not complete`);
  }

  it('MachineDetection=Enable: a person who says one word is human; the first request says so and how long it took', async () => {
    const call = await client.calls.create({
      to: farEndUri('amd-human'),
      from: '+15550001111',
      url: `${appServer.baseUrl}/human.xml`,
      machineDetection: 'Enable',
    });
    const request = await appServer.waitFor((r) => r.path === '/human.xml', 20000);
    expect(request.body).toMatchObject({ CallSid: call.sid, AnsweredBy: 'human', CallStatus: 'in-progress' });
    // The word, then the after-greeting silence (1200 ms by default).
    expect(Number(request.body.MachineDetectionDuration)).toBeGreaterThan(1000);
    expect(Number(request.body.MachineDetectionDuration)).toBeLessThan(6000);
    expect(signedByPlatform(request)).toBe(true);
    expect(await finished(call.sid)).toBe('human');
  }, 40000);

  it('MachineDetection=DetectMessageEnd: a long greeting ending in a beep is machine_end_beep, known when the beep came', async () => {
    const call = await client.calls.create({
      to: farEndUri('amd-machine'),
      from: '+15550001111',
      url: `${appServer.baseUrl}/machine.xml`,
      machineDetection: 'DetectMessageEnd',
    });
    const request = await appServer.waitFor((r) => r.path === '/machine.xml', 30000);
    expect(request.body).toMatchObject({ CallSid: call.sid, AnsweredBy: 'machine_end_beep' });
    // vm-intro lasts 5.7 s: the beep comes after it.
    expect(Number(request.body.MachineDetectionDuration)).toBeGreaterThan(5000);
    expect(await finished(call.sid)).toBe('machine_end_beep');
  }, 50000);

  it('MachineDetection=Enable on the machine: machine_start as soon as the greeting is too long', async () => {
    const call = await client.calls.create({
      to: farEndUri('amd-machine'),
      from: '+15550001111',
      url: `${appServer.baseUrl}/start.xml`,
      machineDetection: 'Enable',
      machineDetectionSpeechThreshold: 1500,
    });
    const request = await appServer.waitFor((r) => r.path === '/start.xml', 20000);
    expect(request.body.AnsweredBy).toBe('machine_start');
    expect(Number(request.body.MachineDetectionDuration)).toBeLessThan(5000);
    expect(await finished(call.sid)).toBe('machine_start');
  }, 40000);

  it('AsyncAmd: the document starts at once, and the verdict goes to AsyncAmdStatusCallback', async () => {
    const call = await client.calls.create({
      to: farEndUri('amd-human'),
      from: '+15550001111',
      url: `${appServer.baseUrl}/async.xml`,
      machineDetection: 'Enable',
      asyncAmd: 'true',
      asyncAmdStatusCallback: `${appServer.baseUrl}/amd-callback`,
    });
    const first = await appServer.waitFor((r) => r.path === '/async.xml', 20000);
    expect(first.body.AnsweredBy).toBeUndefined();
    const verdict = await appServer.waitFor((r) => r.path === '/amd-callback', 20000);
    expect(verdict.method).toBe('POST');
    expect(verdict.body).toMatchObject({ CallSid: call.sid, AccountSid: platform.accountSid, AnsweredBy: 'human' });
    expect(Number(verdict.body.MachineDetectionDuration)).toBeGreaterThan(0);
    expect(signedByPlatform(verdict)).toBe(true);
    expect(verdict.receivedAt).toBeGreaterThan(first.receivedAt);
  }, 40000);

  it('refuses a MachineDetection value or threshold out of Twilio’s ranges with a 400 before anything is dialed', async () => {
    const bad = await restError(
      client.calls.create({
        to: farEndUri('amd-human'),
        from: '+15550001111',
        url: `${appServer.baseUrl}/human.xml`,
        machineDetection: 'Sometimes',
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(/MachineDetection/);
    const tooShort = await restError(
      client.calls.create({
        to: farEndUri('amd-human'),
        from: '+15550001111',
        url: `${appServer.baseUrl}/human.xml`,
        machineDetection: 'Enable',
        machineDetectionTimeout: 1,
      }),
    );
    expect(tooShort.status).toBe(400);
    expect(tooShort.message).toMatch(/MachineDetectionTimeout/);
  });
});
