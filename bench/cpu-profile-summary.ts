/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, e.g. from bench/profile-load.ts) by where the busy
 * time goes: self and inclusive time per npm package (our own code per file under apps/), and the
 * hottest functions by self time. Idle time is left out of the percentages.
 *
 *   nest build platform && node dist/bench/cpu-profile-summary.js <file.cpuprofile> [topN] [--calls N]
 *
 * With `--calls N` each figure is also given in ms per call.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)']);

/** The package (or our file, or a V8 pseudo-frame) a frame belongs to. */
export function moduleOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) {
    // The last node_modules/ segment names the package that owns the code.
    const all = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
    return all[all.length - 1][1];
  }
  // node:internal alone would lump streams, timers, modules and crypto together.
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/').slice(0, 2).join('/');
  const own = /\/(apps\/.*|bench\/.*|migrations\/.*)$/.exec(url.replace(/^file:\/\//, ''));
  return own ? own[1].replace(/\.js$/, '') : url;
}

export interface Summary {
  busyMs: number;
  idleMs: number;
  modules: Array<{ name: string; selfMs: number; inclusiveMs: number }>;
  functions: Array<{ name: string; selfMs: number }>;
}

export function summarise(profile: CpuProfile): Summary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const leaf = byId.get(id)!;
    if (IDLE.has(leaf.callFrame.functionName)) {
      idle += ms;
      return;
    }
    busy += ms;
    const leafModule = moduleOf(leaf.callFrame);
    self.set(leafModule, (self.get(leafModule) ?? 0) + ms);
    const where = `${leaf.callFrame.functionName || '(anonymous)'} ${leafModule}:${leaf.callFrame.lineNumber + 1}`;
    functions.set(where, (functions.get(where) ?? 0) + ms);
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const name = moduleOf(byId.get(node)!.callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
    }
  });
  return {
    busyMs: busy,
    idleMs: idle,
    modules: [...inclusive.keys()]
      .filter((name) => name !== '(root)')
      .map((name) => ({ name, selfMs: self.get(name) ?? 0, inclusiveMs: inclusive.get(name) ?? 0 })),
    functions: [...functions].map(([name, selfMs]) => ({ name, selfMs })),
  };
}

function main(): void {
  const args = process.argv.slice(2);
  const callsAt = args.indexOf('--calls');
  const calls = callsAt >= 0 ? Number(args.splice(callsAt, 2)[1]) : 0;
  const [file, top = '25'] = args;
  if (!file) {
    console.error('usage: cpu-profile-summary <file.cpuprofile> [topN] [--calls N]');
    process.exit(64);
  }
  const summary = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const n = Number(top);
  const pct = (ms: number) => ((100 * ms) / summary.busyMs).toFixed(1).padStart(5) + '%';
  const perCall = (ms: number) => (calls ? ` ${(ms / calls).toFixed(3).padStart(7)} ms/call` : '');
  const row = (label: string, ms: number) => `${pct(ms)} ${ms.toFixed(0).padStart(7)} ms${perCall(ms)}  ${label}`;
  console.log(`busy ${summary.busyMs.toFixed(0)} ms${perCall(summary.busyMs)}, idle ${summary.idleMs.toFixed(0)} ms`);
  console.log(`\nby module, inclusive (top ${n}):`);
  for (const m of [...summary.modules].sort((a, b) => b.inclusiveMs - a.inclusiveMs).slice(0, n))
    console.log(row(m.name, m.inclusiveMs));
  console.log(`\nby module, self (top ${n}):`);
  for (const m of [...summary.modules].sort((a, b) => b.selfMs - a.selfMs).slice(0, n))
    console.log(row(m.name, m.selfMs));
  console.log(`\nfunctions, self (top ${n}):`);
  for (const f of [...summary.functions].sort((a, b) => b.selfMs - a.selfMs).slice(0, n))
    console.log(row(f.name, f.selfMs));
}

if (require.main === module) main();
