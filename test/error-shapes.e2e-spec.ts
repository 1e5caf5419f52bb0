import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { connect } from 'node:net';
import type { Response } from 'supertest';
import { RunningPlatform, startPlatform } from './support/platform';
import { fillRoute, Route, routesOf } from './support/routes';

const xml = new XMLParser({ parseTagValue: false });
const CONTROL = ['\r', '\n', '\r\n', '\u0000', '\u0007', '\u001b', '\u007f', '\u2028'];

/**
 * A corpus of bad requests against every route the application serves: none may answer 5xx or crash the
 * process, and every refusal carries the documented error body of its API family.
 */
describe('Bad requests answer 4xx in the API shape, never 5xx', () => {
  let platform: RunningPlatform;
  let routes: Route[];
  let sent = 0;

  beforeAll(async () => {
    platform = await startPlatform({ HTTP_MAX_BODY_BYTES: String(64 * 1024) });
    routes = routesOf(platform.app).filter((route) => /^\/20(12-04-24|10-04-01)\//.test(route.path));
  });

  afterAll(async () => {
    await platform?.close();
    // The corpus is only a corpus if it is large: a shrinking route table must not hollow this test out.
    expect(sent).toBeGreaterThanOrEqual(200);
  });

  /** The documented error body, JSON or RestComm XML, with the HTTP status echoed inside it. */
  function expectErrorShape(response: Response, what: string): void {
    expect({ what, status: response.status }).toEqual({ what, status: expect.any(Number) });
    if (response.status < 500 && response.status >= 400) {
      const type = String(response.headers['content-type'] ?? '');
      let body: Record<string, unknown>;
      if (type.includes('json')) body = response.body;
      else if (type.includes('xml')) {
        const exception = xml.parse(response.text).RestcommResponse?.RestException ?? {};
        body = { code: Number(exception.Code), message: exception.Message, status: Number(exception.Status) };
      } else throw new Error(`${what}: answered ${response.status} with Content-Type "${type}"`);
      expect({ what, code: typeof body.code, message: typeof body.message, status: body.status }).toEqual({
        what,
        code: 'number',
        message: 'string',
        status: response.status,
      });
    }
  }

  function expectRefused(response: Response, what: string, allowed: number[] = []): void {
    sent++;
    if (response.status >= 500) throw new Error(`${what}: answered ${response.status} ${response.text}`);
    if (!allowed.includes(response.status)) {
      expect({ what, status: response.status >= 400 && response.status < 500 }).toEqual({
        what,
        status: true,
      });
    }
    expectErrorShape(response, what);
  }

  const concrete = (route: Route, values: Record<string, string> = {}) =>
    fillRoute(route.path, { accountSid: platform.accountSid, ...values }, (name) =>
      name.endsWith('Sid') ? `${name.slice(0, 2).toUpperCase()}${'0'.repeat(32)}` : 'x',
    );

  const send = (method: Route['method'], path: string) => {
    const agent = platform.http();
    const call = (
      {
        GET: agent.get(path),
        POST: agent.post(path),
        PUT: agent.put(path),
        PATCH: agent.patch(path),
        DELETE: agent.delete(path),
      } as const
    )[method];
    return call.auth(platform.accountSid, platform.authToken);
  };

  it('refuses unknown and malformed sids in every route with a sid', async () => {
    const withSids = routes.filter((route) => /:(?!accountSid)[A-Za-z]+Sid/.test(route.path));
    expect(withSids.length).toBeGreaterThan(5);
    for (const route of withSids) {
      for (const sid of ['nope', 'CA' + 'f'.repeat(32), 'CA../../x', '%00']) {
        const path = fillRoute(route.path, { accountSid: platform.accountSid }, () =>
          encodeURIComponent(sid),
        );
        for (const suffix of ['', '.json']) {
          const response = await send(route.method, path + suffix);
          expectRefused(response, `${route.method} ${path}${suffix}`);
        }
      }
    }
  });

  it('refuses malformed, too deep and oversized bodies on every POST route', async () => {
    const posts = routes.filter((route) => route.method === 'POST');
    expect(posts.length).toBeGreaterThan(5);
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const deepObject = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    for (const route of posts) {
      const path = concrete(route) + (route.path.startsWith('/2010') ? '.json' : '');
      const malformed = await send('POST', path).set('Content-Type', 'application/json').send('{"From": ');
      expectRefused(malformed, `malformed JSON to ${path}`);
      expect(malformed.status).toBe(400);
      expect(malformed.text).toContain('20400');

      for (const body of [deep, deepObject]) {
        const response = await send('POST', path).set('Content-Type', 'application/json').send(body);
        expectRefused(response, `deep JSON to ${path}`);
        expect(response.status).toBe(400);
      }

      const huge = await send('POST', path)
        .type('form')
        .send(`From=${'a'.repeat(100 * 1024)}`);
      expectRefused(huge, `oversized body to ${path}`);
      expect(huge.status).toBe(413);
      expect(huge.text).toContain('20413');
    }
  });

  it('refuses fuzzed parameters on every POST route without a 5xx', async () => {
    const posts = routes.filter((route) => route.method === 'POST');
    const hostileText = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc
        .tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...CONTROL), fc.string({ maxLength: 10 }))
        .map(([a, c, b]) => a + c + b),
      fc.constantFrom('', ' ', 'sip:', 'http://', '-1', '1e309', 'NaN', '[object Object]', '<x/>', 'AC'),
    );
    const fieldName = fc.constantFrom(
      'From',
      'To',
      'Url',
      'Method',
      'StatusCallback',
      'Timeout',
      'FriendlyName',
      'PhoneNumber',
      'VoiceUrl',
      'Login',
      'Password',
      'Status',
      'Muted',
      'CallerName',
      'Bogus',
      'a[b][c][d][e][f]',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...posts),
        fc.dictionary(fieldName, hostileText, { minKeys: 1, maxKeys: 5 }),
        fc.constantFrom('form', 'json'),
        async (route, fields, type) => {
          const path = concrete(route) + (route.path.startsWith('/2010') ? '.json' : '.json');
          const response = await send('POST', path).type(type).send(fields);
          // A well-formed random request may legitimately create something.
          expectRefused(response, `POST ${path} ${JSON.stringify(fields)}`, [200, 201]);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('answers unknown routes with 20404 in each family shape', async () => {
    const cases: Array<[string, 'json' | 'xml']> = [
      ['/nothing-here', 'json'],
      [`/2010-04-01/Accounts/${'AC' + '0'.repeat(32)}/Nope.json`, 'json'],
      [`/2010-04-01/Nope`, 'json'],
      [`/restcomm/2012-04-24/Accounts/${'AC' + '0'.repeat(32)}/Nope`, 'xml'],
      [`/restcomm/2012-04-24/Accounts/${'AC' + '0'.repeat(32)}/Nope.json`, 'json'],
    ];
    for (const [path, format] of cases) {
      for (const method of ['GET', 'POST', 'DELETE'] as const) {
        const response = await send(method, path);
        expectRefused(response, `${method} ${path}`);
        expect(response.status).toBe(404);
        expect(response.headers['content-type']).toContain(format);
        expect(response.text).toContain('20404');
      }
    }
  });

  it('answers wrong credentials with 401 in shape on every account route', async () => {
    for (const route of routes) {
      const response = await send(route.method, concrete(route)).auth(
        platform.accountSid,
        'wrong-token-0123456789',
      );
      expectRefused(response, `${route.method} ${route.path} with a wrong token`);
      expect(response.status).toBe(401);
    }
  });

  it('answers oversized headers with 431 and a JSON error body', async () => {
    const port = (platform.app.getHttpServer().address() as { port: number }).port;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    sent++;
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ code: 20431, status: 431, message: expect.any(String) });
  });

  it('is still serving after the corpus', async () => {
    await platform.http().get('/health').expect(200);
  });
});
