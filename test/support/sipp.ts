import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInvites, parseLastInvite, SippInvite, TimedSippInvite } from './sipp-messages';

export { parseInvites, parseLastInvite, sipHeader } from './sipp-messages';
export type { SippInvite, TimedSippInvite } from './sipp-messages';

/**
 * SIPp (`sipp`, Debian package `sip-tester`, installed by scripts/system-packages.mjs) as an exact
 * SIP peer for e2e tests: a user agent server that answers, rejects with a chosen code, requires
 * digest authentication, or rings forever, and reports the INVITE it received.
 *
 * ```ts
 * const peer = await startUas({ scenario: 'answer', answerHeaders: { 'X-Customer': '42' } });
 * // dial peer.uri('bob') from the platform ...
 * const result = await peer.received; // after the call ended
 * expect(sipHeader(result.invite!.headers, 'x-test')).toBe('hello');
 * ```
 * Always `await peer.stop()` (e.g. in afterEach): it is harmless after SIPp has exited.
 */

/**
 * User agent servers. hold: answers, then expects a re-INVITE that holds it and one that resumes it,
 * logging `CW_REINVITE a=<direction>` for each; provisional: 100, `180 Ringing Loudly`,
 * `183 Early Media Here` (with SDP), then 200; refer: answers, then logs `CW_REFER_TO <Refer-To>` of the
 * REFER it receives and accepts it (202); challenge-answer: 100, 180, 183, then 407 (realm `callwright`),
 * and the INVITE sent again with credentials gets `180 Ringing Again` and 200; redirect: 100, then 302
 * to `redirectTo`.
 */
export type SippScenario =
  | 'answer'
  | 'reject'
  | 'digest-answer'
  | 'ring-forever'
  | 'hold'
  | 'provisional'
  | 'refer'
  | 'challenge-answer'
  | 'redirect';
/**
 * Phones that call the platform (startUac). phone-hold: once answered, holds (re-INVITE a=sendonly)
 * and resumes (a=sendrecv) a second later each; phone-refer: once answered, REFERs the call to
 * `referTo` and logs `CW_NOTIFY <sipfrag>` for each NOTIFY of its progress until a final one.
 */
export type SippPhoneScenario = 'phone-hold' | 'phone-refer';
export type SippTransport = 'udp' | 'tcp';

export interface SippUacOptions {
  scenario: SippPhoneScenario;
  /** The user the phone calls at the platform Asterisk (127.0.0.1:5060): the dialplan extension. */
  to: string;
  /** phone-refer: the Refer-To URI, e.g. `sip:carol@127.0.0.1:5060`. */
  referTo?: string;
}

export interface SippUasOptions {
  scenario: SippScenario;
  /** SIP port on 127.0.0.1; a free one is chosen when omitted. */
  port?: number;
  /** Default udp. */
  transport?: SippTransport;
  /** reject: the final response code (default 486). */
  responseCode?: number;
  /** answer, digest-answer: extra headers on the 200 OK, e.g. `{ 'X-Customer': '42' }`. */
  answerHeaders?: Record<string, string>;
  /**
   * answer, digest-answer: seconds after the ACK until the peer sends BYE itself (a BYE from the
   * caller before then is answered normally). Default 60: in effect, wait for the caller's BYE.
   */
  holdSeconds?: number;
  /**
   * How many calls SIPp serves before it exits (default 1); they may overlap. `received` then lists
   * every INVITE in {@link SippResult.invites}.
   */
  calls?: number;
  /** redirect: the URI of the 302's Contact. */
  redirectTo?: string;
  /** digest-answer: credentials the caller must use (default alice / secret). Realm: callwright-test. */
  username?: string;
  password?: string;
}

