import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort, runSippScenario } from './sip-register';

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
    return await runSippScenario(args, dir, logFile, 'CW_CALL_RESULT');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
