/**
 * The processes the live bench measures: the Asterisk stack (asterisk/stack.sh, as `npm test` starts
 * it), the built platform as a child process (its CPU and memory apart from the bench's), the raw ARI
 * baseline as another child process, and /proc readings of each.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { now, sleep } from './clock';
import type { RawBehaviour, RawCommand, RawReport } from './raw-ari-worker';
import { cpuTicksOf, metricValue, statusKb } from './stats';

export const ROOT = resolve(__dirname, '..', '..', '..');
const STACK = join(ROOT, 'asterisk', 'stack.sh');

export const stack = (...args: string[]) =>
  execFileSync('bash', [STACK, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/** The pid of one Asterisk instance of the stack (`platform`, `platform2`, `farend`), from `stack.sh status`. */
export function asteriskPid(instance: string): number | null {
  let out = '';
  try {
    out = stack('status');
  } catch (error) {
    out = String((error as { stdout?: string }).stdout ?? '');
  }
  const match = new RegExp(`^${instance}: running \\(pid (\\d+)\\)`, 'm').exec(out);
  return match ? Number(match[1]) : null;
}

/** Channels an Asterisk instance holds now (`core show channels count`); null when it cannot tell. */
export function channelCount(instance = 'platform'): number | null {
  try {
    const match = /(\d+) active channels?/.exec(stack('cli', instance, 'core show channels count'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

let clockTicks: number | null = null;
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU milliseconds (user + system) a process has used so far; NaN once it is gone. */
export function cpuMs(pid: number | null | undefined): number {
  if (!pid) return NaN;
  try {
    return (cpuTicksOf(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 1000) / ticksPerSecond();
  } catch {
    return NaN;
  }
}

/** CPU milliseconds of a process's main thread (a Node process's event loop: its one-core ceiling). */
export function mainThreadCpuMs(pid: number | null | undefined): number {
  if (!pid) return NaN;
  try {
    return (cpuTicksOf(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')) * 1000) / ticksPerSecond();
  } catch {
    return NaN;
  }
}

/** CPU milliseconds the whole machine has been busy (every core, every process: /proc/stat's cpu line). */
export function machineBusyMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is inside user already)
  const busy = fields.slice(0, 8).reduce((a, b) => a + b, 0) - fields[3] - fields[4];
  return (busy * 1000) / ticksPerSecond();
}

/** Resident set size in bytes from /proc/<pid>/status. */
export function rssBytes(pid: number | null | undefined): number {
  if (!pid) return NaN;
  try {
    return (statusKb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS') ?? NaN) * 1024;
  } catch {
    return NaN;
  }
}

/** A process's pid (its CPU from /proc), or a reading of CPU ms so far (a thread, the machine). */
export type CpuSource = number | null | undefined | (() => number);

const readCpu = (source: CpuSource) => (typeof source === 'function' ? source() : cpuMs(source));

/** CPU used by a set of processes between two moments. */
export class CpuWindow {
  private readonly start: Map<string, number>;
  private readonly began = now();

  constructor(private readonly pids: Record<string, CpuSource>) {
    this.start = new Map(Object.entries(pids).map(([name, pid]) => [name, readCpu(pid)]));
  }

  /** CPU ms per process since the window opened, and the wall ms. */
  close(): { wallMs: number; cpu: Record<string, number> } {
    const cpu: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) cpu[name] = readCpu(pid) - this.start.get(name)!;
    return { wallMs: now() - this.began, cpu };
  }
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => ok(port));
    });
  });
}

export interface Platform {
  child: ChildProcess;
  port: number;
  base: string;
  auth: string;
  accountSid: string;
}

/**
 * The built platform on a SQLite file in `dir`. `--expose-gc` and the bench's preload
 * (gc-on-message.js: a `gc` IPC message runs a full GC) exist only in this process the bench starts, so
 * heap per held call is measured after a collection; the platform's own code is unchanged.
 */
