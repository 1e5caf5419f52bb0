import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { createServer, IncomingMessage, OutgoingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateRequest } from 'twilio';
import { buildToneFile } from '../../../../test/factories/audio.factory';
import { buildToneWav } from '../../../../test/factories/wav.factory';
import { loadConfig } from '../config/app-config';
import { NotificationCode } from '../common/notification-codes';
import { WebhookClient } from '../webhooks/webhook-client.service';
import { MediaFetchError, PlayMediaService } from './play-media.service';

const TOKEN = 'auth-token-0123456789abcdef';
const ACCOUNT = 'AC' + '1'.repeat(32);

interface Answer {
  status?: number;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string;
}

/** A real app server on loopback: each path answers through its function; every request is kept. */
class MediaServer {
  readonly requests: IncomingMessage[] = [];
  private readonly routes = new Map<string, (request: IncomingMessage) => Answer>();
  private readonly server: Server = createServer((req, res) => {
    this.requests.push(req);
    const answer = this.routes.get(req.url!)?.(req) ?? { status: 404, body: 'no such file' };
    res.writeHead(answer.status ?? 200, answer.headers ?? {}).end(answer.body ?? '');
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  serve(path: string, answer: (request: IncomingMessage) => Answer): string {
    this.routes.set(path, answer);
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  to(path: string): IncomingMessage[] {
    return this.requests.filter((request) => request.url === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const wavAnswer = (headers: OutgoingHttpHeaders = {}, body: Buffer = buildToneWav(0.2)): Answer => ({
  headers: { 'content-type': 'audio/wav', ...headers },
  body,
});

describe('PlayMediaService (real HTTP server on loopback)', () => {
  let server: MediaServer;
  let mediaPath: string;
  let client: WebhookClient;
  let media: PlayMediaService;

  function startService(env: Record<string, string> = {}) {
    const config = loadConfig({
      MEDIA_PATH: mediaPath,
      PUBLIC_URL: 'http://platform.test:8080/',
      WEBHOOK_TIMEOUT_MS: '2000',
      ...env,
    });
    client = new WebhookClient(config);
    media = new PlayMediaService(client, config);
  }

  const prepare = (url: string, accountSid = ACCOUNT) =>
    media.prepare({ accountSid, signingKey: TOKEN, url });

  async function fetchError(promise: Promise<unknown>): Promise<MediaFetchError> {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MediaFetchError);
    return error as MediaFetchError;
  }

  beforeEach(async () => {
    server = await new MediaServer().start();
    mediaPath = await mkdtemp(join(tmpdir(), 'callwright-play-'));
    startService();
  });

  afterEach(async () => {
    await media.settled();
    await client.onApplicationShutdown();
    await server.stop();
    await rm(mediaPath, { recursive: true, force: true });
  });

  it('fetches with a signed GET from Callwright and serves the converted file from the platform', async () => {
    const url = server.serve('/tone.mp3', () => ({
      headers: { 'content-type': 'audio/mpeg' },
      body: buildToneFile('mp3', { seconds: 0.5 }),
    }));
    const prepared = await prepare(url);
    expect(prepared.url).toBe(`http://platform.test:8080/media/play/${prepared.id}.wav`);
    const [request] = server.to('/tone.mp3');
    expect(request.headers['user-agent']).toMatch(/^Callwright\//);
    const signature = request.headers['x-twilio-signature'] as string;
    expect(validateRequest(TOKEN, signature, url, {})).toBe(true);
    const file = await readFile((await media.findFile(prepared.id))!);
    expect(file.toString('ascii', 0, 4)).toBe('RIFF');
    expect(file.readUInt32LE(24)).toBe(8000);
  });

  it('reuses a copy within max-age without asking the app server again', async () => {
    const url = server.serve('/fresh.wav', () => wavAnswer({ 'cache-control': 'public, max-age=300' }));
    const first = await prepare(url);
    const second = await prepare(url);
    expect(second).toEqual(first);
    expect(server.to('/fresh.wav')).toHaveLength(1);
  });

  it('keeps the cache on disk: a restarted platform still reuses a fresh copy', async () => {
    const url = server.serve('/disk.wav', () => wavAnswer({ 'cache-control': 'max-age=300' }));
    const first = await prepare(url);
    await media.settled();
    await client.onApplicationShutdown();
    startService();
    expect(await prepare(url)).toEqual(first);
    expect(server.to('/disk.wav')).toHaveLength(1);
  });

  it('shares one fetch between concurrent requests for the same URL', async () => {
    const url = server.serve('/shared.wav', () => wavAnswer({ 'cache-control': 'no-cache' }));
    const [a, b, c] = await Promise.all([prepare(url), prepare(url), prepare(url)]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(server.to('/shared.wav')).toHaveLength(1);
  });

  it('caches per account: another account fetches with its own signature', async () => {
    const url = server.serve('/per-account.wav', () => wavAnswer({ 'cache-control': 'max-age=300' }));
    await prepare(url);
    await prepare(url, 'AC' + '2'.repeat(32));
    expect(server.to('/per-account.wav')).toHaveLength(2);
  });

  it('fetches a no-store file every time and keeps no entry for it', async () => {
    const url = server.serve('/private.wav', () => wavAnswer({ 'cache-control': 'no-store, max-age=300' }));
    const first = await prepare(url);
    const second = await prepare(url);
    expect(server.to('/private.wav')).toHaveLength(2);
    expect(second.id).not.toBe(first.id);
    expect(await media.findFile(first.id)).not.toBeNull();
    expect(await readdir(join(mediaPath, 'play', 'entries')).catch(() => [])).toEqual([]);
  });

  it('revalidates with If-None-Match and keeps the cached copy on 304', async () => {
    const url = server.serve('/etag.wav', (request) =>
      request.headers['if-none-match'] === '"v1"'
        ? { status: 304, headers: { etag: '"v1"' } }
        : wavAnswer({ etag: '"v1"', 'cache-control': 'no-cache' }),
    );
    const first = await prepare(url);
    const second = await prepare(url);
    expect(second).toEqual(first);
    const [initial, conditional] = server.to('/etag.wav');
    expect(initial.headers['if-none-match']).toBeUndefined();
    expect(conditional.headers['if-none-match']).toBe('"v1"');
    expect(validateRequest(TOKEN, conditional.headers['x-twilio-signature'] as string, url, {})).toBe(true);
  });

  it('revalidates with If-Modified-Since once max-age has run out', async () => {
    const modified = 'Tue, 01 Dec 2026 10:00:00 GMT';
    const url = server.serve('/dated.wav', (request) =>
      request.headers['if-modified-since'] === modified
        ? { status: 304, headers: { 'cache-control': 'max-age=300' } }
        : wavAnswer({ 'last-modified': modified, 'cache-control': 'max-age=0' }),
    );
    const first = await prepare(url);
    expect(await prepare(url)).toEqual(first);
    // The 304 said max-age=300: the third use needs no request at all.
    expect(await prepare(url)).toEqual(first);
    const requests = server.to('/dated.wav');
    expect(requests).toHaveLength(2);
    expect(requests[1].headers['if-modified-since']).toBe(modified);
  });

  it('replaces the copy when revalidation brings a new file', async () => {
    let version = 1;
    const url = server.serve('/changing.wav', (request) =>
      request.headers['if-none-match'] === `"v${version}"`
        ? { status: 304 }
        : wavAnswer(
            { etag: `"v${version}"`, 'cache-control': 'no-cache' },
            buildToneWav(0.2, 300 + version * 100),
          ),
    );
    const first = await prepare(url);
    version = 2;
    const second = await prepare(url);
    expect(second.id).not.toBe(first.id);
    expect(server.to('/changing.wav')[1].headers['if-none-match']).toBe('"v1"');
  });

  it('refuses content that is not audio with 12300', async () => {
    const url = server.serve('/page.html', () => ({
      headers: { 'content-type': 'text/html' },
      body: '<html>Oops</html>',
    }));
    const error = await fetchError(prepare(url));
    expect(error.code).toBe(NotificationCode.InvalidContentType);
    expect(error.message).toContain('text/html');
    expect(error.requestUrl).toBe(url);
  });

  it('reports an HTTP error with 11200 and the start of its body', async () => {
    const url = server.serve('/missing.wav', () => ({ status: 404, body: 'no such recording' }));
    const error = await fetchError(prepare(url));
    expect(error.code).toBe(NotificationCode.HttpRetrievalFailure);
    expect(error.message).toContain('HTTP 404');
    expect(error.responseBody).toBe('no such recording');
  });

  it('refuses a file over MEDIA_MAX_BYTES with 11200', async () => {
    startService({ MEDIA_MAX_BYTES: '4096' });
    const url = server.serve('/huge.wav', () => wavAnswer({}, buildToneWav(2)));
    const error = await fetchError(prepare(url));
    expect(error.code).toBe(NotificationCode.HttpRetrievalFailure);
    expect(error.message).toContain('exceeds 4096 bytes');
  });

  it('evicts the least recently used files once past MEDIA_CACHE_MAX_BYTES', async () => {
    startService({ MEDIA_CACHE_MAX_BYTES: String(1024 * 1024) });
    // 320 kB each: the fourth file takes the total past 1 MiB, and the least recently used one goes.
    const tone = (frequency: number) => () =>
      wavAnswer({ 'cache-control': 'max-age=300' }, buildToneWav(20, frequency));
    const files = [];
    for (const [path, minutesAgo] of [
      ['/a.wav', 120],
      ['/b.wav', 60],
      ['/c.wav', 30],
    ] as const) {
      const prepared = await prepare(server.serve(path, tone(200 + minutesAgo)));
      await media.settled();
      const usedAt = new Date(Date.now() - minutesAgo * 60_000);
      await utimes((await media.findFile(prepared.id))!, usedAt, usedAt);
      files.push(prepared);
    }
    const latest = await prepare(server.serve('/d.wav', tone(500)));
    await media.settled();
    expect(await media.findFile(files[0].id)).toBeNull();
    for (const kept of [...files.slice(1), latest]) expect(await media.findFile(kept.id)).not.toBeNull();
    // The evicted file's entry points at nothing: its next use fetches it again.
    await prepare(server.serve('/a.wav', tone(320)));
    expect(server.to('/a.wav')).toHaveLength(2);
  }, 30_000); // four real sox conversions: seconds on a loaded 2-core machine
});
