import type { RateStep } from './load-steps';
import {
  completedRate,
  failureOf,
  paceKnee,
  project,
  readings,
  saturating,
  saturationStep,
  type ScaleRun,
} from './scale-report';

const reading = (perCall: number, offeringShare: number) => ({
  perCall,
  share: offeringShare,
  offeringShare,
});

function step(rate: number, over: Partial<RateStep> = {}): RateStep & { spread: Record<string, number> } {
  const offered = rate * 5;
  return {
    side: 'platform',
    rate,
    offered,
    accepted: offered,
    correct: offered,
    achieved: rate,
    create: { n: offered, p50: 10, p95: 20, mean: 12 },
    nodeCpuPerCall: 8,
    asteriskCpuPerCall: 4,
    benchCpuPerCall: 2,
    nodeCpuShare: 0.5,
    asteriskCpuShare: 0.3,
    cpu: {},
    holds: true,
    spread: {},
    ...over,
  };
}

describe('scale report', () => {
  it('projects calls/s from per-call CPU: the best split of cores, one node capped by its main thread', () => {
    // 10 ms node, 5 ms Asterisk. 4 cores: 2 for nodes, 2 for Asterisk → min(200, 400) = 200 (3 + 1 gives
    // min(300, 200), no more). 8 cores: 5 + 3 → min(500, 600) = 500 (6 + 2 gives min(600, 400)).
    const costs = { node: 10, nodeMain: 8, asterisk: 5 };
    expect(project(costs, 4)).toMatchObject({ manyNodes: 200 });
    expect(project(costs, 8)).toMatchObject({ manyNodes: 500, manyNodesCores: 5 });
    // One node: never above 1000 / 8 = 125 calls/s, reached with 2 cores for the node.
    expect(project(costs, 8)).toMatchObject({ oneNode: 125, oneNodeCores: 2 });
    expect(project(costs, 2)).toMatchObject({ oneNode: 100, manyNodes: 100 });
  });

  it('names the reading nearest its ceiling: one core for the event loop, every core for the rest', () => {
    const s = step(100, {
      cpu: {
        nodeMain: reading(9, 0.95),
        node: reading(12, 1.2),
        asterisk: reading(4, 0.4),
        machine: reading(19, 1.9),
      },
    });
    expect(saturating(s, 2)).toEqual({ name: 'nodeMain', use: 0.95 });
    const starved = step(100, { cpu: { nodeMain: reading(9, 0.5), machine: reading(19, 1.98) } });
    expect(saturating(starved, 2).name).toBe('machine');
  });

  it('counts what the machine did beyond the processes read as `others`', () => {
    const s = step(100, {
      cpu: {
        node: reading(10, 1),
        nodeMain: reading(8, 0.8),
        asterisk: reading(4, 0.4),
        machine: reading(20, 2),
      },
    });
    expect(readings(s).others.perCall).toBeCloseTo(6);
    expect(readings(s).others.offeringShare).toBeCloseTo(0.6);
  });

  it('finds the lowest failing rate, or the highest tried when all held, and says why one failed', () => {
    const failing = step(160, {
      correct: 790,
      achieved: 130,
      create: { n: 800, p50: 300, p95: 500, mean: 320 },
    });
    const run: ScaleRun = { servers: 1, names: ['ast1'], steps: [step(120), failing, step(140)], knee: 140 };
    expect(saturationStep(run)).toEqual({ step: failing, reached: true });
    expect(failureOf(failing)).toBe(
      '10 of 800 calls not right, achieved 130/s < 90% of offered, create p50 300 ms > 250 ms',
    );
    const all: ScaleRun = { ...run, steps: [step(120), step(140)] };
    expect(saturationStep(all)?.reached).toBe(false);
    expect(saturationStep(all)?.step.rate).toBe(140);
  });

  it('tells calls that kept pace from API answers that did: completions over the whole step', () => {
    // 800 calls offered in 8 s at 100/s, all right 8.2 s after the first request: 97.6/s, kept pace.
    const paced = step(100, { offered: 800, correct: 800, wallMs: 8200 });
    // 1120 at 140/s, the last ended right after 10.3 s: 108.7/s < 126/s, a backlog drained after.
    const behind = step(140, { offered: 1120, correct: 1120, wallMs: 10_300 });
    expect(completedRate(paced)).toBeCloseTo(97.56, 1);
    const run: ScaleRun = { servers: 1, names: ['ast1'], steps: [paced, behind, step(160)], knee: 160 };
    expect(paceKnee(run)).toBe(100);
  });
});
