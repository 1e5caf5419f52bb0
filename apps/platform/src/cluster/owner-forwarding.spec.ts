import express, { type Express } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import type { Repository } from 'typeorm';
import type { CallEntity } from '../call-control/legs/call.entity';
import { CallStatus } from '../call-control/legs/call-status';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { sendPortsipError } from '../sessions/portsip/portsip-exception.filter';
import { sendRingcentralError } from '../sessions/ringcentral/ringcentral-exception.filter';
import { sipxPairOf } from '../sessions/sipx/sipx-session-route';
import type { ServerClaims } from '../telephony/ownership/server-locks';
import { OwnerForwarding } from './owner-forwarding';
import { PROBE_HEADER } from './session-probe';
import { SessionRoutes } from './session-routes';

const silent = { warn: () => undefined, log: () => undefined } as never;
const CALL = 'CA' + 'a'.repeat(32);

/** One platform node: the forwarding in front of routes that say which node answered. */
class TestNode {
  readonly sessions = new Set<string>();
  readonly seen: Array<{ path: string; body: unknown }> = [];
  url = '';
  peers: string[] = [];
  callHolder: string | null = null;
  failing = false;
  private server: Server | null = null;

  constructor(
    readonly name: string,
    database: Map<string, string>,
  ) {
    const routes = new SessionRoutes();
    const holds = (session: string) => this.sessions.has(session);
    routes.add({
      covers: (path) => path.startsWith('/api/'),
      sessionOf: (path) => /^\/api\/sessions\/([^/]+)/.exec(path)?.[1] ?? null,
      holds,
      refuse: (res, error) => sendPortsipError(res, error, silent),
    });
    routes.add({
      covers: (path) => path.startsWith('/restapi/'),
      sessionOf: () => null,
      holds,
      refuse: (res, error) => sendRingcentralError(res, error, silent),
    });
    routes.add({
      covers: (path) => path.startsWith('/callcontroller/'),
      sessionOf: sipxPairOf,
      holds,
      refuse: () => undefined,
    });
    const claims: ServerClaims = {
      start: async () => undefined,
      stop: async () => undefined,
      holds: () => this.callHolder === null,
      holderUrl: async () => this.callHolder,
      otherNodes: async () => this.peers,
    };
    const calls = {
      findOne: async () => ({ sid: CALL, status: CallStatus.InProgress, asteriskServer: 'ast2' }),
      // The one database both nodes share: where the probe secret is kept.
      manager: {
        query: async (sql: string, [name, value]: string[]) => {
          if (this.failing) throw new Error('database down');
          if (sql.startsWith('INSERT') && !database.has(name)) database.set(name, value);
          return sql.startsWith('SELECT') ? [{ value: database.get(name) }] : [];
        },
      },
    } as unknown as Repository<CallEntity>;
    const forwarding = new OwnerForwarding(claims, calls, routes);
    (forwarding as unknown as { logger: unknown }).logger = silent;
    this.app = express();
    this.app.use(forwarding.middleware);
    this.app.use(express.json());
    const answer = (req: express.Request, res: express.Response) => {
      this.seen.push({ path: req.path, body: req.body });
      const session = /^\/api\/sessions\/([^/]+)/.exec(req.path)?.[1];
      if (session && !this.sessions.has(session))
        return sendPortsipError(
          res,
          new DomainError(DomainErrorCode.NotFound, `No session ${session}`),
          silent,
        );
      res.json({ answeredBy: this.name, body: req.body });
    };
    this.app.all('*', answer);
  }

  private readonly app: Express;

  async start(): Promise<this> {
    this.server = await new Promise<Server>((resolve) => {
      const server = this.app.listen(0, '127.0.0.1', () => resolve(server));
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  http() {
    return request(this.app);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('OwnerForwarding: requests about another node’s sessions and calls', () => {
  let a: TestNode;
  let b: TestNode;

  beforeEach(async () => {
    const database = new Map<string, string>();
    [a, b] = await Promise.all([new TestNode('A', database).start(), new TestNode('B', database).start()]);
    a.peers = [b.url];
    b.peers = [a.url];
  });
  afterEach(() => Promise.all([a.stop(), b.stop()]));

  it('carries out a request about a session the other node holds there, body and all', async () => {
    b.sessions.add('cw-bridge-1');
    const answer = await a
      .http()
      .post('/api/sessions/cw-bridge-1/refer')
      .send({ target: '1003' })
      .expect(200);
    expect(answer.body).toEqual({ answeredBy: 'B', body: { target: '1003' } });
    expect(a.seen).toEqual([]);
  });

  it('answers here a session it holds, and one that no node holds', async () => {
    a.sessions.add('cw-bridge-2');
    expect((await a.http().get('/api/sessions/cw-bridge-2').expect(200)).body.answeredBy).toBe('A');
    const missing = await a.http().get('/api/sessions/cw-bridge-3').expect(404);
    expect(missing.body).toEqual({
      code: DomainErrorCode.NotFound,
      message: 'No session cw-bridge-3',
      status: 404,
    });
    expect(b.seen).toEqual([]);
  });

  it('finds the sipX call between two users on the node that placed it', async () => {
    b.sessions.add('1001\u00001002');
    const answer = await a.http().get('/callcontroller/1001@pbx.example.com/1002').expect(200);
    expect(answer.body.answeredBy).toBe('B');
    // Another pair is placed here.
    expect((await a.http().post('/callcontroller/1001/1003').expect(200)).body.answeredBy).toBe('A');
  });

  it('tells a session’s whereabouts only to a node that knows the database’s secret', async () => {
    b.sessions.add('cw-bridge-4');
    await b.http().get('/api/sessions/cw-bridge-4').set(PROBE_HEADER, 'guess').expect(404);
    await b.http().get('/api/sessions/cw-bridge-5').set(PROBE_HEADER, 'guess').expect(404);
    expect(b.seen).toEqual([]);
  });

  it('answers a probe 404 when the database cannot be asked for the secret', async () => {
    const down = new TestNode('down', new Map());
    down.failing = true;
    await down.start();
    b.sessions.add('cw-bridge-6');
    await down.http().get('/api/sessions/cw-bridge-6').set(PROBE_HEADER, 'any').expect(404);
    await down.stop();
  });

  it('refuses in the family’s own shape when the node holding the call does not answer', async () => {
    const gone = await new TestNode('gone', new Map()).start();
    await gone.stop();
    a.callHolder = gone.url;
    const portsip = await a.http().get(`/api/calls/${CALL}`).expect(503);
    expect(portsip.body).toMatchObject({ code: DomainErrorCode.TelephonyUnavailable, status: 503 });
    const ringcentral = await a
      .http()
      .get(`/restapi/v1.0/account/~/telephony/sessions/s/parties/${CALL}`)
      .expect(503);
    expect(ringcentral.body).toMatchObject({ errorCode: 'CMN-211', errors: [{ errorCode: 'CMN-211' }] });
    const restcomm = await a.http().get(`/restcomm/2012-04-24/Accounts/AC1/Calls/${CALL}.json`).expect(503);
    expect(restcomm.body).toMatchObject({ code: 20500, status: 503 });
    expect(a.seen).toEqual([]);
  });
});
