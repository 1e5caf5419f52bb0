import type { DataSource } from 'typeorm';

/**
 * Seeds `count` finished calls of one account in one SQL statement (a recursive CTE generating the
 * rows inside SQLite), the call indexes dropped meanwhile and rebuilt after, as bench/calls-bench.ts
 * does: a million rows in seconds rather than the minute row batches from Node take. Newest first,
 * one call every `stepMs` before `newest`; statuses cycle so every Status filter has matches.
 */
export async function seedManyCalls(
  dataSource: DataSource,
  accountSid: string,
  count: number,
  options: { newest?: Date; stepMs?: number } = {},
): Promise<void> {
  if (dataSource.options.type !== 'sqlite') throw new Error('seedManyCalls is written for SQLite');
  const newest = (options.newest ?? new Date()).getTime() / 1000;
  const step = (options.stepMs ?? 30_000) / 1000;
  const indexes: Array<{ name: string; sql: string }> = await dataSource.query(
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls' AND sql IS NOT NULL",
  );
  await dataSource.query('PRAGMA synchronous = OFF');
  for (const index of indexes) await dataSource.query(`DROP INDEX "${index.name}"`);
  try {
    await dataSource.query(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
       INSERT INTO calls ("sid", "account_sid", "to", "from", "status", "direction", "start_time", "end_time",
                          "duration", "api_version", "url", "date_created", "date_updated", "sip_response_code")
       SELECT 'CA' || printf('%032x', i + 0x7000000000), ?,
              '+1555' || printf('%07d', i % 4000), '+1666' || printf('%07d', i % 2000),
              CASE i % 5 WHEN 0 THEN 'busy' WHEN 1 THEN 'no-answer' WHEN 2 THEN 'failed' ELSE 'completed' END,
              'outbound-api',
              strftime('%Y-%m-%d %H:%M:%f', ? - i * ? + 1, 'unixepoch'),
              strftime('%Y-%m-%d %H:%M:%f', ? - i * ? + 1 + (i % 300), 'unixepoch'),
              CASE WHEN i % 5 >= 3 THEN i % 300 ELSE 0 END, '2012-04-24', 'http://127.0.0.1:9/app.xml',
              strftime('%Y-%m-%d %H:%M:%f', ? - i * ?, 'unixepoch'), strftime('%Y-%m-%d %H:%M:%f', ? - i * ?, 'unixepoch'),
              CASE i % 5 WHEN 0 THEN 486 WHEN 1 THEN 487 WHEN 2 THEN 503 ELSE 200 END
       FROM n`,
      [count, accountSid, newest, step, newest, step, newest, step, newest, step],
    );
  } finally {
    for (const index of indexes) await dataSource.query(index.sql);
    await dataSource.query('PRAGMA synchronous = FULL');
  }
}
