// `npm start`: set everything up on a fresh clone and run the platform until Ctrl-C.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureDependencies, log, root, startAsterisk, stopAsterisk } from './stack.mjs';
import { ensureSystemPackages } from './system-packages.mjs';

ensureDependencies();
ensureSystemPackages();
build();
const startedAsterisk = startAsterisk();

const app = spawn(process.execPath, [join(root, 'dist', 'apps', 'platform', 'src', 'main.js')], {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
});

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log(`Received ${signal}; stopping`);
  app.kill('SIGTERM');
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

app.on('exit', (code, signal) => {
  if (startedAsterisk) stopAsterisk();
  process.exit(code ?? (signal ? 1 : 0));
});
