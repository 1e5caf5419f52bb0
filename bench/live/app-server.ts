/**
 * The bench's app server on loopback: RCML documents by path, `/rcml/<kind>/<id>`, and status callbacks,
 * `/status/<id>`, with request arrival and response times on the bench clock.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { now } from './clock';

export interface DocumentFetch {
  received: number;
  responded: number;
}

export class BenchAppServer {
  readonly fetches = new Map<string, DocumentFetch>();
  /** Final CallStatus reported by the status callback, by id. */
  readonly statuses = new Map<string, { status: string; at: number }>();
  private server!: Server;
  private readonly documents: Record<string, (id: string) => string>;

  constructor(documents: Record<string, (id: string) => string>) {
    this.documents = documents;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const received = now();
      const [, kind, a, b] = (req.url ?? '').split('?')[0].split('/');
      readBody(req).then((body) => {
        if (kind === 'rcml' && this.documents[a]) {
          res.writeHead(200, { 'Content-Type': 'application/xml' }).end(this.documents[a](b));
          this.fetches.set(b, { received, responded: now() });
        } else if (kind === 'status') {
          const status = new URLSearchParams(body).get('CallStatus') ?? '';
          res.writeHead(204).end();
          this.statuses.set(a, { status, at: received });
        } else {
          res.writeHead(404).end();
        }
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
    return this;
  }

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  rcmlUrl(kind: string, id: string): string {
    return `${this.base}/rcml/${kind}/${id}`;
  }

  statusUrl(id: string): string {
    return `${this.base}/status/${id}`;
  }

  forget(ids: Iterable<string>): void {
    for (const id of ids) {
      this.fetches.delete(id);
      this.statuses.delete(id);
    }
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}
