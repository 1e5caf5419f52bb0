import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { validateRequest } from 'twilio';
import { loadConfig } from '../config/app-config';
import { WebhookClient, WebhookError } from './webhook-client.service';

const TOKEN = 'auth-token-0123456789abcdef';

describe('WebhookClient.fetchMedia (real HTTP server on loopback)', () => {
  const requests: IncomingMessage[] = [];
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  let server: Server;
  let base: string;
  let clients: WebhookClient[] = [];

  const client = (env: Record<string, string> = {}) => {
    const created = new WebhookClient(loadConfig({ WEBHOOK_TIMEOUT_MS: '2000', ...env }));
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req);
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    requests.length = 0;
    await Promise.all(clients.map((created) => created.onApplicationShutdown()));
    clients = [];
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('returns the bytes and caching headers, following redirects with every hop signed', async () => {
    const audio = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    handler = (req, res) => {
      if (req.url === '/old.wav') return res.writeHead(302, { location: '/new.wav' }).end();
      res
        .writeHead(200, {
          'content-type': 'audio/wav',
          'cache-control': 'max-age=60',
          etag: '"abc"',
          'last-modified': 'Tue, 01 Dec 2026 10:00:00 GMT',
        })
        .end(audio);
    };
    const response = await client().fetchMedia({ url: `${base}/old.wav`, signingKey: TOKEN });
    expect(response).toMatchObject({
      status: 200,
      url: `${base}/new.wav`,
      contentType: 'audio/wav',
      cacheControl: 'max-age=60',
      etag: '"abc"',
      lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT',
    });
    expect(response.body.equals(audio)).toBe(true);
    expect(requests.map((req) => req.url)).toEqual(['/old.wav', '/new.wav']);
    for (const req of requests) {
      expect(req.headers.accept).toMatch(/^audio\/\*/);
      const url = `${base}${req.url}`;
      expect(validateRequest(TOKEN, req.headers['x-twilio-signature'] as string, url, {})).toBe(true);
    }
  });

  it('sends the validators and hands back a 304 with an empty body', async () => {
    handler = (req, res) => res.writeHead(304, { etag: '"abc"' }).end();
    const response = await client().fetchMedia({
      url: `${base}/cached.wav`,
      signingKey: TOKEN,
      etag: '"abc"',
      lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT',
    });
    expect(response).toMatchObject({ status: 304, etag: '"abc"' });
    expect(response.body.length).toBe(0);
    expect(requests[0].headers['if-none-match']).toBe('"abc"');
    expect(requests[0].headers['if-modified-since']).toBe('Tue, 01 Dec 2026 10:00:00 GMT');
  });

  it('treats a 304 to an unconditional request as a failure', async () => {
    handler = (req, res) => res.writeHead(304).end();
    const error = await client()
      .fetchMedia({ url: `${base}/odd.wav`, signingKey: TOKEN })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebhookError);
    expect((error as WebhookError).reason).toBe('http-status');
  });

  it('stops at MEDIA_MAX_BYTES even without a Content-Length', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'audio/wav' });
      res.write(Buffer.alloc(3000));
      res.end(Buffer.alloc(3000));
    };
    const error = await client({ MEDIA_MAX_BYTES: '4096' })
      .fetchMedia({ url: `${base}/big.wav`, signingKey: TOKEN })
      .catch((caught: unknown) => caught);
    expect((error as WebhookError).reason).toBe('too-large');
  });

  it('goes through the address guard like every other request', async () => {
    handler = (req, res) => res.writeHead(200).end('x');
    const error = await client({ WEBHOOK_BLOCK_PRIVATE_ADDRESSES: 'true' })
      .fetchMedia({ url: `${base}/tone.wav`, signingKey: TOKEN })
      .catch((caught: unknown) => caught);
    expect((error as WebhookError).reason).toBe('blocked-address');
    expect(requests).toHaveLength(0);
  });
});
