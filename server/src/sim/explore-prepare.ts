// Turns traces into the explorer's compact form: locks interned to small integers, and (when
// reducing) events on locks that can never make two CPUs wait for each other dropped.
//
// Why dropping is sound: a waits-for cycle needs a CPU waiting for a lock another CPU holds. A
// lock touched by one CPU only, or only ever read-acquired, never makes anybody wait, so its
// events neither create nor break a cycle; removing them leaves every deadlock reachable and
// shortens the schedule to the locks that matter (as lockdep's scenario table does).
import type { Trace, TraceEvent } from './trace-types';

export const OP_LOCK = 0;
export const OP_UNLOCK = 1;
export const OP_TRYLOCK = 2;

export interface PreparedEvent {
  op: number;                // OP_LOCK | OP_UNLOCK | OP_TRYLOCK
  lock: number;              // interned lock index
  write: boolean;
  /** An unlock that can be taken eagerly (no other CPU trylocks this lock): see explore.ts. */
  eager: boolean;
  src: TraceEvent;
}

export interface Prepared {
  cpus: PreparedEvent[][];
  locks: string[];           // index -> lock identity
}

const OPS: Record<string, number> = { lock: OP_LOCK, unlock: OP_UNLOCK, trylock: OP_TRYLOCK };

/** Locks that some pair of CPUs can contend on: used by two CPUs, acquired for write by one. */
export function contendedLocks(traces: Trace[]): Set<string> {
  const users = new Map<string, Set<number>>();
  const written = new Set<string>();
  traces.forEach((t, cpu) => {
    for (const e of t.events) {
      let u = users.get(e.lock);
      if (!u) users.set(e.lock, (u = new Set()));
      u.add(cpu);
      if (e.op !== 'unlock' && e.mode === 'write') written.add(e.lock);
    }
  });
  const out = new Set<string>();
  for (const [lock, u] of users) if (u.size >= 2 && written.has(lock)) out.add(lock);
  return out;
}

export function prepareTraces(traces: Trace[], reduce: boolean): Prepared {
  const keep = reduce ? contendedLocks(traces) : null;
  const index = new Map<string, number>();
  const locks: string[] = [];
  const intern = (l: string): number => {
    let i = index.get(l);
    if (i === undefined) { i = locks.length; locks.push(l); index.set(l, i); }
    return i;
  };
  // Which CPUs trylock which lock: an unlock may only be hurried past another CPU's trylock
  // of the same lock when that changes nothing, so such unlocks are not eager.
  const trylockers = new Map<string, Set<number>>();
  traces.forEach((t, cpu) => t.events.forEach((e) => {
    if (e.op === 'trylock') {
      let s = trylockers.get(e.lock);
      if (!s) trylockers.set(e.lock, (s = new Set()));
      s.add(cpu);
    }
  }));
  const cpus = traces.map((t, cpu) => {
    const out: PreparedEvent[] = [];
    for (const e of t.events) {
      if (keep && !keep.has(e.lock)) continue;
      const op = OPS[e.op];
      if (op === undefined) throw new Error(`trace ${t.name}: unknown op '${String(e.op)}'`);
      const others = [...(trylockers.get(e.lock) ?? [])].some((c) => c !== cpu);
      out.push({ op, lock: intern(e.lock), write: e.mode !== 'read', eager: reduce && op === OP_UNLOCK && !others, src: e });
    }
    return out;
  });
  return { cpus, locks };
}
