// Runs the explorer over the combinations that can matter: the touched functions' traces against
// each other (including one against itself on two CPUs), against every scenario they share a
// contended lock class with, and, when asked, three-way combinations in which every two share
// such a class (a three-CPU cycle needs each CPU to wait for one neighbour and be waited on by
// the other). Deadlocks are de-duplicated by who holds what and waits for what.
import type { Trace } from './trace-types';
import type { Deadlock, ExploreOptions, ExploreResult } from './explore-types';
import { cycleSignature, explore, DEFAULT_MAX_MS } from './explore';
import { contendedLocks } from './explore-prepare';

export interface ExploreAllOptions extends ExploreOptions {
  /** 2: pairs only (default); 3: pairs, then triples. */
  cpus?: 2 | 3;
  /** Also run each touched trace against itself (default true). */
  selfPairs?: boolean;
  /** Whole-run time budget in ms (default 4 x maxMs); each combination gets what is left, capped at maxMs. */
  totalMaxMs?: number;
  /** Whole-run budget of explored states: the bound that decides (the same answer on a slow or
   *  busy machine); time is then only a safety net. Default: none. */
  totalMaxStates?: number;
}

export interface ExploreAllResult extends ExploreResult {
  combinations: number;      // explorer runs made
  boundedRuns: number;       // runs that hit a bound
}

const shares = (a: Trace, b: Trace): boolean => contendedLocks([a, b]).size > 0;

/** The combinations exploreAll runs, as index lists into [...touched, ...scenarios]. */
export function combinations(touched: Trace[], scenarios: Trace[], opts: Pick<ExploreAllOptions, 'cpus' | 'selfPairs'> = {}): number[][] {
  return [...combinationsOf(touched, scenarios, opts)];
}

/**
 * The same, generated as they are needed: with thousands of traces (a huge patch) there are
 * millions of pairs, and `stop` (the run's deadline) must be able to end the search among them.
 * `out.stopped` says whether it did.
 */
function* combinationsOf(touched: Trace[], scenarios: Trace[], opts: Pick<ExploreAllOptions, 'cpus' | 'selfPairs'>,
  stop: () => boolean = () => false, out: { stopped: boolean } = { stopped: false }): Generator<number[]> {
  const all = [...touched, ...scenarios];
  const nt = touched.length;
  let n = 0;
  const halt = (): boolean => (++n & 1023) === 0 && stop() && (out.stopped = true);
  for (let i = 0; i < nt; i++) {
    for (let j = (opts.selfPairs ?? true) ? i : i + 1; j < all.length; j++) {
      if (halt()) return;
      if (shares(all[i], all[j])) yield [i, j];
    }
  }
  if (opts.cpus === 3) {
    const pair = (a: number, b: number): boolean => shares(all[a], all[b]);
    for (let i = 0; i < nt; i++) {
      for (let j = i + 1; j < all.length; j++) {
        if (!pair(i, j)) continue;
        for (let k = j + 1; k < all.length; k++) {
          if (halt()) return;
          if (pair(i, k) && pair(j, k)) yield [i, j, k];
        }
      }
    }
  }
}

export function exploreAll(touched: Trace[], scenarios: Trace[], opts: ExploreAllOptions = {}): ExploreAllResult {
  const all = [...touched, ...scenarios];
  const perRun = opts.maxMs ?? DEFAULT_MAX_MS;
  const deadline = Date.now() + (opts.totalMaxMs ?? perRun * 4);
  const gen = { stopped: false };
  const combos = combinationsOf(touched, scenarios, opts, () => Date.now() > deadline || !!opts.signal?.aborted, gen);
  const seen = new Set<string>();
  const deadlocks: Deadlock[] = [];
  let explored = 0, runs = 0, boundedRuns = 0;
  let boundReason: string | undefined;
  for (const combo of combos) {
    const left = deadline - Date.now();
    if (opts.signal?.aborted) { boundReason = 'cancelled'; break; }
    if (left <= 0) { boundReason = `time limit reached after ${runs} combinations`; break; }
    if (opts.totalMaxStates !== undefined && explored >= opts.totalMaxStates) {
      boundReason = `state budget of ${opts.totalMaxStates} reached after ${runs} combinations`;
      break;
    }
    const r = explore(combo.map((i) => all[i]), { ...opts, maxMs: Math.min(perRun, left) });
    runs++;
    explored += r.explored;
    if (r.bounded) { boundedRuns++; boundReason ??= r.boundReason; }
    for (const d of r.deadlocks) {
      // Only cycles a touched function takes part in (two scenarios meeting inside a triple are the kernel's business).
      if (!(d.cycleThreads ?? []).some((t) => combo[t] < touched.length)) continue;
      const sig = cycleSignature(d);
      if (!seen.has(sig)) { seen.add(sig); deadlocks.push(d); }
    }
  }
  // Fewest CPUs in the cycle first, then those that need no particular configuration (no variant
  // note), then the shortest schedule.
  const conditional = (d: Deadlock): number => (d.threads.some((t) => t.note) ? 1 : 0);
  deadlocks.sort((a, b) => (a.cycle.length - b.cycle.length) || (conditional(a) - conditional(b))
    || (a.steps.length - b.steps.length));
  if (gen.stopped && !boundReason) boundReason = opts.signal?.aborted ? 'cancelled' : `time limit reached after ${runs} combinations`;
  const bounded = boundedRuns > 0 || !!boundReason;
  return {
    explored, bounded, ...(bounded && boundReason ? { boundReason } : {}), deadlocks,
    combinations: runs, boundedRuns,
  };
}
