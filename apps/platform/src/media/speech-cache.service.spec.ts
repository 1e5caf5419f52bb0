import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { EspeakTtsEngine } from './espeak-tts-engine';
import { SpeechCacheService } from './speech-cache.service';
import { SpeechRequest, TtsEngine } from './tts-engine.port';

/** Wraps the real engine and counts how often it is asked. */
class CountingEngine extends TtsEngine {
  readonly requests: SpeechRequest[] = [];
  failNext = false;
  private readonly real = new EspeakTtsEngine();

  async synthesize(request: SpeechRequest): Promise<Buffer> {
    this.requests.push(request);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('engine down');
    }
    return this.real.synthesize(request);
  }
}

describe('SpeechCacheService', () => {
  let mediaPath: string;
  let engine: CountingEngine;
  let cache: SpeechCacheService;

  beforeEach(async () => {
    mediaPath = await mkdtemp(join(tmpdir(), 'callwright-media-'));
    engine = new CountingEngine();
    const config = Object.assign(new AppConfig(), { mediaPath, publicUrl: 'http://platform.test:8080/' });
    cache = new SpeechCacheService(engine, config);
  });

  afterEach(() => rm(mediaPath, { recursive: true, force: true }));

  const hello: SpeechRequest = { text: 'Hello world', voice: 'man', language: 'en-US' };

  it('stores the synthesized WAV and returns its public URL', async () => {
    const speech = await cache.prepareSpeech(hello);
    expect(speech.id).toMatch(/^[0-9a-f]{64}$/);
    expect(speech.url).toBe(`http://platform.test:8080/media/tts/${speech.id}.wav`);
    const file = await cache.findFile(speech.id);
    expect(file).toBe(join(mediaPath, 'tts', `${speech.id}.wav`));
    expect((await readFile(file!)).toString('ascii', 0, 4)).toBe('RIFF');
  });

  it('does not run the engine again for text it already has', async () => {
    const first = await cache.prepareSpeech(hello);
    const second = await cache.prepareSpeech({ ...hello });
    expect(second).toEqual(first);
    expect(engine.requests).toHaveLength(1);
  });

  it('survives a restart: a new cache on the same folder reuses the file', async () => {
    await cache.prepareSpeech(hello);
    const config = Object.assign(new AppConfig(), { mediaPath });
    await new SpeechCacheService(engine, config).prepareSpeech(hello);
    expect(engine.requests).toHaveLength(1);
  });

  it('synthesizes once for concurrent requests of the same text', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => cache.prepareSpeech(hello)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(engine.requests).toHaveLength(1);
    expect(await readdir(join(mediaPath, 'tts'))).toEqual([`${results[0].id}.wav`]);
  });

  it('keeps different voices and languages apart', async () => {
    const man = await cache.prepareSpeech(hello);
    const woman = await cache.prepareSpeech({ ...hello, voice: 'woman' });
    const british = await cache.prepareSpeech({ ...hello, language: 'en-GB' });
    expect(new Set([man.id, woman.id, british.id]).size).toBe(3);
    expect(engine.requests).toHaveLength(3);
  });

  it('does not cache a failure', async () => {
    engine.failNext = true;
    await expect(cache.prepareSpeech(hello)).rejects.toThrow('engine down');
    await expect(cache.prepareSpeech(hello)).resolves.toMatchObject({ id: expect.any(String) });
    expect(engine.requests).toHaveLength(2);
  });

  it('finds nothing for malformed or unknown ids', async () => {
    await expect(cache.findFile('../../etc/passwd')).resolves.toBeNull();
    await expect(cache.findFile('A'.repeat(64))).resolves.toBeNull();
    await expect(cache.findFile('0'.repeat(64))).resolves.toBeNull();
  });
});
