import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { newSid } from '../apps/platform/src/common/sid';
import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { buildClientRequest } from './factories/client-request.factory';
import { buildIncomingNumberRequest } from './factories/incoming-number-request.factory';
import { RunningPlatform, startPlatform, waitUntil } from './support/platform';

const RESTCOMM = '/restcomm/2012-04-24';
const TWILIO = '/2010-04-01';
const FINAL = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];

/** Every (method, path) the running app routes whose path names an account. */
interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  path: string;
}

function accountRoutes(app: INestApplication): ApiRoute[] {
  const router = app.getHttpAdapter().getInstance()._router as {
    stack: { route?: { path: string; methods: Record<string, boolean> } }[];
  };
  const routes: ApiRoute[] = [];
  for (const layer of router.stack) {
    if (!layer.route || !layer.route.path.includes(':accountSid')) continue;
    for (const method of Object.keys(layer.route.methods))
      routes.push({ method: method as ApiRoute['method'], path: layer.route.path });
  }
  return routes;
}

interface Tenant {
  sid: string;
  token: string;
  friendlyName: string;
  callSid: string;
  numberSid: string;
  phoneNumber: string;
  clientSid: string;
  login: string;
  keySid: string;
  keySecret: string;
  notificationSid: string | null;
}

describe('Tenant isolation: a generated walk of every account route in both dialects', () => {
  let platform: RunningPlatform;
  let a: Tenant;
  let b: Tenant;

  const http = () => platform.http();

  async function createTenant(name: string): Promise<Tenant> {
    const account = await http()
      .post(`${TWILIO}/Accounts.json`)
      .auth(platform.accountSid, platform.authToken)
      .type('form')
      .send({ FriendlyName: name })
      .expect(201);
    const { sid, auth_token: token } = account.body;
    const api = (path: string) => `${RESTCOMM}/Accounts/${sid}${path}`;
    // Answered, then its Url cannot be fetched: the call ends quickly and leaves a notification.
    const call = await http()
      .post(api('/Calls.json'))
      .auth(sid, token)
      .type('form')
      .send(buildCallRequest({ To: farEndUri('answer'), Url: 'http://127.0.0.1:9/nothing-here.xml' }))
      .expect(201);
    const number = await http()
      .post(api('/IncomingPhoneNumbers.json'))
      .auth(sid, token)
      .type('form')
      .send(buildIncomingNumberRequest())
      .expect(201);
    const client = await http()
      .post(api('/Clients.json'))
      .auth(sid, token)
      .type('form')
      .send(buildClientRequest())
      .expect(201);
    const key = await http()
      .post(`${TWILIO}/Accounts/${sid}/Keys.json`)
      .auth(sid, token)
      .type('form')
      .send({ FriendlyName: `${name} key` })
      .expect(201);
    await waitUntil(
      async () =>
        FINAL.includes(
          (
            await http()
              .get(api(`/Calls/${call.body.sid}.json`))
              .auth(sid, token)
          ).body.status,
        ),
      20000,
      `the call of ${name} to end`,
    );
    let notificationSid: string | null = null;
    await waitUntil(
      async () => {
        const list = await http().get(api('/Notifications.json')).auth(sid, token);
        notificationSid = list.body.notifications?.[0]?.sid ?? null;
        return notificationSid !== null;
      },
      10000,
      `a notification of ${name}`,
    ).catch(() => undefined);
    return {
      sid,
      token,
      friendlyName: name,
      callSid: call.body.sid,
      numberSid: number.body.sid,
      phoneNumber: number.body.phone_number,
      clientSid: client.body.sid,
      login: client.body.login,
      keySid: key.body.sid,
      keySecret: key.body.secret,
      notificationSid,
    };
  }

  /**
   * The URL of a route for `owner`: each parameter becomes the owner's real resource of that kind
   * where it has one (`real` stays true), else a well-formed sid nobody has.
   */
  function instantiate(route: ApiRoute, owner: Tenant, json: boolean) {
    let real = true;
    const segments = route.path.split('/');
    const filled = segments.map((segment, i) => {
      if (!segment.startsWith(':')) return segment;
      const before = segments[i - 1];
      const value = ((): string | null => {
        if (segment === ':accountSid') return owner.sid;
        if (segment === ':callSid' && before !== 'Participants') return owner.callSid;
        if (before === 'IncomingPhoneNumbers') return owner.numberSid;
        if (before === 'Clients') return owner.clientSid;
        if (before === 'Keys') return owner.keySid;
        if (before === 'Notifications') return owner.notificationSid;
        return null;
      })();
      if (value) return value;
      real = false;
      const prefix =
        before === 'Recordings'
          ? 'RE'
          : before === 'Conferences'
            ? 'CF'
            : before === 'Notifications'
              ? 'NO'
              : 'CA';
      return prefix + randomBytes(16).toString('hex');
    });
    let path = filled.join('/');
    const twilio = path.startsWith('/2010-04-01/');
    if (json || twilio) path += '.json';
    return { url: twilio ? path : `/restcomm${path}`, real };
  }

  function send(route: ApiRoute, url: string, user: string, password: string) {
    const request = http()[route.method](url).auth(user, password);
    return route.method === 'get' || route.method === 'delete'
      ? request
      : request.type('form').send({ FriendlyName: 'x' });
  }

  /** What of A must never show up in another tenant's answers (the URL's own sids aside). */
  const secretsOf = (tenant: Tenant) => [
    tenant.token,
    tenant.friendlyName,
    tenant.phoneNumber,
    tenant.login,
    tenant.keySecret,
    tenant.callSid,
    tenant.numberSid,
    tenant.clientSid,
    tenant.keySid,
    ...(tenant.notificationSid ? [tenant.notificationSid] : []),
  ];

  beforeAll(async () => {
    platform = await startPlatform();
    [a, b] = [await createTenant('Tenant A'), await createTenant('Tenant B')];
  });

  afterAll(async () => {
    await platform?.close();
  });

  it("walks every route with B's credentials (token and API key) on A's path and sids: 404 and nothing of A", async () => {
    const routes = accountRoutes(platform.app);
    // RestComm: Calls, Call recordings and notifications, IncomingPhoneNumbers, Clients, Recordings,
    // Notifications, Conferences and participants, Accounts; Twilio: Calls, Keys, Accounts.
    expect(routes.length).toBeGreaterThanOrEqual(40);
    expect(routes.some((route) => route.path.startsWith('/2010-04-01/'))).toBe(true);
    expect(routes.some((route) => route.path.startsWith('/2012-04-24/'))).toBe(true);

    const walked: string[] = [];
    for (const route of routes) {
      for (const json of route.path.startsWith('/2012-04-24/') ? [true, false] : [true]) {
        const { url } = instantiate(route, a, json);
        for (const [user, password] of [
          [b.sid, b.token],
          [b.keySid, b.keySecret],
        ]) {
          const response = await send(route, url, user, password);
          const body = response.text;
          const leaked = secretsOf(a).filter((secret) => !url.includes(secret) && body.includes(secret));
          expect({ route: `${route.method.toUpperCase()} ${url}`, status: response.status, leaked }).toEqual({
            route: `${route.method.toUpperCase()} ${url}`,
            status: 404,
            leaked: [],
          });
          expect(body).toMatch(/20404/);
          // Indistinguishable from an account that does not exist at all.
          const nobody = newSid('AC');
          const stranger = await send(route, url.replace(a.sid, nobody), user, password);
          expect(stranger.status).toBe(404);
          expect(stranger.text.split(nobody).join(a.sid)).toBe(body);
          walked.push(`${route.method} ${url}`);
        }
      }
    }
    expect(walked.length).toBeGreaterThanOrEqual(136);

    // Nothing of A changed under the walk.
    const api = (path: string) => `${RESTCOMM}/Accounts/${a.sid}${path}`;
    await http()
      .get(api(`/Calls/${a.callSid}.json`))
      .auth(a.sid, a.token)
      .expect(200);
    await http()
      .get(api(`/IncomingPhoneNumbers/${a.numberSid}.json`))
      .auth(a.sid, a.token)
      .expect(200);
    const client = await http()
      .get(api(`/Clients/${a.clientSid}.json`))
      .auth(a.sid, a.token)
      .expect(200);
    expect(client.body.friendly_name).not.toBe('x');
    await http().get(`${TWILIO}/Accounts/${a.sid}/Keys/${a.keySid}.json`).auth(a.sid, a.token).expect(200);
  });

  it("walks every GET route with the main account's credentials on A's path: A's data, never 404 where A has it", async () => {
    const routes = accountRoutes(platform.app).filter((route) => route.method === 'get');
    let reached = 0;
    for (const route of routes) {
      for (const json of route.path.startsWith('/2012-04-24/') ? [true, false] : [true]) {
        const { url, real } = instantiate(route, a, json);
        const response = await send(route, url, platform.accountSid, platform.authToken);
        const label = `GET ${url}`;
        if (real) {
          expect({ label, status: response.status }).toEqual({ label, status: 200 });
          reached++;
        } else {
          // A has no such resource: an ordinary 404 of that resource, not a refusal of the account.
          expect({ label, status: response.status }).toEqual({ label, status: 404 });
          expect(response.text).not.toMatch(new RegExp(`/Accounts/${a.sid}(\\.json)? was not found`));
        }
        expect(response.status).toBeLessThan(500);
        for (const secret of secretsOf(b)) expect(response.text).not.toContain(secret);
      }
    }
    expect(reached).toBeGreaterThanOrEqual(31);
  });

  it('B cannot take over A\'s number or Login, and learns nothing more than "not available"', async () => {
    const asB = (path: string) => `${RESTCOMM}/Accounts/${b.sid}${path}`;
    const asA = (path: string) => `${RESTCOMM}/Accounts/${a.sid}${path}`;
    const byB = await http()
      .post(asB('/IncomingPhoneNumbers.json'))
      .auth(b.sid, b.token)
      .type('form')
      .send({ PhoneNumber: a.phoneNumber })
      .expect(400);
    const byA = await http()
      .post(asA('/IncomingPhoneNumbers.json'))
      .auth(a.sid, a.token)
      .type('form')
      .send({ PhoneNumber: a.phoneNumber })
      .expect(400);
    expect(byB.body).toEqual(byA.body);
    expect(byB.body).toMatchObject({
      code: 21422,
      message: `The phone number ${a.phoneNumber} is not available`,
    });

    const login = { Login: a.login, Password: 'correct-horse-42' };
    const loginByB = await http()
      .post(asB('/Clients.json'))
      .auth(b.sid, b.token)
      .type('form')
      .send(login)
      .expect(400);
    const loginByA = await http()
      .post(asA('/Clients.json'))
      .auth(a.sid, a.token)
      .type('form')
      .send(login)
      .expect(400);
    expect(loginByB.body).toEqual(loginByA.body);
    expect(loginByB.body.message).toBe(`The Login ${a.login} is not available`);
    for (const body of [byB.text, loginByB.text])
      for (const sid of [a.sid, a.numberSid, a.clientSid]) expect(body).not.toContain(sid);
  });
});
