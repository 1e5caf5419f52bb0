import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { buildCallRequest, farEndUri } from './factories/call-request.factory';
import { CallsClient } from './support/calls-client';
import { HttpRecorder } from './support/http-recorder';
import { freePort, waitUntil } from './support/platform';
import {
  buildPlatform,
  PlatformProcess,
  startPlatformProcess,
  stopPlatformProcess,
} from './support/platform-process';
import { createTestDatabase, TestDatabase, usesPostgres } from './support/postgres-database';
import { AsteriskServer, restoreStack, startScaleStack, stopServer } from './support/scale-stack';

jest.setTimeout(240_000);

/**
 * Two platform nodes on one PostgreSQL, over the two Asterisk servers of the local scale-out stack
 * (e2e-postgres project): each node holds one server's events; requests about the other node's calls
 * are carried out by it; a node killed with SIGKILL has its server and calls taken over.
 */
(usesPostgres() ? describe : describe.skip)(
  'scale-out: two platform nodes, two Asterisk servers, one PostgreSQL',
  () => {
    const accountSid = 'AC' + randomBytes(16).toString('hex');
    const authToken = randomBytes(16).toString('hex');
    const dataDirs: string[] = [];
    let servers: AsteriskServer[];
    let database: TestDatabase;
    let db: Client;
    let appServer: HttpRecorder;
    let pause: string;
    const nodes: PlatformProcess[] = [];

    async function startNode(): Promise<PlatformProcess> {
      const port = await freePort();
      const dataDir = mkdtempSync(join(tmpdir(), 'callwright-node-'));
      dataDirs.push(dataDir);
      const node = await startPlatformProcess({
        port,
        dataDir,
        accountSid,
        authToken,
        env: {
          DATABASE_TYPE: 'postgres',
          DATABASE_URL: database.url,
          ASTERISK_SERVERS: JSON.stringify(servers),
          NODE_URL: `http://127.0.0.1:${port}`,
        },
      });
      nodes.push(node);
      return node;
    }

    const serverOf = async (sid: string): Promise<string | null> =>
      (await db.query('SELECT asterisk_server FROM calls WHERE sid = $1', [sid])).rows[0]?.asterisk_server ??
      null;

    /** How many Asterisk server locks the node holds (its lock connection is named after its NODE_URL). */
    const locksOf = async (node: PlatformProcess): Promise<number> =>
      (
        await db.query(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = $1`,
          [`cw-node http://127.0.0.1:${node.port}`],
        )
      ).rows[0].n;

    async function place(
      node: PlatformProcess,
      name: string,
      fields: Record<string, string> = {},
    ): Promise<string> {
      appServer.on(`/status/${name}`, { status: 204 });
      const created = await new CallsClient(node)
        .create(
          buildCallRequest({
            Url: pause,
            StatusCallback: `${appServer.baseUrl}/status/${name}`,
            ...fields,
          }),
        )
        .expect(201);
      return created.body.sid as string;
    }

    const setLimits = (node: PlatformProcess, fields: Record<string, string>) =>
      node
        .http()
        .post(`/restcomm/2012-04-24/Accounts/${accountSid}.json`)
        .auth(accountSid, authToken)
        .type('form')
        .send(fields)
        .expect(200);

    const hangUp = (node: PlatformProcess, sid: string) =>
      node
        .http()
        .post(new CallsClient(node).path(`/${sid}.json`))
        .auth(accountSid, authToken)
        .type('form')
        .send({ Status: 'completed' })
        .expect(200);

    const finalCallbacks = (name: string) =>
      appServer.requestsTo(`/status/${name}`).filter((r) => r.body.CallStatus === 'completed').length;

    beforeAll(async () => {
      buildPlatform();
      servers = await startScaleStack();
      database = await createTestDatabase();
      appServer = await new HttpRecorder().start();
      pause = appServer.rcml('/pause.xml', '<Response><Pause length="120"/></Response>');
      // The first node creates the schema; the second starts while the first still spreads the servers.
      await startNode();
      await startNode();
      db = new Client({ connectionString: database.url });
      await db.connect();
    }, 180_000);

    // A test that fails half-way leaves no tightened limits to the next (node B lives to the end).
    afterEach(async () => {
      await setLimits(nodes[1], { Cps: '10', MaxConcurrentCalls: '200', MaxQueuedCalls: '1000' });
    });

    afterAll(async () => {
      for (const node of nodes) await stopPlatformProcess(node.child, 'SIGKILL');
      await db?.end();
      await appServer?.stop();
      await database?.drop();
      await restoreStack();
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    });

    it('each node holds one server: calls through both nodes spread over both servers', async () => {
      const [a, b] = nodes;
      expect([await locksOf(a), await locksOf(b)]).toEqual([1, 1]);
      const sids = [await place(a, 'spread-a1'), await place(b, 'spread-b1'), await place(a, 'spread-a2')];
      for (const sid of sids) await new CallsClient(a).waitForStatus(sid, ['in-progress'], 20_000);
      // One query at a time: the test's one pg client.
      const where: Array<string | null> = [];
      for (const sid of sids) where.push(await serverOf(sid));
      expect(new Set(where)).toEqual(new Set(['ast1', 'ast2']));
      // A node's calls are on the server it holds.
      expect(where[0]).toBe(where[2]);
      // Each hung up through the node that created it.
      for (const [i, sid] of sids.entries())
        await (i === 1 ? b : a)
          .http()
          .post(new CallsClient(a).path(`/${sid}.json`))
          .auth(accountSid, authToken)
          .type('form')
          .send({ Status: 'completed' })
          .expect(200);
      for (const sid of sids) await new CallsClient(b).waitForStatus(sid, ['completed'], 20_000);
    });

    it('a call created through node A is redirected and hung up through node B', async () => {
      const [a, b] = nodes;
      const sid = await place(a, 'cross');
      await new CallsClient(a).waitForStatus(sid, ['in-progress'], 20_000);
      const redirected = appServer.rcml('/redirected.xml', '<Response><Pause length="60"/></Response>');
      const viaB = (fields: Record<string, string>) =>
        b
          .http()
          .post(new CallsClient(b).path(`/${sid}.json`))
          .auth(accountSid, authToken)
          .type('form')
          .send(fields);
      await viaB({ Url: redirected }).expect(200);
      await waitUntil(
        async () => appServer.requestsTo('/redirected.xml').length === 1,
        10_000,
        'the new RCML',
      );
      // Errors come back as the owner gives them, in the API's own shape.
      const refused = await viaB({ Status: 'bogus' });
      expect(refused.status).toBe(400);
      await viaB({ Status: 'completed' }).expect(200);
      const done = await new CallsClient(b).waitForStatus(sid, ['completed'], 20_000);
      expect(done.status).toBe('completed');
      await waitUntil(async () => finalCallbacks('cross') === 1, 10_000, 'the final callback');
    });

    it("PBX sessions are carried out by the node that holds them: PortSIP and RingCentral through node B act on node A's", async () => {
      const [a, b] = nodes;
      const dial = appServer.rcml(
        '/dial.xml',
        `<Response><Dial><Sip>${farEndUri('answer')}</Sip></Dial></Response>`,
      );
      const sid = await place(a, 'session', { Url: dial });
      await new CallsClient(a).waitForStatus(sid, ['in-progress'], 20_000);
      const portsipToken = async (node: PlatformProcess) =>
        (
          await node
            .http()
            .post('/api/login/oauth/token')
            .type('form')
            .send({ grant_type: 'password', username: accountSid, password: authToken })
            .expect(200)
        ).body.access_token as string;
      const [tokenA, tokenB] = [await portsipToken(a), await portsipToken(b)];
      const portsip = (node: PlatformProcess, token: string, path: string) =>
        node.http().get(path).set('Authorization', `Bearer ${token}`);
      // The Dial's conversation on node A, with both legs in it.
      let id = '';
      await waitUntil(
        async () => {
          const listed = await portsip(a, tokenA, '/api/sessions').expect(200);
          const found = (listed.body.items as Array<{ id: string; calls: Array<{ call_sid: string }> }>).find(
            (item) => item.calls.length === 2 && item.calls.some((call) => call.call_sid === sid),
          );
          id = found?.id ?? '';
          return id !== '';
        },
        15_000,
        "the Dial's session on node A",
      );
      const onA = await portsip(a, tokenA, `/api/sessions/${id}`).expect(200);
      const viaB = await portsip(b, tokenB, `/api/sessions/${id}`).expect(200);
      expect(viaB.body.id).toBe(id);
      expect(viaB.body.calls.map((call: { call_sid: string }) => call.call_sid)).toEqual(
        onA.body.calls.map((call: { call_sid: string }) => call.call_sid),
      );
      // Node B's list has node A's sessions too.
      const listedViaB = await portsip(b, tokenB, '/api/sessions').expect(200);
      expect(listedViaB.body.items.map((item: { id: string }) => item.id)).toContain(id);
      expect(listedViaB.body.count).toBe(listedViaB.body.items.length);
      // A session no node holds: node B's answer is the one node A gives, in PortSIP's shape.
      const unknown = `/api/sessions/cw-bridge-${randomUUID()}`;
      const [missingOnA, missingViaB] = [
        await portsip(a, tokenA, unknown),
        await portsip(b, tokenB, unknown),
      ];
      expect(missingViaB.status).toBe(404);
      expect(missingViaB.body).toEqual(missingOnA.body);
      expect(missingViaB.body).toMatchObject({ status: 404 });

      const ringcentralToken = (
        await b
          .http()
          .post('/restapi/oauth/token')
          .auth(accountSid, authToken)
          .type('form')
          .send({ grant_type: 'client_credentials' })
          .expect(200)
      ).body.access_token as string;
      const telephony = await b
        .http()
        .get(`/restapi/v1.0/account/~/telephony/sessions/${id}`)
        .set('Authorization', `Bearer ${ringcentralToken}`)
        .expect(200);
      expect(telephony.body.id).toBe(id);
      expect(telephony.body.parties).toHaveLength(2);

      // Ended through node B: node A hangs up both legs.
      await b
        .http()
        .post(`/api/sessions/${id}/destroy`)
        .set('Authorization', `Bearer ${tokenB}`)
        .send({})
        .expect(200);
      await new CallsClient(b).waitForStatus(sid, ['completed'], 20_000);
    });

    it("an account's limits hold across both nodes: concurrency, queue places and the cps pace", async () => {
      const [a, b] = nodes;
      const calls = new CallsClient(b);
      // Changed through node A; node B applies them too.
      await setLimits(a, { Cps: '2', MaxConcurrentCalls: '2', MaxQueuedCalls: '1' });
      const initiated = { StatusCallbackEvent: 'initiated completed' };
      const first = await place(a, 'limit-1', initiated);
      const second = await place(b, 'limit-2', initiated);
      await calls.waitForStatus(first, ['in-progress'], 20_000);
      await calls.waitForStatus(second, ['in-progress'], 20_000);
      // Two calls created back to back through two nodes are dialed one slot (1/cps) apart.
      const dialedAt = (name: string) =>
        appServer.requestsTo(`/status/${name}`).find((r) => r.body.CallStatus === 'initiated')!.receivedAt;
      expect(Math.abs(dialedAt('limit-2') - dialedAt('limit-1'))).toBeGreaterThanOrEqual(400);

      // One live call on each node: the account is at max_concurrent_calls, so a third waits…
      const third = await place(a, 'limit-3');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await calls.fetch(third).expect(200)).body.status).toBe('queued');
      // …and it holds the account's one queue place on the other node too.
      const refused = await new CallsClient(b).create(buildCallRequest({ Url: pause }));
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe(20429);

      // A call ending on node B makes room for the call waiting on node A.
      await hangUp(b, second);
      await calls.waitForStatus(third, ['in-progress'], 20_000);
      for (const sid of [first, third]) await hangUp(a, sid);
      for (const sid of [first, second, third]) await calls.waitForStatus(sid, ['completed'], 20_000);
    });

    it('kill -9 of node A with 10 live calls: node B takes its server over; the calls stay up and controllable', async () => {
      const [a, b] = nodes;
      const names = Array.from({ length: 10 }, (_, i) => `kill-${i}`);
      const sids: string[] = [];
      for (const name of names) sids.push(await place(a, name));
      for (const sid of sids) await new CallsClient(a).waitForStatus(sid, ['in-progress'], 30_000);
      const serverOfA = (await serverOf(sids[0]))!;
      // One more waits in node A's queue: the account is at its limit.
      await setLimits(a, { MaxConcurrentCalls: '10' });
      const orphan = await place(a, 'kill-queued');
      expect((await new CallsClient(a).fetch(orphan).expect(200)).body.status).toBe('queued');
      await stopPlatformProcess(a.child, 'SIGKILL');
      const killedAt = Date.now();
      // B holds both servers within a few seconds.
      await waitUntil(async () => (await locksOf(b)) === 2, 15_000, `node B holding ${serverOfA}`);
      expect(Date.now() - killedAt).toBeLessThan(12_000);
      const calls = new CallsClient(b);
      for (const sid of sids) expect((await calls.fetch(sid).expect(200)).body.status).toBe('in-progress');
      // The queued call died with node A's memory: node B closes it, with its final callback.
      const closed = await calls.waitForStatus(orphan, ['failed', 'canceled'], 20_000);
      expect(closed.status).toBe('failed');
      await waitUntil(
        async () => appServer.requestsTo('/status/kill-queued').some((r) => r.body.CallStatus === 'failed'),
        10_000,
        "the queued call's final callback",
      );
      await setLimits(b, { MaxConcurrentCalls: '200' });
      // Controllable through B: each hangs up, and its final callback goes out once.
      for (const sid of sids)
        await b
          .http()
          .post(calls.path(`/${sid}.json`))
          .auth(accountSid, authToken)
          .type('form')
          .send({ Status: 'completed' })
          .expect(200);
      for (const sid of sids) await calls.waitForStatus(sid, ['completed'], 20_000);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      for (const name of names) expect(finalCallbacks(name)).toBe(1);
    });

    it('stopping one Asterisk takes it out of rotation: new calls still succeed on the other', async () => {
      const b = nodes[1];
      await stopServer('ast2');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const sids = [await place(b, 'rotation-1'), await place(b, 'rotation-2')];
      const calls = new CallsClient(b);
      for (const sid of sids) {
        await calls.waitForStatus(sid, ['in-progress'], 20_000);
        expect(await serverOf(sid)).toBe('ast1');
        await b
          .http()
          .post(calls.path(`/${sid}.json`))
          .auth(accountSid, authToken)
          .type('form')
          .send({ Status: 'completed' })
          .expect(200);
        await calls.waitForStatus(sid, ['completed'], 20_000);
      }
    });
  },
);
