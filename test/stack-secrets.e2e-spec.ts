import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../apps/platform/src/config/app-config';
import { RunningPlatform, startPlatform } from './support/platform';

const STACK = join(__dirname, '..', 'asterisk', 'stack.sh');
const ARI = process.env.ARI_URL ?? 'http://127.0.0.1:8088';
const stack = (command: string) => execFileSync('bash', [STACK, command], { encoding: 'utf8' }).trim();

const ariInfo = (user: string, password: string) =>
  fetch(`${ARI}/ari/asterisk/info`, {
    headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
  });

/** Listening TCP sockets on `port`, as "address" strings from the kernel's tables (IPv4 and IPv6). */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
    readFileSync(table, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A')
      .map((fields) => fields[1].split(':')[0]),
  );
}

describe('Secrets of the stack and the platform', () => {
  it('runs ARI with a generated password, never the old fixed default', async () => {
    const password = process.env.ARI_PASSWORD!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(password).not.toBe('callwright');
    expect((await ariInfo(process.env.ARI_USERNAME ?? 'callwright', 'callwright')).status).toBe(401);
    expect((await ariInfo(process.env.ARI_USERNAME ?? 'callwright', password)).status).toBe(200);
  });

  it('keeps the generated password 0600 beside the rendered configuration', () => {
    const file = stack('ari-password-file');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(stack('ari-password'));
    expect(stack('ari-password')).toBe(process.env.ARI_PASSWORD);
  });

  it('listens for ARI on loopback only', () => {
    const found = listeners(Number(new URL(ARI).port) || 8088);
    expect(found.length).toBeGreaterThan(0);
    // 127.0.0.1 in the kernel's little-endian hex; ::1 for IPv6.
    for (const address of found) expect(['0100007F', '00000000000000000000000001000000']).toContain(address);
  });

  describe('platform data', () => {
    let platform: RunningPlatform;
    beforeAll(async () => (platform = await startPlatform()));
    afterAll(async () => platform?.close());

    it('creates the SQLite database 0600', () => {
      const path = platform.app.get(AppConfig).databasePath;
      expect(statSync(path).mode & 0o777).toBe(0o600);
    });
  });
});
