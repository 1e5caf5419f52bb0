import { HttpRecorder } from '../../../../test/support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from '../../../../test/support/platform';
import type { GatewayCommand } from '../telephony/testing/fake-telephony-gateway';
import { FakeTelephonyGateway } from '../telephony/testing/fake-telephony-gateway';
import type { MachineDetectionRequest } from '../telephony/telephony-gateway.port';

/**
 * MachineDetection on the whole application (real SQLite, fake gateway playing the detector): what is
 * asked of the detector, when the first document is requested, and where the verdict goes.
 */
describe('Calls.create MachineDetection', () => {
  let platform: RunningPlatform;
  let gateway: FakeTelephonyGateway;
  let appServer: HttpRecorder;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    appServer.rcml('/start.xml', '<Response><Pause length="30"/></Response>');
    appServer.on('/amd', { status: 204 });
    gateway = new FakeTelephonyGateway();
    platform = await startPlatform({ ARI_PASSWORD: 'medium-tests-use-no-ari' }, { gateway });
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const callsPath = (suffix = '.json') => `/2010-04-01/Accounts/${platform.accountSid}/Calls${suffix}`;
  const create = (extra: Record<string, string>) =>
    platform
      .http()
      .post(callsPath())
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({
        To: 'sip:vm@127.0.0.1:5998',
        From: '+15550001111',
        Url: `${appServer.baseUrl}/start.xml`,
        ...extra,
      });

  async function answeredAndDetecting(
    before: number,
  ): Promise<{ channelId: string; command: GatewayCommand }> {
    await waitUntil(() => gateway.originated.length > before, 5000, 'the call placed');
    const { channelId } = gateway.originated[before];
    gateway.answerLeg(channelId);
    await waitUntil(
      () => gateway.commands.some((c) => c.op === 'detectMachine' && c.channelId === channelId),
      5000,
      'the detector',
    );
    return {
      channelId,
      command: gateway.commands.find((c) => c.op === 'detectMachine' && c.channelId === channelId)!,
    };
  }

  it('DetectMessageEnd: the detector gets Twilio’s thresholds and a beep listener; the document waits for the verdict', async () => {
    const before = gateway.originated.length;
    const created = await create({
      MachineDetection: 'DetectMessageEnd',
      MachineDetectionTimeout: '10',
      MachineDetectionSpeechThreshold: '2000',
    }).expect(201);
    const { channelId, command } = await answeredAndDetecting(before);
    const request = command.args as MachineDetectionRequest;
    expect(request).toMatchObject({
      initialSilenceMs: 5000,
      greetingMs: 2000,
      afterGreetingSilenceMs: 1200,
      totalMs: 10000,
      messageEnd: { silenceMs: 1500 },
    });
    expect(request.messageEnd!.beepListenerChannelId).not.toBe(request.detectorChannelId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(appServer.requestsTo('/start.xml').filter((r) => r.body.CallSid === created.body.sid)).toEqual([]);

    gateway.emit(channelId, {
      kind: 'machine-detected',
      detection: { verdict: 'machine', cause: 'BEEP', greetingEnd: 'beep' },
    });
    const first = await appServer.waitFor(
      (r) => r.path === '/start.xml' && r.body.CallSid === created.body.sid,
    );
    expect(first.body.AnsweredBy).toBe('machine_end_beep');
    expect(Number(first.body.MachineDetectionDuration)).toBeGreaterThanOrEqual(300);
    const call = await platform
      .http()
      .get(callsPath(`/${created.body.sid}.json`))
      .auth(platform.accountSid, platform.authToken);
    expect(call.body.answered_by).toBe('machine_end_beep');
  });

  it('AsyncAmd: the document starts at once; the verdict goes to AsyncAmdStatusCallback with GET when asked', async () => {
    const before = gateway.originated.length;
    const created = await create({
      MachineDetection: 'Enable',
      AsyncAmd: 'true',
      AsyncAmdStatusCallback: `${appServer.baseUrl}/amd`,
      AsyncAmdStatusCallbackMethod: 'GET',
    }).expect(201);
    const { channelId, command } = await answeredAndDetecting(before);
    expect((command.args as MachineDetectionRequest).messageEnd).toBeNull();
    const first = await appServer.waitFor(
      (r) => r.path === '/start.xml' && r.body.CallSid === created.body.sid,
    );
    expect(first.body.AnsweredBy).toBeUndefined();
    gateway.emit(channelId, {
      kind: 'machine-detected',
      detection: { verdict: 'human', cause: 'HUMAN-800-800', greetingEnd: null },
    });
    const verdict = await appServer.waitFor((r) => r.path === '/amd' && r.query.CallSid === created.body.sid);
    expect(verdict.method).toBe('GET');
    expect(verdict.query.AnsweredBy).toBe('human');
  });

  it('a call without MachineDetection asks nothing of the detector', async () => {
    const before = gateway.originated.length;
    const created = await create({}).expect(201);
    await waitUntil(() => gateway.originated.length > before, 5000, 'the call placed');
    gateway.answerLeg(gateway.originated[before].channelId);
    const first = await appServer.waitFor(
      (r) => r.path === '/start.xml' && r.body.CallSid === created.body.sid,
    );
    expect(first.body.AnsweredBy).toBeUndefined();
    expect(
      gateway.commands.filter(
        (c) => c.op === 'detectMachine' && c.channelId === gateway.originated[before].channelId,
      ),
    ).toEqual([]);
  });
});
