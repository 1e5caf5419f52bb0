/**
 * `npm run bench:scale`: sustained calls/s through one platform node with 1, then 2, Asterisk servers
 * on this machine, the ratio, the CPU per call of every process and what a bigger machine would give
 * on paper (see README, "Scale-out throughput").
 *
 * 1. For each server count, a freshly (re)started stack with that many platform Asterisks
 *    (CALLWRIGHT_PLATFORM_ASTERISKS, asterisk/stack.sh: far end and, for 2, Kamailio too) and a fresh
 *    platform node on SQLite configured with the stack's ASTERISK_SERVERS (`stack.sh asterisk-servers`).
 * 2. The far end is the bench's SIP responder (live/sip-uas.ts) in a process of its own
 *    (live/far-end-process.ts), so its CPU is apart from the load generator's; the platform dials it
 *    directly from whichever server it picks. Calls are the live bench's short calls: answered, a
 *    `<Hangup/>` document, BYE (live/load-steps.ts rateStep, the same hold rule as bench:live).
 * 3. Offered rates step up (BENCH_RATES) until one fails, then BENCH_REFINE bisection steps between the
 *    last that held and the first that failed. CPU of the node (and its main thread), each Asterisk,
 *    the far end, the bench and the whole machine from /proc.
 * 4. Results: bench/results/scale-<date>.json and the summary on stdout; `--table <file.json>` prints
 *    the summary of a results file again.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchAppServer } from './live/app-server';
import { benchMain } from './live/bench-main';
import type { LoadBench } from './live/bench-context';
import { now, sleep } from './live/clock';
import { FarEndProcess } from './live/far-end-process';
import { rateStep } from './live/load-steps';
import {
  asteriskPid,
  channelCount,
  filesystemOf,
  liftLimits,
  machineBusyMs,
  mainThreadCpuMs,
  ROOT,
  stack,
  startPlatform,
  stopPlatform,
  type CpuSource,
  type Platform,
} from './live/processes';
import { holdsOf, renderScale, type ScaleResults, type ScaleRun, type ScaleStep } from './live/scale-report';

const list = (name: string, fallback: number[]) =>
  process.env[name] ? process.env[name]!.split(',').map(Number) : fallback;
const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const CONFIG = {
  servers: list('BENCH_SCALE_SERVERS', [1, 2]),
  rates: list('BENCH_RATES', [40, 60, 80, 100, 120, 140, 160, 180, 200, 240, 280, 320]),
  stepSeconds: number('BENCH_STEP_SECONDS', 8),
  refine: number('BENCH_REFINE', 2),
  /** Unrecorded calls before the first step of each run (JIT, pools, the first SQLite pages). */
  warmupRate: 20,
  warmupSeconds: 3,
};

const log = (message: string) => process.stderr.write(`[bench:scale] ${message}\n`);

interface Server {
  name: string;
  sipAddress: string;
}

/**
 * A fresh stack with `count` platform Asterisks (stopped first, so each run starts from new Asterisk
 * processes: one that had run through an overloaded step was seen to cost more per call afterwards);
 * its ASTERISK_SERVERS and each server's Asterisk pid.
 */
function startStack(count: number): { json: string; servers: Server[]; pids: Array<number | null> } {
  process.env.CALLWRIGHT_PLATFORM_ASTERISKS = String(count);
  stack('stop');
  stack('start');
  const json = stack('asterisk-servers').trim();
  const servers = (JSON.parse(json) as Server[]).map(({ name, sipAddress }) => ({ name, sipAddress }));
  if (servers.length !== count) throw new Error(`stack.sh gave ${servers.length} servers, not ${count}`);
  const pids = servers.map((_, i) => asteriskPid(i === 0 ? 'platform' : `platform${i + 1}`));
  return { json, servers, pids };
}

/** The step at `rate`, with the calls each server placed meanwhile (counted at the far end). */
async function step(
  bench: LoadBench,
  farEnd: FarEndProcess,
  servers: Server[],
  rate: number,
  seconds: number,
): Promise<ScaleStep> {
  const before = new Map(farEnd.bySource);
  const result = await rateStep(bench, 'platform', rate, seconds);
  const spread: Record<string, number> = {};
  const channelsLeft: Record<string, number | null> = {};
  for (const { name, sipAddress } of servers) {
    spread[name] = (farEnd.bySource.get(sipAddress) ?? 0) - (before.get(sipAddress) ?? 0);
    channelsLeft[name] = channelCount(name);
  }
  const c = result.cpu;
  const m = result.missing;
  log(
    `${servers.length} server(s) ${rate}/s: ${result.correct}/${result.offered} right, achieved ` +
      `${result.achieved.toFixed(1)}/s, create p50 ${result.create.p50?.toFixed(1)} ms; node ` +
      `${c.node.perCall.toFixed(2)} ms/call (main thread ${(c.nodeMain.offeringShare * 100).toFixed(0)}% of a ` +
      `core), asterisk ${servers.map((s, i) => c[i ? s.name : 'asterisk'].perCall.toFixed(2)).join(' + ')} ` +
      `ms/call, machine ${(c.machine.offeringShare * 100).toFixed(0)}%; spread ` +
      `${Object.values(spread).join('/')}, channels left ${Object.values(channelsLeft).join('/')}` +
      `${holdsOf(result) ? '' : ` — did not hold (missing: callback ${m?.callback}, fetch ${m?.fetch}, BYE ${m?.bye})`}`,
  );
  return { ...result, spread, channelsLeft };
}

/**
 * Hangs up whatever calls a failed step left on the servers (their node gave up on them, or stopped):
 * left up, they would go on costing Asterisk CPU in the steps after. Waits until every server is empty.
 */
