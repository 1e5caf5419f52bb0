import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort } from './sip-register';

const SCENARIO = join(__dirname, '..', 'sipp', 'uac-extension-call.xml');

export interface ExtensionCallResult {
  /** Final SIP response to the authenticated INVITE, or null when none came. */
  code: number | null;
  output: string;
}

/**
 * A registered extension's phone dialing `to` (SIPp, `test/sipp/uac-extension-call.xml`): it
 * authenticates as `extension` of `domain`; once answered it talks for `talkMs` and hangs up.
 */
export async function callFromExtension(options: {
  extension: string;
  password: string;
  domain: string;
  to: string;
  talkMs?: number;
}): Promise<ExtensionCallResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-sipp-ext-call-'));
  const logFile = join(dir, 'call.log');
  const args = [
    '127.0.0.1:5060',
    '-sf',
    SCENARIO,
    '-s',
    options.to,
    '-au',
    options.extension,
    '-ap',
    options.password,
    '-set',
    'from_user',
    options.extension,
    '-set',
    'domain',
    options.domain,
    '-d',
    String(options.talkMs ?? 1000),
    '-i',
    '127.0.0.1',
    '-p',
    String(await freeUdpPort()),
    '-m',
    '1',
    '-nostdin',
    '-timeout',
    '60s',
    '-trace_logs',
    '-log_file',
    logFile,
  ];
  try {
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
    const match = /CW_CALL_RESULT (\d{3})/.exec(log);
    return { code: match ? Number(match[1]) : null, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
