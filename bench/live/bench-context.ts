/**
 * What every step of the live bench shares: the running parts, call ids, and the two ways to place a
 * call (the platform's Calls API, the raw ARI script), so steps differ only in what they measure.
 */
import type { BenchAppServer } from './app-server';
import { now, sleep } from './clock';
import { apiPost, callsPath, type CpuSource, type Platform, type RawClient } from './processes';
import type { BenchUas } from './sip-uas';

export type Side = 'platform' | 'raw';

/** The part of a far end the load steps use: the UAS in this process, or one in its own. */
export type FarEnd = Pick<BenchUas, 'calls' | 'uri' | 'forget'>;

/** What the rate steps need; the raw script only when a step runs on its side. */
export interface LoadBench {
  platform: Platform;
  raw?: RawClient;
  uas: FarEnd;
  app: BenchAppServer;
  asteriskPid: number | null;
  /** More CPU the rate steps read, by name (a second Asterisk, the far end's process, a thread). */
  measured?: Record<string, CpuSource>;
  quick: boolean;
  log(message: string): void;
}

/** The live bench: the raw script and the UAS in this process. */
export interface Bench extends LoadBench {
  raw: RawClient;
  uas: BenchUas;
}

let sequence = 0;
/** A fresh call id: `p12` (platform) or `r12` (raw); it travels in the Request-URI's user part. */
export function nextId(side: Side): string {
  return `${side === 'platform' ? 'p' : 'r'}${++sequence}`;
}

/** Polls `done` every 20 ms; resolves true when it holds, false after `timeoutMs`. */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = now() + timeoutMs;
  while (!done()) {
    if (now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

export interface Placed {
  id: string;
  /** Request sent and response read, shared clock; `ok` when the API (or ARI) accepted the call. */
  sent: number;
  responded: number;
  ok: boolean;
}

/**
 * Places one call to the UAS's `behaviour` on `side`. On the platform, the call's document is the app
 * server's `kind` and its completed callback goes to /status/<id>; on the raw side the script does the
 * same work itself (`hangup` fetches the same document, `bridge` dials the second leg).
 */
export async function place(
  bench: LoadBench,
  side: Side,
  behaviour: string,
  kind: 'hangup' | 'hold' | 'dial',
): Promise<Placed> {
  const id = nextId(side);
  const uri = bench.uas.uri(behaviour, id);
  if (side === 'platform') {
    const result = await apiPost(bench.platform, callsPath(bench.platform), {
      To: uri,
      From: '+15550001111',
      Url: bench.app.rcmlUrl(kind, id),
      StatusCallback: bench.app.statusUrl(id),
    }).catch(() => ({ status: 0, sent: now(), responded: now(), body: null }));
    return { id, sent: result.sent, responded: result.responded, ok: result.status === 201 };
  }
  if (!bench.raw) throw new Error('no raw ARI script in this bench');
  const raw = await bench.raw.originate(
    id,
    uri,
    kind === 'dial' ? 'bridge' : kind,
    kind === 'dial' ? { legUri: bench.uas.uri('leg', `${id}b`) } : { rcmlUrl: bench.app.rcmlUrl(kind, id) },
  );
  return { id, sent: raw.sent, responded: raw.responded, ok: raw.status === 200 };
}

/** Whether call `id` has reached its right final state on `side`, for a call the UAS answered. */
export function endedRight(
  bench: LoadBench,
  side: Side,
  id: string,
  kind: 'hangup' | 'hold' | 'dial',
): boolean {
  const uas = bench.uas.calls.get(id);
  if (side === 'platform') {
    const callback = bench.app.statuses.get(id)?.status === 'completed';
    if (kind === 'hangup') return callback && uas?.bye !== undefined && bench.app.fetches.has(id);
    return callback;
  }
  const destroyed = bench.raw?.destroyed.has(id) ?? false;
  if (kind === 'hangup') return destroyed && uas?.bye !== undefined && bench.app.fetches.has(id);
  return destroyed;
}

/**
 * Offers `count` calls at `rate` calls/s on an absolute schedule (a late call is sent at once, not
 * skipped), without waiting for one to finish before the next. Resolves with every call once all
 * requests have been answered.
 */
export async function offer(
  bench: LoadBench,
  side: Side,
  count: number,
  rate: number,
  behaviour: string,
  kind: 'hangup' | 'hold' | 'dial',
): Promise<{ calls: Placed[]; began: number; lastSent: number }> {
  const began = now();
  const pending: Array<Promise<Placed>> = [];
  let lastSent = began;
  for (let i = 0; i < count; i++) {
    const due = began + (i * 1000) / rate;
    const wait = due - now();
    if (wait > 1) await sleep(wait - 0.5);
    lastSent = now();
    pending.push(place(bench, side, behaviour, kind));
  }
  return { calls: await Promise.all(pending), began, lastSent };
}

/** Forget the ids' records everywhere, so a long run keeps the bench's own memory flat. */
export function forget(bench: LoadBench, ids: string[]): void {
  const all = [...ids, ...ids.map((id) => `${id}b`)];
  bench.uas.forget(all);
  bench.app.forget(all);
  bench.raw?.forget(all);
}
