import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { buildToneWav } from '../../../../test/factories/wav.factory';
import { AppConfig } from '../config/app-config';
import { configureApp } from '../configure-app';
import { MediaModule } from './media.module';
import { WebhookClient } from '../webhooks/webhook-client.service';
import { PlayMediaStore } from './play-media-store';
import { SpeechCacheService } from './speech-cache.service';

describe('MediaController', () => {
  let app: INestApplication;
  let mediaPath: string;

  beforeAll(async () => {
    mediaPath = await mkdtemp(join(tmpdir(), 'callwright-media-'));
    const moduleRef = await Test.createTestingModule({ imports: [MediaModule] })
      .useMocker((token) => {
        if (token === AppConfig) return Object.assign(new AppConfig(), { mediaPath });
        // The play route only reads files here; nothing is fetched.
        if (token === WebhookClient) return {};
        throw new Error(`unexpected dependency ${String(token)}`);
      })
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    configureApp(app);
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await rm(mediaPath, { recursive: true, force: true });
  });

  it('serves synthesized speech as audio/wav', async () => {
    const speech = await app
      .get(SpeechCacheService)
      .prepareSpeech({ text: 'Hello world', voice: 'man', language: 'en' });
    const path = new URL(speech.url).pathname;
    const response = await request(app.getHttpServer())
      .get(path)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const file = await readFile(join(mediaPath, 'tts', `${speech.id}.wav`));
    expect(response.headers['content-type']).toBe('audio/wav');
    expect(response.headers['content-length']).toBe(String(file.length));
    expect((response.body as Buffer).equals(file)).toBe(true);
  });

  it('serves fetched and converted <Play> media as audio/wav', async () => {
    const wav = buildToneWav(0.1);
    const id = 'ab'.repeat(32);
    await new PlayMediaStore(join(mediaPath, 'play'), 1 << 30).writeFile(id, wav);
    const response = await request(app.getHttpServer())
      .get(`/media/play/${id}.wav`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(response.headers['content-type']).toBe('audio/wav');
    expect((response.body as Buffer).equals(wav)).toBe(true);
    await request(app.getHttpServer())
      .get(`/media/play/${'cd'.repeat(32)}.wav`)
      .expect(404);
    await request(app.getHttpServer()).get('/media/play/..%2F..%2Ftts').expect(404);
  });

  it.each([
    '0'.repeat(64) + '.wav',
    'f'.repeat(64),
    'F'.repeat(64) + '.wav',
    '..%2F..%2F..%2Fetc%2Fpasswd',
    '..%2F..%2F..%2Fetc%2Fpasswd.wav',
    '%2Fetc%2Fpasswd',
    '..',
  ])('answers 404 for %s', async (file) => {
    await request(app.getHttpServer()).get(`/media/tts/${file}`).expect(404);
  });

  it('answers 404 for a path that climbs out of the folder', async () => {
    await request(app.getHttpServer()).get('/media/tts/../../etc/passwd').expect(404);
    await request(app.getHttpServer()).get('/media/../../../etc/passwd').expect(404);
  });
});
