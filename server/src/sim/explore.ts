// The multi-CPU interleaving explorer (DESIGN.md "Interleaving explorer").
//
// Each trace is what one CPU does to locks along one path. Locks are identified by `event.lock`
// (the class id for known classes), so two CPUs taking the same class contend, as lockdep
// reasons by class. Semantics:
//  - a write hold excludes everybody; read holds are shared among readers and exclude writers;
//  - a CPU never waits for itself: re-acquiring a lock it holds (recursive read, nested classes)
//    just counts (double locking is the per-function checker's business);
//  - a trylock never waits: it takes the lock when no other CPU's hold conflicts, otherwise the
//    CPU goes on without it. Traces encode the success path of the code; a failed trylock only
//    skips the acquisition and the matching unlock is then ignored (unlocking a lock the CPU does
//    not hold is a no-op), so no branch is needed;
//  - a CPU that reaches the end of its trace drops what it still holds: a function that returns
//    with a lock held hands it to a caller that releases it later (callers are not modelled).
//  - not modelled: queued-writer fairness of rwsems (a reader does not queue behind a waiting
//    writer), irq context, and lock instances (class granularity, like lockdep).
//
// Search: breadth-first over states (program counter per CPU + holds per CPU), states hashed,
// so the first deadlock found for a cycle has the shortest schedule. A deadlock is a state with
// a waits-for cycle: each CPU of the cycle waits (a blocking lock) for a lock that the next one
// holds; such CPUs can never move again, whatever the others do.
// Reductions (opts.reduce, default on): events on locks nobody can contend are dropped
// (explore-prepare.ts), and an unlock that no other CPU's trylock can observe is taken eagerly
// (only that successor is generated): it commutes with every other CPU's step and only ever
// enables them, so every deadlock stays reachable (a schedule may show an unlock one step early).
import type { Trace } from './trace-types';
import type { Deadlock, DeadlockStep, ExploreOptions, ExploreResult } from './explore-types';
import { OP_LOCK, OP_TRYLOCK, OP_UNLOCK, prepareTraces, type PreparedEvent } from './explore-prepare';
import { blockers, findCycle } from './explore-waits';

export type { Deadlock, DeadlockStep, DeadlockThread, ExploreOptions, ExploreResult } from './explore-types';

export const DEFAULT_MAX_STATES = 200_000;
export const DEFAULT_MAX_MS = 2_000;

const OP_NAMES = ['lock', 'unlock', 'trylock'] as const;

export function explore(traces: Trace[], opts: ExploreOptions = {}): ExploreResult {
  const maxStates = opts.maxStates ?? DEFAULT_MAX_STATES;
  const maxMs = opts.maxMs ?? DEFAULT_MAX_MS;
  const maxDeadlocks = opts.maxDeadlocks ?? 8;
  const { cpus, locks } = prepareTraces(traces, opts.reduce ?? true);
  const n = cpus.length;
  const L = Math.max(locks.length, 1);
  const width = n + n * L;                   // key layout: pcs, then holds[cpu * L + lock]
  const start = Date.now();

  // Interned states: the key string is the whole state (char codes), so states need no other storage.
  const keys: string[] = [];
  const parent: number[] = [];
  const mover: number[] = [];
  const seen = new Map<string, number>();
  const add = (key: string, from: number, cpu: number): void => {
    if (seen.has(key)) return;
    seen.set(key, keys.length);
    keys.push(key);
    parent.push(from);
    mover.push(cpu);
  };
  const pcs = new Int32Array(n);
  const holds = new Uint16Array(n * L);
  const buf = new Uint16Array(width);
  const encode = (p: Int32Array, h: Uint16Array): string => {
    for (let i = 0; i < n; i++) buf[i] = p[i];
    buf.set(h, n);
    return String.fromCharCode.apply(null, buf as unknown as number[]);
  };
  const decode = (key: string): void => {
    for (let i = 0; i < n; i++) pcs[i] = key.charCodeAt(i);
    for (let i = 0; i < n * L; i++) holds[i] = key.charCodeAt(n + i);
  };

  add(encode(pcs, holds), -1, -1);
  const deadlocks: Deadlock[] = [];
  const found = new Set<string>();
  let explored = 0;
  let bounded = false;
  let boundReason: string | undefined;
  const np = new Int32Array(n);
  const nh = new Uint16Array(n * L);

  for (let head = 0; head < keys.length; head++) {
    if (explored >= maxStates) { bounded = true; boundReason = `state limit ${maxStates} reached`; break; }
    if ((explored & 255) === 0) {
      if (opts.signal?.aborted) { bounded = true; boundReason = 'cancelled'; break; }
      if (Date.now() - start > maxMs) { bounded = true; boundReason = `time limit ${maxMs} ms reached`; break; }
    }
    explored++;
    decode(keys[head]);
    const cycle = findCycle(cpus, pcs, holds, L);
    if (cycle) {
      const d = buildDeadlock(traces, cpus, keys, parent, mover, head, cycle, L);
      const sig = cycleSignature(d);
      if (!found.has(sig)) {
        found.add(sig);
        deadlocks.push(d);
        if (deadlocks.length >= maxDeadlocks) {
          if (head + 1 < keys.length) { bounded = true; boundReason = `deadlock limit ${maxDeadlocks} reached`; }
          break;
        }
      }
      continue;                              // the cycle's CPUs never move again: nothing new below
    }
    // Eager unlock (see header): one successor only.
    let eagerCpu = -1;
    for (let c = 0; c < n; c++) {
      const e = cpus[c][pcs[c]];
      if (e && e.eager && holds[c * L + e.lock] !== 0) { eagerCpu = c; break; }
    }
    for (let c = 0; c < n; c++) {
      if (eagerCpu >= 0 && c !== eagerCpu) continue;
      const e = cpus[c][pcs[c]];
      if (!e) continue;                      // finished
      np.set(pcs);
      nh.set(holds);
      if (!step(e, c, n, L, np, nh, cpus[c].length)) continue;   // blocked
      add(encode(np, nh), head, c);
    }
  }
  return { explored, bounded, ...(boundReason ? { boundReason } : {}), deadlocks };
}

