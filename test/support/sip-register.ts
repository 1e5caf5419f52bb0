import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCENARIO = join(__dirname, '..', 'sipp', 'register-uac.xml');
const DOMAIN_SCENARIO = join(__dirname, '..', 'sipp', 'register-domain-uac.xml');
/** The User-Agent header both REGISTER scenarios send. */
export const SIPP_REGISTER_USER_AGENT = 'Callwright-test-UA';

export interface RegisterResult {
  /** Final SIP response to the authenticated REGISTER (200, 401, 403, 404), or null when none came. */
  code: number | null;
  /** The contact the phone registered, `sip:<login>@127.0.0.1:<port>`. */
  contact: string;
  port: number;
  output: string;
}

/**
 * Registers (or, with `expiresSeconds: 0`, unregisters) a SIP user the way a phone does, with
 * SIPp (`sipp`, Debian package `sip-tester`): REGISTER, 401 challenge, REGISTER with digest
 * credentials, final response. The From, To and digest username are all `login`; with `domain`,
 * From and To are `login@domain` (an extension of a tenant).
 */
export async function sipRegister(options: {
  login: string;
  password: string;
  expiresSeconds?: number;
  registrar?: string;
  /** Local SIP port (the contact's port): reuse a result's `port` to unregister that contact. */
  localPort?: number;
  domain?: string;
}): Promise<RegisterResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-sipp-register-'));
  const logFile = join(dir, 'register.log');
  const port = options.localPort ?? (await freeUdpPort());
  const args = [
    options.registrar ?? '127.0.0.1:5060',
    '-sf',
    options.domain ? DOMAIN_SCENARIO : SCENARIO,
    ...(options.domain ? ['-set', 'domain', options.domain] : []),
    '-s',
    options.login,
    '-au',
    options.login,
    '-ap',
    options.password,
    '-set',
    'expires',
    String(options.expiresSeconds ?? 300),
    '-i',
    '127.0.0.1',
    '-p',
    String(port),
    '-m',
    '1',
    '-nostdin',
    '-timeout',
    '10s',
    '-trace_logs',
    '-log_file',
    logFile,
  ];
  try {
    const { code, output } = await runSippScenario(args, dir, logFile, 'CW_REGISTER_RESULT');
    return {
      code,
      contact: `sip:${options.login}@127.0.0.1:${port};transport=UDP`,
      port,
      output,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs one SIPp scenario to its end in `dir` and reads the final code it logged as `<marker> <code>`
 * (null when it logged none: no final response came).
 */
export async function runSippScenario(
  args: string[],
  dir: string,
  logFile: string,
  marker: string,
): Promise<{ code: number | null; output: string }> {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', reject);
    child.once('close', () => resolve(text));
  });
  let log = '';
  try {
    log = readFileSync(logFile, 'utf8');
  } catch {
    // No log: no final response was received.
  }
  const match = new RegExp(`${marker} (\\d{3})`).exec(log);
  return { code: match ? Number(match[1]) : null, output };
}

export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
