// The lock order of a profile: its edges closed transitively, with the documented chain behind every
// "A before B" so messages and hovers can cite their sources.
//
// The documentation contradicts itself in places (mm/rmap.c has swap_lock -> private_lock, mm/filemap.c
// private_lock -> swap_lock; the hugetlbfs stanza has i_mmap_rwsem -> folio_lock against the main
// folio_lock -> ... -> i_mmap_rwsem). A cyclic order would flag both directions, so the order is kept
// acyclic: edges are added strong ones first, then weak ones (switchable or special-case stanzas), each
// in profile order (a refined profile lists the tree's own rmap.c edges first, then filemap.c, then the
// rest). An edge that would close a cycle is set aside: `rejected()` lists it with the cycle, and
// `cycles()` reports those of strong edges, where the profile's documented order really is cyclic.
import type { OrderEdge, Profile } from './profile-types';

export interface RejectedEdge {
  edge: OrderEdge;
  /** the cycle it would close, as classes: [outer, inner, ..., outer] */
  cycle: string[];
}

export interface LockOrder {
  /** class ids known to the order */
  readonly classes: readonly string[];
  /** the edges in use, in the order they were added */
  readonly edges: readonly OrderEdge[];
  /** must `outer` be taken before `inner` (transitively)? false for unknown or unrelated classes */
  before(outer: string, inner: string): boolean;
  /** the shortest chain of documented edges from outer to inner, or null when outer is not before inner */
  explain(outer: string, inner: string): OrderEdge[] | null;
  /** a representative outermost -> innermost chain through cls, for display: the longest, preferring the main hierarchy */
  chainThrough(cls: string): string[];
  /** cycles the profile's strong edges form (each as [a, b, ..., a]) */
  cycles(): string[][];
  /** every edge set aside, strong or weak, with the cycle it would have closed */
  rejected(): readonly RejectedEdge[];
}

const cache = new WeakMap<Profile, LockOrder>();

/** buildOrder, cached per profile object. */
export function orderOf(profile: Profile): LockOrder {
  let o = cache.get(profile);
  if (!o) cache.set(profile, (o = buildOrder(profile)));
  return o;
}

