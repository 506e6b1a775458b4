// One simulation run as the shells need it: the touched functions' traces, the scenario library
// for the profile's era, the combinations worth exploring, and the explainer for the report.
// (The CLI's `simulate` and the editor's "Simulate" command both go through here.)
import type { Profile } from '../model/profile-types';
import type { Trace } from './trace-types';
import { exploreAll, type ExploreAllResult } from './explore-all';
import { orderExplainer } from './explore-explain';
import type { Explain } from './lockdep-report';
import { loadScenariosWithNotes } from './scenarios';
import { contendedLocks } from './explore-prepare';

export interface SimulationRequest {
  profile: Profile | null;
  touched: Trace[];
  /** Only these touched functions (by trace name). */
  functions?: string[];
  /** Only these scenarios (by id); default: every scenario of the era. */
  scenarios?: string[];
  cpus?: 2 | 3;
  maxStates?: number;
  maxMs?: number;
  /** Whole-run bounds (see ExploreAllOptions). */
  totalMaxStates?: number;
  totalMaxMs?: number;
  signal?: AbortSignal;
  scenarioDir?: string;
}

export interface SimulationRun {
  result: ExploreAllResult;
  notes: string[];
  explain: Explain | null;
  touched: number;
  scenarios: number;
}

export function runSimulation(req: SimulationRequest): SimulationRun {
  const notes: string[] = [];
  let touched = req.touched;
  if (req.functions?.length) {
    touched = touched.filter((t) => req.functions?.includes(t.name));
    for (const f of req.functions) {
      if (!req.touched.some((t) => t.name === f)) notes.push(`function ${f}: no lock trace (not found, or it takes no lock)`);
    }
  }
  let scenarios: Trace[] = [];
  if (req.profile) {
    const r = loadScenariosWithNotes(req.profile, { ids: req.scenarios, dir: req.scenarioDir });
    scenarios = r.traces;
    notes.push(...r.notes);
  } else {
    notes.push('no profile: the scenario library was not used');
  }
  if (req.scenarios?.length) {
    for (const id of req.scenarios) {
      const mine = scenarios.filter((s) => s.scenario === id);
      if (mine.length && !mine.some((s) => touched.some((t) => contendedLocks([t, s]).size > 0))) {
        notes.push(`scenario ${id} shares no contended lock class with the selected functions`);
      }
    }
  }
  if (touched.length === 0) notes.push('no touched function takes a lock: nothing to simulate');
  const result = exploreAll(touched, scenarios, {
    cpus: req.cpus ?? 2,
    ...(req.maxStates !== undefined ? { maxStates: req.maxStates } : {}),
    ...(req.maxMs !== undefined ? { maxMs: req.maxMs } : {}),
    ...(req.totalMaxStates !== undefined ? { totalMaxStates: req.totalMaxStates } : {}),
    ...(req.totalMaxMs !== undefined ? { totalMaxMs: req.totalMaxMs } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
  });
  return {
    result, notes,
    explain: req.profile ? orderExplainer(req.profile) : null,
    touched: touched.length, scenarios: scenarios.length,
  };
}
