// The scenario library as explorer traces for one profile: the scenarios whose eras cover the
// profile, each lock mapped to the profile's class id. A scenario that needs a class the profile
// does not have is skipped with a note (an `optional` event is dropped instead).
//
// Variants: when a class is, in some configurations, really another lock (with split page-table
// locks off, pte_lockptr() is &mm->page_table_lock), the scenario says so once in `variants` and
// the loader emits one more trace per variant with that class replaced everywhere in the path.
// Per-event alternatives would mix configurations that cannot coexist in one kernel build.
import type { Profile } from '../model/profile-types';
import type { Trace, TraceEvent } from './trace-types';
import type { Scenario, ScenarioEvent } from './scenario-types';
import { scenarioApplies } from './scenario-eras';
import { classResolver, type ClassResolver } from './scenario-resolve';
import { readScenarioLibrary } from './scenario-files';

export interface ScenarioLoad { traces: Trace[]; notes: string[] }

export interface LoadScenarioOptions {
  dir?: string;              // library directory (default: the built-in one)
  ids?: string[];            // only these scenario ids
  variants?: boolean;        // emit configuration variants (default true)
}

function eventNames(e: Pick<ScenarioEvent, 'lock' | 'names' | 'label'>): string[] {
  return [e.lock, ...(e.names ?? []), e.label];
}

/** One scenario's traces (base + variants) for a profile, or notes saying why not. */
export function scenarioTraces(sc: Scenario, profile: Profile, resolve: ClassResolver, variants = true): ScenarioLoad {
  const notes: string[] = [];
  const events: TraceEvent[] = [];
  const missing: string[] = [];
  for (const e of sc.events) {
    const id = resolve(eventNames(e));
    if (!id) {
      if (e.optional) { if (!missing.includes(`(${e.lock})`)) missing.push(`(${e.lock})`); continue; }
      notes.push(`scenario ${sc.id} (${sc.tree}) skipped: profile ${profile.id} has no lock class for ${e.lock} (${e.label})`);
      return { traces: [], notes };
    }
    events.push({
      op: e.op, lock: id, class: id, mode: e.mode, label: e.label,
      ...(e.file !== undefined ? { file: e.file } : {}),
      ...(e.line !== undefined ? { line: e.line } : {}),
    });
  }
  if (missing.length) notes.push(`scenario ${sc.id}: optional steps ${missing.join(', ')} left out, not in profile ${profile.id}`);
  const base: Trace = { name: sc.title, scenario: sc.id, tree: sc.tree, events };
  const traces: Trace[] = [base];
  if (!variants) return { traces, notes };
  for (const v of sc.variants ?? []) {
    // Map the replaced class (as the profile names it) to its stand-in.
    const swap = new Map<string, { lock: string; label: string }>();
    let ok = true;
    for (const [from, to] of Object.entries(v.replace)) {
      const f = resolve([from]), t = resolve([to.lock, to.label]);
      if (!f) continue;                       // the profile lacks the class: nothing to replace
      if (!t) { ok = false; notes.push(`scenario ${sc.id}: variant ${v.id} skipped, profile ${profile.id} has no class for ${to.lock}`); break; }
      swap.set(f, { lock: t, label: to.label });
    }
    if (!ok || swap.size === 0) continue;
    if (!events.some((e) => swap.has(e.lock))) continue;
    traces.push({
      ...base,
      note: v.note,
      events: events.map((e) => {
        const s = swap.get(e.lock);
        return s ? { ...e, lock: s.lock, class: s.lock, label: s.label } : e;
      }),
    });
  }
  return { traces, notes };
}

export function loadScenariosWithNotes(profile: Profile, opts: LoadScenarioOptions = {}): ScenarioLoad {
  const lib = readScenarioLibrary(opts.dir);
  const resolve = classResolver(profile);
  const traces: Trace[] = [];
  const notes: string[] = [];
  const taken = new Set<string>();
  for (const sc of lib) {
    if (opts.ids && !opts.ids.includes(sc.id)) continue;
    if (!scenarioApplies(sc.eras, profile)) continue;
    if (taken.has(sc.id)) { notes.push(`scenario ${sc.id}: more than one entry covers ${profile.id}; using the first`); continue; }
    taken.add(sc.id);
    const r = scenarioTraces(sc, profile, resolve, opts.variants ?? true);
    traces.push(...r.traces);
    notes.push(...r.notes);
  }
  for (const id of opts.ids ?? []) {
    if (!taken.has(id) && lib.some((s) => s.id === id)) notes.push(`scenario ${id}: no entry for the era of ${profile.id}`);
  }
  return { traces, notes };
}

/** The scenarios for a profile's era, as explorer traces (notes dropped; see loadScenariosWithNotes). */
export function loadScenarios(profile: Profile): Trace[] {
  return loadScenariosWithNotes(profile).traces;
}

/** Every scenario id in the library (for validating --scenario). */
export function scenarioIds(dir?: string): string[] {
  return [...new Set(readScenarioLibrary(dir).map((s) => s.id))].sort();
}
