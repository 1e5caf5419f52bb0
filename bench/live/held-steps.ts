/**
 * Held calls and Dial-bridged pairs: `count` calls (or pairs) set up at a bounded ramp rate and held
 * while the bench reads memory from inside the node process (after a full GC: the platform through
 * /metrics, the raw script through IPC) and the CPU the held calls cost for a few seconds; then the UAS
 * hangs them all up and every call must end right.
 * Platform documents: held `<Pause length="600"/>`; bridged `<Dial><Sip>` to the UAS's second number.
 * Raw: the script answers nothing more for held calls; for pairs it originates the second leg on
 * StasisStart and bridges both in a mixing bridge.
 */
import { endedRight, forget, offer, waitUntil, type Bench, type Side } from './bench-context';
import { sleep } from './clock';
import { CpuWindow, platformMemory, rssBytes } from './processes';

export interface HeldStep {
  side: Side;
  kind: 'held' | 'bridged';
  /** Calls (held) or pairs (bridged) offered, up at once, and ended right after the hang-up. */
  count: number;
  up: number;
  ended: number;
  errors: number;
  heapPerCall: number | null;
  rssPerCall: number | null;
  asteriskRssPerCall: number | null;
  /** Share of one core while everything is up, per call (or pair). */
  nodeCpuSharePerCall: number | null;
  asteriskCpuSharePerCall: number | null;
  setupSeconds: number;
}

async function memory(bench: Bench, side: Side): Promise<{ heapUsed: number; rss: number }> {
  return side === 'platform' ? platformMemory(bench.platform, true) : bench.raw.memory(true);
}

export async function heldStep(
  bench: Bench,
  side: Side,
  kind: 'held' | 'bridged',
  count: number,
  rampRate: number,
): Promise<HeldStep> {
  const before = await memory(bench, side);
  const asteriskBefore = rssBytes(bench.asteriskPid);
  const started = Date.now();
  const { calls } =
    kind === 'held'
      ? await offer(bench, side, count, rampRate, 'hold', 'hold')
      : await offer(bench, side, count, rampRate, 'pair', 'dial');
  const ids = calls.filter((c) => c.ok).map((c) => c.id);
  const isUp = (id: string) => {
    if (kind === 'held')
      return (
        bench.uas.calls.get(id)?.acked !== undefined &&
        (side === 'platform' ? bench.app.fetches.has(id) : bench.raw.stasis.has(id))
      );
    return (
      bench.uas.calls.get(`${id}b`)?.acked !== undefined &&
      (side === 'platform' ? bench.app.fetches.has(id) : bench.raw.bridged.has(id))
    );
  };
  await waitUntil(() => ids.every(isUp), 20_000 + (count / rampRate) * 1000);
  const setupSeconds = (Date.now() - started) / 1000;
  const up = ids.filter(isUp).length;
  await sleep(500);
  const after = await memory(bench, side);
  const asteriskAfter = rssBytes(bench.asteriskPid);
  const window = new CpuWindow({
    node: side === 'platform' ? bench.platform.child.pid : bench.raw.pid,
    asterisk: bench.asteriskPid,
  });
  await sleep(bench.quick ? 2000 : 3000);
  const { wallMs, cpu } = window.close();

  for (const id of ids) bench.uas.hangup(id);
  const endedOk = (id: string) =>
    endedRight(bench, side, id, kind === 'held' ? 'hold' : 'dial') &&
    (kind === 'held' || bench.uas.calls.get(`${id}b`)?.bye !== undefined);
  await waitUntil(() => ids.every(endedOk), 30_000);
  const ended = ids.filter(endedOk).length;
  forget(
    bench,
    calls.map((c) => c.id),
  );
  const per = (value: number) => (up > 0 && Number.isFinite(value) ? value / up : null);
  const step: HeldStep = {
    side,
    kind,
    count,
    up,
    ended,
    errors: count - up + (up - ended),
    heapPerCall: per(after.heapUsed - before.heapUsed),
    rssPerCall: per(after.rss - before.rss),
    asteriskRssPerCall: per(asteriskAfter - asteriskBefore),
    nodeCpuSharePerCall: per(cpu.node / wallMs),
    asteriskCpuSharePerCall: per(cpu.asterisk / wallMs),
    setupSeconds,
  };
  bench.log(
    `${side} ${kind} ${count}: ${up} up, ${ended} ended right, heap ${((step.heapPerCall ?? NaN) / 1024).toFixed(1)} KB/call, ` +
      `asterisk ${((step.asteriskCpuSharePerCall ?? NaN) * 100).toFixed(2)}% of a core per call`,
  );
  // Let Asterisk and the platform settle (records, callbacks) before the next step.
  await sleep(1000);
  return step;
}

/** Each count on both paths, interleaved; a path stops after a step with errors. */
export async function heldSteps(
  bench: Bench,
  kind: 'held' | 'bridged',
  counts: number[],
  rampRate: number,
): Promise<HeldStep[]> {
  const steps: HeldStep[] = [];
  const stopped = new Set<Side>();
  // A few unrecorded calls first, so the first step's memory is not the paths' first-use growth
  // (JIT, connection pools, caches) when this step runs before any other.
  bench.log(`${kind}: warm-up, 10 per path, not recorded`);
  for (const side of ['platform', 'raw'] as Side[]) await heldStep(bench, side, kind, 10, rampRate);
  for (const count of counts) {
    for (const side of ['platform', 'raw'] as Side[]) {
      if (stopped.has(side)) continue;
      const step = await heldStep(bench, side, kind, count, rampRate);
      steps.push(step);
      if (step.errors > 0) stopped.add(side);
    }
  }
  return steps;
}
