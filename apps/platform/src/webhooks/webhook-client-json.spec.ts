import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadConfig } from '../config/app-config';
import { WebhookClient, WebhookError } from './webhook-client.service';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('WebhookClient.postJson (real HTTP server on loopback)', () => {
  const received: Received[] = [];
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  let server: Server;
  let base: string;
  let client: WebhookClient;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          method: req.method!,
          url: req.url!,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        handler(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new WebhookClient(loadConfig({ WEBHOOK_TIMEOUT_MS: '2000', ARI_URL: 'http://127.0.0.1:8088' }));
  });

  afterEach(() => {
    received.length = 0;
  });

  afterAll(async () => {
    await client.onApplicationShutdown();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function failure(promise: Promise<unknown>): Promise<WebhookError> {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(WebhookError);
    return error as WebhookError;
  }

  it('POSTs the document as JSON with the given headers, unsigned, and returns the answer’s headers', async () => {
    handler = (req, res) => res.writeHead(200, { 'validation-token': 'echo', 'x-two': ['a', 'b'] }).end('ok');
    const response = await client.postJson({
      url: `${base}/hook?x=1`,
      json: { uuid: 'u-1', body: { sequence: 1, name: 'Zoë ☎' } },
      headers: { 'verification-token': 'secret' },
    });
    expect(response).toMatchObject({ status: 200, body: 'ok', url: `${base}/hook?x=1` });
    expect(response.headers).toMatchObject({ 'validation-token': 'echo', 'x-two': 'a, b' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/hook?x=1' });
    expect(received[0].headers).toMatchObject({
      'content-type': 'application/json',
      'verification-token': 'secret',
      'user-agent': 'Callwright/0.1',
    });
    expect(received[0].headers['x-twilio-signature']).toBeUndefined();
    expect(JSON.parse(received[0].body)).toEqual({ uuid: 'u-1', body: { sequence: 1, name: 'Zoë ☎' } });
  });

  it('sends an empty body when there is no document', async () => {
    handler = (_req, res) => res.writeHead(204).end();
    await client.postJson({ url: `${base}/hook`, headers: {} });
    expect(received[0].body).toBe('');
  });

  it('fails on a non-2xx answer, and does not follow redirects', async () => {
    handler = (_req, res) => res.writeHead(503).end('down');
    const down = await failure(client.postJson({ url: `${base}/hook`, headers: {} }));
    expect(down).toMatchObject({ reason: 'http-status', response: { status: 503, body: 'down' } });
    handler = (_req, res) => res.writeHead(307, { location: '/elsewhere' }).end();
    const moved = await failure(client.postJson({ url: `${base}/hook`, headers: {} }));
    expect(moved).toMatchObject({ reason: 'http-status', response: { status: 307 } });
    expect(received.map((r) => r.url)).toEqual(['/hook', '/hook']);
  });

  it('holds the receiver to a tighter timeout and response size when asked', async () => {
    handler = (_req, res) => setTimeout(() => res.writeHead(200).end(), 600);
    const slow = await failure(client.postJson({ url: `${base}/slow`, headers: {}, timeoutMs: 200 }));
    expect(slow.reason).toBe('timeout');
    expect(slow.message).toBe(`POST ${base}/slow failed: timed out after 200 ms`);
    handler = (_req, res) => res.writeHead(200).end('x'.repeat(2000));
    const large = await failure(client.postJson({ url: `${base}/large`, headers: {}, maxBodyBytes: 1024 }));
    expect(large.reason).toBe('too-large');
  });

  it('refuses the platform’s internal services before connecting', async () => {
    const refused = await failure(
      client.postJson({ url: 'http://127.0.0.1:8088/ari/channels', headers: {} }),
    );
    expect(refused.reason).toBe('blocked-address');
    expect(received).toEqual([]);
  });
});
