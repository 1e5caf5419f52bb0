import { timestampParam, type SqlDialect, type SqlQuery } from '../../calls/call-listing.service';

export const FINAL_STATUSES = ['completed', 'busy', 'failed', 'no-answer', 'canceled'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

/**
 * The chart queries, shared by the service and bench/console-stats-bench.ts.
 *
 * `perMinute`: finished calls per minute and final status, index-only on idx_calls_account_status
 * (account_sid, status, date_created, sid, duration): one range scan per status, no table rows read. SQLite
 * stores date_created as 'YYYY-MM-DD HH:MM:SS.SSS' text, so its first 16 characters are the minute.
 *
 * `durations`: the average duration of completed calls, index-only too: migration 1766500000100 put
 * `duration` at the end of idx_calls_account_status.
 *
 * `latencies`: webhook latencies of the window, index-only on idx_call_events_account_kind
 * (account_sid, kind, at, latency_ms); percentiles are computed from them per bucket (SQLite has no
 * percentile function, and one code path keeps both engines' answers equal).
 */
export function buildStatsSql(
  dialect: SqlDialect,
  accountSid: string,
  from: Date,
): {
  perMinute: SqlQuery;
  durations: SqlQuery;
  latencies: SqlQuery;
} {
  const since = timestampParam(dialect, from);
  const ph = (n: number) => (dialect === 'sqlite' ? '?' : `$${n}`);
  const statuses = FINAL_STATUSES.map((_, i) => ph(i + 3)).join(', ');
  const minute =
    dialect === 'sqlite'
      ? 'substr(date_created, 1, 16)'
      : `to_char(date_trunc('minute', date_created AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI')`;
  return {
    perMinute: {
      sql:
        `SELECT ${minute} AS minute, status, COUNT(*) AS n FROM calls ` +
        `WHERE account_sid = ${ph(1)} AND date_created >= ${ph(2)} AND status IN (${statuses}) ` +
        `GROUP BY 1, 2 ORDER BY 1`,
      params: [accountSid, since, ...FINAL_STATUSES],
    },
    durations: {
      sql:
        `SELECT COUNT(duration) AS n, AVG(duration) AS average FROM calls ` +
        `WHERE account_sid = ${ph(1)} AND status = ${ph(2)} AND date_created >= ${ph(3)}`,
      params: [accountSid, 'completed', since],
    },
    latencies: {
      sql:
        `SELECT at, latency_ms FROM call_events ` +
        `WHERE account_sid = ${ph(1)} AND kind = ${ph(2)} AND at >= ${ph(3)} ORDER BY at`,
      params: [accountSid, 'webhook', since],
    },
  };
}

/** The p-th percentile (0..1) of sorted values, nearest-rank. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
}
