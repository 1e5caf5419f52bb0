/**
 * `npm run bench:live`: live calls through the platform beside a raw ARI script doing the same calls
 * on the same Asterisk, interleaved in one run (see README, "Live-call performance").
 *
 * 1. Asterisk starts as for `npm test` (asterisk/stack.sh); the built platform runs as a child process
 *    on a SQLite file in a temp folder; the raw baseline (live/raw-ari-worker.ts: plain HTTP and the
 *    events WebSocket, Stasis app `cw-bench-raw`, never the platform's) runs as another child process.
 *    CPU of each, and of the platform Asterisk, from /proc/<pid>/stat.
 * 2. The far end is the bench's own UDP SIP responder (live/sip-uas.ts) reached directly from the platform
 *    Asterisk: the Calls API's To is `sip:<behaviour>-<id>@127.0.0.1:<port>` (through the `outbound`
 *    endpoint), the raw script originates `PJSIP/outbound/` + the same URI. Its app server is a loopback
 *    HTTP server in this process (live/app-server.ts).
 * 3. Steps (BENCH_STEPS=latency,sustained,held,bridged,rss; all by default): one-at-a-time setup
 *    latency, sustained rates until the knee, held calls, Dial-bridged pairs, Asterisk RSS over many calls.
 * 4. Results: bench/results/live-<date>[-quick][-<steps>].json and the markdown table on stdout.
 *
 * BENCH_QUICK=1 shortens every step (about 2 minutes). `--table <file.json>` prints the table of a
 * results file without running anything.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchAppServer } from './live/app-server';
import { benchMain } from './live/bench-main';
import type { Bench } from './live/bench-context';
import { now } from './live/clock';
import { heldSteps } from './live/held-steps';
import { measureLatency } from './live/latency-steps';
import { asteriskRss, sustainedRates } from './live/load-steps';
import {
  asteriskPid,
  filesystemOf,
  liftLimits,
  RawClient,
  ROOT,
  stack,
  startPlatform,
  stopPlatform,
  type Platform,
} from './live/processes';
import { renderReport, type LiveResults } from './live/report';
import { BenchUas } from './live/sip-uas';

const QUICK = process.env.BENCH_QUICK === '1';
const list = (name: string, fallback: number[]) =>
  process.env[name] ? process.env[name]!.split(',').map(Number) : fallback;
const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const CONFIG = {
  steps: (process.env.BENCH_STEPS ?? 'latency,sustained,held,bridged,rss').split(','),
  latencyCalls: number('BENCH_LATENCY_CALLS', QUICK ? 15 : 60),
  latencyWarmup: QUICK ? 3 : 5,
  rates: list('BENCH_RATES', QUICK ? [10, 20, 40, 60] : [10, 20, 40, 60, 80, 100, 150]),
  stepSeconds: number('BENCH_STEP_SECONDS', QUICK ? 3 : 5),
  held: list('BENCH_HELD', QUICK ? [50, 100] : [100, 200, 400]),
  bridged: list('BENCH_BRIDGED', QUICK ? [10, 25] : [25, 50, 100]),
  rampRate: number('BENCH_RAMP_RATE', 50),
  rssCalls: number('BENCH_RSS_CALLS', QUICK ? 600 : 5000),
  rssRate: number('BENCH_RSS_RATE', 40),
  /** Steps not started once the run is this old, so the whole stays under 10 minutes. */
  budgetSeconds: number('BENCH_BUDGET_S', QUICK ? 180 : 540),
};

const log = (message: string) => process.stderr.write(`[bench:live] ${message}\n`);

function documents(uas: BenchUas): Record<string, (id: string) => string> {
  return {
    hangup: () => '<Response><Hangup/></Response>',
    hold: () => '<Response><Pause length="600"/></Response>',
    dial: (id) => `<Response><Dial timeout="20"><Sip>${uas.uri('leg', `${id}b`)}</Sip></Dial></Response>`,
  };
}