export interface SippResult {
  /**
   * SIPp's exit code: 0 the call followed the scenario to its end (answered and hung up, rejected,
   * or canceled as scripted); 1 it failed (e.g. wrong digest credentials, unexpected message);
   * 143 (128 + SIGTERM) when stop() ended it before it finished (SIPp itself exits 0 on SIGTERM,
   * which would look like success); 255/254 SIPp could not start.
   */
  exitCode: number;
  /** The last INVITE received, when one came. */
  invite?: SippInvite;
  /** The first INVITE of each call (retransmissions left out), in arrival order. */
  invites: TimedSippInvite[];
  /** SIPp's error file, scenario log (e.g. `CW_AUTH ok|failed`), final statistics screen, stderr. */
  log: string;
}

export interface SippPeer {
  port: number;
  transport: SippTransport;
  /** `sip:<user>@127.0.0.1:<port>`, plus `;transport=tcp` for tcp; defaults to the peer's transport. */
  uri(user: string, transport?: SippTransport): string;
  /** Resolves (never rejects) when SIPp has exited: after its one call, on stop(), or at its global timeout. */
  received: Promise<SippResult>;
  /** Ends SIPp (SIGTERM, then SIGKILL) and removes its files; resolves once it has exited. */
  stop(): Promise<void>;
}

const SCENARIO_DIR = join(__dirname, '..', 'sipp');
const SCENARIO_FILES: Record<SippScenario | SippPhoneScenario, string> = {
  answer: 'uas-answer.xml',
  reject: 'uas-reject.xml',
  'digest-answer': 'uas-digest-answer.xml',
  'ring-forever': 'uas-ring-forever.xml',
  hold: 'uas-hold.xml',
  provisional: 'uas-provisional.xml',
  refer: 'uas-refer.xml',
  'challenge-answer': 'uas-challenge-answer.xml',
  redirect: 'uas-redirect.xml',
  'phone-hold': 'uac-phone-hold.xml',
  'phone-refer': 'uac-phone-refer.xml',
};
const PLATFORM_SIP = '127.0.0.1:5060';
/** Safety net so a forgotten peer never outlives the test run for long. */
const GLOBAL_TIMEOUT_SECONDS = 120;
const READY_TIMEOUT_MS = 5000;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export function startUas(options: SippUasOptions): Promise<SippPeer> {
  validate(options);
  return launchWithRetries(options);
}

/** A phone (SIPp as user agent client) that calls the platform Asterisk and runs its scenario. */
export function startUac(options: SippUacOptions): Promise<SippPeer> {
  const variables: Record<string, string> = options.referTo ? { refer_to: options.referTo } : {};
  if (options.scenario === 'phone-refer' && !options.referTo) throw new Error('phone-refer needs referTo');
  return launchWithRetries({ scenario: options.scenario }, { service: options.to, variables });
}

interface UacPart {
  service: string;
  variables: Record<string, string>;
}

async function launchWithRetries(
  options: Omit<SippUasOptions, 'scenario'> & { scenario: SippScenario | SippPhoneScenario },
  uac?: UacPart,
): Promise<SippPeer> {
  // Chosen ports can be taken by someone else before SIPp binds them: retry with new ones.
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await launch(options, uac);
    } catch (error) {
      lastError = error as Error;
    }
  }
  throw lastError;
}

function validate(options: SippUasOptions): void {
  const calls = options.calls ?? 1;
  if (!Number.isInteger(calls) || calls < 1 || calls > 1000) {
    throw new Error(`calls must be an integer from 1 to 1000, got ${calls}`);
  }
  const code = options.responseCode ?? 486;
  if (!Number.isInteger(code) || code < 300 || code > 699) {
    throw new Error(`responseCode must be a final error code (300-699), got ${code}`);
  }
  for (const [name, value] of Object.entries(options.answerHeaders ?? {})) {
    if (!HEADER_NAME.test(name) || /[\r\n]/.test(value)) {
      throw new Error(`invalid SIP header ${JSON.stringify(name)}: ${JSON.stringify(value)}`);
    }
  }
  if (options.scenario === 'redirect' && !/^sips?:[^\s<>]+$/.test(options.redirectTo ?? ''))
    throw new Error(`redirect needs a redirectTo URI, got ${JSON.stringify(options.redirectTo)}`);
  const hold = options.holdSeconds;
  if (hold !== undefined && (!(hold > 0) || hold > 3600)) {
    throw new Error(`holdSeconds must be > 0, got ${hold}`);
  }
  if (hold !== undefined && options.scenario !== 'answer' && options.scenario !== 'digest-answer') {
    throw new Error(`holdSeconds applies to answer and digest-answer, not ${options.scenario}`);
  }
}

