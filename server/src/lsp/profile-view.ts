// A ProfileView over a plain Profile: class lookup, and order questions answered by search over the
// documented edges (a few dozen classes: a BFS per question is microseconds).
import type { OrderEdge, Profile } from '../model/profile-types';
import type { ClassInfo, ProfileView } from './deps';

export function viewFromProfile(p: Profile): ProfileView {
  const classes = new Map<string, ClassInfo>(p.classes.map((c) => [c.id, {
    id: c.id, kind: c.kind, sleeps: c.sleeps, irqSafe: c.irqSafe, description: c.description, source: c.source,
  }]));
  const out = new Map<string, OrderEdge[]>();
  const into = new Map<string, OrderEdge[]>();
  for (const e of p.order) {
    if (e.outer === e.inner) continue;
    (out.get(e.outer) ?? out.set(e.outer, []).get(e.outer)!).push(e);
    (into.get(e.inner) ?? into.set(e.inner, []).get(e.inner)!).push(e);
  }

  function explain(a: string, b: string): OrderEdge[] | null {
    if (a === b) return null;
    const prev = new Map<string, OrderEdge>();
    const queue = [a];
    const seen = new Set([a]);
    while (queue.length) {
      const n = queue.shift()!;
      for (const e of out.get(n) ?? []) {
        if (seen.has(e.inner)) continue;
        seen.add(e.inner);
        prev.set(e.inner, e);
        if (e.inner === b) {
          const chain: OrderEdge[] = [];
          for (let x = b; x !== a; x = prev.get(x)!.outer) chain.unshift(prev.get(x)!);
          return chain;
        }
        queue.push(e.inner);
      }
    }
    return null;
  }

  /** Longest path ending (dir 'up') or starting ('down') at n, cycle-safe. */
  function longest(n: string, dir: 'up' | 'down', memo: Map<string, string[]>, onStack: Set<string>): string[] {
    const m = memo.get(n);
    if (m) return m;
    onStack.add(n);
    let best: string[] = [];
    for (const e of (dir === 'up' ? into.get(n) : out.get(n)) ?? []) {
      const next = dir === 'up' ? e.outer : e.inner;
      if (onStack.has(next)) continue;
      const p = longest(next, dir, memo, onStack);
      if (p.length > best.length) best = p;
    }
    onStack.delete(n);
    const r = dir === 'up' ? [...best, n] : [n, ...best];
    memo.set(n, r);
    return r;
  }

  const upMemo = new Map<string, string[]>();
  const downMemo = new Map<string, string[]>();
  return {
    id: p.id, description: p.description, classes, edges: p.order, explain,
    chainThrough(cls) {
      const up = longest(cls, 'up', upMemo, new Set());
      const down = longest(cls, 'down', downMemo, new Set());
      return [...up, ...down.slice(1)];
    },
  };
}
