// Lays a profile's lock order out as a layered graph (a small Sugiyama): layers by order depth
// (longest chain of documented edges from an outermost lock), order within a layer by barycenter
// sweeps to reduce crossings, edges implied by a longer chain marked so the drawing can fade them.
import type { HierarchyEdge, HierarchyNode } from './protocol';

export interface LayoutInput {
  classes: { id: string; kind: string; sleeps: boolean; description: string; source: string }[];
  edges: { outer: string; inner: string; source: string; note?: string }[];
  used: ReadonlySet<string>;
}

export interface Layout { nodes: HierarchyNode[]; edges: HierarchyEdge[]; width: number; height: number }

const NODE_H = 30, ROW_GAP = 64, COL_GAP = 22, MARGIN = 20, CHAR_W = 7.2;

export function layoutHierarchy(input: LayoutInput): Layout {
  const ids: string[] = [];
  const info = new Map(input.classes.map((c) => [c.id, c]));
  for (const c of input.classes) ids.push(c.id);
  for (const e of input.edges) for (const x of [e.outer, e.inner]) if (!info.has(x)) {
    info.set(x, { id: x, kind: 'unknown', sleeps: false, description: '', source: '' });
    ids.push(x);
  }
  // Unique edges (a profile may document the same pair from two sources: keep the first).
  const edges = new Map<string, LayoutInput['edges'][number]>();
  for (const e of input.edges) if (e.outer !== e.inner && !edges.has(e.outer + '\0' + e.inner)) edges.set(e.outer + '\0' + e.inner, e);
  const out = new Map<string, string[]>(ids.map((i) => [i, []]));
  for (const e of edges.values()) out.get(e.outer)!.push(e.inner);

  // Break cycles (an order learned from code may have one): DFS back edges are left out of layering.
  const back = new Set<string>();
  const state = new Map<string, 1 | 2>();
  const dfs = (n: string): void => {
    state.set(n, 1);
    for (const m of out.get(n)!) {
      if (state.get(m) === 1) back.add(n + '\0' + m);
      else if (!state.has(m)) dfs(m);
    }
    state.set(n, 2);
  };
  for (const i of ids) if (!state.has(i)) dfs(i);
  const fwd = (n: string) => out.get(n)!.filter((m) => !back.has(n + '\0' + m));

  // Implied edges: a -> b when another path a -> ... -> b exists.
  const reach = (from: string, to: string, skip: string): boolean => {
    const seen = new Set([from]);
    const stack = fwd(from).filter((m) => m !== skip);
    while (stack.length) {
      const n = stack.pop()!;
      if (n === to) return true;
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(...fwd(n));
    }
    return false;
  };
  const implied = new Set<string>();
  for (const e of edges.values()) {
    const k = e.outer + '\0' + e.inner;
    if (!back.has(k) && reach(e.outer, e.inner, e.inner)) implied.add(k);
  }

  // Layers: longest path from the roots.
  const layer = new Map<string, number>();
  const depth = (n: string, guard: Set<string>): number => {
    if (layer.has(n)) return layer.get(n)!;
    guard.add(n);
    let d = 0;
    for (const [k, e] of edges) {
      if (e.inner !== n || back.has(k) || guard.has(e.outer)) continue;
      d = Math.max(d, depth(e.outer, guard) + 1);
    }
    guard.delete(n);
    layer.set(n, d);
    return d;
  };
  const connected = new Set<string>();
  for (const e of edges.values()) { connected.add(e.outer); connected.add(e.inner); }
  for (const i of ids) if (connected.has(i)) depth(i, new Set());
  const maxLayer = Math.max(-1, ...[...layer.values()]);
  const isolated = ids.filter((i) => !connected.has(i));
  for (const i of isolated) layer.set(i, maxLayer + 1);

  const rows: string[][] = [];
  for (const i of ids) if (connected.has(i)) (rows[layer.get(i)!] ??= []).push(i);
  // Barycenter sweeps (down then up), on the non-implied edges.
  const pos = new Map<string, number>();
  const place = () => rows.forEach((r) => r.forEach((n, j) => pos.set(n, j)));
  place();
  const drawn = [...edges.entries()].filter(([k]) => !implied.has(k)).map(([, e]) => e);
  for (let it = 0; it < 6; it++) {
    const down = it % 2 === 0;
    for (let li = down ? 1 : rows.length - 2; down ? li < rows.length : li >= 0; li += down ? 1 : -1) {
      const row = rows[li];
      if (!row) continue;
      const bary = new Map<string, number>();
      for (const n of row) {
        const nb = drawn.filter((e) => (down ? e.inner === n : e.outer === n)).map((e) => pos.get(down ? e.outer : e.inner)!);
        bary.set(n, nb.length ? nb.reduce((a, b) => a + b, 0) / nb.length : pos.get(n)!);
      }
      row.sort((a, b) => bary.get(a)! - bary.get(b)! || pos.get(a)! - pos.get(b)!);
      row.forEach((n, j) => pos.set(n, j));
    }
  }

  const widthOf = (id: string) => Math.max(84, Math.round(id.length * CHAR_W + 26));
  const rowWidth = (r: string[]) => r.reduce((s, n) => s + widthOf(n), 0) + COL_GAP * Math.max(0, r.length - 1);
  // Classes with no documented order go last, wrapped to the width of the ordered part.
  const firstIsolatedRow = rows.length;
  const wrapAt = Math.max(640, ...rows.map((r) => (r ? rowWidth(r) : 0)));
  let cur: string[] = [];
  for (const i of isolated) {
    if (cur.length && rowWidth([...cur, i]) > wrapAt) { rows.push(cur); cur = []; }
    cur.push(i);
  }
  if (cur.length) rows.push(cur);
  rows.forEach((r, li) => { if (li >= firstIsolatedRow) for (const n of r) layer.set(n, li); });
  const width = Math.max(200, ...rows.map((r) => (r ? rowWidth(r) : 0))) + 2 * MARGIN;
  const nodes: HierarchyNode[] = [];
  const byId = new Map<string, HierarchyNode>();
  rows.forEach((r, li) => {
    if (!r) return;
    let x = (width - rowWidth(r)) / 2;
    const iso = li >= firstIsolatedRow;
    // Unordered rows sit closer together (no edges between them), below a caption.
    const y = iso ? MARGIN + firstIsolatedRow * (NODE_H + ROW_GAP) + 16 + (li - firstIsolatedRow) * (NODE_H + 12)
      : MARGIN + li * (NODE_H + ROW_GAP);
    for (const id of r) {
      const c = info.get(id)!;
      const n: HierarchyNode = {
        id, kind: c.kind, sleeps: c.sleeps, description: c.description, source: c.source,
        layer: li, x: Math.round(x), y, width: widthOf(id), height: NODE_H, used: input.used.has(id), isolated: !connected.has(id),
      };
      nodes.push(n);
      byId.set(id, n);
      x += widthOf(id) + COL_GAP;
    }
  });
  const height = Math.max(0, ...nodes.map((n) => n.y + n.height)) + MARGIN;
  const outEdges: HierarchyEdge[] = [...edges.entries()].map(([k, e]) => {
    const a = byId.get(e.outer)!, b = byId.get(e.inner)!;
    const up = b.y <= a.y;
    return {
      outer: e.outer, inner: e.inner, source: e.source, note: e.note, implied: implied.has(k),
      points: [
        { x: a.x + a.width / 2, y: up ? a.y : a.y + a.height },
        { x: b.x + b.width / 2, y: up ? b.y + b.height : b.y },
      ],
    };
  });
  return { nodes, edges: outEdges, width: Math.round(width), height };
}