async function launch(
  options: Omit<SippUasOptions, 'scenario'> & { scenario: SippScenario | SippPhoneScenario },
  uac?: UacPart,
): Promise<SippPeer> {
  const transport = options.transport ?? 'udp';
  const dir = mkdtempSync(join(tmpdir(), 'cw-sipp-uas-'));
  const files = {
    messages: join(dir, 'messages.log'),
    log: join(dir, 'actions.log'),
    errors: join(dir, 'errors.log'),
    screen: join(dir, 'screen.log'),
  };
  const port = options.port ?? (await freePort(transport));
  // SIPp binds the audio port given by -mp and the video port 2 above it.
  const mediaPort = await freeMediaPort();

  // SIPp reads response codes and timeouts when it loads a scenario, so no -key or -set can
  // supply them: those options are written into a copy of the scenario.
  let scenarioFile = join(SCENARIO_DIR, SCENARIO_FILES[options.scenario]);
  let xml = readFileSync(scenarioFile, 'utf8');
  if (options.scenario === 'reject') {
    xml = replaceOnce(xml, 'SIP/2.0 486 ', `SIP/2.0 ${options.responseCode ?? 486} `);
  }
  if (options.holdSeconds !== undefined) {
    const holdMs = Math.round(options.holdSeconds * 1000);
    xml = replaceOnce(xml, 'request="BYE" timeout="60000"', `request="BYE" timeout="${holdMs}"`);
  }
  if (options.scenario === 'reject' || options.holdSeconds !== undefined) {
    scenarioFile = join(dir, SCENARIO_FILES[options.scenario]);
    writeFileSync(scenarioFile, xml);
  }

  // Starts with CRLF: the scenario appends it to the Contact line of the 200 OK.
  const answerHeaders = Object.entries(options.answerHeaders ?? {})
    .map(([name, value]) => `\r\n${name}: ${value}`)
    .join('');
  const args = [
    '-sf',
    scenarioFile,
    '-i',
    '127.0.0.1',
    '-p',
    String(port),
    '-t',
    transport === 'tcp' ? 't1' : 'u1',
    '-mp',
    String(mediaPort),
    '-m',
    String(options.calls ?? 1),
    '-nostdin',
    // A stray OPTIONS/INFO/UPDATE from Asterisk must not abort the scripted call.
    '-aa',
    '-timeout',
    `${GLOBAL_TIMEOUT_SECONDS}s`,
    '-trace_msg',
    '-message_file',
    files.messages,
    '-trace_logs',
    '-log_file',
    files.log,
    '-trace_err',
    '-error_file',
    files.errors,
    '-trace_screen',
    '-screen_file',
    files.screen,
  ];
  if (options.scenario === 'answer' || options.scenario === 'digest-answer') {
    args.push('-key', 'answer_headers', answerHeaders);
  }
  if (options.scenario === 'digest-answer') {
    args.push('-set', 'user', options.username ?? 'alice', '-set', 'pass', options.password ?? 'secret');
  }
  if (options.scenario === 'redirect') args.push('-set', 'redirect_to', options.redirectTo ?? '');
  if (uac) {
    args.unshift(PLATFORM_SIP, '-s', uac.service);
    for (const [name, value] of Object.entries(uac.variables)) args.push('-set', name, value);
  }

  // The screen is redrawn on stdout every second; -trace_screen keeps the final one instead.
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  let exited = false;
  let stopped = false;
  const exit = new Promise<number>((resolve) => {
    child.once('error', (error) => {
      stderr += `${error.message}\n`;
      exited = true;
      resolve(255);
    });
    child.once('exit', (code, signal) => {
      exited = true;
      resolve(stopped ? 128 + constants.signals.SIGTERM : (code ?? 128 + signalNumber(signal)));
    });
  });
  const received = exit.then((exitCode) => {
    const result: SippResult = {
      exitCode,
      invite: parseLastInvite(readOptional(files.messages)),
      invites: parseInvites(readOptional(files.messages)),
      log: [readOptional(files.errors), readOptional(files.log), readOptional(files.screen), stderr]
        .filter((part) => part.trim() !== '')
        .join('\n'),
    };
    rmSync(dir, { recursive: true, force: true });
    return result;
  });

  const stop = async (): Promise<void> => {
    if (!exited) {
      stopped = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exit;
      clearTimeout(timer);
    }
    await received;
  };

  const ready = await waitUntilListening(transport, [port], [mediaPort, mediaPort + 2], () => exited);
  if (!ready) {
    await stop();
    const result = await received;
    throw new Error(
      `sipp did not start listening on 127.0.0.1:${port}/${transport} (exit ${result.exitCode}):\n${result.log}`,
    );
  }

  return {
    port,
    transport,
    uri: (user, uriTransport = transport) =>
      `sip:${user}@127.0.0.1:${port}${uriTransport === 'tcp' ? ';transport=tcp' : ''}`,
    received,
    stop,
  };
}

