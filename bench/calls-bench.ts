/**
 * `npm run bench:calls`: the Calls list API over a million call records, against the same SQL run
 * directly on the same database as the baseline; on SQLite, or on PostgreSQL with DATABASE_TYPE=postgres
 * (a fresh database on the private server of postgres/stack.sh, or on POSTGRES_TEST_URL's; the seeded
 * table is then VACUUM ANALYZEd, so its visibility map allows index-only scans, as autovacuum would).
 *
 * 1. A fresh SQLite file gets the real schema (the platform's migrations), then 1,000,000 calls
 *    (4 accounts, the 5 final statuses, a year of dates, thousands of To/From values, child calls, runs of
 *    equal timestamps). The calls indexes are dropped during the bulk insert and rebuilt after.
 * 2. The platform (dist/apps/platform/src/main.js) starts as a child process on that file, with
 *    ARI_URL pointing at a closed port: no Asterisk needed, the API serves regardless.
 * 3. Each case is requested over HTTP (keep-alive) and its SQL — built by the very function the
 *    service uses, buildCallListSql — is run on a separate sqlite3 connection: cursor lookup,
 *    count, page sids, page rows. Warm-up runs are not timed.
 * 4. Server peak RSS is VmHWM from /proc/<pid>/status.
 *
 * The deep keyset page: walking 10,000 next_page_uri links would take most of the time budget on
 * counting alone, so the bench takes next_page_uri from offset page 9,999 (the link a walker
 * following next links would also be given for page 10,000, since each link only names the last
 * call of its page) and checks that this keyset page holds exactly the calls of offset page
 * 10,000. It also walks the first 200 next links and checks they reproduce the offset pages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import sqlite3 from 'sqlite3';
import { DataSource } from 'typeorm';
import { BenchDb, createBenchDatabase, Engine, openPostgres, openSqlite, prng, sqliteTime } from './bench-db';
import { parseCallListQuery, queryStringOf } from '../apps/platform/src/calls/call-list-query';
import { buildCallListSql } from '../apps/platform/src/calls/call-listing.service';
import { dataSourceOptions } from '../apps/platform/src/database/data-source-options';

const ROOT = resolve(__dirname, '..', '..');
const ENGINE: Engine = process.env.DATABASE_TYPE === 'postgres' ? 'postgres' : 'sqlite';
const TOTAL = Number(process.env.BENCH_CALLS ?? 1_000_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 40);
const WARMUP = 5;
const DEEP_PAGE = Number(process.env.BENCH_DEEP_PAGE ?? 10_000);
const WALK_PAGES = 200;
const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR_MS = 365 * 24 * 3600 * 1000;
// Only finished calls: at start the platform closes calls a previous run left live (LiveCallsService).
const STATUSES: Array<[string, number]> = [
  ['completed', 0.62],
  ['no-answer', 0.13],
  ['busy', 0.11],
  ['failed', 0.07],
  ['canceled', 0.07],
];
const ACCOUNT_SHARES = [0.6, 0.25, 0.1, 0.05];

// ---------------------------------------------------------------- sqlite3 helpers
function open(file: string): Promise<sqlite3.Database> {
  return new Promise((ok, fail) => {
    const db = new sqlite3.Database(file, (error) => (error ? fail(error) : ok(db)));
  });
}
const run = (db: sqlite3.Database, sql: string, params: unknown[] = []) =>
  new Promise<void>((ok, fail) => db.run(sql, params, (error) => (error ? fail(error) : ok())));
const all = <T>(db: sqlite3.Database, sql: string, params: unknown[] = []) =>
  new Promise<T[]>((ok, fail) =>
    db.all(sql, params, (error, rows) => (error ? fail(error) : ok(rows as T[]))),
  );
const close = (db: sqlite3.Database) => new Promise<void>((ok) => db.close(() => ok()));

// ---------------------------------------------------------------- seeding

const pgTime = (ms: number) => new Date(ms).toISOString();

async function seed(file: string, url: string | undefined, accounts: string[]): Promise<void> {
  // The real schema: the platform's own migrations.
  const schema = new DataSource(
    dataSourceOptions({ databaseType: ENGINE, databasePath: file, databaseUrl: url }),
  );
  await schema.initialize();
  await schema.runMigrations();
  await schema.destroy();
  if (ENGINE === 'postgres') return seedPostgres(url!, accounts);

  const db = await open(file);
  await run(db, 'PRAGMA journal_mode = OFF');
  await run(db, 'PRAGMA synchronous = OFF');
  await run(db, 'PRAGMA cache_size = -262144');
  const indexes = await all<{ name: string; sql: string }>(
    db,
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls' AND sql IS NOT NULL",
  );
  for (const index of indexes) await run(db, `DROP INDEX "${index.name}"`);
  const insert = db.prepare(INSERT_SQL.replace(/\$\d+/g, '?'));
  await run(db, 'BEGIN');
  for (const params of callBatches(accounts, sqliteTime))
    await new Promise<void>((ok, fail) => insert.run(params, (error) => (error ? fail(error) : ok())));
  await run(db, 'COMMIT');
  await new Promise<void>((ok) => insert.finalize(() => ok()));
  for (const index of indexes) await run(db, index.sql);
  await close(db);
}

async function seedPostgres(url: string, accounts: string[]): Promise<void> {
  const db = await openPostgres(url);
  const indexes = await db.all<{ name: string; sql: string }>(
    "SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE tablename = 'calls' AND indexname LIKE 'idx_%'",
  );
  for (const index of indexes) await db.all(`DROP INDEX "${index.name}"`);
  await db.all('BEGIN');
  for (const params of callBatches(accounts, pgTime)) await db.all(INSERT_SQL, params);
  await db.all('COMMIT');
  for (const index of indexes) await db.all(index.sql);
  await db.all('VACUUM ANALYZE calls');
  await db.close();
}

const COLUMNS = [
  'sid',
  'account_sid',
  'parent_call_sid',
  'to',
  'from',
  'status',
  'direction',
  'start_time',
  'end_time',
  'duration',
  'api_version',
  'url',
  'date_created',
  'date_updated',
];
const BATCH = 500;
const INSERT_SQL =
  `INSERT INTO calls (${COLUMNS.map((c) => `"${c}"`).join(',')}) VALUES ` +
  Array.from(
    { length: BATCH },
    (_, row) => `(${COLUMNS.map((_c, col) => `$${row * COLUMNS.length + col + 1}`).join(',')})`,
  ).join(',');

/** The seeded calls, BATCH rows of COLUMNS at a time, timestamps as `time` formats them. */
function* callBatches(accounts: string[], time: (ms: number) => string): Generator<unknown[]> {
  const random = prng(42);
  const pick = <T>(choices: Array<[T, number]>): T => {
    let r = random();
    for (const [value, share] of choices) if ((r -= share) < 0) return value;
    return choices[choices.length - 1][0];
  };
  const accountChoices = accounts.map((sid, i): [string, number] => [sid, ACCOUNT_SHARES[i]]);
  const numbers = (count: number, prefix: string) =>
    Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(7, '0')}`);
  const toNumbers = [...numbers(4000, '+1555'), ...numbers(1000, 'sip:user').map((u) => `${u}@example.com`)];
  const fromNumbers = numbers(2000, '+1666');
  const recent = new Map<string, string[]>(accounts.map((sid) => [sid, []]));

  const step = YEAR_MS / TOTAL;
  let created = YEAR_START;
  for (let batch = 0; batch < TOTAL / BATCH; batch++) {
    const params: unknown[] = [];
    for (let j = 0; j < BATCH; j++) {
      const i = batch * BATCH + j;
      // Every 50th call shares its predecessor's timestamp: ties are broken by sid.
      if (i % 50 !== 0) created = YEAR_START + Math.floor(i * step + random() * step * 0.5);
      const account = pick(accountChoices);
      const status = pick(STATUSES);
      const siblings = recent.get(account)!;
      const child = siblings.length > 0 && random() < 0.1;
      const parent = child ? siblings[Math.floor(random() * siblings.length)] : null;
      const sid = 'CA' + randomBytes(16).toString('hex');
      if (!child) {
        siblings.push(sid);
        if (siblings.length > 20) siblings.shift();
      }
      const started = status === 'canceled' ? null : created + 500 + random() * 4000;
      const duration = status === 'completed' ? Math.floor(random() * 600) : 0;
      const ended = started === null ? null : started + duration * 1000;
      params.push(
        sid,
        account,
        parent,
        toNumbers[Math.floor(Math.pow(random(), 2) * toNumbers.length)],
        fromNumbers[Math.floor(random() * fromNumbers.length)],
        status,
        child ? 'outbound-dial' : random() < 0.5 ? 'inbound' : 'outbound-api',
        started === null ? null : time(started),
        ended === null ? null : time(ended),
        ended === null ? null : duration,
        '2012-04-24',
        'http://127.0.0.1:9/app.xml',
        time(created),
        time(ended ?? created),
      );
    }
    yield params;
  }
}

// ---------------------------------------------------------------- server
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function httpGet(
  port: number,
  path: string,
  auth: string,
): Promise<{ status: number; body: string; ms: number }> {
  return new Promise((ok, fail) => {
    const started = performance.now();
    const req = get({ host: '127.0.0.1', port, path, agent, headers: { Authorization: auth } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        ok({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - started,
        }),
      );
    });
    req.on('error', fail);
  });
}

async function startServer(
  file: string,
  url: string | undefined,
  dir: string,
  accountSid: string,
  token: string,
) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/platform/src/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_TYPE: ENGINE,
      DATABASE_PATH: file,
      ...(url ? { DATABASE_URL: url } : {}),
      MEDIA_PATH: join(dir, 'media'),
      RECORDINGS_PATH: join(dir, 'recordings'),
      ARI_URL: 'http://127.0.0.1:9',
      ARI_APP: 'cw-bench',
      // Required by the platform; nothing listens on ARI_URL's closed port anyway.
      ARI_PASSWORD: 'bench-no-asterisk',
      BOOTSTRAP_ACCOUNT_SID: accountSid,
      BOOTSTRAP_AUTH_TOKEN: token,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`platform exited with ${child.exitCode}`);
    try {
      await httpGet(port, '/health', '');
      return { port, child };
    } catch {
      if (Date.now() > deadline) throw new Error('platform did not start within 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

// ---------------------------------------------------------------- measuring
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** What CallListingService runs for one request, on a direct connection. */
async function rawList(db: BenchDb, accountSid: string, path: string): Promise<string[]> {
  const query = parseCallListQuery(queryStringOf(path));
  let cursor;
  if (query.afterSid) {
    const [row] = await db.all<{ date_created: string }>(
      ENGINE === 'sqlite'
        ? 'SELECT date_created FROM calls WHERE sid = ? AND account_sid = ?'
        : 'SELECT date_created FROM calls WHERE sid = $1 AND account_sid = $2',
      [query.afterSid, accountSid],
    );
    cursor = { dateCreated: row.date_created, sid: query.afterSid };
  }
  const sql = buildCallListSql(ENGINE, accountSid, query.criteria, {
    limit: query.pageSize + 1,
    offset: query.page * query.pageSize,
    cursor,
  });
  await db.all(sql.count.sql, sql.count.params);
  const sids = (await db.all<{ sid: string }>(sql.page.sql, sql.page.params))
    .map((row) => row.sid)
    .slice(0, query.pageSize);
  const rows = await db.all<Record<string, unknown>>(
    ENGINE === 'sqlite'
      ? `SELECT * FROM calls WHERE sid IN (${sids.map(() => '?').join(',')})`
      : 'SELECT * FROM calls WHERE sid = ANY($1)',
    ENGINE === 'sqlite' ? sids : [sids],
  );
  return rows.length === sids.length ? sids : [];
}

interface CaseResult {
  name: string;
  path: string;
  api: number[];
  raw: number[];
  plans: string[];
}

async function main(): Promise<void> {
  const began = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'callwright-bench-'));
  const file = join(dir, 'calls.sqlite');
  const accounts = Array.from({ length: 4 }, () => 'AC' + randomBytes(16).toString('hex'));
  const [accountSid] = accounts;
  const token = randomBytes(16).toString('hex');
  const auth = 'Basic ' + Buffer.from(`${accountSid}:${token}`).toString('base64');
  let server: { port: number; child: ChildProcess } | undefined;
  const database = ENGINE === 'postgres' ? await createBenchDatabase() : undefined;
  try {
    let t = performance.now();
    await seed(file, database?.url, accounts);
    const seedSeconds = (performance.now() - t) / 1000;
    console.log(`seeded ${TOTAL} calls in ${seedSeconds.toFixed(1)} s`);

    t = performance.now();
    server = await startServer(file, database?.url, dir, accountSid, token);
    console.log(`platform up in ${((performance.now() - t) / 1000).toFixed(1)} s (pid ${server.child.pid})`);
    const { port, child } = server;
    const raw = database ? await openPostgres(database.url) : await openSqlite(file);
    const ph = (n: number) => (ENGINE === 'sqlite' ? '?' : `$${n}`);
    const list = `/restcomm/2012-04-24/Accounts/${accountSid}/Calls.json`;
    const apiGet = async (path: string) => {
      const response = await httpGet(port, path, auth);
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${response.body}`);
      return { ...response, json: JSON.parse(response.body) };
    };

    const [counted] = await raw.all<{ total: number | string }>(
      `SELECT COUNT(*) AS total FROM calls WHERE account_sid = ${ph(1)}`,
      [accountSid],
    );
    const accountTotal = Number(counted.total);
    const [{ to: busyTo }] = await raw.all<{ to: string }>(
      `SELECT "to" FROM calls WHERE account_sid = ${ph(1)} GROUP BY "to" ORDER BY COUNT(*) DESC, "to" LIMIT 1`,
      [accountSid],
    );
    // The deep keyset page: next_page_uri of offset page 9,999.
    const before = await apiGet(`${list}?Page=${DEEP_PAGE - 1}&PageSize=50`);
    const deepPath: string = before.json.next_page_uri;
    const offsetPath = `${list}?Page=${DEEP_PAGE}&PageSize=50`;
    const deep = await apiGet(deepPath);
    const offset = await apiGet(offsetPath);
    const sidsOf = (json: any) => (json.calls as Array<{ sid: string }>).map((c) => c.sid).join(',');
    if (
      !deepPath.includes('AfterSid=') ||
      sidsOf(deep.json) !== sidsOf(offset.json) ||
      deep.json.calls.length !== 50
    )
      throw new Error('keyset page 10000 differs from offset page 10000');

    // Walk the first next links; each page must equal its offset counterpart.
    let walkPath = `${list}?PageSize=50`;
    const walkTimes: number[] = [];
    for (let page = 0; page < WALK_PAGES; page++) {
      const hop = await apiGet(walkPath);
      walkTimes.push(hop.ms);
      if (page % 50 === 49) {
        const check = await apiGet(`${list}?Page=${page}&PageSize=50`);
        if (sidsOf(check.json) !== sidsOf(hop.json)) throw new Error(`walked page ${page} differs`);
      }
      walkPath = hop.json.next_page_uri;
    }

    const cases: Array<[string, string]> = [
      ['first page, unfiltered', `${list}?PageSize=50`],
      ['To filter', `${list}?To=${encodeURIComponent(busyTo)}`],
      ['Status + StartTime range', `${list}?Status=completed&StartTime>=2025-03-01&StartTime<=2025-03-31`],
      [`keyset page ${DEEP_PAGE} (next_page_uri)`, deepPath],
      [`offset Page=${DEEP_PAGE}`, offsetPath],
    ];
    const results: CaseResult[] = [];
    let rssPeakSampled = 0;
    for (const [name, path] of cases) {
      const result: CaseResult = { name, path, api: [], raw: [], plans: [] };
      const query = parseCallListQuery(queryStringOf(path));
      const sql = buildCallListSql(ENGINE, accountSid, query.criteria, {
        limit: query.pageSize + 1,
        offset: query.page * query.pageSize,
        cursor: query.afterSid ? { dateCreated: '2025-01-01 00:00:00.000', sid: query.afterSid } : undefined,
      });
      for (const q of [sql.count, sql.page]) {
        const plan = await raw.all<Record<string, string>>(
          `${ENGINE === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN'} ${q.sql}`,
          q.params,
        );
        result.plans.push(plan.map((row) => (row.detail ?? row['QUERY PLAN']).trim()).join('; '));
      }
      // Interleave API and raw runs so neither gets a warmer cache.
      for (let i = 0; i < WARMUP + ITERATIONS; i++) {
        const api = await apiGet(path);
        const t0 = performance.now();
        const sids = await rawList(raw, accountSid, path);
        const rawMs = performance.now() - t0;
        if (sids.join(',') !== sidsOf(api.json)) throw new Error(`${name}: API and raw SQL disagree`);
        if (i >= WARMUP) {
          result.api.push(api.ms);
          result.raw.push(rawMs);
        }
      }
      rssPeakSampled = Math.max(rssPeakSampled, procStatus(child.pid!, 'VmRSS'));
      results.push(result);
      console.log(`${name}: done (total ${deep.json.total})`);
    }
    const hwm = procStatus(child.pid!, 'VmHWM');

    // ------------------------------------------------------------ report
    const ms = (v: number) => v.toFixed(2);
    const first = results[0];
    const firstP50 = percentile(first.api, 50);
    const lines: string[] = [];
    lines.push(`# Calls list benchmark on ${ENGINE}, ${new Date().toISOString().slice(0, 10)}`);
    lines.push('');
    lines.push(
      `${TOTAL.toLocaleString('en-US')} calls over 4 accounts (benchmarked account: ${accountTotal.toLocaleString('en-US')} calls), ` +
        `${await engineVersion(raw)}, Node ${process.version}, ${ITERATIONS} timed requests per case after ${WARMUP} warm-ups; ` +
        `seeding took ${seedSeconds.toFixed(0)} s.`,
    );
    lines.push('');
    lines.push('| case | API p50 ms | API p95 ms | raw p50 ms | raw p95 ms | API/raw p50 | target |');
    lines.push('|---|---:|---:|---:|---:|---:|---|');
    let allMet = true;
    for (const r of results) {
      const apiP50 = percentile(r.api, 50);
      const rawP50 = percentile(r.raw, 50);
      const limit = 2 * rawP50 + 2;
      let ok = apiP50 <= limit;
      let target = `p50 ≤ 2×raw+2 = ${ms(limit)}: ${ok ? 'met' : 'MISSED'}`;
      if (r.name.startsWith('keyset')) {
        const deepOk = apiP50 <= 1.5 * firstP50;
        target += `; ≤ 1.5× first page (${ms(1.5 * firstP50)}): ${deepOk ? 'met' : 'MISSED'}`;
        ok = ok && deepOk;
      }
      allMet = allMet && ok;
      lines.push(
        `| ${r.name} | ${ms(apiP50)} | ${ms(percentile(r.api, 95))} | ${ms(rawP50)} | ${ms(percentile(r.raw, 95))} | ${(apiP50 / rawP50).toFixed(2)} | ${target} |`,
      );
    }
    const rssOk = hwm < 300;
    allMet = allMet && rssOk;
    lines.push('');
    lines.push(
      `Server peak RSS (VmHWM of the platform process): **${hwm.toFixed(0)} MB** ` +
        `(target < 300 MB: ${rssOk ? 'met' : 'MISSED'}; largest VmRSS sampled after a case ${rssPeakSampled.toFixed(0)} MB).`,
    );
    lines.push('');
    lines.push(
      `Walking next_page_uri from page 0: ${WALK_PAGES} hops, p50 ${ms(percentile(walkTimes, 50))} ms, ` +
        `p95 ${ms(percentile(walkTimes, 95))} ms, last hop ${ms(walkTimes[walkTimes.length - 1])} ms; ` +
        `every 50th page checked against offset paging. The page-${DEEP_PAGE} keyset URI is next_page_uri of ` +
        `offset page ${DEEP_PAGE - 1} and was checked to hold exactly the calls of offset page ${DEEP_PAGE}.`,
    );
    lines.push('');
    lines.push(
      `All targets ${allMet ? 'met' : 'NOT all met'}. Total run ${((performance.now() - began) / 1000).toFixed(0)} s.`,
    );
    lines.push('');
    lines.push('Raw baseline: the statements CallListingService runs (built by the same buildCallListSql):');
    lines.push(
      'cursor lookup (keyset only), COUNT, page sids (PageSize+1, keyset or OFFSET), then the page rows,',
    );
    lines.push(`on a separate ${ENGINE} connection to the same database with default settings. Query plans:`);
    lines.push('');
    for (const r of results) {
      lines.push(`- ${r.name} \`${decodeURIComponent(r.path.replace(list, 'Calls.json'))}\``);
      lines.push(`  - count: ${r.plans[0]}`);
      lines.push(`  - page: ${r.plans[1]}`);
    }
    const report = lines.join('\n') + '\n';
    await raw.close();
    console.log('\n' + report);
    const resultsDir = join(ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const out = join(resultsDir, `calls-${ENGINE}-${new Date().toISOString().slice(0, 10)}.md`);
    writeFileSync(out, report);
    console.log(`written to ${out}`);
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
    }
    agent.destroy();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function engineVersion(db: BenchDb): Promise<string> {
  if (db.engine === 'postgres') {
    const [row] = await db.all<{ v: string }>("SELECT current_setting('server_version') AS v");
    return `PostgreSQL ${row.v}`;
  }
  const [row] = await db.all<{ v: string }>('SELECT sqlite_version() AS v');
  return `SQLite ${row.v}`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