export async function startPlatform(options: {
  dir: string;
  accountSid: string;
  authToken: string;
  ariPassword: string;
  /** More settings for the node (ASTERISK_SERVERS). */
  env?: Record<string, string>;
}): Promise<Platform> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--require',
      join(__dirname, 'gc-on-message.js'),
      join(ROOT, 'dist/apps/platform/src/main.js'),
    ],
    {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATABASE_TYPE: 'sqlite',
        DATABASE_PATH: join(options.dir, 'callwright.sqlite'),
        MEDIA_PATH: join(options.dir, 'media'),
        RECORDINGS_PATH: join(options.dir, 'recordings'),
        ARI_PASSWORD: options.ariPassword,
        BOOTSTRAP_ACCOUNT_SID: options.accountSid,
        BOOTSTRAP_AUTH_TOKEN: options.authToken,
        LOG_LEVEL: process.env.BENCH_PLATFORM_LOG_LEVEL ?? 'error',
        DRAIN_ON_STOP: 'true',
        DRAIN_TIMEOUT_S: '0',
        ...options.env,
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`platform exited with ${child.exitCode}`);
    const health = await fetch(`${base}/health`).catch(() => null);
    if (health?.ok) break;
    if (Date.now() > deadline) throw new Error('platform did not become healthy within 60 s');
    await sleep(200);
  }
  const auth = 'Basic ' + Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64');
  return { child, port, base, auth, accountSid: options.accountSid };
}

/** SIGTERM, then SIGKILL if the platform is still there 5 s later. */
export async function stopPlatform(platform: Platform | null): Promise<void> {
  if (!platform || platform.child.exitCode !== null) return;
  const exited = new Promise((ok) => platform.child.once('exit', ok));
  platform.child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (platform.child.exitCode === null) platform.child.kill('SIGKILL');
}