async function clearChannels(servers: Server[]): Promise<void> {
  const left = () => servers.map((s) => channelCount(s.name) ?? 0);
  if (left().every((n) => n === 0)) return;
  log(`hanging up channels left on the servers: ${left().join('/')}`);
  for (const { name } of servers) stack('cli', name, 'channel request hangup all');
  const deadline = now() + 20_000;
  while (left().some((n) => n > 0) && now() < deadline) await sleep(500);
}

/** Rates up until one fails, then bisection between the last that held and the first that failed. */
async function search(
  bench: LoadBench,
  farEnd: FarEndProcess,
  servers: Server[],
): Promise<{ steps: ScaleStep[]; knee: number | null }> {
  const steps: ScaleStep[] = [];
  let knee: number | null = null;
  let failed: number | null = null;
  for (const rate of CONFIG.rates) {
    const s = await step(bench, farEnd, servers, rate, CONFIG.stepSeconds);
    steps.push(s);
    if (!holdsOf(s)) {
      failed = rate;
      await clearChannels(servers);
      break;
    }
    knee = rate;
    await sleep(2000);
  }
  for (let i = 0; i < CONFIG.refine && knee !== null && failed !== null; i++) {
    const rate = Math.round((knee + failed) / 2 / 5) * 5;
    if (rate <= knee || rate >= failed) break;
    // Let a failed step's backlog drain before the next.
    await sleep(5000);
    const s = await step(bench, farEnd, servers, rate, CONFIG.stepSeconds);
    steps.push(s);
    if (holdsOf(s)) knee = rate;
    else failed = rate;
    await clearChannels(servers);
  }
  return { steps, knee };
}

async function runServers(count: number, farEnd: FarEndProcess, app: BenchAppServer): Promise<ScaleRun> {
  const { json, servers, pids } = startStack(count);
  await clearChannels(servers);
  const ariPassword = process.env.ARI_PASSWORD || stack('ari-password').trim();
  const dir = mkdtempSync(join(process.env.BENCH_DB_DIR ?? tmpdir(), 'callwright-scale-bench-'));
  let platform: Platform | null = null;
  try {
    const accountSid = 'AC' + randomBytes(16).toString('hex');
    platform = await startPlatform({
      dir,
      accountSid,
      authToken: randomBytes(16).toString('hex'),
      ariPassword,
      env: { ASTERISK_SERVERS: json },
    });
    current = platform;
    await liftLimits(platform);
    const nodePid = platform.child.pid;
    const measured: Record<string, CpuSource> = {
      nodeMain: () => mainThreadCpuMs(nodePid),
      farEnd: farEnd.pid,
      machine: machineBusyMs,
    };
    servers.forEach((s, i) => i > 0 && (measured[s.name] = pids[i]));
    const bench: LoadBench = {
      platform,
      uas: farEnd,
      app,
      asteriskPid: pids[0],
      measured,
      quick: false,
      log,
    };
    log(
      `${count} server(s): node pid ${nodePid}, Asterisk pids ${pids.join(', ')}, far end pid ${farEnd.pid} ` +
        `:${farEnd.port}; warm-up ${CONFIG.warmupRate}/s for ${CONFIG.warmupSeconds} s`,
    );
    await rateStep(bench, 'platform', CONFIG.warmupRate, CONFIG.warmupSeconds);
    await sleep(2000);
    const { steps, knee } = await search(bench, farEnd, servers);
    return { servers: count, names: servers.map((s) => s.name), steps, knee };
  } finally {
    await stopPlatform(platform);
    current = null;
    rmSync(dir, { recursive: true, force: true });
  }
}

let current: Platform | null = null;

async function run(): Promise<void> {
  if (process.env.ARI_URL || process.env.ASTERISK_SERVERS)
    throw new Error(
      'bench:scale starts its own stack (asterisk/stack.sh): unset ARI_URL and ASTERISK_SERVERS',
    );
  const began = now();
  const loadavgStart = loadavg();
  const found = process.env.CALLWRIGHT_PLATFORM_ASTERISKS;
  const farEnd = await new FarEndProcess().start();
  const app = await new BenchAppServer({ hangup: () => '<Response><Hangup/></Response>' }).start();
  const interrupted = () => {
    for (const pid of [current?.child.pid, farEnd.pid]) if (pid) process.kill(pid, 'SIGKILL');
    process.exit(130);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    const runs: ScaleRun[] = [];
    for (const count of CONFIG.servers) runs.push(await runServers(count, farEnd, app));
    const results: ScaleResults = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        node: process.version,
        asterisk: /Asterisk \S+/.exec(stack('cli', 'platform', 'core show version'))?.[0] ?? 'Asterisk',
        databaseFs: filesystemOf(process.env.BENCH_DB_DIR ?? tmpdir()),
        loadavgStart,
        loadavgEnd: loadavg(),
      },
      stepSeconds: CONFIG.stepSeconds,
      seconds: (now() - began) / 1000,
      runs,
    };
    const resultsDir = join(ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `scale-${results.date.slice(0, 10)}.json`);
    writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
    process.stdout.write('\n' + renderScale(results) + '\n');
    log(`results in ${file}`);
  } finally {
    await farEnd.stop();
    await app.stop();
    // Put back the stack's size as found (the e2e suites do the same).
    if (found === undefined) delete process.env.CALLWRIGHT_PLATFORM_ASTERISKS;
    else process.env.CALLWRIGHT_PLATFORM_ASTERISKS = found;
    stack('start');
  }
}

benchMain<ScaleResults>(run, renderScale);
