// The documented rule behind a deadlock: the chain of the profile's order edges from one class to
// another (outer before inner), shortest first, each edge with the source that documents it.
import type { Profile } from '../model/profile-types';
import type { Explain, RuleEdge } from './lockdep-report';

export function orderExplainer(profile: Pick<Profile, 'order'>): Explain {
  const out = new Map<string, RuleEdge[]>();
  for (const e of profile.order) {
    let l = out.get(e.outer);
    if (!l) out.set(e.outer, (l = []));
    l.push({ outer: e.outer, inner: e.inner, source: e.note ? `${e.source} ${e.note}` : e.source });
  }
  const memo = new Map<string, RuleEdge[] | null>();
  return (a, b) => {
    const key = `${a}\u0000${b}`;
    if (memo.has(key)) return memo.get(key) ?? null;
    // Breadth-first: the shortest documented chain a -> ... -> b.
    const prev = new Map<string, RuleEdge>();
    const queue = [a];
    const seen = new Set([a]);
    let found: RuleEdge[] | null = null;
    while (queue.length && !found) {
      const x = queue.shift() as string;
      for (const e of out.get(x) ?? []) {
        if (seen.has(e.inner)) continue;
        seen.add(e.inner);
        prev.set(e.inner, e);
        if (e.inner === b) {
          const path: RuleEdge[] = [];
          for (let c = b; c !== a; c = (prev.get(c) as RuleEdge).outer) path.unshift(prev.get(c) as RuleEdge);
          found = path;
          break;
        }
        queue.push(e.inner);
      }
    }
    memo.set(key, found);
    return found;
  };
}
