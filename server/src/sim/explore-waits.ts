// Waits-for graph of one explorer state: who blocks whom, and a cycle if there is one.
// A state is a program counter per CPU plus, per CPU and lock, the hold (count << 1 | write).
import { OP_LOCK, type PreparedEvent } from './explore-prepare';

/** CPUs other than `cpu` whose hold of the lock `e` wants conflicts with it (empty: not blocked). */
export function blockers(e: PreparedEvent, cpu: number, n: number, nLocks: number, holds: Uint16Array): number[] {
  const out: number[] = [];
  for (let d = 0; d < n; d++) {
    if (d === cpu) continue;              // a CPU never waits for itself (recursion/nesting: per-function checks)
    const h = holds[d * nLocks + e.lock];
    if (h !== 0 && (e.write || (h & 1) === 1)) out.push(d);
  }
  return out;
}

/** A waits-for cycle as CPU indices [c0, c1, ...] where c[i] waits for a lock c[i+1] holds, or null. */
export function findCycle(
  cpus: PreparedEvent[][], pcs: Int32Array, holds: Uint16Array, nLocks: number,
): number[] | null {
  const n = cpus.length;
  const waits: number[][] = [];
  let anyBlocked = false;
  for (let c = 0; c < n; c++) {
    const e = cpus[c][pcs[c]];
    waits.push(e && e.op === OP_LOCK ? blockers(e, c, n, nLocks, holds) : []);
    if (waits[c].length) anyBlocked = true;
  }
  if (!anyBlocked) return null;
  // Depth-first search from the lowest CPU so the reported cycle is canonical.
  const colour = new Uint8Array(n);          // 0 new, 1 on stack, 2 done
  const stack: number[] = [];
  const visit = (c: number): number[] | null => {
    colour[c] = 1;
    stack.push(c);
    for (const d of waits[c]) {
      if (colour[d] === 1) return stack.slice(stack.indexOf(d));
      if (colour[d] === 0) { const r = visit(d); if (r) return r; }
    }
    stack.pop();
    colour[c] = 2;
    return null;
  };
  for (let c = 0; c < n; c++) {
    if (colour[c] === 0) { const r = visit(c); if (r) return r; }
  }
  return null;
}
