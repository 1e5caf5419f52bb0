import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import twilio from 'twilio';
import { newSid } from '../apps/platform/src/common/sid';
import { convertForAsterisk, detectAudio } from '../apps/platform/src/media/audio-converter';
import { decodeWav } from '../apps/platform/src/media/wav-decoder';
import { RecordingsService } from '../apps/platform/src/recordings/recordings.service';
import { AppConfig } from '../apps/platform/src/config/app-config';
import { farEndUri } from './factories/call-request.factory';
import { buildToneWav } from './factories/wav.factory';
import { HttpRecorder } from './support/http-recorder';
import { RunningPlatform, startPlatform } from './support/platform';
import { LocalRequestClient, restError } from './support/twilio-local-client';

/** Collects a binary body as a Buffer (supertest only buffers text and JSON by default). */
const binary = (res: any, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

const seconds = (wav: Buffer) => {
  const audio = decodeWav(wav);
  return audio.samples.length / audio.sampleRate;
};

describe('Twilio 2010-04-01 Recordings with the official twilio SDK', () => {
  let platform: RunningPlatform;
  let appServer: HttpRecorder;
  let client: ReturnType<typeof twilio>;
  let recording: { sid: string; callSid: string; url: string; duration: number };

  /** An unauthenticated GET of a media URL (absolute, on the platform's PUBLIC_URL). */
  const media = (url: string) => platform.http().get(new URL(url).pathname).buffer(true).parse(binary);
  const setMediaAuth = (on: boolean) =>
    platform
      .http()
      .post(`/2010-04-01/Accounts/${platform.accountSid}.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ EnforceMediaAuth: String(on) })
      .expect(200);

  beforeAll(async () => {
    appServer = await new HttpRecorder().start();
    appServer.rcml(
      '/record.xml',
      '<Response><Record maxLength="10" timeout="0" action="/recorded"/></Response>',
    );
    appServer.rcml('/recorded', '<Response><Hangup/></Response>');
    platform = await startPlatform();
    const { port } = platform.app.getHttpServer().address() as { port: number };
    client = twilio(platform.accountSid, platform.authToken, {
      httpClient: new LocalRequestClient(`http://127.0.0.1:${port}`),
    });

    // A real call records the far end (which sends 1234# after two seconds, ending the Record).
    const call = await client.calls.create({
      to: farEndUri('dtmf'),
      from: '+15550001111',
      url: `${appServer.baseUrl}/record.xml`,
    });
    const action = await appServer.waitFor(
      (r) => r.path === '/recorded' && r.body.CallSid === call.sid,
      30000,
    );
    recording = {
      sid: action.body.RecordingSid,
      callSid: call.sid,
      url: action.body.RecordingUrl,
      duration: Number(action.body.RecordingDuration),
    };
  }, 60000);

  afterAll(async () => {
    await platform?.close();
    await appServer?.stop();
  });

  it('RecordingUrl + ".mp3" and the RecordingUrl itself play without credentials: MP3 and WAV of the same audio', async () => {
    expect(recording.sid).toMatch(/^RE[0-9a-f]{32}$/);
    expect(recording.duration).toBeGreaterThanOrEqual(1);

    const wav = await media(recording.url).expect(200);
    expect(wav.headers['content-type']).toMatch(/^audio\/wav/);
    expect(wav.body.subarray(0, 4).toString()).toBe('RIFF');

    const mp3 = await media(recording.url + '.mp3').expect(200);
    expect(mp3.headers['content-type']).toMatch(/^audio\/mpeg/);
    expect(detectAudio(mp3.body, 'audio/mpeg')).toBe('mp3');
    // The MP3 decodes (sox) back to audio as long as the WAV, give or take the encoder's padding.
    const decoded = seconds(await convertForAsterisk(mp3.body, 'audio/mpeg'));
    expect(Math.abs(decoded - seconds(wav.body))).toBeLessThan(0.2);
    // Made once, then served from disk: the same bytes again.
    expect((await media(recording.url + '.mp3').expect(200)).body.equals(mp3.body)).toBe(true);
  });

  it('fetch and list (account, by CallSid, per call) in Twilio shape; media_url serves WAV bare and MP3 with .mp3', async () => {
    const fetched = await client.recordings(recording.sid).fetch();
    const publicUrl = platform.app.get(AppConfig).publicUrl.replace(/\/+$/, '');
    expect(fetched).toMatchObject({
      sid: recording.sid,
      accountSid: platform.accountSid,
      callSid: recording.callSid,
      conferenceSid: null,
      duration: String(recording.duration),
      status: 'completed',
      channels: 1,
      source: 'RecordVerb',
      apiVersion: '2010-04-01',
      priceUnit: 'USD',
      uri: `/2010-04-01/Accounts/${platform.accountSid}/Recordings/${recording.sid}.json`,
      mediaUrl: `${publicUrl}/2010-04-01/Accounts/${platform.accountSid}/Recordings/${recording.sid}`,
    });
    expect(fetched.dateCreated).toBeInstanceOf(Date);
    expect(fetched.startTime.getTime()).toBeLessThanOrEqual(fetched.dateCreated.getTime());

    const bare = await media(fetched.mediaUrl).expect(200);
    expect(bare.headers['content-type']).toMatch(/^audio\/wav/);
    expect(bare.body.equals((await media(recording.url).expect(200)).body)).toBe(true);
    const mp3 = await media(fetched.mediaUrl + '.mp3').expect(200);
    expect(detectAudio(mp3.body, 'audio/mpeg')).toBe('mp3');
    expect((await media(fetched.mediaUrl + '.wav').expect(200)).body.equals(bare.body)).toBe(true);

    const all = await client.recordings.list();
    expect(all.map((r) => r.sid)).toContain(recording.sid);
    const byCall = await client.recordings.list({ callSid: recording.callSid });
    expect(byCall.map((r) => r.sid)).toEqual([recording.sid]);
    const perCall = await client.calls(recording.callSid).recordings.list();
    expect(perCall.map((r) => r.sid)).toEqual([recording.sid]);
    const one = await client.calls(recording.callSid).recordings(recording.sid).fetch();
    expect(one).toMatchObject({ sid: recording.sid, callSid: recording.callSid, duration: fetched.duration });
    expect(one.uri).toBe(fetched.uri);

    const call = await client.calls(recording.callSid).fetch();
    expect(call.subresourceUris.recordings).toBe(
      `/2010-04-01/Accounts/${platform.accountSid}/Calls/${recording.callSid}/Recordings.json`,
    );
    const account = await client.api.v2010.accounts(platform.accountSid).fetch();
    expect(account.subresourceUris.recordings).toBe(
      `/2010-04-01/Accounts/${platform.accountSid}/Recordings.json`,
    );
  });

  it('metadata needs credentials; an account that enforces media auth needs them for the audio too', async () => {
    const metadata = `/2010-04-01/Accounts/${platform.accountSid}/Recordings/${recording.sid}.json`;
    const refused = await platform.http().get(metadata).expect(401);
    expect(refused.body).toMatchObject({ status: 401, code: 20003 });

    const enforced = await setMediaAuth(true);
    expect(enforced.body.enforce_media_auth).toBe(true);
    try {
      for (const url of [recording.url, recording.url + '.mp3', recording.url.replace(/\.wav$/, '.mp3')]) {
        // RecordingUrl is on the RestComm family's path, which answers XML by default.
        const denied = await platform.http().get(new URL(url).pathname).expect(401);
        expect(denied.text).toContain('20003');
        expect(denied.headers['www-authenticate']).toMatch(/^Basic /);
        await media(url).auth(platform.accountSid, platform.authToken).expect(200);
      }
      const twilioMedia = `/2010-04-01/Accounts/${platform.accountSid}/Recordings/${recording.sid}.mp3`;
      expect((await platform.http().get(twilioMedia).expect(401)).body).toMatchObject({ code: 20003 });
      await media(`http://x${twilioMedia}`).auth(platform.accountSid, platform.authToken).expect(200);
    } finally {
      expect((await setMediaAuth(false)).body.enforce_media_auth).toBe(false);
    }
    await media(recording.url + '.mp3').expect(200);
    const bad = await platform
      .http()
      .post(`/2010-04-01/Accounts/${platform.accountSid}.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ EnforceMediaAuth: 'sometimes' })
      .expect(400);
    expect(bad.body).toMatchObject({ code: 21000 });
  });

  it('delete per call and per account: metadata, WAV and MP3 are gone; wrong call or unknown sid is 404', async () => {
    const recordings = platform.app.get(RecordingsService);
    const other = await client.calls.create({
      to: farEndUri('answer'),
      from: '+15550001111',
      url: `${appServer.baseUrl}/recorded`,
    });
    const stored = await recordings.store({
      accountSid: platform.accountSid,
      callSid: other.sid,
      durationSeconds: 1,
      audio: buildToneWav(1),
      source: 'RecordVerb',
    });
    const mp3Url = recordings.mediaUrl(stored, 'twilio') + '.mp3';
    await media(mp3Url).expect(200);
    const files = [stored.filePath, stored.filePath.replace(/\.wav$/, '.mp3')].map((path) =>
      join(platform.app.get(AppConfig).recordingsPath, path),
    );
    expect(files.every((file) => existsSync(file))).toBe(true);
    expect(readFileSync(files[0]).subarray(0, 4).toString()).toBe('RIFF');

    const wrongCall = client.calls(recording.callSid).recordings(stored.sid).remove();
    expect(await restError(wrongCall)).toMatchObject({ status: 404, code: 20404 });
    expect(await client.calls(other.sid).recordings(stored.sid).remove()).toBe(true);
    expect(files.some((file) => existsSync(file))).toBe(false);
    expect(await restError(client.recordings(stored.sid).fetch())).toMatchObject({
      status: 404,
      code: 20404,
    });
    const gone = await media(mp3Url).expect(404);
    expect(JSON.parse(gone.body.toString())).toMatchObject({ code: 20404 });

    expect(await client.recordings(recording.sid).remove()).toBe(true);
    await media(recording.url + '.mp3').expect(404);
    expect(await client.calls(recording.callSid).recordings.list()).toEqual([]);
    expect(await restError(client.recordings(newSid('RE')).remove())).toMatchObject({ status: 404 });
  });
});
