import twilio from 'twilio';
import { farEndUri } from './factories/call-request.factory';
import { buildToneWav } from './factories/wav.factory';
import { HttpRecorder, type RecordedRequest } from './support/http-recorder';
import { RunningPlatform, startPlatform } from './support/platform';
import { LocalRequestClient } from './support/twilio-local-client';

/** Twilio's `Record=true` on Calls.create through the official SDK, on the real stack. */
describe('Calls.create with Record through the official twilio SDK', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let client: ReturnType<typeof twilio>;

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    appServer.on('/tone.wav', { contentType: 'audio/x-wav', body: buildToneWav(20) });
    appServer.on('/recording-status', { status: 204 });
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

  const signedByPlatform = (request: RecordedRequest) =>
    twilio.validateRequest(
      platform.authToken,
      String(request.headers['x-twilio-signature']),
      request.url,
      request.method === 'POST' ? request.body : {},
    );

  it('records the whole call from its answer and reports in-progress, then completed with the recording', async () => {
    const twiml = new twilio.twiml.VoiceResponse();
    twiml.play({ loop: 0 }, `${appServer.baseUrl}/tone.wav`);
    const call = await client.calls.create({
      // Answers, stays up 4 seconds, hangs up.
      to: farEndUri('answer-4s'),
      from: '+15550001111',
      twiml,
      record: true,
      recordingStatusCallback: `${appServer.baseUrl}/recording-status`,
      recordingStatusCallbackEvent: ['in-progress', 'completed'],
    });
    const started = await appServer.waitFor(
      (r) => r.path === '/recording-status' && r.body.RecordingStatus === 'in-progress',
      20000,
    );
    expect(started.body).toMatchObject({ AccountSid: platform.accountSid, CallSid: call.sid });
    const completed = await appServer.waitFor(
      (r) => r.path === '/recording-status' && r.body.RecordingStatus === 'completed',
      30000,
    );
    expect(completed.body).toMatchObject({
      CallSid: call.sid,
      RecordingSource: 'OutboundAPI',
      RecordingChannels: '1',
      RecordingTrack: 'both',
    });
    expect(completed.body.RecordingSid).toMatch(/^RE[0-9a-f]{32}$/);
    expect(Number(completed.body.RecordingDuration)).toBeGreaterThanOrEqual(3);
    expect(Number(completed.body.RecordingDuration)).toBeLessThanOrEqual(6);
    expect(new Date(completed.body.RecordingStartTime).getTime()).toBeGreaterThan(Date.now() - 60000);
    for (const request of appServer.requestsTo('/recording-status'))
      expect(signedByPlatform(request)).toBe(true);

    // The audio is a WAV of about that length, and the recording is the call's.
    const audio = await fetch(completed.body.RecordingUrl);
    expect(audio.status).toBe(200);
    const wav = Buffer.from(await audio.arrayBuffer());
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.length).toBeGreaterThan(8000 * 2 * 2);
    const listed = await platform
      .http()
      .get(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls/${call.sid}/Recordings.json`)
      .auth(platform.accountSid, platform.authToken)
      .expect(200);
    expect(JSON.stringify(listed.body)).toContain(completed.body.RecordingSid);
  }, 50000);

  it('without Record nothing is recorded and no recording callback is sent', async () => {
    const call = await client.calls.create({
      to: farEndUri('answer-4s'),
      from: '+15550001111',
      twiml: new twilio.twiml.VoiceResponse().pause({ length: 10 }),
      recordingStatusCallback: `${appServer.baseUrl}/recording-status`,
    });
    for (let tries = 0; tries < 200; tries++) {
      if ((await client.calls(call.sid).fetch()).status === 'completed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(appServer.requestsTo('/recording-status').filter((r) => r.body.CallSid === call.sid)).toEqual([]);
  }, 30000);
});
