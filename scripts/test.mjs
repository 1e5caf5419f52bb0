// `npm test`: set everything up on a fresh clone, start Asterisk and a private PostgreSQL, run every
// test (the database-facing ones on SQLite and on PostgreSQL), clean up.
// Extra arguments go to Jest (e.g. `npm test -- --selectProjects unit`).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildConsole,
  ensureDependencies,
  log,
  root,
  startAsterisk,
  startPostgres,
  stopAsterisk,
  stopPostgres,
} from './stack.mjs';
import { ensureSystemPackages } from './system-packages.mjs';

ensureDependencies();
ensureSystemPackages();
// The browser tests (test/console*.e2e-spec.ts) load the console the platform serves from dist/console.
buildConsole();
const resultsDir = join(root, '.test-results');
mkdirSync(resultsDir, { recursive: true });

const startedAsterisk = startAsterisk();
// The postgres projects create one database per platform they boot, through this maintenance URL.
// POSTGRES_TEST_URL points them at a PostgreSQL of your own instead (a role that may CREATE DATABASE).
const startedPostgres = !process.env.POSTGRES_TEST_URL;
let status = 1;
try {
  process.env.POSTGRES_TEST_URL ||= startPostgres('postgres', { fast: true });
  const jest = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--runInBand',
      '--json',
      `--outputFile=${join(resultsDir, 'jest.json')}`,
      ...process.argv.slice(2),
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } },
  );
  status = jest.status ?? 1;
} finally {
  if (startedAsterisk && !process.env.CALLWRIGHT_KEEP_ASTERISK) stopAsterisk();
  if (startedPostgres && !process.env.CALLWRIGHT_KEEP_POSTGRES) stopPostgres();
}
log(`Jest exited with ${status}`);
process.exit(status);