function replaceOnce(text: string, search: string, replacement: string): string {
  if (!text.includes(search)) throw new Error(`scenario has no "${search}" to replace`);
  return text.replace(search, replacement);
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Polls the kernel's socket tables until SIPp has bound every port (or has exited). */
async function waitUntilListening(
  transport: SippTransport,
  sipPorts: number[],
  mediaPorts: number[],
  hasExited: () => boolean,
): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !hasExited()) {
    const udp = boundPorts('/proc/net/udp', null);
    const sip = transport === 'tcp' ? boundPorts('/proc/net/tcp', '0A') : udp;
    if (sipPorts.every((port) => sip.has(port)) && mediaPorts.every((port) => udp.has(port))) {
      return !hasExited();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Local ports on 127.0.0.1 or 0.0.0.0 in /proc/net/{udp,tcp}; `state` 0A is TCP LISTEN. */
function boundPorts(table: string, state: string | null): Set<number> {
  const ports = new Set<number>();
  for (const line of readOptional(table).split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4) continue;
    const [address, portHex] = fields[1].split(':');
    if (address !== '0100007F' && address !== '00000000') continue;
    if (state !== null && fields[3] !== state) continue;
    ports.add(parseInt(portHex, 16));
  }
  return ports;
}

/** Ports handed out in this process, so two peers started back to back never share one. */
const handedOut = new Set<number>();

async function freePort(transport: SippTransport): Promise<number> {
  for (;;) {
    const port = await ephemeralUdpPort();
    if (handedOut.has(port) || port === 5060 || port === 5070) continue;
    if (transport === 'tcp' && !(await tcpPortFree(port))) continue;
    handedOut.add(port);
    return port;
  }
}

async function freeMediaPort(): Promise<number> {
  for (;;) {
    const port = (await ephemeralUdpPort()) & ~1; // RTP ports are even by convention
    if ([port, port + 1, port + 2].some((p) => handedOut.has(p))) continue;
    if (!(await udpPortFree(port)) || !(await udpPortFree(port + 2))) continue;
    [port, port + 1, port + 2, port + 3].forEach((p) => handedOut.add(p));
    return port;
  }
}

function ephemeralUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

function tcpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? constants.signals[signal] : 0;
}
