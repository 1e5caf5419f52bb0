// Runs the supervisor against real child processes (node scripts that crash on a plan), as npm start does.
'use strict';
const { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { AppSupervisor, restartDelayMs } = require('./supervisor.cjs');

// A stand-in for the platform: run N does what step N of the plan says, `<ms>` = exit 3 after that
// long, `kill` = SIGKILL itself, `hold` = stay up until SIGTERM (which it records, then exits 0).
const APP = `
const fs = require('node:fs');
const [dir, plan] = process.argv.slice(2);
const runs = fs.readdirSync(dir).filter((name) => name.startsWith('run-')).length;
const step = plan.split(',')[runs] ?? 'hold';
// The handler is in place before the run file says the app is up: a test that signals it on seeing
// the file must not kill it with SIGTERM's default action first.
if (step === 'hold')
  process.on('SIGTERM', () => { fs.writeFileSync(dir + '/terminated', 'yes'); process.exit(0); });
fs.writeFileSync(dir + '/run-' + runs, String(Date.now()));
if (step === 'hold') setInterval(() => {}, 1000);
else if (step === 'kill') process.kill(process.pid, 'SIGKILL');
else setTimeout(() => process.exit(3), Number(step));
`;

describe('AppSupervisor (npm start)', () => {
  let dir;
  let supervisor;
  let spawnedAt;
  let logs;
  let loggedAt;
  let stopAsterisk;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'callwright-supervisor-'));
    writeFileSync(join(dir, 'app.cjs'), APP);
    spawnedAt = [];
    logs = [];
    loggedAt = [];
    stopAsterisk = jest.fn();
  });

  afterEach(async () => {
    await supervisor?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  function supervise(plan, options = {}) {
    const work = join(dir, 'runs');
    require('node:fs').mkdirSync(work, { recursive: true });
    supervisor = new AppSupervisor({
      command: process.execPath,
      args: [join(dir, 'app.cjs'), work, plan],
      spawnOptions: { stdio: 'ignore' },
      log: (message) => logs.push(message) && loggedAt.push(Date.now()),
      onSpawn: () => spawnedAt.push(Date.now()),
      onStopped: stopAsterisk,
      initialDelayMs: 100,
      maxDelayMs: 250,
      stableAfterMs: 60_000,
      ...options,
    }).start();
    return work;
  }

  async function until(check, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out; spawns ${spawnedAt.length}, logs ${logs}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** From each crash being noticed (its log line) to the next start: the backoff delay itself. */
  const waits = () => spawnedAt.slice(1).map((at, i) => at - loggedAt[i]);
  const SLACK_MS = 150;

  it('restarts a crashing app with a doubling delay up to the cap, and never stops Asterisk for it', async () => {
    const work = supervise('20,20,20,20,hold');
    await until(() => spawnedAt.length === 5 && existsSync(join(work, 'run-4')));
    // 100, 200, then capped at 250 ms (doubling on would have waited 400 and 800 ms).
    const expected = [100, 200, 250, 250];
    waits().forEach((wait, i) => {
      expect(wait).toBeGreaterThanOrEqual(expected[i] - 5);
      expect(wait).toBeLessThan(expected[i] + SLACK_MS);
    });
    expect(logs).toHaveLength(4);
    expect(logs[0]).toMatch(/exited unexpectedly \(code 3\).*restart 1 in 0\.1 s/);
    expect(logs[3]).toMatch(/restart 4 in 0\.3 s/);
    expect(stopAsterisk).not.toHaveBeenCalled();

    await supervisor.stop();
    expect(readFileSync(join(work, 'terminated'), 'utf8')).toBe('yes');
    expect(stopAsterisk).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(spawnedAt).toHaveLength(5);
  });

  it('starts again from the first delay after a run that stayed up long enough', async () => {
    // The stable threshold sits far from both run lengths: a loaded machine stretches a 20 ms run.
    supervise('20,20,2000,20,hold', { initialDelayMs: 150, maxDelayMs: 5000, stableAfterMs: 1200 });
    await until(() => spawnedAt.length === 5);
    // After the 2 s run the delay is back to 150 ms (600 ms without the reset), then doubles again.
    const expected = [150, 300, 150, 300];
    waits().forEach((wait, i) => {
      expect(wait).toBeGreaterThanOrEqual(expected[i] - 5);
      expect(wait).toBeLessThan(expected[i] + SLACK_MS);
    });
    expect(stopAsterisk).not.toHaveBeenCalled();
  });

  it('restarts an app killed by a signal it was not sent by npm start (kill -9, or SIGTERM for a rolling restart)', async () => {
    supervise('kill,hold');
    await until(() => spawnedAt.length === 2);
    expect(logs[0]).toMatch(/signal SIGKILL/);
    const second = supervisor.child;
    await until(() => existsSync(join(dir, 'runs', 'run-1')));
    second.kill('SIGTERM');
    await until(() => spawnedAt.length === 3);
    expect(logs[1]).toMatch(/exited unexpectedly \(code 0\)/);
    expect(stopAsterisk).not.toHaveBeenCalled();
  });

  it('stop() during a restart delay starts nothing more and then stops Asterisk once', async () => {
    supervise('20,hold', { initialDelayMs: 2000 });
    await until(() => logs.length === 1);
    const exit = await supervisor.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    await supervisor.stop();
    expect(stopAsterisk).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(spawnedAt).toHaveLength(1);
  });
});

describe('restartDelayMs', () => {
  it('doubles from the initial delay and caps', () => {
    const options = { initialDelayMs: 1000, maxDelayMs: 30_000 };
    expect([0, 1, 2, 3, 4, 5, 6].map((attempt) => restartDelayMs(attempt, options))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });
});
