import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request } from 'express';
import type { ServerClaims } from '../telephony/ownership/server-locks';
import { OtherNodesAnswers } from './other-nodes-answers';
import { FORWARDED_HEADER } from './owner-forwarding';

/** A node that answers every GET with a fixed status and body, and keeps the headers it got. */
async function node(
  status: number,
  body: string,
): Promise<{ url: string; heard: IncomingHttpHeaders[]; server: Server }> {
  const heard: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    heard.push(req.headers);
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, heard, server };
}

const claimsOf = (nodes: string[]) => ({ otherNodes: async () => nodes }) as unknown as ServerClaims;
const asked = (headers: Record<string, string> = {}) =>
  ({
    originalUrl: '/api/sessions',
    method: 'GET',
    headers: { authorization: 'Bearer t', ...headers },
  }) as unknown as Request;

describe('OtherNodesAnswers', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

  it('gathers the JSON answers of the other nodes, asked with the caller’s headers; refusals and silence left out', async () => {
    const answering = await node(200, '{"items":[{"id":"s2"}]}');
    const refusing = await node(401, '{"code":20401}');
    const garbled = await node(200, 'not json');
    servers.push(answering.server, refusing.server, garbled.server);
    const answers = new OtherNodesAnswers(
      claimsOf([answering.url, refusing.url, garbled.url, 'http://127.0.0.1:1']),
    );
    (answers as unknown as { logger: unknown }).logger = { warn: () => undefined };
    expect(await answers.gather(asked())).toEqual([{ items: [{ id: 's2' }] }]);
    expect(answering.heard[0]).toMatchObject({
      authorization: 'Bearer t',
      [FORWARDED_HEADER]: answering.url,
    });
  });

  it('asks no one with one node, or when the request itself was sent by another node', async () => {
    const answering = await node(200, '{}');
    servers.push(answering.server);
    expect(await new OtherNodesAnswers(null).gather(asked())).toEqual([]);
    const forwarded = asked({ [FORWARDED_HEADER]: 'http://elsewhere' });
    expect(await new OtherNodesAnswers(claimsOf([answering.url])).gather(forwarded)).toEqual([]);
    expect(answering.heard).toEqual([]);
  });
});
