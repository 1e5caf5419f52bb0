// Shared by `npm start` and `npm test`: install what a fresh clone lacks, then bring Asterisk up.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function log(message) {
  process.stderr.write(`[callwright] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

export function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('Installing dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

export function build() {
  log('Building the platform');
  run('npx', ['nest', 'build', 'platform']);
  buildConsole();
}

/** The web console (apps/console, Vite) into dist/console, which the platform serves at /console. */
export function buildConsole() {
  log('Building the web console');
  run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/console/vite.config.mts', '--logLevel', 'warn']);
}

/** True when the user pointed the platform at an Asterisk of their own. */
export function usesExternalAsterisk() {
  return Boolean(process.env.ARI_URL);
}

/** How many platform Asterisk servers the local stack runs (CALLWRIGHT_PLATFORM_ASTERISKS, default 1). */
export function platformAsteriskCount() {
  const count = Number(process.env.CALLWRIGHT_PLATFORM_ASTERISKS || 1);
  return Number.isInteger(count) && count >= 1 ? count : 1;
}

export function startAsterisk() {
  if (usesExternalAsterisk()) {
    log(`Using the Asterisk at ${process.env.ARI_URL} (ARI_URL is set); not starting one`);
    return false;
  }
  const servers = platformAsteriskCount();
  log(
    servers > 1
      ? `Starting ${servers} platform Asterisk servers (ast1 127.0.0.1:5060/8088, ast2 127.0.0.1:5160/8188, ...), ` +
          'Kamailio on 127.0.0.1:5090 and the simulated far end on 127.0.0.1:5070'
      : 'Starting Asterisk (platform on 127.0.0.1:5060/8088, simulated far end on 127.0.0.1:5070)',
  );
  run('bash', [join(root, 'asterisk', 'stack.sh'), 'start']);
  // The stack generated ARI's password for this installation: the platform and the tests read it here.
  process.env.ARI_PASSWORD ||= execFileSync('bash', [join(root, 'asterisk', 'stack.sh'), 'ari-password'], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  // Several servers: the platform reads them from ASTERISK_SERVERS (one server keeps the ARI_* shorthand).
  if (servers > 1 && !process.env.ASTERISK_SERVERS) {
    process.env.ASTERISK_SERVERS = execFileSync('bash', [join(root, 'asterisk', 'stack.sh'), 'asterisk-servers'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
  }
  return true;
}

export function stopAsterisk() {
  log('Stopping Asterisk');
  try {
    execFileSync('bash', [join(root, 'asterisk', 'stack.sh'), 'stop'], { cwd: root, stdio: 'inherit' });
  } catch (error) {
    log(`Stopping Asterisk failed: ${error.message}`);
  }
}

function postgresStack(args, options = {}) {
  return execFileSync('bash', [join(root, 'postgres', 'stack.sh'), ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    ...options,
  }).trim();
}

/**
 * Starts the private PostgreSQL 15 (postgres/stack.sh) and returns the URL of `database` on it.
 * `fast` (tests only) turns fsync off.
 */
export function startPostgres(database = 'callwright', { fast = false } = {}) {
  log('Starting PostgreSQL (private data folder, 127.0.0.1 only)');
  const env = { ...process.env, ...(fast ? { CALLWRIGHT_PG_FAST: '1' } : {}) };
  postgresStack(['start'], { env });
  return postgresStack(['url', database]);
}

export function stopPostgres() {
  log('Stopping PostgreSQL');
  try {
    postgresStack(['stop']);
  } catch (error) {
    log(`Stopping PostgreSQL failed: ${error.message}`);
  }
}
