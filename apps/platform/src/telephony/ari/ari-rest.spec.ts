import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AriOperationSpec, AriRest, buildRequest, routeRestThrough } from './ari-rest';

const op = (method: string, path: string, parameters: AriOperationSpec['parameters']): AriOperationSpec => ({
  method,
  path,
  parameters,
});
const q = (name: string, allowMultiple = false) => ({ name, paramType: 'query', allowMultiple });
const p = (name: string) => ({ name, paramType: 'path' });

// As Asterisk 22's channels.json / bridges.json describe them (ari-client's _swagger).
const ORIGINATE = op('post', '/channels', [
  q('endpoint'),
  q('app'),
  q('appArgs'),
  q('callerId'),
  q('timeout'),
  q('channelId'),
  { name: 'variables', paramType: 'body' },
]);
const HANGUP = op('delete', '/channels/{channelId}', [p('channelId'), q('reason_code'), q('reason')]);
const ADD = op('post', '/bridges/{bridgeId}/addChannel', [p('bridgeId'), q('channel', true), q('role')]);
const VARIABLE = op('get', '/channels/{channelId}/variable', [p('channelId'), q('variable')]);

describe('AriRest: the request ari-client would send', () => {
  it('puts path parameters in the path, the rest in the query, variables in a wrapped JSON body', () => {
    expect(
      buildRequest(ORIGINATE, {
        endpoint: 'PJSIP/answer@127.0.0.1:5070',
        app: 'callwright',
        channelId: 'cw-1',
        timeout: 30,
        callerId: undefined,
        variables: { 'CALLERID(num)': '+1555' },
      }),
    ).toEqual({
      path: '/channels',
      query: '?endpoint=PJSIP%2Fanswer%40127.0.0.1%3A5070&app=callwright&timeout=30&channelId=cw-1',
      body: JSON.stringify({ variables: { 'CALLERID(num)': '+1555' } }),
    });
    expect(buildRequest(ADD, { bridgeId: 'b 1', channel: ['a', 'b'] })).toEqual({
      path: '/bridges/b%201/addChannel',
      query: '?channel=a%2Cb',
      body: undefined,
    });
    expect(buildRequest(VARIABLE, { channelId: 'c', variable: 'PJSIP_RESPONSE_HEADER(read,X-A)' }).query).toBe(
      '?variable=PJSIP_RESPONSE_HEADER(read%2CX-A)',
    );
  });

  it('refuses a call without its path parameter', () => {
    expect(() => buildRequest(HANGUP, {})).toThrow('channelId is a required parameter');
  });
});

describe('AriRest against a loopback HTTP server', () => {
  let server: Server;
  let rest: AriRest;
  let connections = 0;
  const seen: Array<{ method?: string; url?: string; auth?: string; body: string }> = [];
  const reply = (req: IncomingMessage): [number, string] => {
    if (req.url?.startsWith('/ari/channels/gone')) return [404, '{"message":"Channel not found"}'];
    if (req.url?.startsWith('/ari/channels/cw-1/variable')) return [200, '{"value":"v"}'];
    return [204, ''];
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
        const [status, text] = reply(req);
        res.writeHead(status, text ? { 'content-type': 'application/json' } : {}).end(text);
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const { port } = server.address() as AddressInfo;
    rest = new AriRest({ ariUrl: `http://127.0.0.1:${port}`, ariUsername: 'u', ariPassword: 'p' });
  });

  afterAll(async () => {
    await rest.close();
    await new Promise((ok) => server.close(ok));
  });

  it('sends with basic auth under /ari and returns the parsed body', async () => {
    await expect(rest.send(VARIABLE, { channelId: 'cw-1', variable: 'X' })).resolves.toEqual({ value: 'v' });
    expect(seen.at(-1)).toEqual({
      method: 'GET',
      url: '/ari/channels/cw-1/variable?variable=X',
      auth: 'Basic ' + Buffer.from('u:p').toString('base64'),
      body: '',
    });
    await expect(rest.send(HANGUP, { channelId: 'cw-1', reason: 'normal' })).resolves.toBeUndefined();
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/ari/channels/cw-1?reason=normal' });
  });

  it("fails as ari-client does: an Error whose message is Asterisk's body", async () => {
    const failure = await rest.send(HANGUP, { channelId: 'gone' }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('{"message":"Channel not found"}');
  });

  it('keeps its connections alive: many requests, few TCP connections', async () => {
    const before = connections;
    for (let i = 0; i < 20; i++) await rest.send(HANGUP, { channelId: 'cw-1' });
    await Promise.all(Array.from({ length: 20 }, () => rest.send(HANGUP, { channelId: 'cw-1' })));
    expect(connections - before).toBeLessThanOrEqual(8);
  });

  it("routes a connected ari-client's operations through it, leaving a stand-in alone", async () => {
    const client = {
      _swagger: { apis: { channels: { operations: { hangup: HANGUP } } } },
      channels: { hangup: jest.fn() },
    };
    expect(routeRestThrough(client, rest)).toBe(true);
    await (client.channels.hangup as (params: object) => Promise<unknown>)({ channelId: 'cw-9' });
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/ari/channels/cw-9' });
    expect(routeRestThrough({ channels: {} }, rest)).toBe(false);
  });
});