/** A forked worker asked to stop (`ask`), then killed if it has not exited within 2 s. */
export async function stopChild(child: ChildProcess, ask: () => void): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.removeAllListeners('exit');
  ask();
  await Promise.race([exited, sleep(2000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** The bench account may place as many calls as the steps offer (the defaults allow 10/s, 200 live). */
export async function liftLimits(platform: Platform): Promise<void> {
  const result = await apiPost(platform, `/2010-04-01/Accounts/${platform.accountSid}.json`, {
    Cps: '1000',
    MaxConcurrentCalls: '100000',
    MaxQueuedCalls: '100000',
  });
  if (result.status !== 200)
    throw new Error(`raising the account's limits: ${result.status} ${JSON.stringify(result.body)}`);
}

/** The type of the filesystem holding `path` (ext4, tmpfs, overlay), from /proc/mounts. */
export function filesystemOf(path: string): string {
  let best = { mount: '', type: 'unknown' };
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
    const [, mount, type] = line.split(' ');
    if (mount && (path === mount || path.startsWith(mount.endsWith('/') ? mount : mount + '/')))
      if (mount.length >= best.mount.length) best = { mount, type };
  }
  return best.type;
}

/** A form POST to the platform's API; the time is from just before the request to the body read. */
export async function apiPost(
  platform: Platform,
  path: string,
  fields: Record<string, string>,
): Promise<{ status: number; body: any; sent: number; responded: number }> {
  const sent = now();
  const response = await fetch(`${platform.base}${path}`, {
    signal: AbortSignal.timeout(30_000),
    method: 'POST',
    headers: { Authorization: platform.auth, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  const text = await response.text();
  const responded = now();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the error message.
  }
  return { status: response.status, body, sent, responded };
}

export function callsPath(platform: Platform): string {
  return `/2010-04-01/Accounts/${platform.accountSid}/Calls.json`;
}

/** Heap and RSS from inside the platform process: prom-client's default metrics at /metrics. */
export async function platformMemory(
  platform: Platform,
  gc: boolean,
): Promise<{ heapUsed: number; rss: number }> {
  if (gc && platform.child.connected) {
    const done = new Promise<void>((ok) => {
      const listener = (message: unknown) => {
        if (message !== 'gc-done') return;
        platform.child.off('message', listener);
        ok();
      };
      platform.child.on('message', listener);
    });
    platform.child.send('gc');
    await Promise.race([done, sleep(5000)]);
  }
  const text = await (await fetch(`${platform.base}/metrics`)).text();
  const read = (name: string) => metricValue(text, name) ?? NaN;
  return {
    heapUsed: read('callwright_nodejs_heap_size_used_bytes'),
    rss: read('callwright_process_resident_memory_bytes'),
  };
}

/** The raw ARI baseline in its own process, commanded over IPC. */
export class RawClient {
  readonly stasis = new Map<string, number>();
  readonly rcml = new Map<string, { sent: number; received: number }>();
  readonly bridged = new Map<string, number>();
  readonly destroyed = new Map<string, { at: number; cause: number }>();
  errors: string[] = [];
  private child!: ChildProcess;
  private readonly originated = new Map<string, (report: RawReport & { type: 'originated' }) => void>();
  private memoryWaiter: ((report: RawReport & { type: 'memory' }) => void) | null = null;

  async start(ariPassword: string): Promise<this> {
    this.child = fork(join(__dirname, 'raw-ari-worker.js'), [], {
      execArgv: ['--expose-gc'],
      env: {
        ...process.env,
        ARI_USERNAME: process.env.ARI_USERNAME ?? 'callwright',
        ARI_PASSWORD: ariPassword,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((ok, fail) => {
      this.child.once('exit', (code) => fail(new Error(`raw ARI worker exited with ${code}`)));
      this.child.on('message', (report: RawReport) => {
        if (report.type === 'ready') ok();
        else this.receive(report);
      });
    });
    return this;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private receive(report: RawReport): void {
    switch (report.type) {
      case 'originated':
        this.originated.get(report.id)?.(report);
        this.originated.delete(report.id);
        return;
      case 'stasis':
        this.stasis.set(report.id, report.at);
        return;
      case 'rcml':
        this.rcml.set(report.id, report);
        return;
      case 'bridged':
        this.bridged.set(report.id, report.at);
        return;
      case 'destroyed':
        this.destroyed.set(report.id, report);
        return;
      case 'memory':
        this.memoryWaiter?.(report);
        this.memoryWaiter = null;
        return;
      case 'error':
        this.errors.push(`${report.id ?? ''} ${report.message}`);
    }
  }

  private send(command: RawCommand): void {
    this.child.send(command);
  }

  originate(
    id: string,
    uri: string,
    behaviour: RawBehaviour,
    extra: { rcmlUrl?: string; legUri?: string } = {},
  ): Promise<{ sent: number; responded: number; status: number }> {
    return new Promise((resolve) => {
      // Bounded like the platform's requests: a lost report counts as a failed originate.
      const sent = now();
      const timer = setTimeout(() => {
        this.originated.delete(id);
        resolve({ sent, responded: now(), status: 0 });
      }, 30_000);
      this.originated.set(id, (report) => {
        clearTimeout(timer);
        resolve(report);
      });
      this.send({
        type: 'originate',
        id,
        endpoint: `PJSIP/outbound/${uri}`,
        behaviour,
        rcmlUrl: extra.rcmlUrl,
        legEndpoint: extra.legUri ? `PJSIP/outbound/${extra.legUri}` : undefined,
      });
    });
  }

  memory(gc: boolean): Promise<{ rss: number; heapUsed: number; live: number }> {
    return new Promise((resolve) => {
      this.memoryWaiter = resolve;
      this.send({ type: 'memory', gc });
    });
  }

  hangupAll(): void {
    this.send({ type: 'hangupAll' });
  }

  forget(ids: Iterable<string>): void {
    for (const id of ids) {
      this.stasis.delete(id);
      this.rcml.delete(id);
      this.bridged.delete(id);
      this.destroyed.delete(id);
    }
  }

  async stop(): Promise<void> {
    await stopChild(this.child, () => this.send({ type: 'stop' }));
  }
}
