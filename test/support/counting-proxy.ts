import { AddressInfo, createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP relay in front of a real service (ARI) that keeps the first bytes of every connection: the platform
 * talks to ARI through it, so a test can show that no request an account caused ever reached the service.
 */
export class CountingProxy {
  /** The head (first chunk, as text) of each connection, in arrival order. */
  readonly heads: string[] = [];
  private server!: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((client) => {
      const upstream = createConnection(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.once('data', (chunk: Buffer) => this.heads.push(chunk.toString('latin1')));
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Heads of requests that did not come from the platform's own ARI client. */
  foreignHeads(): string[] {
    return this.heads.filter((head) => /x-twilio-signature|callwright\/|user-agent: asterisk/i.test(head));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
