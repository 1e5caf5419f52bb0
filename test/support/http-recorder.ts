import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  /** Full URL as the platform requested it, query string included. */
  url: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: Record<string, string>;
  rawBody: string;
  receivedAt: number;
}

export interface ScriptedResponse {
  status?: number;
  contentType?: string;
  body?: string | Buffer;
  delayMs?: number;
  /** Extra response headers (Cache-Control, ETag...). */
  headers?: Record<string, string>;
}

type Responder = ScriptedResponse | ((request: RecordedRequest) => ScriptedResponse);

/** A real HTTP server on loopback that plays an app server: scripted answers, every request recorded. */
export class HttpRecorder {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Responder>();
  private server!: Server;
  private waiters: Array<() => void> = [];

  baseUrl = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  on(path: string, responder: Responder): string {
    this.routes.set(path, responder);
    return this.baseUrl + path;
  }

  /** Serves an RCML document at `path` and returns its URL. */
  rcml(path: string, xml: string): string {
    return this.on(path, { contentType: 'application/xml', body: xml });
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async waitFor(
    predicate: (request: RecordedRequest) => boolean,
    timeoutMs = 20000,
  ): Promise<RecordedRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.requests.find(predicate);
      if (found) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new Error(
          `No matching request within ${timeoutMs} ms; got ${this.requests.map((r) => r.path).join(', ')}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const parsed = new URL(req.url ?? '/', this.baseUrl);
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: parsed.pathname,
      url: this.baseUrl + (req.url ?? '/'),
      query: Object.fromEntries(parsed.searchParams),
      headers: req.headers,
      body: Object.fromEntries(new URLSearchParams(rawBody)),
      rawBody,
      receivedAt: Date.now(),
    };
    this.requests.push(request);
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
    const responder = this.routes.get(parsed.pathname);
    const answer =
      typeof responder === 'function'
        ? responder(request)
        : (responder ?? { status: 404, body: 'not found' });
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    res.writeHead(answer.status ?? 200, {
      'Content-Type': answer.contentType ?? 'text/plain',
      ...answer.headers,
    });
    res.end(answer.body ?? '');
  }
}
