import { execFile } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WebSocket, WebSocketServer } from 'ws';

const run = promisify(execFile);

export interface StreamConnection {
  path: string;
  headers: IncomingMessage['headers'];
  socket: WebSocket;
  /** Every message the platform sent, parsed, in order. */
  messages: Array<Record<string, any>>;
  closed: boolean;
}

/** A Media Streams app: a WebSocket server on loopback that keeps what each connection received. */
export class StreamServer {
  readonly connections: StreamConnection[] = [];
  private server!: WebSocketServer;
  baseUrl = '';

  async start(onConnection: (connection: StreamConnection) => void = () => undefined): Promise<this> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.server.once('listening', () => resolve()));
    this.baseUrl = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.server.on('connection', (socket, request) => {
      const connection: StreamConnection = {
        path: request.url ?? '',
        headers: request.headers,
        socket,
        messages: [],
        closed: false,
      };
      this.connections.push(connection);
      socket.on('message', (data) => connection.messages.push(JSON.parse(data.toString())));
      socket.on('close', () => (connection.closed = true));
      onConnection(connection);
    });
    return this;
  }

  async stop(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Where the far end's Record() leaves `stream-<name>.wav`, as this machine sees it. */
export async function farEndRecordingPath(name: string): Promise<string> {
  const { stdout } = await run('bash', [join(__dirname, '..', '..', 'asterisk', 'provision.sh')]);
  const prefix = stdout.trim().split('\n').pop() ?? '';
  const root = prefix.startsWith('chroot ')
    ? `${prefix.slice(7)}/run/callwright`
    : '/tmp/callwright-asterisk';
  return `${root}/farend/spool/recording/stream-${name}.wav`;
}
