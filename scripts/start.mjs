// `npm start`: set everything up on a fresh clone and run the platform until Ctrl-C. A platform that
// crashes is restarted with backoff (scripts/supervisor.cjs) while Asterisk keeps its calls up.
import { join } from 'node:path';
import {
  build,
  ensureDependencies,
  log,
  root,
  startAsterisk,
  startPostgres,
  stopAsterisk,
  stopPostgres,
} from './stack.mjs';
import { AppSupervisor } from './supervisor.cjs';
import { ensureSystemPackages } from './system-packages.mjs';

ensureDependencies();
ensureSystemPackages();
build();
// DATABASE_TYPE=postgres without DATABASE_URL: the private PostgreSQL 15 of postgres/stack.sh, database
// `callwright`. Its data stays in the cache folder; the server stops with the platform, like Asterisk,
// unless CALLWRIGHT_KEEP_POSTGRES is set.
const startedPostgres = process.env.DATABASE_TYPE === 'postgres' && !process.env.DATABASE_URL;
if (startedPostgres) process.env.DATABASE_URL = startPostgres('callwright');
const startedAsterisk = startAsterisk();
const keepAsterisk = Boolean(process.env.CALLWRIGHT_KEEP_ASTERISK);

const supervisor = new AppSupervisor({
  command: process.execPath,
  args: [join(root, 'dist', 'apps', 'platform', 'src', 'main.js')],
  spawnOptions: { cwd: root, env: process.env },
  log,
  // Only a stop asked for here (Ctrl-C, SIGTERM, SIGHUP) gets this far; a crash never does.
  onStopped: () => {
    if (startedPostgres && !process.env.CALLWRIGHT_KEEP_POSTGRES) stopPostgres();
    if (startedAsterisk && !keepAsterisk) stopAsterisk();
    else if (startedAsterisk) log('Leaving Asterisk running (CALLWRIGHT_KEEP_ASTERISK is set)');
  },
}).start();

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log(`Received ${signal}; stopping the platform`);
  const exit = await supervisor.stop('SIGTERM');
  process.exit(exit.code && exit.code !== 0 ? exit.code : 0);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(signal));
// The app runs in its own process group; should this process end some other way, it goes too.
process.on('exit', () => supervisor.child?.kill('SIGTERM'));
