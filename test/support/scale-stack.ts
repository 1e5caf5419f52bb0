import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { freeUdpPort } from './sip-register';

const run = promisify(execFile);
const STACK = join(__dirname, '..', '..', 'asterisk', 'stack.sh');
const PROXY_SCENARIO = join(__dirname, '..', 'sipp', 'uac-through-proxy.xml');
/** Kamailio of the local scale-out stack. */
export const KAMAILIO_ADDRESS = '127.0.0.1:5090';

/** One entry of ASTERISK_SERVERS, as asterisk/stack.sh prints it. */
export interface AsteriskServer {
  name: string;
  ariUrl: string;
  ariUsername: string;
  ariPassword: string;
  sipAddress: string;
}

function stack(args: string[], servers?: number) {
  const env = { ...process.env };
  if (servers !== undefined) env.CALLWRIGHT_PLATFORM_ASTERISKS = String(servers);
  return run('bash', [STACK, ...args], { env, maxBuffer: 4 * 1024 * 1024 });
}

/**
 * Brings up the two-server stack (ast2 and Kamailio beside the running ast1 and far end, which keep
 * their calls) and returns its ASTERISK_SERVERS.
 */
export async function startScaleStack(): Promise<AsteriskServer[]> {
  await stack(['start'], 2);
  const { stdout } = await stack(['asterisk-servers'], 2);
  return JSON.parse(stdout) as AsteriskServer[];
}

/** Back to the stack this run was started with (npm test's CALLWRIGHT_PLATFORM_ASTERISKS, default 1). */
export async function restoreStack(): Promise<void> {
  await stack(['start'], Number(process.env.CALLWRIGHT_PLATFORM_ASTERISKS || 1));
}

export async function stopServer(name: string): Promise<void> {
  await stack(['stop-platform', name], 2);
}

/** SIGKILL, as a crash: nothing tells Kamailio, the server just goes silent. */
export async function killServer(name: string): Promise<void> {
  await stack(['kill-platform', name], 2);
}

/** Kamailio's view of each dispatcher destination: URI -> flags (A active, I inactive, P probing). */
export async function dispatcherFlags(): Promise<Record<string, string>> {
  const { stdout } = await stack(['dispatchers'], 2);
  const flags: Record<string, string> = {};
  for (const match of stdout.matchAll(/URI: (\S+)\s+FLAGS: (\S+)/g)) flags[match[1]] = match[2];
  return flags;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * A Stasis app of the test's own on one server: it answers every channel that enters the `callwright`
 * app (the dialplan sends every inbound call there) and counts them.
 */
export interface AnsweringApp {
  readonly server: string;
  /** Channel names that entered the app, in arrival order. */
  readonly channels: string[];
  close(): Promise<void>;
}

export async function startAnsweringApp(server: AsteriskServer, app = 'callwright'): Promise<AnsweringApp> {
  const auth = `${encodeURIComponent(server.ariUsername)}:${encodeURIComponent(server.ariPassword)}`;
  const url = `${server.ariUrl.replace(/^http/, 'ws')}/ari/events?app=${app}&api_key=${auth}`;
  const socket = new WebSocket(url);
  const channels: string[] = [];
  const headers = {
    Authorization: 'Basic ' + Buffer.from(`${server.ariUsername}:${server.ariPassword}`).toString('base64'),
  };
  socket.on('message', (data: WebSocket.RawData) => {
    const event = JSON.parse(data.toString()) as { type: string; channel?: { id: string; name: string } };
    if (event.type !== 'StasisStart' || !event.channel) return;
    channels.push(event.channel.name);
    void fetch(`${server.ariUrl}/ari/channels/${event.channel.id}/answer`, { method: 'POST', headers }).catch(
      () => undefined,
    );
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    server: server.name,
    channels,
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
}

export interface ProxyCallsResult {
  exitCode: number;
  /** Call-IDs of the calls that were answered (200). */
  answered: string[];
  output: string;
}

/** `calls` SIPp calls to `dialed` through Kamailio, `rate` per second, each talking `talkMs`. */
export async function callThroughKamailio(options: {
  dialed: string;
  calls: number;
  rate: number;
  talkMs?: number;
}): Promise<ProxyCallsResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-sipp-proxy-'));
  const logFile = join(dir, 'calls.log');
  const args = [
    KAMAILIO_ADDRESS,
    '-sf',
    PROXY_SCENARIO,
    '-s',
    options.dialed,
    '-d',
    String(options.talkMs ?? 500),
    '-m',
    String(options.calls),
    '-r',
    String(options.rate),
    '-l',
    String(options.calls),
    '-i',
    '127.0.0.1',
    '-p',
    String(await freeUdpPort()),
    '-nostdin',
    '-timeout',
    '60s',
    '-trace_logs',
    '-log_file',
    logFile,
  ];
  try {
    const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>(
      (resolve, reject) => {
        const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
        child.once('error', reject);
        child.once('close', (code) => resolve({ exitCode: code ?? 1, output: text }));
      },
    );
    let log = '';
    try {
      log = readFileSync(logFile, 'utf8');
    } catch {
      // No log: no call was answered.
    }
    const answered = [...log.matchAll(/CW_CALL_RESULT 200 (\S+)/g)].map((match) => match[1]);
    return { exitCode, answered, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
