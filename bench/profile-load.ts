/**
 * A load driver for profiling the platform's per-call cost (issue 15), not a benchmark with a baseline
 * (that is `npm run bench:live`). Run inside a namespace whose Asterisk stack is up (asterisk/stack.sh):
 *
 *   nest build platform && node dist/bench/profile-load.js
 *
 * It starts the built platform as a child process (on a fresh SQLite file on disk), serves a
 * `<Hangup/>` document and a status callback on loopback, places PROFILE_CALLS simple calls to the far
 * end's `answer` phone at PROFILE_RATE calls/s after a warm-up, waits until every one of them has sent
 * its `completed` callback, and prints the platform's CPU time per call (from /proc), create latency,
 * answer → RCML request latency, and, with the SQL counter preloaded (bench/sql-counter.ts), the
 * statements per call and the time per write. PROFILE_RCML replaces the document (e.g. a <Pause/> to
 * hold calls); both Asterisk instances' CPU and the platform instance's RSS are read from /proc too. PROFILE_CPU=1 adds `--cpu-prof` (profile in
 * PROFILE_DIR, read it with dist/bench/cpu-profile-summary.js). Bounded: it gives up after 120 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createServer, Agent, request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';

const ROOT = resolve(__dirname, '..', '..');
const CALLS = Number(process.env.PROFILE_CALLS ?? 200);
const RATE = Number(process.env.PROFILE_RATE ?? 20);
const WARMUP = Number(process.env.PROFILE_WARMUP ?? 20);
const DIR = process.env.PROFILE_DIR ?? mkdtempSync(join(ROOT, '.profile-'));
const TO = process.env.PROFILE_TO ?? 'sip:answer@127.0.0.1:5070';
const TICK_MS = 10; // USER_HZ = 100 on Linux

const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
};
const rssKb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function asteriskPid(instance: string): number | null {
  const base = '/var/cache/callwright/asterisk-root-v1/run/callwright';
  for (const file of [`${base}/${instance}/asterisk.pid`, `${base}/${instance}/run/asterisk.pid`])
    if (existsSync(file)) return Number(readFileSync(file, 'utf8').trim());
  return null;
}

async function main(): Promise<void> {
  const rcmlAt = new Map<string, number>();
  const completed = new Set<string>();
  const hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const sid = form.get('CallSid') ?? '';
      if (req.url === '/rcml') {
        rcmlAt.set(sid, performance.now());
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(process.env.PROFILE_RCML ?? '<Response><Hangup/></Response>');
        return;
      }
      if (form.get('CallStatus') === 'completed') completed.add(sid);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => hooks.listen(0, '127.0.0.1', ok));
  const hookPort = (hooks.address() as AddressInfo).port;

  const port = 18000 + Math.floor(Math.random() * 1000);
  const accountSid = 'AC' + randomBytes(16).toString('hex');
  const authToken = randomBytes(16).toString('hex');
  const nodeArgs = process.env.PROFILE_CPU ? ['--cpu-prof', `--cpu-prof-dir=${DIR}`] : [];
  if (process.env.PROFILE_SQL) nodeArgs.push('--require', join(__dirname, 'sql-counter.js'));
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/apps/platform/src/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_PATH: join(DIR, 'callwright.sqlite'),
      MEDIA_PATH: join(DIR, 'media'),
      RECORDINGS_PATH: join(DIR, 'recordings'),
      BOOTSTRAP_ACCOUNT_SID: accountSid,
      BOOTSTRAP_AUTH_TOKEN: authToken,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      SQL_COUNT_FILE: join(DIR, 'sql-count.json'),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const healthy = await fetch(`${base}/health`).then((r) => r.status === 200, () => false);
    if (healthy) break;
    if (i > 300) throw new Error('platform not healthy');
    await sleep(100);
  }
  await sleep(500);

  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const auth = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');
  const form = new URLSearchParams({
    From: '+15550001111',
    To: TO,
    Url: `http://127.0.0.1:${hookPort}/rcml`,
    StatusCallback: `http://127.0.0.1:${hookPort}/status`,
  }).toString();
  const create = () =>
    new Promise<{ sid: string; ms: number }>((ok, fail) => {
      const started = performance.now();
      const req = httpRequest(
        `${base}/restcomm/2012-04-24/Accounts/${accountSid}/Calls.json`,
        {
          method: 'POST',
          agent,
          headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => {
            if (res.statusCode !== 201) return fail(new Error(`create ${res.statusCode} ${text}`));
            ok({ sid: JSON.parse(text).sid, ms: performance.now() - started });
          });
        },
      );
      req.on('error', fail);
      req.end(form);
    });

  const run = async (count: number) => {
    const created: Array<{ sid: string; ms: number; at: number }> = [];
    const pending: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const at = performance.now();
      pending.push(create().then((c) => void created.push({ ...c, at })));
    }
    await Promise.all(pending);
    const deadline = Date.now() + 120_000;
    while (created.some((c) => !completed.has(c.sid)) && Date.now() < deadline) await sleep(50);
    return created;
  };

  // The default 10 calls/s per account would pace the load.
  const limits = await fetch(`${base}/restcomm/2012-04-24/Accounts/${accountSid}.json`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Cps=1000&MaxConcurrentCalls=10000',
  });
  if (!limits.ok) throw new Error(`raising limits: ${limits.status} ${await limits.text()}`);
  await run(WARMUP);
  await sleep(1000);
  const platformAst = asteriskPid('platform');
  const astCpu0 = platformAst ? cpuMs(platformAst) : 0;
  const farEndAst = asteriskPid('farend');
  const farCpu0 = farEndAst ? cpuMs(farEndAst) : 0;
  const astRss0 = platformAst ? rssKb(platformAst) : 0;
  if (process.env.PROFILE_SQL) child.kill('SIGWINCH');
  const cpu0 = cpuMs(child.pid!);
  const rss0 = rssKb(child.pid!);
  const t0 = performance.now();
  const created = await run(CALLS);
  const wall = performance.now() - t0;
  const cpu = cpuMs(child.pid!) - cpu0;
  const astCpu = platformAst ? cpuMs(platformAst) - astCpu0 : NaN;
  const farCpu = farEndAst ? cpuMs(farEndAst) - farCpu0 : NaN;
  const done = created.filter((c) => completed.has(c.sid)).length;
  const rcml = created.filter((c) => rcmlAt.has(c.sid)).map((c) => rcmlAt.get(c.sid)! - c.at);
  const summary = {
    calls: CALLS,
    rate: RATE,
    completed: done,
    wallS: +(wall / 1000).toFixed(1),
    nodeCpuMsPerCall: +(cpu / CALLS).toFixed(2),
    asteriskCpuMsPerCall: +(astCpu / CALLS).toFixed(2),
    farEndCpuMsPerCall: +(farCpu / CALLS).toFixed(2),
    asteriskRssKb: { before: astRss0, after: platformAst ? rssKb(platformAst) : 0 },
    createMs: { p50: +pct(created.map((c) => c.ms), 50).toFixed(1), p95: +pct(created.map((c) => c.ms), 95).toFixed(1) },
    createToRcmlMs: { p50: +pct(rcml, 50).toFixed(1), p95: +pct(rcml, 95).toFixed(1) },
    rssKb: { before: rss0, after: rssKb(child.pid!) },
    dir: DIR,
  };
  if (process.env.PROFILE_SQL) child.kill('SIGWINCH');
  await sleep(300);
  child.kill('SIGTERM');
  await new Promise((ok) => child.once('exit', ok));
  const countFile = join(DIR, 'sql-count.json');
  if (existsSync(countFile)) Object.assign(summary, { sql: JSON.parse(readFileSync(countFile, 'utf8')) });
  console.log(JSON.stringify(summary, null, 2));
  hooks.close();
  agent.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
