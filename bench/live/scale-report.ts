/**
 * The scale bench's results (the JSON it writes), what is read from them (the saturating process, the
 * projection to bigger machines) and the summary printed from them. Pure, so
 * `node dist/bench/scale-bench.js --table <file.json>` prints the summary of a results file again.
 */
import type { RateStep } from './load-steps';
import { formatNumber, stepHolds } from './stats';

/** A rate step of one run, with the calls each Asterisk server placed (by the far end's INVITE source). */
export interface ScaleStep extends RateStep {
  spread: Record<string, number>;
  /** Channels each server still held once the step was over (calls its node gave up on). */
  channelsLeft?: Record<string, number | null>;
}

export interface ScaleRun {
  servers: number;
  names: string[];
  steps: ScaleStep[];
  /** The highest rate that held (all right, achieved ≥ 90% of offered, create p50 ≤ 250 ms). */
  knee: number | null;
}

export interface ScaleResults {
  date: string;
  machine: {
    cpus: number;
    node: string;
    asterisk: string;
    databaseFs: string;
    loadavgStart: number[];
    loadavgEnd: number[];
  };
  stepSeconds: number;
  seconds: number;
  runs: ScaleRun[];
}

/** Names of the CPU readings (RateStep.cpu keys) as the summary shows them. */
export const LABELS: Record<string, string> = {
  node: 'platform node (all threads)',
  nodeMain: 'platform node, main thread (event loop)',
  asterisk: 'ast1',
  farEnd: 'far end (SIP responder process)',
  bench: 'bench (load generator, app server)',
  machine: 'whole machine (every process)',
  others: "rest of the machine (processes not the bench's)",
};
const label = (key: string) => LABELS[key] ?? key;

/** The Asterisk readings of a step: `asterisk` (ast1) and `ast2`… */
const isAsterisk = (key: string) => key === 'asterisk' || /^ast\d+$/.test(key);

export const holdsOf = (s: RateStep) =>
  stepHolds({
    rate: s.rate,
    correct: s.correct === s.offered,
    achieved: s.achieved,
    createP50: s.create.p50,
  });

export function kneeStep(run: ScaleRun): ScaleStep | null {
  const held = run.steps.filter((s) => s.rate === run.knee && holdsOf(s));
  return held[held.length - 1] ?? null;
}

/** The lowest rate that did not hold (where it saturates), or the highest tried when every step held. */
export function saturationStep(run: ScaleRun): { step: ScaleStep; reached: boolean } | null {
  const failed = run.steps.filter((s) => !holdsOf(s)).sort((a, b) => a.rate - b.rate)[0];
  if (failed) return { step: failed, reached: true };
  const top = [...run.steps].sort((a, b) => b.rate - a.rate)[0];
  return top ? { step: top, reached: false } : null;
}

type Reading = { perCall: number; share: number; offeringShare: number };

/** A step's CPU readings plus `others`: the whole machine less every process the bench reads. */
export function readings(s: RateStep): Record<string, Reading> {
  const cpu: Record<string, Reading> = { ...(s.cpu ?? {}) };
  const { machine } = cpu;
  if (!machine) return cpu;
  const others = { ...machine };
  for (const [key, r] of Object.entries(cpu))
    if (key !== 'machine' && key !== 'nodeMain')
      for (const field of ['perCall', 'share', 'offeringShare'] as const) others[field] -= r[field];
  cpu.others = others;
  return cpu;
}

/** The step's whole duration (results written before `wallMs` was kept: from the machine's reading). */
export function wallOf(s: RateStep): number {
  const m = s.cpu?.machine;
  return s.wallMs ?? (m && m.share > 0 ? (m.perCall * s.offered) / m.share : NaN);
}

/**
 * Calls that ended right per second of the whole step. The hold rule looks at the API's answers; this
 * says whether the calls themselves kept pace, or a backlog built up and drained after the offering.
 */
export const completedRate = (s: RateStep) => s.correct / (wallOf(s) / 1000);

/** Held, and the calls' completions kept pace too (≥ 90% of the offered rate over the whole step). */
export const keepsPace = (s: RateStep) => holdsOf(s) && completedRate(s) >= 0.9 * s.rate;

/** The highest rate that kept pace, below the first that did not. */
export function paceKnee(run: ScaleRun): number | null {
  let knee: number | null = null;
  for (const s of [...run.steps].sort((a, b) => a.rate - b.rate)) {
    if (!keepsPace(s)) break;
    knee = s.rate;
  }
  return knee;
}

/** Why a step did not hold, in words. */
export function failureOf(s: RateStep): string {
  const why: string[] = [];
  if (s.correct !== s.offered) {
    const m = s.missing;
    const detail = m ? ` (no completed callback ${m.callback}, no fetch ${m.fetch}, no BYE ${m.bye})` : '';
    why.push(`${s.offered - s.correct} of ${s.offered} calls not right${detail}`);
  }
  if (s.achieved < 0.9 * s.rate) why.push(`achieved ${formatNumber(s.achieved)}/s < 90% of offered`);
  if ((s.create.p50 ?? Infinity) > 250) why.push(`create p50 ${formatNumber(s.create.p50)} ms > 250 ms`);
  return why.join(', ') || 'held';
}