/** Apply CPU c's next event to (pcs, holds) in place; false when it must wait. */
function step(e: PreparedEvent, c: number, n: number, L: number, pcs: Int32Array, holds: Uint16Array, len: number): boolean {
  const i = c * L + e.lock;
  if (e.op === OP_UNLOCK) {
    const h = holds[i];
    if (h !== 0) {
      const count = (h >> 1) - 1;
      holds[i] = count === 0 ? 0 : (count << 1) | (h & 1);
    }
  } else {
    const free = blockers(e, c, n, L, holds).length === 0;
    if (!free && e.op === OP_LOCK) return false;
    if (free) {
      const h = holds[i];
      holds[i] = (((h >> 1) + 1) << 1) | (h & 1) | (e.write ? 1 : 0);
    }
  }
  pcs[c]++;
  if (pcs[c] === len) for (let l = 0; l < L; l++) holds[c * L + l] = 0;   // finished: drops what it holds
  return true;
}

function buildDeadlock(
  traces: Trace[], cpus: PreparedEvent[][], keys: string[], parent: number[], mover: number[],
  at: number, rawCycle: number[], L: number,
): Deadlock {
  const n = cpus.length;
  // Replay the path from the root so trylock outcomes are known.
  const path: number[] = [];
  for (let s = at; parent[s] >= 0; s = parent[s]) path.push(s);
  path.reverse();
  const steps: DeadlockStep[] = [];
  const lastMove = new Array<number>(n).fill(-1);
  for (const s of path) {
    const c = mover[s];
    const before = keys[parent[s]];
    const pc = before.charCodeAt(c);
    const e = cpus[c][pc];
    const st = toStep(c, e);
    if (e.op === OP_TRYLOCK) {
      // It failed when another CPU's hold conflicted just before.
      for (let d = 0; d < n; d++) {
        const h = d === c ? 0 : before.charCodeAt(n + d * L + e.lock);
        if (h !== 0 && (e.write || (h & 1) === 1)) st.failed = true;
      }
    }
    lastMove[c] = steps.length;
    steps.push(st);
  }
  // Rotate the cycle to start at its lowest CPU.
  const k = rawCycle.indexOf(Math.min(...rawCycle));
  const cyc = [...rawCycle.slice(k), ...rawCycle.slice(0, k)];
  const finalPcs = Array.from({ length: n }, (_, c) => keys[at].charCodeAt(c));
  const wanted = cyc.map((c) => cpus[c][finalPcs[c]]);
  // Blocked attempts: the CPU that moved last tries first (lockdep's table reads that way).
  const order = [...cyc].sort((a, b) => lastMove[b] - lastMove[a] || a - b);
  for (const c of order) steps.push({ ...toStep(c, cpus[c][finalPcs[c]]), blocked: true });
  // cyc[i] waits for wanted[i], held by cyc[i+1]; so cyc[i] holds wanted[i-1].
  const m = cyc.length;
  const held = cyc.map((_, i) => wanted[(i - 1 + m) % m]);
  return {
    threads: traces.map((t) => ({
      name: t.name,
      ...(t.source !== undefined ? { source: t.source } : {}),
      ...(t.scenario !== undefined ? { scenario: t.scenario } : {}),
      ...(t.tree !== undefined ? { tree: t.tree } : {}),
      ...(t.note !== undefined ? { note: t.note } : {}),
    })),
    steps,
    cycle: held.map((e) => e.src.label),
    cycleClasses: held.map((e) => e.src.class ?? e.src.lock),
    cycleThreads: cyc,
  };
}

function toStep(thread: number, e: PreparedEvent): DeadlockStep {
  const s = e.src;
  return {
    thread, op: OP_NAMES[e.op], lock: s.lock, class: s.class ?? s.lock, mode: s.mode, label: s.label,
    ...(s.file !== undefined ? { file: s.file } : {}),
    ...(s.line !== undefined ? { line: s.line } : {}),
  };
}

/** Identity of a deadlock for de-duplication: which trace holds what and waits for what. */
export function cycleSignature(d: Deadlock): string {
  const ts = d.cycleThreads ?? [];
  const cls = d.cycleClasses ?? d.cycle;
  return ts.map((t, i) => {
    const th = d.threads[t];
    return `${th.scenario ?? ''}/${th.source ?? ''}/${th.name}:${cls[i]}>${cls[(i + 1) % cls.length]}`;
  }).sort().join('|');
}
