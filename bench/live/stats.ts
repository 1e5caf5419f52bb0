/**
 * Statistics and the report table of `npm run bench:live`. Pure: the table is rendered from the JSON
 * the bench writes, so `node dist/bench/live-bench.js --table <json>` prints it again without a run.
 */

export interface Summary {
  n: number;
  p50: number | null;
  p95: number | null;
  mean: number | null;
}

/** Nearest-rank percentile (the smallest value with at least p% of the values at or below it). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  return {
    n: finite.length,
    p50: percentile(finite, 50),
    p95: percentile(finite, 95),
    mean: finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : null,
  };
}

/**
 * platform ÷ raw, or null when either is missing, or a figure is negative or the baseline zero (a
 * memory delta below the noise): no ratio is better than a meaningless one.
 */
export function ratio(platform: number | null | undefined, raw: number | null | undefined): number | null {
  if (platform == null || raw == null || !Number.isFinite(platform) || !Number.isFinite(raw)) return null;
  if (raw <= 0 || platform < 0) return null;
  return platform / raw;
}

/** One line of the report: a figure for the platform and, where one exists, for the raw baseline. */
export interface ReportRow {
  section: string;
  measure: string;
  unit: string;
  platform: number | null;
  raw: number | null;
  /** Free text: a target, a note ("knee", "3 calls wrong"). */
  note?: string;
}

export function formatNumber(value: number | null, unit = ''): string {
  if (value === null || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toFixed(digits) + (unit ? ` ${unit}` : '');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The markdown table: every figure beside its baseline and their ratio. */
export function markdownTable(rows: readonly ReportRow[]): string {
  const lines = ['| section | measure | platform | raw ARI | ratio | note |', '|---|---|---:|---:|---:|---|'];
  for (const row of rows) {
    const r = ratio(row.platform, row.raw);
    lines.push(
      `| ${cell(row.section)} | ${cell(row.measure)} | ${formatNumber(row.platform, row.unit)} | ` +
        `${formatNumber(row.raw, row.unit)} | ${r === null ? '–' : r.toFixed(2) + '×'} | ${cell(row.note ?? '')} |`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Rows for a latency measure: p50 and p95 of both paths. */
export function latencyRows(
  section: string,
  measure: string,
  platform: Summary,
  raw: Summary | null,
  note?: string,
): ReportRow[] {
  return [
    { section, measure: `${measure} p50`, unit: 'ms', platform: platform.p50, raw: raw?.p50 ?? null, note },
    {
      section,
      measure: `${measure} p95`,
      unit: 'ms',
      platform: platform.p95,
      raw: raw?.p95 ?? null,
      note: `n=${platform.n}${raw ? `/${raw.n}` : ''}`,
    },
  ];
}

/** CPU time from /proc/<pid>/stat's utime and stime (fields 14 and 15), in clock ticks. */
export function cpuTicksOf(stat: string): number {
  // The command name (field 2) is in parentheses and may contain spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** A kB figure from /proc/<pid>/status (`VmRSS:   1234 kB`). */
export function statusKb(status: string, field: string): number | null {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : null;
}

/** A sample's value from Prometheus text exposition, by metric name (first series). */
export function metricValue(text: string, name: string): number | null {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}

/**
 * The knee of stepped offered rates: the highest rate whose step was all correct and kept up (achieved
 * ≥ 90% of offered, create p50 under `maxCreateMs`); null when even the first failed.
 */
export function kneeOf(
  steps: ReadonlyArray<{ rate: number; correct: boolean; achieved: number; createP50: number | null }>,
  maxCreateMs = 250,
): number | null {
  let knee: number | null = null;
  for (const step of steps) {
    if (!stepHolds(step, maxCreateMs)) break;
    knee = step.rate;
  }
  return knee;
}

export function stepHolds(
  step: { rate: number; correct: boolean; achieved: number; createP50: number | null },
  maxCreateMs = 250,
): boolean {
  return step.correct && step.achieved >= 0.9 * step.rate && (step.createP50 ?? Infinity) <= maxCreateMs;
}
