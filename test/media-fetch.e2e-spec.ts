import type { IncomingMessage } from 'node:http';
import { validateRequest } from 'twilio';
import { NotificationsService } from '../apps/platform/src/notifications/notifications.service';
import { buildToneFile } from './factories/audio.factory';
import { buildCallRequest } from './factories/call-request.factory';
import { buildToneWav } from './factories/wav.factory';
import { CallsClient } from './support/calls-client';
import { HttpRecorder, RecordedRequest, ScriptedResponse } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';

/** <Play> and waitUrl media: fetched by the platform, cached, converted, and played by Asterisk from the platform. */
describe('Media fetched by the platform (real Asterisk)', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let calls: CallsClient;
  /** Requests the platform's HTTP server got for converted media: Asterisk fetching what it plays. */
  const platformMediaRequests: Array<{ path: string; userAgent: string }> = [];

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    platform = await startPlatform({ WEBHOOK_TIMEOUT_MS: '3000' });
    calls = new CallsClient(platform);
    platform.app.getHttpServer().on('request', (req: IncomingMessage) => {
      if (req.url?.startsWith('/media/play/'))
        platformMediaRequests.push({ path: req.url, userAgent: req.headers['user-agent'] ?? '' });
    });
  });

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  const notificationsOf = (callSid: string) =>
    platform.app.get(NotificationsService).listForCall(platform.accountSid, callSid);

  async function runCall(xmlPath: string): Promise<Record<string, any>> {
    const created = await calls.create(buildCallRequest({ Url: appServer.baseUrl + xmlPath })).expect(201);
    return calls.waitForStatus(created.body.sid, undefined, 30000);
  }

  /** Every request is the platform's own: its user agent and a signature valid for the account's token. */
  function expectSignedByPlatform(requests: RecordedRequest[]): void {
    for (const request of requests) {
      expect(request.headers['user-agent']).toMatch(/^Callwright\//);
      const signature = request.headers['x-twilio-signature'] as string;
      expect(validateRequest(platform.authToken, signature, request.url, {})).toBe(true);
    }
  }

  it('plays a WAV and an MP3 that only the platform fetched, then reuses its cache on the next call', async () => {
    appServer.on('/media/tone.wav', {
      contentType: 'audio/x-wav',
      headers: { 'Cache-Control': 'public, max-age=600' },
      body: buildToneWav(1.5, 440, 22050),
    });
    const mp3 = buildToneFile('mp3', { seconds: 1.5, frequency: 660, sampleRate: 44100, channels: 2 });
    appServer.on('/media/tone.mp3', (request): ScriptedResponse =>
      request.headers['if-none-match'] === '"mp3-v1"'
        ? { status: 304, headers: { ETag: '"mp3-v1"' } }
        : {
            contentType: 'audio/mpeg',
            headers: { ETag: '"mp3-v1"', 'Cache-Control': 'no-cache' },
            body: mp3,
          },
    );
    appServer.rcml(
      '/play-both.xml',
      '<Response><Play>/media/tone.wav</Play><Play>/media/tone.mp3</Play><Hangup/></Response>',
    );

    const first = await runCall('/play-both.xml');
    expect(first.status).toBe('completed');
    // Both files played to the end: 1.5 s each.
    expect(first.duration).toBeGreaterThanOrEqual(3);
    expect(await notificationsOf(first.sid)).toEqual([]);
    const wavRequests = appServer.requestsTo('/media/tone.wav');
    const mp3Requests = appServer.requestsTo('/media/tone.mp3');
    expect(wavRequests).toHaveLength(1);
    expect(mp3Requests).toHaveLength(1);
    expectSignedByPlatform([...wavRequests, ...mp3Requests]);
    // Asterisk fetched the converted files from the platform, never the app server.
    expect(platformMediaRequests.length).toBeGreaterThanOrEqual(2);
    expect(platformMediaRequests.every((request) => !/^Callwright/.test(request.userAgent))).toBe(true);

    const second = await runCall('/play-both.xml');
    expect(second.status).toBe('completed');
    expect(second.duration).toBeGreaterThanOrEqual(3);
    expect(await notificationsOf(second.sid)).toEqual([]);
    // max-age still allows the WAV; the MP3 (no-cache) is revalidated and its 304 keeps the copy.
    expect(appServer.requestsTo('/media/tone.wav')).toHaveLength(1);
    const revalidation = appServer.requestsTo('/media/tone.mp3');
    expect(revalidation).toHaveLength(2);
    expect(revalidation[1].headers['if-none-match']).toBe('"mp3-v1"');
    expectSignedByPlatform(revalidation);
  });

  it('records 12300 for a non-audio URL and 11200 for a failing one, and the call goes on', async () => {
    appServer.on('/media/page.html', { contentType: 'text/html', body: '<html>Not a sound</html>' });
    appServer.on('/media/gone.wav', { status: 404, body: 'no such file' });
    appServer.rcml('/after-bad-media.xml', '<Response><Hangup/></Response>');
    appServer.rcml(
      '/play-bad.xml',
      '<Response><Play>/media/page.html</Play><Play loop="3">/media/gone.wav</Play>' +
        '<Redirect>/after-bad-media.xml</Redirect></Response>',
    );
    const call = await runCall('/play-bad.xml');
    expect(call.status).toBe('completed');
    expect(appServer.requestsTo('/after-bad-media.xml')).toHaveLength(1);
    // A failing file is fetched once for all its loops.
    expect(appServer.requestsTo('/media/gone.wav')).toHaveLength(1);
    expect(await notificationsOf(call.sid)).toEqual([
      expect.objectContaining({
        errorCode: 12300,
        requestUrl: `${appServer.baseUrl}/media/page.html`,
        messageText: expect.stringContaining('text/html'),
      }),
      expect.objectContaining({
        errorCode: 11200,
        requestUrl: `${appServer.baseUrl}/media/gone.wav`,
        responseBody: 'no such file',
      }),
    ]);
  });

  it('plays a Conference waitUrl through the platform while the caller waits', async () => {
    const hold = buildToneFile('mp3', { seconds: 1, frequency: 520 });
    appServer.on('/media/hold.mp3', { contentType: 'audio/mpeg', body: hold });
    appServer.rcml(
      '/wait.xml',
      '<Response><Dial timeLimit="4"><Conference startConferenceOnEnter="false" beep="false" ' +
        'waitUrl="/media/hold.mp3">lonely-room</Conference></Dial><Hangup/></Response>',
    );
    const before = platformMediaRequests.length;
    const call = await runCall('/wait.xml');
    expect(call.status).toBe('completed');
    expect(call.duration).toBeGreaterThanOrEqual(3);
    expect(await notificationsOf(call.sid)).toEqual([]);
    const holdRequests = appServer.requestsTo('/media/hold.mp3');
    expect(holdRequests).toHaveLength(1);
    expectSignedByPlatform(holdRequests);
    await waitUntil(() => platformMediaRequests.length > before, 2000, 'Asterisk fetching the wait music');
    // Not one request reached the app server with another user agent: Asterisk only asked the platform.
    expect(
      appServer.requests.every((request) => /^Callwright\//.test(request.headers['user-agent'] ?? '')),
    ).toBe(true);
  });
});
