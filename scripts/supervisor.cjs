// `npm start`'s keeper of the platform process: an app that dies on its own is started again with
// exponential backoff, while Asterisk (and the calls it holds) stays up. Only stop() ends it for good.
// CommonJS so that Jest can run it as it is (scripts/supervisor.spec.cjs) and start.mjs can import it.
'use strict';
const { spawn } = require('node:child_process');

const DEFAULTS = { initialDelayMs: 1000, maxDelayMs: 30_000, stableAfterMs: 60_000, stopTimeoutMs: 30_000 };

/** Delay before restart number `attempt` (0 = the first restart after a run that was stable). */
function restartDelayMs(attempt, { initialDelayMs, maxDelayMs } = DEFAULTS) {
  return Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
}

class AppSupervisor {
  /**
   * @param {object} options
   * @param {string} options.command
   * @param {string[]} options.args
   * @param {object} [options.spawnOptions] passed to child_process.spawn (cwd, env, stdio)
   * @param {(message: string) => void} [options.log]
   * @param {number} [options.initialDelayMs] first restart delay, doubled per crash in a row
   * @param {number} [options.maxDelayMs] the cap of that delay
   * @param {number} [options.stableAfterMs] a run this long resets the delay to initialDelayMs
   * @param {number} [options.stopTimeoutMs] stop() sends SIGKILL if the app is still up after this
   * @param {() => void} [options.onSpawn] told of every start (tests use it to time the restarts)
   * @param {() => void} [options.onStopped] called once, after stop() has ended the app (npm start
   *   stops Asterisk there); never after a crash
   */
  constructor(options) {
    const noop = () => {};
    this.options = { ...DEFAULTS, spawnOptions: {}, log: noop, onSpawn: noop, onStopped: noop, ...options };
    this.child = null;
    this.stopping = false;
    this.crashesInARow = 0;
    this.restarts = 0;
    this.timer = null;
    this.exited = null;
    this.stopped = null;
  }

  start() {
    this.launch();
    return this;
  }

  launch() {
    this.timer = null;
    if (this.stopping) return;
    const startedAt = Date.now();
    // Its own process group: the terminal's Ctrl-C reaches only this supervisor, which then stops the app
    // once. A second signal would cut the app's graceful shutdown short (Nest handles only the first).
    const child = spawn(this.options.command, this.options.args, {
      stdio: 'inherit',
      detached: true,
      ...this.options.spawnOptions,
    });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => {
        this.options.log(`The platform could not be started: ${error.message}`);
        resolve({ code: null, signal: null });
      });
    });
    this.options.onSpawn(child);
    void this.exited.then(({ code, signal }) => {
      this.child = null;
      if (this.stopping) return;
      const uptimeMs = Date.now() - startedAt;
      if (uptimeMs >= this.options.stableAfterMs) this.crashesInARow = 0;
      const delayMs = restartDelayMs(this.crashesInARow++, this.options);
      this.restarts++;
      this.options.log(
        `The platform exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`}) after ` +
          `${(uptimeMs / 1000).toFixed(1)} s; restart ${this.restarts} in ${(delayMs / 1000).toFixed(1)} s ` +
          '(Asterisk and its calls stay up)',
      );
      this.timer = setTimeout(() => this.launch(), delayMs);
    });
  }

  /** Ends the app (SIGTERM, SIGKILL after stopTimeoutMs) and restarts nothing. Resolves with its exit. */
  async stop(signal = 'SIGTERM') {
    if (this.stopped) return this.stopped;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopped = this.end(signal).then((exit) => {
      this.options.onStopped();
      return exit;
    });
    return this.stopped;
  }

  async end(signal) {
    const child = this.child;
    if (!child) return { code: 0, signal: null };
    child.kill(signal);
    const killer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs);
    const exit = await this.exited;
    clearTimeout(killer);
    return exit;
  }
}

exports.AppSupervisor = AppSupervisor;
exports.restartDelayMs = restartDelayMs;
