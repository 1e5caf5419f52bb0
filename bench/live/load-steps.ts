/**
 * Load: sustained calls/s at stepped offered rates (each a bounded number of seconds, platform then
 * raw at each rate, until each path passes its knee), and Asterisk's RSS over many calls.
 * Every call is answered by the UAS and ended by a `<Hangup/>` document (raw: the same fetch, then
 * DELETE), and counts only if it reached its right final state: for the platform the completed
 * callback with CallStatus=completed, the document fetched and the BYE at the UAS.
 */
import { endedRight, forget, offer, waitUntil, type Bench, type LoadBench, type Side } from './bench-context';
import { now, sleep } from './clock';
import { channelCount, CpuWindow, rssBytes } from './processes';
import { stepHolds, summarize, type Summary } from './stats';

export interface RateStep {
  side: Side;
  rate: number;
  offered: number;
  /** Calls the API (or ARI) accepted, and those that ended right within the grace period. */
  accepted: number;
  correct: number;
  /** Accepted calls per second over the offering period (first request to last response). */
  achieved: number;
  create: Summary;
  /** CPU ms per call: the path's node process (platform, or the raw script), Asterisk, the bench. */
  nodeCpuPerCall: number;
  asteriskCpuPerCall: number;
  benchCpuPerCall: number;
  /** Share of one core during the step (offering plus draining). */
  nodeCpuShare: number;
  asteriskCpuShare: number;
  /**
   * Every process read (node, asterisk, bench and the bench's `measured`): CPU ms per call, and its
   * share of one core over the whole step and over the offering period alone (first request to last
   * response), where a saturated process shows near its ceiling.
   */
  cpu: Record<string, { perCall: number; share: number; offeringShare: number }>;
  /** Accepted calls that never got, by the end of the grace period, their completed callback, document fetch, BYE. */
  missing?: { callback: number; fetch: number; bye: number };
  /** The whole step: the first request to the last call ended right (or the grace period's end). */
  wallMs?: number;
  holds: boolean;
}

export async function rateStep(
  bench: LoadBench,
  side: Side,
  rate: number,
  seconds: number,
): Promise<RateStep> {
  const count = Math.max(1, Math.round(rate * seconds));
  const sources = {
    node: side === 'platform' ? bench.platform.child.pid : bench.raw?.pid,
    asterisk: bench.asteriskPid,
    bench: process.pid,
    ...bench.measured,
  };
  const window = new CpuWindow(sources);
  const offering = new CpuWindow(sources);
  const { calls, began } = await offer(bench, side, count, rate, 'ans', 'hangup');
  const busy = offering.close();
  const lastResponse = Math.max(...calls.map((c) => c.responded));
  const accepted = calls.filter((c) => c.ok);
  const ids = accepted.map((c) => c.id);
  await waitUntil(
    () => ids.every((id) => endedRight(bench, side, id, 'hangup')),
    bench.quick ? 10_000 : 15_000,
  );
  const { wallMs, cpu } = window.close();
  const correct = ids.filter((id) => endedRight(bench, side, id, 'hangup')).length;
  const missing = {
    callback: ids.filter((id) => bench.app.statuses.get(id)?.status !== 'completed').length,
    fetch: ids.filter((id) => !bench.app.fetches.has(id)).length,
    bye: ids.filter((id) => bench.uas.calls.get(id)?.bye === undefined).length,
  };
  forget(
    bench,
    calls.map((c) => c.id),
  );
  const create = summarize(accepted.map((c) => c.responded - c.sent));
  const achieved = accepted.length / Math.max(0.001, (lastResponse - began) / 1000);
  const step: RateStep = {
    side,
    rate,
    offered: count,
    accepted: accepted.length,
    correct,
    achieved,
    create,
    nodeCpuPerCall: cpu.node / count,
    asteriskCpuPerCall: cpu.asterisk / count,
    benchCpuPerCall: cpu.bench / count,
    nodeCpuShare: cpu.node / wallMs,
    asteriskCpuShare: cpu.asterisk / wallMs,
    cpu: Object.fromEntries(
      Object.keys(sources).map((name) => [
        name,
        {
          perCall: cpu[name] / count,
          share: cpu[name] / wallMs,
          offeringShare: busy.cpu[name] / busy.wallMs,
        },
      ]),
    ),
    missing,
    wallMs,
    holds: false,
  };
  step.holds = stepHolds({ rate, correct: correct === count, achieved, createP50: create.p50 });
  return step;
}

