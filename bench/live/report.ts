/**
 * The live bench's results (the JSON it writes) and the report rows rendered from them, so the table
 * can be printed again from a results file: `node dist/bench/live-bench.js --table <file.json>`.
 */
import type { HeldStep } from './held-steps';
import type { LatencyResult } from './latency-steps';
import type { AsteriskRssResult, RateStep } from './load-steps';
import { kneeOf, latencyRows, markdownTable, ratio, type ReportRow } from './stats';

export interface LiveResults {
  date: string;
  quick: boolean;
  machine: {
    cpus: number;
    node: string;
    loadavgStart: number[];
    loadavgEnd: number[];
    asterisk: string;
    /** Filesystem of the SQLite file's folder. */
    databaseFs?: string;
  };
  seconds: number;
  latency?: LatencyResult;
  sustained?: RateStep[];
  held?: HeldStep[];
  bridged?: HeldStep[];
  asteriskRss?: AsteriskRssResult;
}

const KB = 1024;
const MB = 1024 * 1024;

function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}

function latencySection(l: LatencyResult): ReportRow[] {
  const s = 'setup (one call at a time)';
  const invite = ratio(l.inviteArrival.platform.p50, l.inviteArrival.raw.p50);
  const inviteAdded = (l.inviteArrival.platform.p50 ?? NaN) - (l.inviteArrival.raw.p50 ?? NaN);
  const rcmlAdded = (l.answerToRcml.platform.p50 ?? NaN) - (l.answerToStasis.p50 ?? NaN);
  const rows: ReportRow[] = [
    ...latencyRows(
      s,
      'API request → INVITE at UAS',
      l.inviteArrival.platform,
      l.inviteArrival.raw,
      `target ≤ 1.5× and ≤ +4 ms: ${verdict(invite !== null && invite <= 1.5 && inviteAdded <= 4)}`,
    ),
    ...latencyRows(
      s,
      'API response (raw: ARI originate response)',
      l.apiResponse.platform,
      l.apiResponse.raw,
    ),
    ...latencyRows(
      s,
      '200 OK → RCML request (raw: its fetch)',
      l.answerToRcml.platform,
      l.answerToRcml.raw,
      `target ≤ raw StasisStart + 3 ms (${l.answerToStasis.p50?.toFixed(2)} ms): ${verdict(rcmlAdded <= 3)}`,
    ),
    {
      section: s,
      measure: '200 OK → StasisStart (raw script)',
      unit: 'ms',
      platform: null,
      raw: l.answerToStasis.p50,
      note: 'p50',
    },
    ...latencyRows(s, 'RCML response → BYE at UAS', l.rcmlToBye.platform, l.rcmlToBye.raw),
    ...latencyRows(s, '200 OK → BYE (`<Hangup/>`)', l.answerToBye.platform, l.answerToBye.raw),
  ];
  if (l.failures.platform || l.failures.raw)
    rows.push({
      section: s,
      measure: 'calls that failed',
      unit: '',
      platform: l.failures.platform,
      raw: l.failures.raw,
    });
  return rows;
}

function sustainedSection(steps: RateStep[]): ReportRow[] {
  const rows: ReportRow[] = [];
  const rates = [...new Set(steps.map((s) => s.rate))];
  for (const rate of rates) {
    const p = steps.find((s) => s.rate === rate && s.side === 'platform');
    const r = steps.find((s) => s.rate === rate && s.side === 'raw');
    const section = `sustained ${rate} calls/s`;
    const right = (s?: RateStep) =>
      s ? `${s.correct}/${s.offered}${s.holds ? '' : ' (past knee)'}` : 'not run';
    rows.push(
      {
        section,
        measure: 'create p50',
        unit: 'ms',
        platform: p?.create.p50 ?? null,
        raw: r?.create.p50 ?? null,
        note: `right: ${right(p)} vs ${right(r)}`,
      },
      {
        section,
        measure: 'create p95',
        unit: 'ms',
        platform: p?.create.p95 ?? null,
        raw: r?.create.p95 ?? null,
      },
      {
        section,
        measure: 'achieved',
        unit: '/s',
        platform: p?.achieved ?? null,
        raw: r?.achieved ?? null,
      },
      {
        section,
        measure: 'node CPU per call',
        unit: 'ms',
        platform: p?.nodeCpuPerCall ?? null,
        raw: r?.nodeCpuPerCall ?? null,
        note: p
          ? `${(p.nodeCpuShare * 100).toFixed(0)}% of a core; target ≤ 3 ms: ${verdict(p.nodeCpuPerCall <= 3)}`
          : '',
      },
      {
        section,
        measure: 'Asterisk CPU per call',
        unit: 'ms',
        platform: p?.asteriskCpuPerCall ?? null,
        raw: r?.asteriskCpuPerCall ?? null,
        note: p ? `${(p.asteriskCpuShare * 100).toFixed(0)}% of a core` : '',
      },
      {
        section,
        measure: 'bench process CPU per call (load, UAS, app server)',
        unit: 'ms',
        platform: p?.benchCpuPerCall ?? null,
        raw: r?.benchCpuPerCall ?? null,
        note: 'the instrument itself: if it nears a core, the rate is the bench’s limit',
      },
    );
  }
  const knee = (side: 'platform' | 'raw') =>
    kneeOf(
      steps
        .filter((s) => s.side === side)
        .map((s) => ({
          rate: s.rate,
          correct: s.correct === s.offered,
          achieved: s.achieved,
          createP50: s.create.p50,
        })),
    );
  const platformKnee = knee('platform');
  rows.push({
    section: 'sustained',
    measure: 'knee (highest rate all right, kept up, create p50 ≤ 250 ms)',
    unit: '/s',
    platform: platformKnee,
    raw: knee('raw'),
    note: `target ≥ 150/s: ${verdict((platformKnee ?? 0) >= 150)}; highest rate tried ${Math.max(...rates)}/s`,
  });
  return rows;
}

