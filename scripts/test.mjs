// `npm test`: set everything up on a fresh clone, start Asterisk, run every test, clean up.
// Extra arguments go to Jest (e.g. `npm test -- --selectProjects unit`).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDependencies, log, root, startAsterisk, stopAsterisk } from './stack.mjs';
import { ensureSystemPackages } from './system-packages.mjs';

ensureDependencies();
ensureSystemPackages();
const resultsDir = join(root, '.test-results');
mkdirSync(resultsDir, { recursive: true });

const startedAsterisk = startAsterisk();
let status = 1;
try {
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
}
log(`Jest exited with ${status}`);
process.exit(status);
