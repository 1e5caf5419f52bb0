import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadConfig } from '../config/app-config';
import { WebhookClient } from './webhook-client.service';

/** An app server on loopback that counts the TCP connections it is opened. */
async function countingServer(): Promise<{ server: Server; url: (path: string) => string; connections: () => number }> {
  let connections = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/missing')) res.writeHead(404, { 'content-type': 'text/plain' }).end('no route');
      else res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response><Hangup/></Response>');
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: (path) => `http://127.0.0.1:${port}${path}`, connections: () => connections };
}

describe('WebhookClient connection reuse', () => {
  it('keeps one connection per app-server origin alive across documents, callbacks and error answers', async () => {
    const client = new WebhookClient(loadConfig({}));
    const a = await countingServer();
    const b = await countingServer();
    try {
      const send = (url: string) =>
        client.send({ url, method: 'POST', params: { CallSid: 'CA1' }, signingKey: 'token' }).catch(() => undefined);
      for (let i = 0; i < 10; i++) {
        await send(a.url('/rcml'));
        await send(b.url('/status'));
        if (i % 3 === 0) await send(a.url('/missing'));
      }
      // A request sent the instant the previous response was read may find its connection not yet
      // back in the pool and open a second one; from then on both are reused.
      const [opened, openedB] = [a.connections(), b.connections()];
      expect(opened).toBeLessThanOrEqual(2);
      expect(openedB).toBeLessThanOrEqual(2);
      for (let i = 0; i < 30; i++) {
        await send(a.url(i % 2 ? '/rcml' : '/missing'));
        await send(b.url('/status'));
      }
      expect(a.connections()).toBe(opened);
      expect(b.connections()).toBe(openedB);
    } finally {
      await client.onApplicationShutdown();
      for (const { server } of [a, b]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });
});
