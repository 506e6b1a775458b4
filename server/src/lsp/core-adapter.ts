// The one place where the language server meets the analysis core. Everything the server needs
// from the core goes through `coreDeps`; new core entry points are wired in here, and nowhere else.
// - analyze, collectTraces: ../analysis.ts
// - profiles: ../model/profiles.ts; order (explain, chainThrough): ../model/order.ts
// - simulation: ../sim/explore-run.ts (the same run as `mmlock simulate`: touched functions against
//   each other and the era's scenario library), rendered by ../sim/lockdep-report.ts.
import { analyze, collectTraces, createCache, type AnalysisCache } from '../analysis';
import { orderOf } from '../model/order';
import { isBuiltin, listProfiles, loadProfile } from '../model/profiles';
import type { Profile } from '../model/profile-types';
import { runSimulation } from '../sim/explore-run';
import { renderResultText, simulationJson } from '../sim/lockdep-report';
import type { ClassInfo, LspDeps, ProfileView, SimulateOptions, SimulationOutput } from './deps';

// One AnalysisCache per kernel tree (parsed headers, tree files, chosen profiles) lives across
// edits: re-analysis after an edit re-reads nothing from the tree. Dropped by invalidate() when
// tree files, settings or trust change.
const caches = new Map<string, AnalysisCache>();
function cacheFor(tree: string | undefined): AnalysisCache {
  const k = tree ?? '';
  let c = caches.get(k);
  if (!c) caches.set(k, (c = createCache()));
  return c;
}

function viewOf(p: Profile): ProfileView {
  const order = orderOf(p);
  const classes = new Map<string, ClassInfo>(p.classes.map((c) => [c.id, {
    id: c.id, kind: c.kind, sleeps: c.sleeps, irqSafe: c.irqSafe, description: c.description, source: c.source,
  }]));
  return {
    id: p.id, description: p.description, classes, edges: order.edges,
    explain: (a, b) => order.explain(a, b), chainThrough: (c) => order.chainThrough(c),
  };
}

import { whatIf } from '../what-if';

async function simulate(opts: SimulateOptions): Promise<SimulationOutput> {
  const { profile, traces, notes } = await collectTraces({ ...opts, cache: cacheFor(opts.tree) });
  const run = runSimulation({
    profile, touched: traces, functions: opts.functions, maxStates: opts.maxStates, signal: opts.signal,
  });
  const json = simulationJson(run.result);
  const who = `${run.touched} function trace${run.touched === 1 ? '' : 's'} against ${run.scenarios} kernel-path trace${run.scenarios === 1 ? '' : 's'}, ${run.result.combinations} combination${run.result.combinations === 1 ? '' : 's'}`;
  return {
    profile: profile ? { id: profile.id, origin: 'analysis' } : undefined,
    functions: [...new Set(traces.filter((t) => !opts.functions || opts.functions.includes(t.name)).map((t) => t.name))],
    explored: json.explored, bounded: json.bounded,
    deadlocks: json.deadlocks.map((d) => ({
      threads: d.threads, cycle: d.cycle,
      steps: d.steps.map((s) => ({ thread: s.thread, op: s.op, lock: s.lock, class: s.class, file: s.file, line: s.line, blocked: s.blocked })),
    })),
    text: renderResultText(run.result, run.explain) + `(${who})\n`,
    notes: [...notes, ...run.notes],
  };
}

export const coreDeps: LspDeps = {
  whatIf,
  analyze: (opts) => analyze({ ...opts, cache: cacheFor(opts.tree) }),
  simulate,
  profileView(id, opts) {
    // The profile the analysis chose (for a tree: refined by its own ordering comments), else a built-in.
    for (const c of cacheFor(opts.tree).profiles.values()) if (c.profile.id === id) return viewOf(c.profile);
    if (!isBuiltin(id) && !/[\\/]|\.json$/i.test(id)) return null;
    try { return viewOf(loadProfile(id, { untrusted: opts.untrusted })); } catch { return null; }
  },
  listProfiles: () => listProfiles().map((p) => ({ id: p.id, description: `${p.era}: ${p.description}` })),
  invalidate: () => caches.clear(),
};
