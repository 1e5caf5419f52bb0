/**
 * One call at a time, platform and raw alternating, so both see the same machine:
 * - API request → INVITE arrival at the UAS (which answers 486), and the API's (or ARI's) response time;
 * - for an answered call with a `<Hangup/>` document: 200 OK sent → RCML request arrival (raw: the
 *   script's StasisStart, and its fetch of the same document), RCML response sent → BYE arrival, and
 *   200 OK → BYE.
 */
import { forget, place, waitUntil, type Bench, type Side } from './bench-context';
import { summarize, type Summary } from './stats';

export interface LatencyResult {
  inviteArrival: Record<Side, Summary>;
  apiResponse: Record<Side, Summary>;
  answerToRcml: Record<Side, Summary>;
  /** Raw only: 200 OK → the script's StasisStart. */
  answerToStasis: Summary;
  rcmlToBye: Record<Side, Summary>;
  answerToBye: Record<Side, Summary>;
  failures: Record<Side, number>;
}

type Samples = Record<Side, number[]>;
const samples = (): Samples => ({ platform: [], raw: [] });
const both = (s: Samples): Record<Side, Summary> => ({
  platform: summarize(s.platform),
  raw: summarize(s.raw),
});

export async function measureLatency(bench: Bench, count: number, warmup: number): Promise<LatencyResult> {
  const invite = samples();
  const api = samples();
  const toRcml = samples();
  const toStasis: number[] = [];
  const toBye = samples();
  const total = samples();
  const failures: Record<Side, number> = { platform: 0, raw: 0 };

  for (let i = 0; i < warmup + count; i++) {
    const timed = i >= warmup;
    for (const side of (i % 2 ? ['raw', 'platform'] : ['platform', 'raw']) as Side[]) {
      // Busy: the INVITE's arrival.
      const busy = await place(bench, side, 'busy', 'hangup');
      const arrived = await bench.uas.waitFor(busy.id, () => true, 5000);
      const ended = await waitUntil(
        () =>
          side === 'platform'
            ? bench.app.statuses.get(busy.id)?.status === 'busy'
            : bench.raw.destroyed.has(busy.id),
        10_000,
      );
      if (!busy.ok || !arrived || !ended) {
        failures[side]++;
        bench.log(
          `${side} busy call ${busy.id} failed: accepted ${busy.ok}, INVITE ${!!arrived}, ended ${ended}`,
        );
      } else if (timed) {
        invite[side].push(arrived.invite - busy.sent);
        api[side].push(busy.responded - busy.sent);
      }

      // Answered, then `<Hangup/>`.
      const answered = await place(bench, side, 'ans', 'hangup');
      const done = await waitUntil(() => {
        const uas = bench.uas.calls.get(answered.id);
        const final =
          side === 'platform'
            ? bench.app.statuses.get(answered.id)?.status === 'completed'
            : bench.raw.destroyed.has(answered.id);
        return uas?.bye !== undefined && final;
      }, 10_000);
      const uas = bench.uas.calls.get(answered.id);
      const fetch = bench.app.fetches.get(answered.id);
      if (!answered.ok || !done || !uas?.answered || !uas.bye || !fetch) {
        failures[side]++;
        bench.log(
          `${side} answered call ${answered.id} failed: accepted ${answered.ok}, answered ${!!uas?.answered}, ` +
            `document ${!!fetch}, BYE ${!!uas?.bye}, final ${done}`,
        );
      } else if (timed) {
        toRcml[side].push(fetch.received - uas.answered);
        toBye[side].push(uas.bye - fetch.responded);
        total[side].push(uas.bye - uas.answered);
        const stasis = bench.raw.stasis.get(answered.id);
        if (side === 'raw' && stasis !== undefined) toStasis.push(stasis - uas.answered);
      }
      forget(bench, [busy.id, answered.id]);
    }
  }
  return {
    inviteArrival: both(invite),
    apiResponse: both(api),
    answerToRcml: both(toRcml),
    answerToStasis: summarize(toStasis),
    rcmlToBye: both(toBye),
    answerToBye: both(total),
    failures,
  };
}
