/**
 * `npm run bench:console-stats`: the console's chart queries (console/stats/console-stats-sql.ts, the very
 * SQL the service runs) over 1,000,000 call records and 200,000 webhook events, on SQLite, or on
 * PostgreSQL with DATABASE_TYPE=postgres (a fresh database on postgres/stack.sh's private server, or on
 * POSTGRES_TEST_URL's; VACUUM ANALYZEd after seeding).
 *
 * A chart's cost is the calls inside its window, not the table's size, so the million calls are dense:
 * all in the past 7 days (~6,000 calls an hour, 60% of them one account's; calls-bench spreads them
 * over a year, ~110 an hour). The calls indexes are dropped during the bulk insert and rebuilt after,
 * as calls-bench does. Each window (1, 6, 24, 168 hours) of the busiest account is timed: median and
 * p95 of ITERATIONS runs of the three queries (in parallel, as the service runs them), after warm-up.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { BenchDb, createBenchDatabase, Engine, openPostgres, openSqlite, prng, sqliteTime } from './bench-db';
import { buildStatsSql, FINAL_STATUSES } from '../apps/platform/src/console/stats/console-stats-sql';
import { dataSourceOptions } from '../apps/platform/src/database/data-source-options';

const ENGINE: Engine = process.env.DATABASE_TYPE === 'postgres' ? 'postgres' : 'sqlite';
const TOTAL = Number(process.env.BENCH_CALLS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20);
const WINDOWS = [1, 6, 24, 168];
const HOUR = 3600_000;
const BATCH = 500;
const ACCOUNTS = Array.from({ length: 4 }, () => 'AC' + randomBytes(16).toString('hex'));
const SHARES = [0.6, 0.25, 0.1, 0.05];

const time = (ms: number) => (ENGINE === 'sqlite' ? sqliteTime(ms) : new Date(ms).toISOString());

function insertSql(table: string, columns: string[], rows: number): string {
  const ph = (i: number) => (ENGINE === 'sqlite' ? '?' : `$${i + 1}`);
  const values = Array.from(
    { length: rows },
    (_, r) => `(${columns.map((_c, c) => ph(r * columns.length + c)).join(',')})`,
  );
  return `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(',')}) VALUES ${values.join(',')}`;
}

const CALL_COLUMNS = [
  'sid',
  'account_sid',
  'to',
  'from',
  'status',
  'direction',
  'duration',
  'api_version',
  'date_created',
  'date_updated',
];
const EVENT_COLUMNS = ['call_sid', 'account_sid', 'at', 'kind', 'type', 'latency_ms', 'data'];

async function seed(db: BenchDb, spanMs: number, now: number): Promise<void> {
  const random = prng(7);
  const account = () => {
    let r = random();
    for (let i = 0; i < SHARES.length; i++) if ((r -= SHARES[i]) < 0) return ACCOUNTS[i];
    return ACCOUNTS[0];
  };
  await db.all('BEGIN');
  const callSql = insertSql('calls', CALL_COLUMNS, BATCH);
  for (let b = 0; b < TOTAL / BATCH; b++) {
    const params: unknown[] = [];
    for (let j = 0; j < BATCH; j++) {
      const created = now - Math.floor(random() * spanMs);
      const status = FINAL_STATUSES[Math.floor(random() * 2.2) % FINAL_STATUSES.length];
      params.push(
        'CA' + randomBytes(16).toString('hex'),
        account(),
        '+15550001111',
        '+15550002222',
        status,
        'outbound-api',
        status === 'completed' ? Math.floor(random() * 600) : 0,
        '2012-04-24',
        time(created),
        time(created),
      );
    }
    await db.all(callSql, params);
  }
  const eventSql = insertSql('call_events', EVENT_COLUMNS, BATCH);
  for (let b = 0; b < EVENTS / BATCH; b++) {
    const params: unknown[] = [];
    for (let j = 0; j < BATCH; j++) {
      const at = now - Math.floor(random() * spanMs);
      params.push(
        'CA' + randomBytes(16).toString('hex'),
        account(),
        time(at),
        'webhook',
        'document',
        5 + random() * 300,
        '{}',
      );
    }
    await db.all(eventSql, params);
  }
  await db.all('COMMIT');
}

async function timeWindows(db: BenchDb, now: number): Promise<Array<Record<string, unknown>>> {
  const results: Array<Record<string, unknown>> = [];
  for (const hours of WINDOWS) {
    const sql = buildStatsSql(ENGINE, ACCOUNTS[0], new Date(now - hours * HOUR));
    const run = () =>
      Promise.all(
        [sql.perMinute, sql.durations, sql.latencies].map((q) =>
          db.all<Record<string, unknown>>(q.sql, q.params),
        ),
      );
    for (let i = 0; i < 3; i++) await run();
    const times: number[] = [];
    let rows: Array<Array<Record<string, unknown>>> = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const started = performance.now();
      rows = await run();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const calls = rows[0].reduce((sum, row) => sum + Number(row.n), 0);
    results.push({
      hours,
      callsInWindow: calls,
      webhookEvents: rows[2].length,
      medianMs: Number(times[Math.floor(times.length / 2)].toFixed(1)),
      p95Ms: Number(times[Math.ceil(times.length * 0.95) - 1].toFixed(1)),
    });
  }
  return results;
}

async function plans(db: BenchDb, now: number): Promise<string[]> {
  const sql = buildStatsSql(ENGINE, ACCOUNTS[0], new Date(now - 24 * HOUR));
  const out: string[] = [];
  for (const q of [sql.perMinute, sql.durations, sql.latencies]) {
    const rows = await db.all<Record<string, unknown>>(
      (ENGINE === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ') + q.sql,
      q.params,
    );
    out.push(rows.map((r) => String(r.detail ?? r['QUERY PLAN'])).join(' | '));
  }
  return out;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'console-bench-'));
  const file = join(dir, 'bench.sqlite');
  const database = ENGINE === 'postgres' ? await createBenchDatabase() : undefined;
  const schema = new DataSource(
    dataSourceOptions({ databaseType: ENGINE, databasePath: file, databaseUrl: database?.url }),
  );
  await schema.initialize();
  await schema.runMigrations();
  await schema.destroy();
  const db = ENGINE === 'sqlite' ? await openSqlite(file) : await openPostgres(database!.url);
  if (ENGINE === 'sqlite') {
    await db.all('PRAGMA journal_mode = OFF');
    await db.all('PRAGMA synchronous = OFF');
    await db.all('PRAGMA cache_size = -262144');
  }
  const indexes = await db.all<{ name: string; sql: string }>(
    ENGINE === 'sqlite'
      ? "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('calls', 'call_events') AND sql IS NOT NULL"
      : "SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE tablename IN ('calls', 'call_events') AND indexname LIKE 'idx_%'",
  );
  for (const index of indexes) await db.all(`DROP INDEX "${index.name}"`);
  const now = Date.now();
  const t = performance.now();
  await seed(db, 7 * 24 * HOUR, now);
  for (const index of indexes) await db.all(index.sql);
  await db.all(ENGINE === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE');
  const seconds = ((performance.now() - t) / 1000).toFixed(0);
  console.log(`${ENGINE}: seeded ${TOTAL} calls and ${EVENTS} webhook events over 7 days in ${seconds} s`);
  console.table(await timeWindows(db, now));
  for (const plan of await plans(db, now)) console.log('plan:', plan);
  await db.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