async function run(): Promise<void> {
  const began = now();
  const loadavgStart = loadavg();
  if (!process.env.ARI_URL) stack('start');
  const ariPassword = process.env.ARI_PASSWORD || stack('ari-password').trim();
  // BENCH_DB_DIR: where the temp folder with the SQLite file goes (disk latency weighs on the knee).
  const dir = mkdtempSync(join(process.env.BENCH_DB_DIR ?? tmpdir(), 'callwright-live-bench-'));
  const accountSid = 'AC' + randomBytes(16).toString('hex');
  const authToken = randomBytes(16).toString('hex');
  let platform: Platform | null = null;
  const raw = new RawClient();
  const uas = await new BenchUas().start();
  const app = await new BenchAppServer(documents(uas)).start();
  // Interrupted (Ctrl-C, a timeout): the child processes must not outlive the bench.
  const interrupted = () => {
    for (const pid of [platform?.child.pid, raw.pid]) if (pid) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    platform = await startPlatform({ dir, accountSid, authToken, ariPassword });
    await liftLimits(platform);
    await raw.start(ariPassword);
    const bench: Bench = { platform, raw, uas, app, asteriskPid: asteriskPid('platform'), quick: QUICK, log };
    log(
      `platform pid ${platform.child.pid}, raw script pid ${raw.pid}, asterisk pid ${bench.asteriskPid}, UAS :${uas.port}`,
    );
    const results: LiveResults = {
      date: new Date().toISOString(),
      quick: QUICK,
      machine: {
        cpus: cpus().length,
        node: process.version,
        loadavgStart,
        loadavgEnd: [],
        asterisk: /Asterisk \S+/.exec(stack('cli', 'platform', 'core show version'))?.[0] ?? 'Asterisk',
        databaseFs: filesystemOf(dir),
      },
      seconds: 0,
    };
    const due = (step: string) => {
      if (!CONFIG.steps.includes(step)) return false;
      if ((now() - began) / 1000 < CONFIG.budgetSeconds) return true;
      log(`skipping ${step}: the run is past its ${CONFIG.budgetSeconds} s budget`);
      return false;
    };
    if (due('latency')) {
      log('setup latency, one call at a time');
      results.latency = await measureLatency(bench, CONFIG.latencyCalls, CONFIG.latencyWarmup);
    }
    if (due('sustained')) {
      log(`sustained rates ${CONFIG.rates.join(', ')} calls/s, ${CONFIG.stepSeconds} s each`);
      results.sustained = await sustainedRates(bench, CONFIG.rates, CONFIG.stepSeconds);
    }
    if (due('held')) {
      log(`held calls ${CONFIG.held.join(', ')}`);
      results.held = await heldSteps(bench, 'held', CONFIG.held, CONFIG.rampRate);
    }
    if (due('bridged')) {
      log(`Dial-bridged pairs ${CONFIG.bridged.join(', ')}`);
      results.bridged = await heldSteps(bench, 'bridged', CONFIG.bridged, CONFIG.rampRate);
    }
    if (due('rss')) {
      log(`Asterisk RSS over ${CONFIG.rssCalls} calls at ${CONFIG.rssRate}/s`);
      const chunk = Math.max(50, Math.round(CONFIG.rssCalls / 10));
      // Chunks stop 30 s past the budget: the run (steps plus shutdown) stays under 10 minutes.
      const deadline = began + (CONFIG.budgetSeconds + 30) * 1000;
      results.asteriskRss = await asteriskRss(bench, CONFIG.rssCalls, CONFIG.rssRate, chunk, deadline);
    }
    if (raw.errors.length) log(`raw script errors: ${raw.errors.slice(0, 5).join('; ')}`);
    if (uas.errors) log(`UAS: ${uas.errors} requests never answered`);
    results.machine.loadavgEnd = loadavg();
    results.seconds = (now() - began) / 1000;
    const resultsDir = join(ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    // A run of some steps only (BENCH_STEPS) never overwrites a whole run's results.
    const partial = CONFIG.steps.length < 5 ? `-${CONFIG.steps.join('-')}` : '';
    const file = join(resultsDir, `live-${results.date.slice(0, 10)}${QUICK ? '-quick' : ''}${partial}.json`);
    writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
    process.stdout.write('\n' + renderReport(results) + '\n');
    log(`results in ${file}`);
  } finally {
    await raw.stop().catch(() => undefined);
    await stopPlatform(platform);
    await app.stop();
    await uas.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

benchMain<LiveResults>(run, renderReport);
