import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, createServer as createTcpServer, Socket } from 'node:net';
import { validateRequest } from 'twilio';
import { loadConfig } from '../config/app-config';
import { WebhookClient, WebhookError, WebhookRequest } from './webhook-client.service';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const TOKEN = 'auth-token-0123456789abcdef';

/** A real HTTP server on an ephemeral loopback port that records what it was sent. */
class AppServer {
  readonly received: Received[] = [];
  private readonly routes = new Map<string, Handler>();
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const handler = this.routes.get(req.url!.split('?')[0]);
      if (handler) handler(req, res, body);
      else res.writeHead(404).end('no route');
    });
  });

  route(path: string, handler: Handler): this {
    this.routes.set(path, handler);
    return this;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** What a receiving app server reconstructs as the requested URL. */
  requestedUrl(received: Received): string {
    return `http://${received.headers.host}${received.url}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const xml = (res: ServerResponse, body = '<Response/>') =>
  res.writeHead(200, { 'Content-Type': 'text/xml' }).end(body);

async function failure(promise: Promise<unknown>): Promise<WebhookError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookError);
    return error as WebhookError;
  }
  throw new Error('expected the request to fail');
}

const TRICKY_PARAMS: Record<string, string> = {
  CallSid: 'CA0123456789abcdef0123456789abcdef',
  From: '+15550001111',
  To: 'sip:answer@127.0.0.1:5070',
  CallerName: 'Zoë Ünïcødé 日本語 ☎',
  Greeting: 'hello world & more=stuff?#',
  Plus: 'a+b +c',
  Empty: '',
  'Name With Space': 'x y',
  a: '1',
  A: '2',
  a1: '3',
  'a[]': '4',
  'DialSipHeader_X-Custom': 'v',
  Digits: '1234#*',
};

describe('WebhookClient', () => {
  let server: AppServer;
  const clients: WebhookClient[] = [];

  function client(env: Record<string, string> = {}): WebhookClient {
    const config = loadConfig({
      WEBHOOK_TIMEOUT_MS: '500',
      WEBHOOK_CONNECT_TIMEOUT_MS: '200',
      WEBHOOK_MAX_REDIRECTS: '3',
      ...env,
    });
    const created = new WebhookClient(config);
    clients.push(created);
    return created;
  }

  const request = (overrides: Partial<WebhookRequest>): WebhookRequest => ({
    url: server.url('/rcml'),
    method: 'POST',
    params: { CallSid: 'CA1' },
    signingKey: TOKEN,
    ...overrides,
  });

  beforeEach(async () => {
    server = await new AppServer().start();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.onApplicationShutdown()));
    await server.stop();
  });

  describe('requests and signatures', () => {
    it('POSTs params as a form body signed so twilio.validateRequest accepts it', async () => {
      server.route('/rcml', (_req, res) => xml(res, '<Response><Hangup/></Response>'));
      const response = await client().send(request({ params: TRICKY_PARAMS }));

      expect(response).toEqual({
        status: 200,
        contentType: 'text/xml',
        body: '<Response><Hangup/></Response>',
        url: server.url('/rcml'),
      });
      const [received] = server.received;
      expect(received.method).toBe('POST');
      expect(received.headers['content-type']).toBe('application/x-www-form-urlencoded');
      const params = Object.fromEntries(new URLSearchParams(received.body));
      expect(params).toEqual(TRICKY_PARAMS);
      const signature = received.headers['x-twilio-signature'] as string;
      expect(validateRequest(TOKEN, signature, server.requestedUrl(received), params)).toBe(true);
      expect(
        validateRequest('another-token-0123456789', signature, server.requestedUrl(received), params),
      ).toBe(false);
    });

    it('GETs with params in the query string, signing the full URL', async () => {
      server.route('/rcml', (_req, res) => xml(res));
      const response = await client().send(
        request({
          method: 'GET',
          url: server.url('/rcml?existing=1&x=%20y#fragment'),
          params: TRICKY_PARAMS,
        }),
      );

      const [received] = server.received;
      expect(received.method).toBe('GET');
      expect(received.body).toBe('');
      expect(received.headers['content-type']).toBeUndefined();
      const query = new URL(server.requestedUrl(received)).searchParams;
      expect(query.get('existing')).toBe('1');
      expect(query.get('x')).toBe(' y');
      for (const [name, value] of Object.entries(TRICKY_PARAMS)) expect(query.get(name)).toBe(value);
      const signature = received.headers['x-twilio-signature'] as string;
      expect(validateRequest(TOKEN, signature, server.requestedUrl(received), {})).toBe(true);
      expect(response.url).toBe(server.requestedUrl(received));
    });

    it('signs a GET without params and a POST without params', async () => {
      server.route('/rcml', (_req, res) => xml(res));
      await client().send(request({ method: 'GET', params: {} }));
      await client().send(request({ method: 'POST', params: {} }));

      for (const received of server.received) {
        expect(received.url).toBe('/rcml');
        const signature = received.headers['x-twilio-signature'] as string;
        expect(validateRequest(TOKEN, signature, server.requestedUrl(received), {})).toBe(true);
      }
    });

    it('sends credentials in the URL as Basic auth, not in the signed URL', async () => {
      server.route('/rcml', (_req, res) => xml(res));
      const url = server.url('/rcml').replace('http://', 'http://user:p%40ss@');
      await client().send(request({ url, params: { a: 'b' } }));

      const [received] = server.received;
      expect(received.headers.authorization).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
      const signature = received.headers['x-twilio-signature'] as string;
      expect(validateRequest(TOKEN, signature, server.requestedUrl(received), { a: 'b' })).toBe(true);
    });
  });

  describe('failures', () => {
    it('attaches the response to a non-2xx error', async () => {
      server.route('/rcml', (_req, res) => res.writeHead(503, { 'Content-Type': 'text/plain' }).end('down'));
      const error = await failure(client().send(request({})));

      expect(error.reason).toBe('http-status');
      expect(error.message).toContain('HTTP 503');
      expect(error.response).toEqual({
        status: 503,
        contentType: 'text/plain',
        body: 'down',
        url: server.url('/rcml'),
      });
    });

    it('truncates a huge error body instead of failing on it', async () => {
      server.route('/rcml', (_req, res) => {
        res.writeHead(500);
        res.end(Buffer.alloc(5 * 1024 * 1024, 'e'));
      });
      const error = await failure(client().send(request({})));

      expect(error.reason).toBe('http-status');
      expect(error.response!.status).toBe(500);
      expect(error.response!.body.length).toBeLessThanOrEqual(1024);
      expect(error.response!.body.length).toBeGreaterThan(0);
    });

    it('reports a refused connection as a network error', async () => {
      const closed = await new AppServer().start();
      const url = closed.url('/rcml');
      await closed.stop();
      const error = await failure(client().send(request({ url })));

      expect(error.reason).toBe('network');
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.response).toBeUndefined();
    });

    it.each(['ftp://127.0.0.1/rcml', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', '/relative'])(
      'refuses the URL %s',
      async (url) => {
        const error = await failure(client().send(request({ url })));
        expect(error.reason).toBe('bad-url');
      },
    );
  });

  describe('limits', () => {
    it('times out when headers never arrive', async () => {
      server.route('/rcml', () => undefined);
      const started = Date.now();
      const error = await failure(client().send(request({})));

      expect(error.reason).toBe('timeout');
      expect(error.message).toContain('timed out after 500 ms');
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it('applies the connect timeout to a TLS handshake that never completes', async () => {
      // Loopback connects instantly, so a silent TCP peer behind an https URL is what keeps "connecting" open.
      const sockets: Socket[] = [];
      const silent = createTcpServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as AddressInfo).port;
      const started = Date.now();
      try {
        const error = await failure(
          client({ WEBHOOK_TIMEOUT_MS: '3000' }).send(request({ url: `https://127.0.0.1:${port}/rcml` })),
        );
        expect(error.reason).toBe('timeout');
        expect(error.message).toContain('connect timed out after 200 ms');
        expect(Date.now() - started).toBeLessThan(1500);
      } finally {
        sockets.forEach((socket) => socket.destroy());
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('times out a body that trickles in, the deadline covering the whole exchange', async () => {
      server.route('/rcml', (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        res.write('<Response>');
        const timer = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(timer));
      });
      const started = Date.now();
      const error = await failure(client().send(request({})));

      expect(error.reason).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it.each([
      ['with a Content-Length', true],
      ['chunked', false],
    ])('refuses a 5 MB body %s without reading it all', async (_name, declared) => {
      const size = 5 * 1024 * 1024;
      let written = 0;
      server.route('/rcml', (_req, res) => {
        res.writeHead(200, declared ? { 'Content-Length': String(size) } : {});
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (written < size && res.write(chunk)) written += chunk.length;
          if (written >= size) res.end();
        };
        res.on('drain', () => {
          written += chunk.length;
          pump();
        });
        pump();
      });
      const started = Date.now();
      const error = await failure(client({ WEBHOOK_TIMEOUT_MS: '5000' }).send(request({})));

      expect(error.reason).toBe('too-large');
      expect(error.message).toContain(`exceeds ${1024 * 1024} bytes`);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(written).toBeLessThan(size);
    });

    it('accepts a body exactly at the limit', async () => {
      server.route('/rcml', (_req, res) => xml(res, 'y'.repeat(2048)));
      const response = await client({ WEBHOOK_MAX_BODY_BYTES: '2048' }).send(request({}));
      expect(response.body).toHaveLength(2048);
    });
  });

  describe('redirects', () => {
    function chain(length: number, status = 302): void {
      for (let hop = length; hop > 0; hop--) {
        server.route(`/hop${hop}`, (_req, res) =>
          res.writeHead(status, { Location: hop === 1 ? '/final?done=1' : `/hop${hop - 1}` }).end('moved'),
        );
      }
      server.route('/final', (_req, res) => xml(res, '<Response><Say>done</Say></Response>'));
    }

    it('follows a chain within the limit and reports the final URL', async () => {
      chain(3);
      const response = await client().send(request({ url: server.url('/hop3'), method: 'GET', params: {} }));

      expect(response.body).toBe('<Response><Say>done</Say></Response>');
      expect(response.url).toBe(server.url('/final?done=1'));
      expect(server.received.map((r) => r.url)).toEqual(['/hop3', '/hop2', '/hop1', '/final?done=1']);
      for (const received of server.received) {
        const signature = received.headers['x-twilio-signature'] as string;
        expect(validateRequest(TOKEN, signature, server.requestedUrl(received), {})).toBe(true);
      }
    });

    it('fails a chain beyond the limit', async () => {
      chain(4);
      const error = await failure(
        client().send(request({ url: server.url('/hop4'), method: 'GET', params: {} })),
      );

      expect(error.reason).toBe('redirects');
      expect(error.message).toContain('more than 3 redirects');
      expect(server.received).toHaveLength(4);
    });

    it('does not follow redirects when the limit is 0', async () => {
      chain(1);
      const error = await failure(
        client({ WEBHOOK_MAX_REDIRECTS: '0' }).send(request({ url: server.url('/hop1') })),
      );
      expect(error.reason).toBe('redirects');
    });

    it.each([303])('turns a POST into a GET without body on %i', async (status) => {
      chain(1, status);
      const response = await client().send(request({ url: server.url('/hop1'), params: TRICKY_PARAMS }));

      expect(response.status).toBe(200);
      const [first, second] = server.received;
      expect(first.method).toBe('POST');
      expect(second.method).toBe('GET');
      expect(second.body).toBe('');
      expect(second.url).toBe('/final?done=1');
      expect(second.headers['content-type']).toBeUndefined();
      const signature = second.headers['x-twilio-signature'] as string;
      expect(validateRequest(TOKEN, signature, server.requestedUrl(second), {})).toBe(true);
    });

    it.each([301, 302, 307, 308])(
      'repeats a POST with its body on %i, signed for the new URL, as Twilio does',
      async (status) => {
        chain(1, status);
        await client().send(request({ url: server.url('/hop1'), params: TRICKY_PARAMS }));

        const [first, second] = server.received;
        expect(second.method).toBe('POST');
        expect(second.body).toBe(first.body);
        const params = Object.fromEntries(new URLSearchParams(second.body));
        const signature = second.headers['x-twilio-signature'] as string;
        expect(validateRequest(TOKEN, signature, server.requestedUrl(second), params)).toBe(true);
        expect(signature).not.toBe(first.headers['x-twilio-signature']);
      },
    );

    it('refuses a redirect to a non-http URL', async () => {
      server.route('/rcml', (_req, res) => res.writeHead(302, { Location: 'file:///etc/passwd' }).end());
      const error = await failure(client().send(request({})));
      expect(error.reason).toBe('bad-url');
    });

    it('returns a redirect status without Location as an HTTP error', async () => {
      server.route('/rcml', (_req, res) => res.writeHead(302).end());
      const error = await failure(client().send(request({})));
      expect(error.reason).toBe('http-status');
      expect(error.response!.status).toBe(302);
    });
  });

  describe('private address guard', () => {
    const guarded = () => client({ WEBHOOK_BLOCK_PRIVATE_ADDRESSES: 'true' });

    it('refuses a literal loopback address before connecting', async () => {
      server.route('/rcml', (_req, res) => xml(res));
      const error = await failure(guarded().send(request({})));

      expect(error.reason).toBe('blocked-address');
      expect(error.message).toContain(
        '127.0.0.1 is a private, loopback, link-local or otherwise internal address',
      );
      expect(server.received).toHaveLength(0);
    });

    it.each(['http://[::1]:9/x', 'http://[::ffff:127.0.0.1]:9/x', 'http://169.254.169.254/latest/meta-data'])(
      'refuses the literal %s',
      async (url) => {
        const error = await failure(guarded().send(request({ url })));
        expect(error.reason).toBe('blocked-address');
      },
    );

    it('refuses a host name that resolves to loopback, checked at connect time', async () => {
      server.route('/rcml', (_req, res) => xml(res));
      const url = `http://localhost:${server.port}/rcml`;
      const error = await failure(guarded().send(request({ url })));

      expect(error.reason).toBe('blocked-address');
      expect(error.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1), which is a private/);
      expect(server.received).toHaveLength(0);
    });

    it('allows loopback when the guard is off', async () => {
      server.route('/rcml', (_req, res) => xml(res));
      const response = await client({ WEBHOOK_BLOCK_PRIVATE_ADDRESSES: 'false' }).send(request({}));
      expect(response.status).toBe(200);
    });
  });

  describe('internal services', () => {
    let internal: AppServer;
    beforeEach(async () => {
      internal = await new AppServer().start();
      internal.route('/ari/channels', (_req, res) => res.writeHead(200).end('[{"id":"secret"}]'));
    });
    afterEach(() => internal.stop());

    /** A client whose ARI is the `internal` server: what an account URL must never reach. */
    const withAri = (env: Record<string, string> = {}) =>
      client({ ARI_URL: `http://127.0.0.1:${internal.port}`, ...env });

    it('refuses ARI with the guard off, credentials and all, without connecting', async () => {
      const url = `http://callwright:callwright@127.0.0.1:${internal.port}/ari/channels`;
      const error = await failure(withAri().send(request({ url, method: 'GET' })));

      expect(error.reason).toBe('blocked-address');
      expect(error.message).toContain('internal service of the platform');
      expect(error.message).not.toContain('callwright:callwright');
      expect(error.response).toBeUndefined();
      expect(internal.received).toHaveLength(0);
    });

    it('refuses ARI reached through a host name, at connect time', async () => {
      const url = `http://localhost:${internal.port}/ari/channels`;
      const error = await failure(withAri().send(request({ url })));
      expect(error.reason).toBe('blocked-address');
      expect(internal.received).toHaveLength(0);
    });

    it('refuses ARI as a redirect target of an allowed app server', async () => {
      server.route('/rcml', (_req, res) =>
        res.writeHead(302, { Location: `http://u:p@127.0.0.1:${internal.port}/ari/channels` }).end(),
      );
      const error = await failure(withAri().send(request({})));

      expect(error.reason).toBe('blocked-address');
      expect(server.received).toHaveLength(1);
      expect(internal.received).toHaveLength(0);
    });

    it('refuses ARI even when the allow-list covers loopback', async () => {
      const open = withAri({
        WEBHOOK_BLOCK_PRIVATE_ADDRESSES: 'true',
        WEBHOOK_ALLOWED_ADDRESSES: '127.0.0.0/8',
      });
      const error = await failure(
        open.send(request({ url: `http://127.0.0.1:${internal.port}/ari/channels` })),
      );
      expect(error.reason).toBe('blocked-address');
      expect(internal.received).toHaveLength(0);
    });
  });

  describe('allow-list', () => {
    it('lets an allow-listed loopback app server through while the guard is on', async () => {
      server.route('/rcml', (_req, res) => xml(res));
      const allowed = client({
        WEBHOOK_BLOCK_PRIVATE_ADDRESSES: 'true',
        WEBHOOK_ALLOWED_ADDRESSES: '127.0.0.1',
      });
      expect((await allowed.send(request({}))).status).toBe(200);
    });

    it('still refuses loopback addresses the allow-list does not name', async () => {
      const allowed = client({
        WEBHOOK_BLOCK_PRIVATE_ADDRESSES: 'true',
        WEBHOOK_ALLOWED_ADDRESSES: '127.0.0.2',
      });
      const error = await failure(allowed.send(request({})));
      expect(error.reason).toBe('blocked-address');
      expect(server.received).toHaveLength(0);
    });
  });
});
