import twilio from 'twilio';
import { farEndUri } from './factories/call-request.factory';
import { HttpRecorder, type RecordedRequest } from './support/http-recorder';
import { RunningPlatform, startPlatform } from './support/platform';
import { LocalRequestClient } from './support/twilio-local-client';

const { VoiceResponse } = twilio.twiml;

/**
 * Webhook parameters as Twilio sends them, on the real stack: calls placed with the official SDK
 * run TwiML built with `twilio.twiml.VoiceResponse`; every request is checked with validateRequest.
 */
describe('Twilio webhook parameters (Gather, recordings, transcription)', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let client: ReturnType<typeof twilio>;

  const twiml = (path: string, build: (response: InstanceType<typeof VoiceResponse>) => void) => {
    const response = new VoiceResponse();
    build(response);
    return appServer.rcml(path, response.toString());
  };

  const signed = (request: RecordedRequest) =>
    twilio.validateRequest(
      platform.authToken,
      String(request.headers['x-twilio-signature']),
      request.url,
      request.body,
    );

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    for (const path of ['/rec-status', '/transcribed', '/dial-rec-status'])
      appServer.on(path, { status: 204 });
    twiml('/hangup.xml', (r) => r.hangup());
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

  it('Gather: the action learns the digits and the finishOnKey that ended them (FinishedOnKey)', async () => {
    const url = twiml('/gather.xml', (r) => {
      r.gather({ action: '/gathered', timeout: 10 }).say('Enter your code, then the pound key');
    });
    twiml('/gathered', (r) => r.hangup());
    // The far end sends 1234# two seconds after it answers.
    const call = await client.calls.create({ to: farEndUri('dtmf'), from: '+15550001111', url });
    const action = await appServer.waitFor((r) => r.path === '/gathered', 20000);
    expect(action.body).toMatchObject({ CallSid: call.sid, Digits: '1234', FinishedOnKey: '#' });
    expect(signed(action)).toBe(true);
  }, 30000);

  it('Record: the recording status callback carries Twilio’s fields; transcribe reports a failed transcription', async () => {
    const url = twiml('/record.xml', (r) =>
      r.record({
        maxLength: 2,
        timeout: 0,
        playBeep: false,
        action: '/recorded',
        recordingStatusCallback: '/rec-status',
        transcribe: true,
        transcribeCallback: '/transcribed',
      }),
    );
    twiml('/recorded', (r) => r.hangup());
    const before = Date.now();
    const call = await client.calls.create({ to: farEndUri('answer'), from: '+15550001111', url });
    const status = await appServer.waitFor((r) => r.path === '/rec-status', 20000);
    expect(status.body).toMatchObject({
      CallSid: call.sid,
      AccountSid: platform.accountSid,
      RecordingSid: expect.stringMatching(/^RE[0-9a-f]{32}$/),
      RecordingStatus: 'completed',
      RecordingChannels: '1',
      RecordingSource: 'RecordVerb',
    });
    // RFC 2822, as Twilio writes dates; whole seconds.
    expect(status.body.RecordingStartTime).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    const started = Date.parse(status.body.RecordingStartTime);
    expect(started).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(started).toBeLessThanOrEqual(Date.now());
    expect(signed(status)).toBe(true);

    const transcription = await appServer.waitFor((r) => r.path === '/transcribed', 20000);
    expect(transcription.body).toMatchObject({
      CallSid: call.sid,
      TranscriptionSid: expect.stringMatching(/^TR[0-9a-f]{32}$/),
      TranscriptionStatus: 'failed',
      TranscriptionText: '',
      RecordingSid: status.body.RecordingSid,
      RecordingUrl: status.body.RecordingUrl,
    });
    expect(signed(transcription)).toBe(true);
    const action = await appServer.waitFor((r) => r.path === '/recorded', 20000);
    expect(action.body.RecordingSid).toBe(status.body.RecordingSid);
    expect(signed(action)).toBe(true);
  }, 40000);

  it('Dial record: recordingStatusCallback receives the Dial recording (RecordingSource=DialVerb)', async () => {
    const url = twiml('/dial-record.xml', (r) => {
      r.dial({
        action: '/dialed',
        timeLimit: 2,
        record: 'record-from-answer',
        recordingStatusCallback: '/dial-rec-status',
        recordingStatusCallbackMethod: 'POST',
      }).sip(farEndUri('answer'));
    });
    twiml('/dialed', (r) => r.hangup());
    const call = await client.calls.create({ to: farEndUri('answer'), from: '+15550001111', url });
    const status = await appServer.waitFor((r) => r.path === '/dial-rec-status', 30000);
    expect(status.body).toMatchObject({
      CallSid: call.sid,
      RecordingStatus: 'completed',
      RecordingSource: 'DialVerb',
      RecordingChannels: '1',
      RecordingStartTime: expect.stringMatching(/\+0000$/),
    });
    expect(Number(status.body.RecordingDuration)).toBeGreaterThanOrEqual(1);
    expect(signed(status)).toBe(true);
    const action = await appServer.waitFor((r) => r.path === '/dialed', 20000);
    expect(action.body).toMatchObject({ DialCallStatus: 'completed', RecordingSid: status.body.RecordingSid });
    expect(signed(action)).toBe(true);
  }, 40000);
});
