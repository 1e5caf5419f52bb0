import {
  createTestDatabase,
  TestDatabase,
  usesPostgres,
} from '../../../../../test/support/postgres-database';
import { waitUntil } from '../../../../../test/support/platform';
import { PgServerLocks } from './server-locks';

/** Real PostgreSQL (the medium-postgres project): two nodes' locks on one database. */
(usesPostgres() ? describe : describe.skip)('PgServerLocks (PostgreSQL advisory locks)', () => {
  let database: TestDatabase;
  const running: PgServerLocks[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(running.map((locks) => locks.stop()));
    await database?.drop();
  });

  function node(url: string) {
    const acquired: string[] = [];
    const locks = new PgServerLocks(database.url, url, () => undefined, 1500);
    running.push(locks);
    return { locks, acquired, start: () => locks.start(['ast1', 'ast2'], (name) => acquired.push(name)) };
  }

  it("spreads the servers over two nodes, names each holder, and hands a dead node's servers over", async () => {
    const a = node('http://127.0.0.1:1001');
    const b = node('http://127.0.0.1:1002');
    await Promise.all([a.start(), b.start()]);
    // Each node takes one server at once; none holds a server another holds.
    expect(a.acquired).toHaveLength(1);
    expect(b.acquired).toHaveLength(1);
    expect(a.acquired[0]).not.toBe(b.acquired[0]);
    const [heldByA, heldByB] = [a.acquired[0], b.acquired[0]];
    expect(await a.locks.holderUrl(heldByB)).toBe('http://127.0.0.1:1002');
    expect(await b.locks.holderUrl(heldByA)).toBe('http://127.0.0.1:1001');
    expect(await a.locks.holderUrl(heldByA)).toBeNull();
    // Each knows the other as the one node to ask about sessions it does not hold.
    expect(await a.locks.otherNodes()).toEqual(['http://127.0.0.1:1002']);
    expect(await b.locks.otherNodes()).toEqual(['http://127.0.0.1:1001']);

    // Node A goes away (its connection closes, as when the process dies): B takes its server.
    const startedAt = Date.now();
    await a.locks.stop();
    await waitUntil(() => b.locks.holds(heldByA), 8000, 'takeover');
    expect(Date.now() - startedAt).toBeLessThan(6000);
    expect(b.acquired).toEqual([heldByB, heldByA]);
    expect(await b.locks.otherNodes()).toEqual([]);
  });
});
