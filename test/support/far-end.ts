import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const STACK = join(__dirname, '..', '..', 'asterisk', 'stack.sh');

/**
 * The simulated far end (a second, real Asterisk) places a call to the platform. Once the platform
 * answers, the far-end leg runs `behaviour` from its `phones` context (answer: stay up; dtmf: send 1234#).
 */
export async function callPlatformFromFarEnd(number: string, behaviour: 'answer' | 'dtmf'): Promise<void> {
  await run('bash', [
    STACK,
    'cli',
    'farend',
    `channel originate PJSIP/${number}@platform extension ${behaviour}@phones`,
  ]);
}
