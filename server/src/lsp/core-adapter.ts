// The one place where the language server meets the analysis core. Everything the server needs
// from the core goes through `coreDeps`; new core entry points are wired in here, and nowhere else.
// - analyze, collectTraces: ../analysis.ts
// - profiles: ../model/profiles.ts; order (explain, chainThrough): ../model/order.ts
// - simulation: ../sim/explore-all.ts over the traces (touched functions against each other and
//   against the scenario traces collectTraces returns), rendered by ../sim/lockdep-report.ts.
//   If the core grows a single `simulate(opts)` entry (as `mmlock simulate` uses), call it here.
import { analyze, collectTraces } from '../analysis';
import { orderOf } from '../model/order';
import { isBuiltin, listProfiles, loadProfile } from '../model/profiles';
import type { Profile } from '../model/profile-types';
import { exploreAll } from '../sim/explore-all';
import { renderResultText, simulationJson } from '../sim/lockdep-report';
import type { ClassInfo, LspDeps, ProfileView, SimulateOptions, SimulationOutput } from './deps';

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

async function simulate(opts: SimulateOptions): Promise<SimulationOutput> {
  const { profile, traces, notes } = await collectTraces(opts);
  const touched = traces.filter((t) => !t.scenario);
  const scenarios = traces.filter((t) => t.scenario);
  const r = exploreAll(touched, scenarios, { maxStates: opts.maxStates, signal: opts.signal });
  const explain = profile ? orderOf(profile).explain.bind(orderOf(profile)) : null;
  const json = simulationJson(r);
  const text = (touched.length ? '' : 'No lock-taking path found in the touched functions.\n') + renderResultText(r, explain);
  return {
    profile: profile ? { id: profile.id, origin: 'analysis' } : undefined,
    functions: [...new Set(touched.map((t) => t.name))],
    explored: json.explored, bounded: json.bounded,
    deadlocks: json.deadlocks.map((d) => ({
      threads: d.threads, cycle: d.cycle,
      steps: d.steps.map((s) => ({ thread: s.thread, op: s.op, lock: s.lock, file: s.file, line: s.line, blocked: s.blocked })),
    })),
    text,
    notes: [...notes, ...(r.bounded && r.boundReason ? [`search bounded: ${r.boundReason}`] : [])],
  };
}

export const coreDeps: LspDeps = {
  analyze,
  simulate,
  profileView(id, opts) {
    if (!isBuiltin(id) && !/[\\/]|\.json$/i.test(id)) return null;      // e.g. a tree-refined profile's id
    try { return viewOf(loadProfile(id, { untrusted: opts.untrusted })); } catch { return null; }
  },
  listProfiles: () => listProfiles().map((p) => ({ id: p.id, description: `${p.era}: ${p.description}` })),
};