function heldSection(steps: HeldStep[], kind: 'held' | 'bridged'): ReportRow[] {
  const rows: ReportRow[] = [];
  const counts = [...new Set(steps.map((s) => s.count))];
  for (const count of counts) {
    const p = steps.find((s) => s.count === count && s.side === 'platform');
    const r = steps.find((s) => s.count === count && s.side === 'raw');
    const section = kind === 'held' ? `${count} held calls` : `${count} Dial-bridged pairs`;
    const per = kind === 'held' ? 'call' : 'pair';
    const ok = (s?: HeldStep) => (s ? `${s.up} up, ${s.ended} ended right, ${s.errors} errors` : 'not run');
    const kb = (v: number | null | undefined) => (v == null ? null : v / KB);
    rows.push(
      {
        section,
        measure: `node heap per ${per}`,
        unit: 'KB',
        platform: kb(p?.heapPerCall),
        raw: kb(r?.heapPerCall),
        note: `${ok(p)} vs ${ok(r)}${kind === 'held' && p ? `; target ≤ 30 KB: ${verdict((kb(p.heapPerCall) ?? Infinity) <= 30)}` : ''}`,
      },
      {
        section,
        measure: `node RSS per ${per}`,
        unit: 'KB',
        platform: kb(p?.rssPerCall),
        raw: kb(r?.rssPerCall),
      },
      {
        section,
        measure: `Asterisk CPU per ${per} (% of a core)`,
        unit: '%',
        platform: p?.asteriskCpuSharePerCall == null ? null : p.asteriskCpuSharePerCall * 100,
        raw: r?.asteriskCpuSharePerCall == null ? null : r.asteriskCpuSharePerCall * 100,
      },
      {
        section,
        measure: `node CPU per ${per} (% of a core)`,
        unit: '%',
        platform: p?.nodeCpuSharePerCall == null ? null : p.nodeCpuSharePerCall * 100,
        raw: r?.nodeCpuSharePerCall == null ? null : r.nodeCpuSharePerCall * 100,
      },
      {
        section,
        measure: `Asterisk RSS per ${per}`,
        unit: 'KB',
        platform: kb(p?.asteriskRssPerCall),
        raw: kb(r?.asteriskRssPerCall),
      },
    );
  }
  return rows;
}

function rssSection(result: AsteriskRssResult): ReportRow[] {
  const section = `Asterisk RSS, ${result.total} platform calls at ${result.rate}/s`;
  const first = result.samples[0];
  const warm = result.samples[1];
  const last = result.samples[result.samples.length - 1];
  const growth = result.growthAfterWarmup;
  return [
    { section, measure: 'RSS before', unit: 'MB', platform: first.rssBytes / MB, raw: null },
    {
      section,
      measure: `RSS after warm-up (${result.warmupCalls} calls)`,
      unit: 'MB',
      platform: warm ? warm.rssBytes / MB : null,
      raw: null,
    },
    {
      section,
      measure: 'RSS at the end (3 s after the last call)',
      unit: 'MB',
      platform: last.rssBytes / MB,
      raw: null,
      note:
        `growth after warm-up ${growth === null ? '–' : (growth * 100).toFixed(1) + '%'}; target ±10%: ` +
        `${verdict(growth !== null && Math.abs(growth) <= 0.1)}; ${result.correct}/${result.total} right; ` +
        `channels left: ${last.channels ?? '?'}`,
    },
  ];
}

export function reportRows(results: LiveResults): ReportRow[] {
  return [
    ...(results.latency ? latencySection(results.latency) : []),
    ...(results.sustained ? sustainedSection(results.sustained) : []),
    ...(results.held ? heldSection(results.held, 'held') : []),
    ...(results.bridged ? heldSection(results.bridged, 'bridged') : []),
    ...(results.asteriskRss ? rssSection(results.asteriskRss) : []),
  ];
}

export function renderReport(results: LiveResults): string {
  const m = results.machine;
  return (
    `Live-call bench ${results.date}${results.quick ? ' (BENCH_QUICK)' : ''}: ${m.cpus} CPUs, Node ${m.node}, ` +
    `${m.asterisk}, SQLite on ${m.databaseFs ?? '?'}; load average ${m.loadavgStart.map((v) => v.toFixed(2)).join(' ')} at start, ` +
    `${m.loadavgEnd.map((v) => v.toFixed(2)).join(' ')} at end; run ${results.seconds.toFixed(0)} s.\n\n` +
    markdownTable(reportRows(results))
  );
}