/** Readings whose ceiling is one core: the node's event loop, and the bench's and far end's Node processes. */
const ONE_THREAD = new Set(['nodeMain', 'bench', 'farEnd']);

/**
 * What saturates at a step: each reading's use of its ceiling over the offering period. The node's main
 * thread runs its JavaScript, so its ceiling is one core (so are the bench's and the far end's, where
 * the instrument itself would be the limit); a whole process (threads) or the machine can use every
 * core. The highest use is the limit.
 */
export function saturating(s: RateStep, cpus: number): { name: string; use: number } {
  let best = { name: 'none', use: 0 };
  for (const [key, reading] of Object.entries(s.cpu ?? {})) {
    const use = reading.offeringShare / (ONE_THREAD.has(key) ? 1 : cpus);
    if (use > best.use) best = { name: key, use };
  }
  return best;
}

/** CPU ms per call of a step: the node (all threads, main thread), every Asterisk summed. */
export function perCallCosts(s: RateStep): { node: number; nodeMain: number; asterisk: number } {
  let asterisk = 0;
  for (const [key, reading] of Object.entries(s.cpu ?? {})) if (isAsterisk(key)) asterisk += reading.perCall;
  return { node: s.cpu?.node?.perCall ?? NaN, nodeMain: s.cpu?.nodeMain?.perCall ?? NaN, asterisk };
}

export interface Projection {
  cores: number;
  /** One node (SQLite, or one PostgreSQL node): its main thread caps it at 1000 / nodeMain calls/s. */
  oneNode: number;
  oneNodeCores: number;
  /** As many nodes as cores given to nodes (PostgreSQL), the rest to Asterisk servers. */
  manyNodes: number;
  manyNodesCores: number;
}

/**
 * Calls/s on paper for a machine of `cores` cores whose cores are split between the platform node(s)
 * (c) and the Asterisk servers (cores − c), the far end and the apps elsewhere:
 *   rate(c) = min(c × 1000 / node ms, (cores − c) × 1000 / Asterisk ms [, 1000 / node main-thread ms])
 * the last term for one node only (its JavaScript runs on one thread); the best integer c is kept.
 */
export function project(
  costs: { node: number; nodeMain: number; asterisk: number },
  cores: number,
): Projection {
  const result: Projection = { cores, oneNode: 0, oneNodeCores: 0, manyNodes: 0, manyNodesCores: 0 };
  for (let c = 1; c < cores; c++) {
    const many = Math.min((c * 1000) / costs.node, ((cores - c) * 1000) / costs.asterisk);
    const one = Math.min(many, 1000 / costs.nodeMain);
    if (many > result.manyNodes) Object.assign(result, { manyNodes: many, manyNodesCores: c });
    if (one > result.oneNode + 1e-9) Object.assign(result, { oneNode: one, oneNodeCores: c });
  }
  return result;
}

const pct = (share: number | undefined) => (share === undefined ? '–' : `${(share * 100).toFixed(0)}%`);

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n') + '\n';
}

function stepsTable(run: ScaleRun): string {
  const rows = [...run.steps]
    .sort((a, b) => a.rate - b.rate)
    .map((s) => [
      `${s.rate}/s`,
      `${s.correct}/${s.offered}`,
      formatNumber(s.achieved, '/s'),
      formatNumber(completedRate(s), '/s'),
      formatNumber(s.create.p50, 'ms'),
      formatNumber(s.create.p95, 'ms'),
      pct(s.cpu?.nodeMain?.offeringShare),
      run.names.map((n, i) => pct(s.cpu?.[i === 0 ? 'asterisk' : n]?.offeringShare)).join(' / '),
      pct(s.cpu?.machine?.offeringShare),
      run.names.map((n) => s.spread[n] ?? 0).join(' / '),
      run.names.map((n) => s.channelsLeft?.[n] ?? '–').join(' / '),
      holdsOf(s) ? 'holds' : failureOf(s),
    ]);
  return table(
    [
      'offered',
      'right',
      'achieved',
      'completed',
      'create p50',
      'create p95',
      'node main thread',
      run.names.join(' / '),
      'machine',
      'calls per server',
      'channels left',
      'verdict',
    ],
    rows,
  );
}

