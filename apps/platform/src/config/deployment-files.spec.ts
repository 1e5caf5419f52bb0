import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV_NAMES, loadConfig } from './app-config';

const DEPLOY = join(__dirname, '..', '..', '..', '..', 'deploy');

/** `NAME=value` lines of an env file, `# NAME=` placeholders left out. */
function envFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1]] = match[2];
  }
  return env;
}

describe('deploy/', () => {
  it('the env template names every setting the platform reads, and boots as it is with an ARI password', () => {
    const text = readFileSync(join(DEPLOY, 'callwright.env'), 'utf8');
    const missing = Object.values(ENV_NAMES).filter((name) => !new RegExp(`^(# )?${name}=`, 'm').test(text));
    expect(missing).toEqual([]);
    const config = loadConfig({ ...envFile(text), ARI_PASSWORD: 'a-long-ari-password' });
    expect(config.databasePath).toBe('/var/lib/callwright/callwright.sqlite');
    expect(config.webhookBlockPrivateAddresses).toBe(true);
  });

  it('systemd units parse (systemd-analyze verify; only the absent Asterisk binary may be reported)', () => {
    for (const unit of ['callwright.service', 'callwright-asterisk.service']) {
      const result = spawnSync('systemd-analyze', ['verify', join(DEPLOY, unit)], { encoding: 'utf8' });
      const complaints = `${result.stdout}${result.stderr}`
        .split('\n')
        .filter((line) => line.trim() && !/Command \/usr\/sbin\/asterisk is not executable/.test(line));
      expect({ unit, complaints }).toEqual({ unit, complaints: [] });
    }
  });

  it('renders the platform Asterisk configuration for a system Asterisk, with no placeholder left', () => {
    const target = mkdtempSync(join(tmpdir(), 'cw-deploy-'));
    const state = mkdtempSync(join(tmpdir(), 'cw-deploy-state-'));
    try {
      execFileSync('bash', [join(DEPLOY, 'install-asterisk-config.sh'), target], {
        env: { ...process.env, ARI_PASSWORD: 'pw|with&odd\\chars', ASTERISK_STATE_DIR: state },
        stdio: 'pipe',
      });
      const leftovers = readdirSync(target).filter((file) =>
        /@[A-Z_]+@/.test(readFileSync(join(target, file), 'utf8')),
      );
      expect(leftovers).toEqual([]);
      expect(readFileSync(join(target, 'asterisk.conf'), 'utf8')).toContain(`astetcdir => ${target}`);
      expect(readFileSync(join(target, 'ari.conf'), 'utf8')).toContain('pw|with&odd\\chars');
      // The ports the stack gives server 1, and an entityid of this machine's own.
      expect(readFileSync(join(target, 'pjsip.conf'), 'utf8')).toContain('bind = 127.0.0.1:5060');
      expect(readFileSync(join(target, 'http.conf'), 'utf8')).toContain('bindport = 8088');
      expect(readFileSync(join(target, 'asterisk.conf'), 'utf8')).toMatch(/^entityid = 02(:[0-9a-f]{2}){5}$/m);
      expect(statSync(join(target, 'ari.conf')).mode & 0o777).toBe(0o600);
      expect(readdirSync(target)).toEqual(
        expect.arrayContaining(['pjsip.conf', 'extensions.conf', 'modules.conf']),
      );
    } finally {
      rmSync(target, { recursive: true, force: true });
      rmSync(state, { recursive: true, force: true });
    }
  });

  it('refuses to render without a long enough ARI password', () => {
    const result = spawnSync('bash', [join(DEPLOY, 'install-asterisk-config.sh'), '/nonexistent'], {
      env: { ...process.env, ARI_PASSWORD: 'short' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/12\+ characters/);
  });
});
