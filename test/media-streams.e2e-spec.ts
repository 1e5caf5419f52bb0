import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import twilio from 'twilio';
import { parseWav } from '../apps/platform/src/media/wav-audio';
import { toneFrequency } from './factories/audio.factory';
import { farEndUri } from './factories/call-request.factory';
import { decodeMulaw, mulawTone } from './factories/mulaw.factory';
import { HttpRecorder, type RecordedRequest } from './support/http-recorder';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';
import { farEndRecordingPath, StreamServer, type StreamConnection } from './support/stream-server';
import { LocalRequestClient } from './support/twilio-local-client';

/**
 * Twilio Media Streams on the real stack: the far end (a second Asterisk) plays a tone or records what
 * it hears; a WebSocket server plays the app, and gets Twilio's messages through ARI externalMedia.
 */
describe('Media Streams (<Start><Stream>, <Connect><Stream>)', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let streams: StreamServer;
  let client: ReturnType<typeof twilio>;
  const onConnect = new Map<string, (connection: StreamConnection) => void>();

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    streams = await new StreamServer().start((connection) => onConnect.get(connection.path)?.(connection));
    platform = await startPlatform();
    const { port } = platform.app.getHttpServer().address() as { port: number };
    client = twilio(platform.accountSid, platform.authToken, {
      httpClient: new LocalRequestClient(`http://127.0.0.1:${port}`),
    });
  }, 60000);

  afterAll(async () => {
    await platform?.close();
    await streams?.stop();
    await appServer?.stop();
  });

  const signedByPlatform = (request: RecordedRequest) =>
    twilio.validateRequest(
      platform.authToken,
      String(request.headers['x-twilio-signature']),
      request.url,
      request.body,
    );

  /** The handshake is signed like a webhook: over the URL, with no parameters. */
  const handshakeSigned = (connection: StreamConnection) =>
    twilio.validateRequest(
      platform.authToken,
      String(connection.headers['x-twilio-signature']),
      `${streams.baseUrl}${connection.path}`,
      {},
    );

  async function completed(sid: string): Promise<void> {
    await waitUntil(
      async () => (await client.calls(sid).fetch()).status === 'completed',
      30000,
      `${sid} to complete`,
    );
  }

  it('<Start><Stream>: connected, start (callSid, streamSid, Parameters), media carrying the far end’s 1400 Hz tone, stop; the call goes on', async () => {
    const path = `/in-${randomBytes(4).toString('hex')}`;
    const url = appServer.rcml(
      '/start.xml',
      `<Response><Start><Stream url="${streams.baseUrl}${path}" name="tone">` +
        '<Parameter name="who" value="far end"/><Parameter name="n" value="1"/></Stream></Start>' +
        '<Pause length="3"/><Stop><Stream name="tone"/></Stop><Pause length="1"/><Hangup/></Response>',
    );
    const call = await client.calls.create({ to: farEndUri('stream-tone'), from: '+15550001111', url });
    await waitUntil(
      () => streams.connections.some((c) => c.path === path && c.closed),
      20000,
      'the stream to stop',
    );
    const connection = streams.connections.find((c) => c.path === path)!;
    expect(handshakeSigned(connection)).toBe(true);
    const [connected, start, ...rest] = connection.messages;
    expect(connected).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(start).toMatchObject({
      event: 'start',
      sequenceNumber: '1',
      start: {
        accountSid: platform.accountSid,
        callSid: call.sid,
        tracks: ['inbound'],
        customParameters: { who: 'far end', n: '1' },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
    const streamSid = start.streamSid as string;
    expect(streamSid).toMatch(/^MZ[0-9a-f]{32}$/);
    const media = rest.filter((message) => message.event === 'media');
    const stop = rest[rest.length - 1];
    expect(stop).toMatchObject({
      event: 'stop',
      streamSid,
      stop: { accountSid: platform.accountSid, callSid: call.sid },
    });
    // About 3 s of 20 ms frames, numbered in order.
    expect(media.length).toBeGreaterThan(100);
    expect(
      media.every((message) => message.streamSid === streamSid && message.media.track === 'inbound'),
    ).toBe(true);
    expect(media.map((message) => Number(message.media.chunk))).toEqual(media.map((_, i) => i + 1));
    const sequence = connection.messages.slice(1).map((message) => Number(message.sequenceNumber));
    expect(sequence).toEqual(sequence.map((_, i) => i + 1));
    const audio = Buffer.concat(media.map((message) => Buffer.from(message.media.payload, 'base64')));
    expect(audio.length).toBe(media.length * 160);
    const heard = decodeMulaw(audio.subarray(8000, audio.length - 1600));
    expect(toneFrequency(heard, 8000)).toBeGreaterThan(1330);
    expect(toneFrequency(heard, 8000)).toBeLessThan(1470);
    // After <Stop> the document went on (the second Pause, then Hangup).
    await completed(call.sid);
    expect(signedByPlatform(appServer.requestsTo('/start.xml')[0])).toBe(true);
  }, 60000);

  it('<Start><Stream track="both_tracks">: the far end’s tone on the inbound track, what the platform plays on the outbound one, stop when the call ends', async () => {
    const path = `/both-${randomBytes(4).toString('hex')}`;
    const url = appServer.rcml(
      '/both.xml',
      `<Response><Start><Stream url="${streams.baseUrl}${path}" track="both_tracks"/></Start>` +
        '<Pause length="1"/><Play>sound:vm-goodbye</Play><Pause length="1"/><Hangup/></Response>',
    );
    const call = await client.calls.create({ to: farEndUri('stream-tone'), from: '+15550001111', url });
    await waitUntil(
      () => streams.connections.some((c) => c.path === path && c.closed),
      20000,
      'the stream to stop',
    );
    await completed(call.sid);
    const { messages } = streams.connections.find((c) => c.path === path)!;
    expect(messages[1]).toMatchObject({
      event: 'start',
      start: { callSid: call.sid, tracks: ['inbound', 'outbound'] },
    });
    expect(messages[messages.length - 1]).toMatchObject({ event: 'stop', stop: { callSid: call.sid } });
    const track = (name: string) => messages.filter((m) => m.event === 'media' && m.media.track === name);
    const audioOf = (name: string) =>
      decodeMulaw(Buffer.concat(track(name).map((m) => Buffer.from(m.media.payload, 'base64'))));
    for (const name of ['inbound', 'outbound']) {
      expect(track(name).length).toBeGreaterThan(50);
      expect(track(name).map((m) => Number(m.media.chunk))).toEqual(track(name).map((_, i) => i + 1));
    }
    const inbound = audioOf('inbound');
    expect(toneFrequency(inbound.subarray(4000, 12000), 8000)).toBeGreaterThan(1330);
    expect(toneFrequency(inbound.subarray(4000, 12000), 8000)).toBeLessThan(1470);
    // The prompt went to the far end: loud samples on the outbound track, and not the far end's tone.
    const outbound = audioOf('outbound');
    expect(outbound.some((sample) => Math.abs(sample) > 4000)).toBe(true);
    // During the first Pause the platform sends nothing: silence there, while the inbound track has the tone.
    expect(outbound.subarray(800, 4800).every((sample) => Math.abs(sample) < 1000)).toBe(true);
    expect(inbound.subarray(800, 4800).some((sample) => Math.abs(sample) > 4000)).toBe(true);
  }, 60000);

  it('<Connect><Stream>: the app’s audio reaches the far end (its recording has the 600 Hz tone), marks come back when played, clear drops queued audio, DTMF arrives', async () => {
    const path = `/bi-${randomBytes(4).toString('hex')}`;
    const recording = randomBytes(4).toString('hex');
    const marks: Array<{ name: string; at: number }> = [];
    let sentAt = 0;
    onConnect.set(path, (connection) => {
      connection.socket.on('message', (data) => {
        const message = JSON.parse(data.toString());
        const send = (payload: object) =>
          connection.socket.send(JSON.stringify({ streamSid: message.streamSid, ...payload }));
        if (message.event === 'start') {
          sentAt = Date.now();
          // 4 s of tone in one message: the platform paces it out at 20 ms a frame.
          send({ event: 'media', media: { payload: mulawTone(4, 600).toString('base64') } });
          send({ event: 'mark', mark: { name: 'tone-played' } });
        }
        if (message.event === 'mark') {
          marks.push({ name: message.mark.name, at: Date.now() - sentAt });
          if (message.mark.name === 'tone-played') {
            send({ event: 'media', media: { payload: mulawTone(5, 1000).toString('base64') } });
            send({ event: 'mark', mark: { name: 'cleared' } });
            setTimeout(() => send({ event: 'clear' }), 200);
          } else setTimeout(() => connection.socket.close(), 500);
        }
      });
    });
    const url = appServer.rcml(
      '/connect.xml',
      `<Response><Connect action="/after-connect.xml"><Stream url="${streams.baseUrl}${path}"/></Connect></Response>`,
    );
    appServer.rcml('/after-connect.xml', '<Response><Hangup/></Response>');
    const call = await client.calls.create({
      to: farEndUri(`stream-record-${recording}`),
      from: '+15550001111',
      url,
    });
    const after = await appServer.waitFor((request) => request.path === '/after-connect.xml', 30000);
    expect(signedByPlatform(after)).toBe(true);
    expect(signedByPlatform(appServer.requestsTo('/connect.xml')[0])).toBe(true);
    await completed(call.sid);

    const connection = streams.connections.find((c) => c.path === path)!;
    expect(handshakeSigned(connection)).toBe(true);
    expect(connection.messages[1]).toMatchObject({
      event: 'start',
      start: { callSid: call.sid, tracks: ['inbound'] },
    });
    expect(connection.messages.filter((m) => m.event === 'dtmf').map((m) => m.dtmf)).toEqual([
      { track: 'inbound_track', digit: '7' },
    ]);
    // The 4 s tone took about 4 s to play out; the cleared mark came back soon after the clear.
    expect(marks.map((mark) => mark.name)).toEqual(['tone-played', 'cleared']);
    expect(marks[0].at).toBeGreaterThan(3500);
    expect(marks[1].at - marks[0].at).toBeLessThan(1000);

    const wav = parseWav(readFileSync(await farEndRecordingPath(recording)));
    const windows: number[] = [];
    for (let i = 0; i + 800 <= wav.samples.length; i += 800)
      windows.push(toneFrequency(wav.samples.subarray(i, i + 800), 8000, 500));
    const near = (hz: number) => windows.filter((f) => Math.abs(f - hz) < hz * 0.05).length;
    // At least a second of the app's tone reached the far end; of the cleared 1000 Hz, at most 0.5 s.
    expect(near(600)).toBeGreaterThanOrEqual(10);
    expect(near(1000)).toBeLessThanOrEqual(5);
  }, 60000);

  it('refuses a stream URL that reaches the platform’s own services (ARI): nothing is streamed, the failure is a notification, the document goes on', async () => {
    const url = appServer.rcml(
      '/internal.xml',
      '<Response><Connect><Stream url="ws://127.0.0.1:8088/ari/events"/></Connect>' +
        '<Redirect>/after-internal.xml</Redirect></Response>',
    );
    appServer.rcml('/after-internal.xml', '<Response><Hangup/></Response>');
    const call = await client.calls.create({ to: farEndUri('answer'), from: '+15550001111', url });
    await appServer.waitFor((request) => request.path === '/after-internal.xml', 20000);
    await completed(call.sid);
    const notes = (
      await platform
        .http()
        .get(`/restcomm/2012-04-24/Accounts/${platform.accountSid}/Calls/${call.sid}/Notifications.json`)
        .auth(platform.accountSid, platform.authToken)
        .expect(200)
    ).body.notifications as Array<Record<string, any>>;
    expect(notes).toEqual([expect.objectContaining({ error_code: 31920 })]);
    expect(notes[0].message_text).toContain('internal service');
  }, 40000);
});