export function buildOrder(profile: Profile): LockOrder {
  const ids: string[] = [];
  const index = new Map<string, number>();
  const idOf = (c: string) => {
    let i = index.get(c);
    if (i === undefined) { i = ids.push(c) - 1; index.set(c, i); }
    return i;
  };
  for (const c of profile.classes) idOf(c.id);
  for (const e of profile.order) { idOf(e.outer); idOf(e.inner); }
  const n = ids.length;
  const words = Math.max(1, Math.ceil(n / 32));
  const reach = new Uint32Array(n * words);                // reach[x] = classes strictly after x
  const has = (x: number, y: number) => (reach[x * words + (y >>> 5)] & (1 << (y & 31))) !== 0;
  const out: number[][] = Array.from({ length: n }, () => []); // accepted edge indices by outer
  const accepted: OrderEdge[] = [];
  const rejected: RejectedEdge[] = [];

  const add = (e: OrderEdge) => {
    const u = index.get(e.outer)!;
    const v = index.get(e.inner)!;
    if (u === v) { rejected.push({ edge: e, cycle: [e.outer, e.outer] }); return; }
    if (has(v, u)) {
      // inner already reaches outer: the cycle is outer -> inner -> ... -> outer
      const back = path(v, u) ?? [];
      rejected.push({ edge: e, cycle: [e.outer, e.inner, ...back.map((b) => b.inner)] });
      return;
    }
    out[u].push(accepted.push(e) - 1);
    // everything that reaches u (and u itself) now reaches v and what v reaches
    for (let x = 0; x < n; x++) {
      if (x !== u && !has(x, u)) continue;
      const xo = x * words;
      const vo = v * words;
      for (let w = 0; w < words; w++) reach[xo + w] |= reach[vo + w];
      reach[xo + (v >>> 5)] |= 1 << (v & 31);
    }
  };
  // breadth-first over accepted edges, ties broken by the order edges were added in
  const path = (from: number, to: number): OrderEdge[] | null => {
    if (from === to || !has(from, to)) return null;
    const via = new Int32Array(n).fill(-1);
    const seen = new Uint8Array(n);
    seen[from] = 1;
    let frontier = [from];
    while (frontier.length) {
      const next: number[] = [];
      for (const x of frontier) {
        for (const ei of out[x]) {
          const y = index.get(accepted[ei].inner)!;
          if (seen[y]) continue;
          seen[y] = 1;
          via[y] = ei;
          if (y === to) {
            const chain: OrderEdge[] = [];
            for (let z = to; z !== from; z = index.get(accepted[via[z]].outer)!) chain.unshift(accepted[via[z]]);
            return chain;
          }
          next.push(y);
        }
      }
      frontier = next;
    }
    return null;
  };

  for (const e of profile.order) if (!e.weak) add(e);
  for (const e of profile.order) if (e.weak) add(e);

  const explained = new Map<string, OrderEdge[] | null>();
  let longest: { up: Int32Array; down: Int32Array; upLen: Int32Array; downLen: Int32Array } | undefined;
  const chains = new Map<string, string[]>();

  // Edges of the main hierarchy (first stanza of mm/rmap.c) count far more, so the chain shown is
  // the documented spine rather than a detour through a side stanza (memory_failure's tasklist_lock).
  const weight = (e: OrderEdge) => (e.main ? 1000 : 1);
  const longestPaths = () => {
    // Heaviest paths in the DAG of accepted edges, by dynamic programming in topological order.
    const indeg = new Int32Array(n);
    for (const e of accepted) indeg[index.get(e.inner)!]++;
    const topo: number[] = [];
    const queue: number[] = [];
    for (let x = 0; x < n; x++) if (!indeg[x]) queue.push(x);
    while (queue.length) {
      const x = queue.shift()!;
      topo.push(x);
      for (const ei of out[x]) {
        const y = index.get(accepted[ei].inner)!;
        if (--indeg[y] === 0) queue.push(y);
      }
    }
    const up = new Int32Array(n).fill(-1);
    const upLen = new Int32Array(n);
    for (const x of topo) {
      for (const ei of out[x]) {
        const y = index.get(accepted[ei].inner)!;
        const w = upLen[x] + weight(accepted[ei]);
        if (w > upLen[y]) { upLen[y] = w; up[y] = x; }
      }
    }
    const down = new Int32Array(n).fill(-1);
    const downLen = new Int32Array(n);
    for (let k = topo.length - 1; k >= 0; k--) {
      const x = topo[k];
      for (const ei of out[x]) {
        const y = index.get(accepted[ei].inner)!;
        const w = downLen[y] + weight(accepted[ei]);
        if (w > downLen[x]) { downLen[x] = w; down[x] = y; }
      }
    }
    return { up, down, upLen, downLen };
  };

  return {
    classes: ids,
    edges: accepted,
    before(outer, inner) {
      const u = index.get(outer);
      const v = index.get(inner);
      return u !== undefined && v !== undefined && has(u, v);
    },
    explain(outer, inner) {
      const key = `${outer}\0${inner}`;
      if (explained.has(key)) return explained.get(key)!;
      const u = index.get(outer);
      const v = index.get(inner);
      const r = u === undefined || v === undefined ? null : path(u, v);
      explained.set(key, r);
      return r;
    },
    chainThrough(cls) {
      const hit = chains.get(cls);
      if (hit) return hit;
      const c = index.get(cls);
      if (c === undefined) return [cls];
      longest ??= longestPaths();
      const chain = [cls];
      for (let x = longest.up[c]; x >= 0; x = longest.up[x]) chain.unshift(ids[x]);
      for (let x = longest.down[c]; x >= 0; x = longest.down[x]) chain.push(ids[x]);
      chains.set(cls, chain);
      return chain;
    },
    cycles() {
      return rejected.filter((r) => !r.edge.weak).map((r) => r.cycle);
    },
    rejected() {
      return rejected;
    },
  };
}