export function renderScale(r: ScaleResults): string {
  const m = r.machine;
  const out: string[] = [
    `Scale-out bench ${r.date}: ${m.cpus} CPUs, Node ${m.node}, ${m.asterisk}, SQLite on ${m.databaseFs}; ` +
      `load average ${m.loadavgStart.map((l) => l.toFixed(2)).join(' ')} at start, ` +
      `${m.loadavgEnd.map((l) => l.toFixed(2)).join(' ')} at end; ${r.stepSeconds} s per step; run ${r.seconds.toFixed(0)} s.\n`,
  ];
  const knees = r.runs.map((run) => ({ run, knee: kneeStep(run), sat: saturationStep(run) }));
  out.push(
    table(
      [
        'Asterisk servers',
        'sustained calls/s',
        'achieved',
        'create p50',
        'saturates at',
        'why',
        'limit there',
      ],
      knees.map(({ run, knee, sat }) => {
        const limit = sat ? saturating(sat.step, m.cpus) : null;
        return [
          String(run.servers),
          run.knee === null ? 'none held' : `${run.knee}/s`,
          formatNumber(knee?.achieved ?? null, '/s'),
          formatNumber(knee?.create.p50 ?? null, 'ms'),
          sat ? `${sat.reached ? '' : 'not reached; highest tried '}${sat.step.rate}/s` : '–',
          sat?.reached ? failureOf(sat.step) : '–',
          limit ? `${label(limit.name)} at ${pct(limit.use)} of its ceiling` : '–',
        ];
      }),
    ),
  );
  const [one, two] = r.runs;
  if (one?.knee && two?.knee)
    out.push(`Ratio ${two.servers} servers / ${one.servers}: ${(two.knee / one.knee).toFixed(2)}×\n`);
  out.push(
    'Completions keeping pace (the step held and its calls ended right at ≥ 90% of the offered rate over ' +
      'the whole step, offering plus drain; "achieved" counts API answers, "completed" calls ended right):\n',
  );
  out.push(
    table(
      ['Asterisk servers', 'highest rate whose calls kept pace', 'completed there', 'first that did not'],
      r.runs.map((run) => {
        const knee = paceKnee(run);
        const at = run.steps.find((s) => s.rate === knee && keepsPace(s));
        const next = [...run.steps].sort((a, b) => a.rate - b.rate).find((s) => !keepsPace(s));
        return [
          String(run.servers),
          knee === null ? 'none' : `${knee}/s`,
          formatNumber(at ? completedRate(at) : null, '/s'),
          next ? `${next.rate}/s (completed ${formatNumber(completedRate(next), '/s')})` : '–',
        ];
      }),
    ),
  );
  const [p1, p2] = [one && paceKnee(one), two && paceKnee(two)];
  if (p1 && p2) out.push(`Ratio, calls kept pace: ${(p2 / p1).toFixed(2)}×\n`);
  const keys = [...new Set(knees.flatMap(({ knee }) => Object.keys(knee ? readings(knee) : {})))];
  out.push('CPU per call at the sustained rate (ms; share of one core over the offering period):\n');
  out.push(
    table(
      ['process', ...knees.map(({ run, knee }) => `${run.servers} server(s) at ${knee?.rate ?? '–'}/s`)],
      keys.map((key) => [
        label(key),
        ...knees.map(({ knee }) => {
          const c = knee && readings(knee)[key];
          return c ? `${formatNumber(c.perCall)} ms (${pct(c.offeringShare)})` : '–';
        }),
      ]),
    ),
  );
  out.push('CPU share at the saturation step (offering period, 100% = one core):\n');
  out.push(
    table(
      ['process', ...knees.map(({ run, sat }) => `${run.servers} server(s) at ${sat?.step.rate ?? '–'}/s`)],
      keys.map((key) => [
        label(key),
        ...knees.map(({ sat }) => pct(sat ? readings(sat.step)[key]?.offeringShare : undefined)),
      ]),
    ),
  );
  for (const run of r.runs) out.push(`Steps, ${run.servers} server(s):\n`, stepsTable(run));
  const basis = knees[knees.length - 1]?.knee;
  if (basis) {
    const costs = perCallCosts(basis);
    out.push(
      `Projection on paper from the per-call CPU at ${basis.rate}/s with ${r.runs[r.runs.length - 1].servers} ` +
        `server(s): node ${formatNumber(costs.node)} ms (main thread ${formatNumber(costs.nodeMain)} ms), ` +
        `Asterisk ${formatNumber(costs.asterisk)} ms per call. With c cores for the node(s) and N − c for the ` +
        `Asterisk servers (far end and apps on other machines): rate = min(c × 1000 / node ms, ` +
        `(N − c) × 1000 / Asterisk ms), and for a single node also ≤ 1000 / main-thread ms (its JavaScript ` +
        `runs on one thread); the best whole c is shown. Several nodes need PostgreSQL, whose per-call cost ` +
        `was not measured here; no headroom is kept (a run holds below its CPU bound).\n`,
    );
    out.push(
      table(
        ['cores', 'one node', 'cores for the node', 'nodes on PostgreSQL', 'cores for nodes'],
        [2, 4, 8, 16, 32].map((n) => {
          const p = project(costs, n);
          return [
            String(n),
            formatNumber(p.oneNode, '/s'),
            String(p.oneNodeCores),
            formatNumber(p.manyNodes, '/s'),
            String(p.manyNodesCores),
          ];
        }),
      ),
    );
  }
  return out.join('\n');
}
