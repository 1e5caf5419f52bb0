import { DataSource } from 'typeorm';
import { AccountDispatchSlots1766800000100 } from '../../../../migrations/1766800000100-account-dispatch-slots';
import { createTestDatabase, TestDatabase, usesPostgres } from '../../../../test/support/postgres-database';
import { waitUntil } from '../../../../test/support/platform';
import type { AccountLoad, AccountLoadSource } from './shared-account-load.port';
import { PgAccountLoad } from './pg-account-load';

/** A node's own side: its counts per account, and what the other nodes told it. */
class NodeSide implements AccountLoadSource {
  readonly counts = new Map<string, AccountLoad>();
  readonly changed: string[] = [];
  readonly limitsChanged: string[] = [];
  loadOf = (accountSid: string) => this.counts.get(accountSid) ?? { live: 0, waiting: 0 };
  busyAccounts = () => this.counts.keys();
  changedElsewhere = (accountSid: string) => void this.changed.push(accountSid);
  limitsChangedElsewhere = (accountSid: string) => void this.limitsChanged.push(accountSid);
}

/** Real PostgreSQL (the medium-postgres project): two nodes' account load on one database. */
(usesPostgres() ? describe : describe.skip)('PgAccountLoad (LISTEN/NOTIFY and the shared pace)', () => {
  let database: TestDatabase;
  const running: PgAccountLoad[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const schema = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: [AccountDispatchSlots1766800000100],
    });
    await schema.initialize();
    await schema.runMigrations();
    await schema.destroy();
  });

  afterAll(async () => {
    await Promise.all(running.map((load) => load.stop()));
    await database?.drop();
  });

  async function node(name: string, heartbeatMs = 60_000) {
    const side = new NodeSide();
    const load = new PgAccountLoad(database.url, name, heartbeatMs);
    running.push(load);
    await load.attach(side);
    return { side, load };
  }

  it("counts the other nodes' calls, hears a new node at once, and forgets a node that stops", async () => {
    const a = await node('A');
    a.side.counts.set('AC1', { live: 2, waiting: 1 });
    a.load.touched('AC1');
    const b = await node('B');
    // B has just started: A answers its hello with what it holds.
    await waitUntil(() => b.load.elsewhere('AC1').live === 2, 3000, "A's counts at B");
    expect(b.load.elsewhere('AC1')).toEqual({ live: 2, waiting: 1 });
    expect(b.side.changed).toContain('AC1');
    expect(a.load.elsewhere('AC1')).toEqual({ live: 0, waiting: 0 });

    b.side.counts.set('AC1', { live: 1, waiting: 0 });
    b.load.touched('AC1');
    await waitUntil(() => a.load.elsewhere('AC1').live === 1, 3000, "B's counts at A");

    a.load.announceLimits('AC1');
    await waitUntil(() => b.side.limitsChanged.includes('AC1'), 3000, 'limits change at B');
    expect(a.side.limitsChanged).toEqual([]);

    expect(await a.load.nodeAlive('B')).toBe(true);
    await b.load.stop();
    await waitUntil(() => a.load.elsewhere('AC1').live === 0, 3000, 'B forgotten');
    expect(await a.load.nodeAlive('B')).toBe(false);
    expect(await a.load.nodeAlive('A')).toBe(true);
  });

  it('expires the counts of a node that stops repeating them', async () => {
    const c = await node('C', 200);
    const d = await node('D', 200);
    d.side.counts.set('AC2', { live: 4, waiting: 0 });
    d.load.touched('AC2');
    await waitUntil(() => c.load.elsewhere('AC2').live === 4, 3000, "D's counts at C");
    // D stops telling without a goodbye, as a killed node does.
    (d.load as unknown as { timer: NodeJS.Timeout }).timer.close();
    await waitUntil(() => c.load.elsewhere('AC2').live === 0, 5000, "D's counts expire");
  });

  it('gives two nodes dialing the same account distinct slots, one interval apart', async () => {
    const e = await node('E');
    const f = await node('F');
    const startedAt = Date.now();
    const waits = await Promise.all([
      e.load.claimSlot('AC3', 250),
      f.load.claimSlot('AC3', 250),
      e.load.claimSlot('AC3', 250),
      f.load.claimSlot('AC3', 250),
    ]);
    const dueAt = waits.map((wait) => Date.now() - startedAt + wait).sort((x, y) => x - y);
    for (let i = 1; i < dueAt.length; i++) expect(dueAt[i] - dueAt[i - 1]).toBeGreaterThan(200);
    expect(dueAt[0]).toBeLessThan(200);
    // Another account has its own pace.
    expect(await e.load.claimSlot('AC4', 250)).toBeLessThan(50);
  });
});
