/**
 * Preloaded into the platform by bench/profile-load.ts (PROFILE_SQL=1, `node --require`): counts the
 * SQL statements sqlite3 runs, by kind and table, with the wall time from each write's start to its
 * callback. The first SIGWINCH starts the count afresh (after the warm-up), the next writes it to SQL_COUNT_FILE.
 */
import { writeFileSync } from 'node:fs';
import sqlite3 from 'sqlite3';

type Tally = { count: number; ms: number };
let tallies = new Map<string, Tally>();
const proto = sqlite3.Database.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;

for (const method of ['run', 'all', 'get', 'exec']) {
  const original = proto[method];
  proto[method] = function (this: unknown, ...args: unknown[]) {
    const sql = String(args[0]);
    const words = /^\s*(\w+)(?:.*?\b(?:INTO|UPDATE|FROM)\s+"?(\w+)"?)?/is.exec(sql);
    // An UPDATE is told by the columns it sets.
    const set = /^\s*UPDATE\s+"?(\w+)"?\s+SET\s+(.*?)\s+WHERE/is.exec(sql);
    const key = set
      ? `UPDATE ${set[1]} ${set[2].replace(/\s*=\s*(\?|\$\d+|[^,]+)/g, '')}`
      : `${(words?.[1] ?? '?').toUpperCase()} ${words?.[2] ?? ''}`.trim();
    const tally = tallies.get(key) ?? { count: 0, ms: 0 };
    tallies.set(key, tally);
    tally.count++;
    const started = performance.now();
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function')
      args[last] = function (this: unknown, ...result: unknown[]) {
        tally.ms += performance.now() - started;
        return (callback as (...a: unknown[]) => unknown).apply(this, result);
      };
    return original.apply(this, args);
  };
}

let signals = 0;
process.on('SIGWINCH', () => (signals++ % 2 === 0 ? (tallies = new Map()) : dump()));
function dump(): void {
  const file = process.env.SQL_COUNT_FILE;
  if (!file) return;
  const out = Object.fromEntries(
    [...tallies].map(([key, t]) => [key, { count: t.count, avgMs: +(t.ms / t.count).toFixed(3) }]),
  );
  writeFileSync(file, JSON.stringify(out));
}