/** Each rate on both paths, platform first; a path stops stepping after the first step it fails. */
export async function sustainedRates(bench: Bench, rates: number[], seconds: number): Promise<RateStep[]> {
  const steps: RateStep[] = [];
  const stopped = new Set<Side>();
  for (const rate of rates) {
    for (const side of ['platform', 'raw'] as Side[]) {
      if (stopped.has(side)) continue;
      const step = await rateStep(bench, side, rate, seconds);
      steps.push(step);
      bench.log(
        `${side} ${rate}/s: ${step.correct}/${step.offered} right, achieved ${step.achieved.toFixed(1)}/s, ` +
          `create p50 ${step.create.p50?.toFixed(1)} ms, node ${step.nodeCpuPerCall.toFixed(2)} ms/call, ` +
          `asterisk ${step.asteriskCpuPerCall.toFixed(2)} ms/call${step.holds ? '' : ' — knee passed'}`,
      );
      if (!step.holds) stopped.add(side);
      await sleep(1000);
    }
    if (stopped.size === 2) break;
  }
  return steps;
}

export interface RssSample {
  calls: number;
  rssBytes: number;
  /** Channels Asterisk still had when sampled (`core show channels count`). */
  channels: number | null;
}

export interface AsteriskRssResult {
  rate: number;
  total: number;
  correct: number;
  warmupCalls: number;
  samples: RssSample[];
  /** RSS at the end (after a settle) against RSS right after warm-up. */
  growthAfterWarmup: number | null;
  seconds: number;
}

/**
 * `total` platform calls at `rate`, in chunks; Asterisk's RSS sampled after each chunk (once the
 * chunk's calls ended) — the first chunk is the warm-up.
 */
/** Stops offering chunks once `deadline` (shared clock) has passed, so the run keeps its bound. */
export async function asteriskRss(
  bench: Bench,
  total: number,
  rate: number,
  chunk: number,
  deadline: number,
): Promise<AsteriskRssResult> {
  const began = now();
  const samples: RssSample[] = [
    { calls: 0, rssBytes: rssBytes(bench.asteriskPid), channels: channelCount() },
  ];
  let done = 0;
  let correct = 0;
  while (done < total) {
    if (now() > deadline) {
      bench.log(`asterisk RSS: stopping after ${done} of ${total} calls, the run's time is up`);
      break;
    }
    const count = Math.min(chunk, total - done);
    const { calls } = await offer(bench, 'platform', count, rate, 'ans', 'hangup');
    const ids = calls.filter((c) => c.ok).map((c) => c.id);
    await waitUntil(() => ids.every((id) => endedRight(bench, 'platform', id, 'hangup')), 15_000);
    correct += ids.filter((id) => endedRight(bench, 'platform', id, 'hangup')).length;
    forget(
      bench,
      calls.map((c) => c.id),
    );
    done += count;
    samples.push({ calls: done, rssBytes: rssBytes(bench.asteriskPid), channels: channelCount() });
    bench.log(
      `asterisk RSS after ${done} calls: ${(samples[samples.length - 1].rssBytes / 1048576).toFixed(1)} MB`,
    );
  }
  await sleep(3000);
  samples.push({ calls: done, rssBytes: rssBytes(bench.asteriskPid), channels: channelCount() });
  const warm = samples[1]?.rssBytes;
  const last = samples[samples.length - 1].rssBytes;
  return {
    rate,
    total: done,
    correct,
    warmupCalls: samples[1]?.calls ?? 0,
    samples,
    growthAfterWarmup: warm ? (last - warm) / warm : null,
    seconds: (now() - began) / 1000,
  };
}
