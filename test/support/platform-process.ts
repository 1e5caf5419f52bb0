import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import type { RunningPlatform } from './platform';

const ROOT = join(__dirname, '..', '..');

/** Builds dist/ once per test file: a platform that can be killed with SIGKILL runs as its own process. */
export function buildPlatform(): void {
  execFileSync('npx', ['nest', 'build', 'platform'], { cwd: ROOT, stdio: 'inherit' });
}

export interface PlatformProcess extends RunningPlatform {
  child: ChildProcess;
  port: number;
  /** With `captureOutput`: everything the process wrote to stdout and stderr so far. */
  output(): string;
}

/**
 * The built platform as a child process on `port`, with the database and data folder given, talking
 * to the Asterisk `npm test` started (ARI_* come from this process's environment).
 */
export async function startPlatformProcess(options: {
  port: number;
  dataDir: string;
  accountSid: string;
  authToken: string;
  env?: Record<string, string>;
  /** Keep the process's stdout and stderr (for `output()`) instead of passing them through. */
  captureOutput?: boolean;
}): Promise<PlatformProcess> {
  const { port, dataDir, accountSid, authToken } = options;
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/platform/src/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_PATH: join(dataDir, 'callwright.sqlite'),
      MEDIA_PATH: join(dataDir, 'media'),
      RECORDINGS_PATH: join(dataDir, 'recordings'),
      BOOTSTRAP_ACCOUNT_SID: accountSid,
      BOOTSTRAP_AUTH_TOKEN: authToken,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: options.captureOutput ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`platform exited with ${child.exitCode}`);
    const healthy = await fetch(`${baseUrl}/health`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) throw new Error('platform did not become healthy within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    app: undefined as never,
    child,
    port,
    accountSid,
    authToken,
    http: () => request(baseUrl),
    output: () => output,
    close: () => stopPlatformProcess(child, 'SIGTERM'),
  };
}

export function stopPlatformProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
