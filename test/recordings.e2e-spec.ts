import { getRepositoryToken } from '@nestjs/typeorm';
import { XMLParser } from 'fast-xml-parser';
import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Repository } from 'typeorm';
import { AccountsService } from '../apps/platform/src/accounts/accounts.service';
import { CallEntity } from '../apps/platform/src/call-control/legs/call.entity';
import { CallStatus } from '../apps/platform/src/call-control/legs/call-status';
import { RecordingsService } from '../apps/platform/src/recordings/recordings.service';
import { buildCallEntity } from './factories/call-entity.factory';
import { buildToneWav } from './factories/wav.factory';
import { RunningPlatform, startPlatform } from './support/platform';

/** Collects a binary body as a Buffer (supertest only buffers text and JSON by default). */
const binary = (res: any, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('Recordings', () => {
  let platform: RunningPlatform;
  let recordings: RecordingsService;
  let calls: Repository<CallEntity>;
  let recordingsPath: string;
  const base = (accountSid = platform.accountSid) => `/restcomm/2012-04-24/Accounts/${accountSid}`;
  const get = (path: string) => platform.http().get(path).auth(platform.accountSid, platform.authToken);
  const insertCall = (accountSid = platform.accountSid) =>
    calls.save(buildCallEntity({ accountSid, status: CallStatus.Completed }));
  const store = (
    callSid: string,
    audio = buildToneWav(),
    accountSid = platform.accountSid,
    durationSeconds = 1,
  ) => recordings.store({ accountSid, callSid, durationSeconds, audio, source: 'RecordVerb' });

  beforeAll(async () => {
    recordingsPath = mkdtempSync(join(tmpdir(), 'callwright-recordings-'));
    platform = await startPlatform({
      RECORDINGS_PATH: recordingsPath,
      PUBLIC_URL: 'http://platform.test:8080/',
    });
    recordings = platform.app.get(RecordingsService);
    calls = platform.app.get(getRepositoryToken(CallEntity));
  });

  afterAll(async () => {
    await platform?.close();
    if (recordingsPath) rmSync(recordingsPath, { recursive: true, force: true });
  });

  it('store() writes the WAV under recordingsPath and saves the metadata; mediaUrl() is the Twilio-style URL', async () => {
    const call = await insertCall();
    const audio = buildToneWav(0.5);
    const recording = await recordings.store({
      accountSid: platform.accountSid,
      callSid: call.sid,
      durationSeconds: 1.4,
      audio,
      source: 'RecordVerb',
    });
    expect(recording).toMatchObject({
      accountSid: platform.accountSid,
      callSid: call.sid,
      duration: 1,
      status: 'completed',
      source: 'RecordVerb',
      channels: 1,
      filePath: join(platform.accountSid, `${recording.sid}.wav`),
    });
    expect(recording.sid).toMatch(/^RE[0-9a-f]{32}$/);
    expect(readFileSync(join(recordingsPath, recording.filePath)).equals(audio)).toBe(true);
    expect(recordings.mediaUrl(recording)).toBe(
      `http://platform.test:8080/restcomm/2012-04-24/Accounts/${platform.accountSid}/Recordings/${recording.sid}`,
    );
    await expect(store(call.sid, Buffer.from('not a wav file at all, definitely not'))).rejects.toThrow(
      /RIFF/,
    );
  });

  it('serves the metadata in JSON and XML', async () => {
    const call = await insertCall();
    const recording = await store(call.sid, buildToneWav(), platform.accountSid, 3);
    const json = await get(`${base()}/Recordings/${recording.sid}.json`).expect(200);
    expect(json.body).toEqual({
      sid: recording.sid,
      account_sid: platform.accountSid,
      call_sid: call.sid,
      duration: '3',
      status: 'completed',
      source: 'RecordVerb',
      channels: 1,
      date_created: expect.any(String),
      date_updated: expect.any(String),
      api_version: '2012-04-24',
      file_uri: `${base()}/Recordings/${recording.sid}.wav`,
      media_url: `http://platform.test:8080${base()}/Recordings/${recording.sid}.wav`,
      uri: `${base()}/Recordings/${recording.sid}.json`,
    });
    expect(Date.parse(json.body.date_created)).not.toBeNaN();

    const xml = await get(`${base()}/Recordings/${recording.sid}`).expect(200);
    expect(xml.headers['content-type']).toMatch(/application\/xml/);
    expect(new XMLParser({ parseTagValue: false }).parse(xml.text).RestcommResponse.Recording).toMatchObject({
      Sid: recording.sid,
      CallSid: call.sid,
      Duration: '3',
      Uri: `${base()}/Recordings/${recording.sid}`,
    });
  });

  it('lists per account and per call, newest first, with Page and PageSize', async () => {
    const account = await platform.app.get(AccountsService).create('Recorder');
    const [callA, callB] = [await insertCall(account.sid), await insertCall(account.sid)];
    const sids: string[] = [];
    for (let i = 0; i < 5; i++)
      sids.push((await store(i < 3 ? callA.sid : callB.sid, buildToneWav(), account.sid)).sid);
    const as = (path: string) => platform.http().get(path).auth(account.sid, account.authToken);

    const listPath = `${base(account.sid)}/Recordings.json`;
    const page0 = await as(`${listPath}?PageSize=2`).expect(200);
    expect(page0.body).toMatchObject({
      page: 0,
      page_size: 2,
      total: 5,
      num_pages: 3,
      next_page_uri: `${listPath}?Page=1&PageSize=2`,
    });
    expect(page0.body.recordings.map((r: any) => r.sid)).toEqual([sids[4], sids[3]]);
    const page2 = await as(`${listPath}?Page=2&PageSize=2`).expect(200);
    expect(page2.body.recordings.map((r: any) => r.sid)).toEqual([sids[0]]);

    const callPath = `${base(account.sid)}/Calls/${callA.sid}/Recordings.json`;
    const forCall = await as(callPath).expect(200);
    expect(forCall.body).toMatchObject({ total: 3, uri: `${callPath}?Page=0&PageSize=50` });
    expect(forCall.body.recordings.map((r: any) => r.sid)).toEqual([sids[2], sids[1], sids[0]]);
    expect(forCall.body.recordings[0].uri).toBe(`${base(account.sid)}/Recordings/${sids[2]}.json`);

    const xml = await as(`${base(account.sid)}/Calls/${callB.sid}/Recordings`).expect(200);
    const list = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml.text)
      .RestcommResponse.Recordings;
    expect(list['@total']).toBe('2');
    expect(list.Recording.map((r: any) => r.Sid)).toEqual([sids[4], sids[3]]);

    await as(`${listPath}?PageSize=5000`).expect(400);
  });

  it('serves the audio byte-identical as audio/wav at {sid}.wav, without credentials', async () => {
    const call = await insertCall();
    const audio = buildToneWav(0.75, 660);
    const recording = await store(call.sid, audio);
    const path = `${base()}/Recordings/${recording.sid}.wav`;
    for (const request of [
      platform.http().get(path),
      get(path),
      platform.http().get(`/2012-04-24/Accounts/${platform.accountSid}/Recordings/${recording.sid}.wav`),
    ]) {
      const response = await request.buffer(true).parse(binary).expect(200);
      expect(response.headers['content-type']).toBe('audio/wav');
      expect(Number(response.headers['content-length'])).toBe(audio.length);
      expect(Buffer.compare(response.body as Buffer, audio)).toBe(0);
    }
    // Media players seek with Range requests.
    const partial = await platform
      .http()
      .get(path)
      .set('Range', 'bytes=0-43')
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(Buffer.compare(partial.body as Buffer, audio.subarray(0, 44))).toBe(0);
  });

  it('answers 404 for unknown and malformed sids, another account, and a missing file', async () => {
    const call = await insertCall();
    const recording = await store(call.sid);
    const zero = `RE${'0'.repeat(32)}`;
    const unknown = await get(`${base()}/Recordings/${zero}.json`).expect(404);
    expect(unknown.body).toMatchObject({ code: 20404, status: 404 });
    await platform.http().get(`${base()}/Recordings/${zero}.wav`).expect(404);
    await get(`${base()}/Recordings/not-a-sid.json`).expect(404);
    await get(`${base()}/Recordings/${recording.sid.toUpperCase()}.json`).expect(404);
    // .wav and .mp3 are the audio (see twilio-recordings.e2e-spec.ts); other extensions are nothing.
    await get(`${base()}/Recordings/${recording.sid}.ogg`).expect(404);
    // A malformed .wav name is not the open media route: it needs credentials, then is not found.
    await platform.http().get(`${base()}/Recordings/REnope.wav`).expect(401);
    await get(`${base()}/Recordings/REnope.wav`).expect(404);

    const stranger = await platform.app.get(AccountsService).create('Stranger');
    const strangersCall = await insertCall(stranger.sid);
    // The audio needs the owning AccountSid in its path.
    await platform
      .http()
      .get(`${base(stranger.sid)}/Recordings/${recording.sid}.wav`)
      .expect(404);
    await platform
      .http()
      .get(`/restcomm/2012-04-24/Accounts/nonsense/Recordings/${recording.sid}.wav`)
      .expect(404);
    const asStranger = (path: string) => platform.http().get(path).auth(stranger.sid, stranger.authToken);
    await asStranger(`${base(stranger.sid)}/Recordings/${recording.sid}.json`).expect(404);
    await asStranger(`${base()}/Recordings/${recording.sid}.json`).expect(404);
    await asStranger(`${base(stranger.sid)}/Calls/${call.sid}/Recordings.json`).expect(404);
    await get(`${base()}/Calls/${strangersCall.sid}/Recordings.json`).expect(404);
    await get(`${base()}/Calls/CA${'0'.repeat(32)}/Recordings.json`).expect(404);
    await get(`${base()}/Calls/garbage/Recordings.json`).expect(404);

    unlinkSync(join(recordingsPath, recording.filePath));
    const gone = await platform.http().get(`${base()}/Recordings/${recording.sid}.wav`).expect(404);
    expect(new XMLParser().parse(gone.text).RestcommResponse.RestException).toMatchObject({ Code: 20404 });
  });

  it('requires HTTP Basic credentials for metadata and lists (401)', async () => {
    const call = await insertCall();
    const recording = await store(call.sid);
    await platform.http().get(`${base()}/Recordings.json`).expect(401);
    await platform.http().get(`${base()}/Recordings/${recording.sid}.json`).expect(401);
    await platform.http().get(`${base()}/Recordings/${recording.sid}`).expect(401);
    await platform.http().get(`${base()}/Calls/${call.sid}/Recordings.json`).expect(401);
  });
});
