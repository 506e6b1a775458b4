// The order as text for people: the hierarchy as an indented tree, like the kernel's own comment.
// Only the edges that are not implied by others are drawn (the transitive reduction, keeping the
// main hierarchy of mm/rmap.c as written); a class already
// drawn with its subtree is shown again as "name ..." without repeating it.
import type { OrderEdge } from './profile-types';
import type { LockOrder } from './order';

/** The accepted edges no other chain implies (main-hierarchy edges always kept), in order. */
export function reducedEdges(order: LockOrder): OrderEdge[] {
  const direct = new Map<string, string[]>();
  for (const e of order.edges) {
    const l = direct.get(e.outer);
    if (l) { if (!l.includes(e.inner)) l.push(e.inner); } else direct.set(e.outer, [e.inner]);
  }
  const seen = new Set<string>();
  return order.edges.filter((e) => {
    const key = `${e.outer}>${e.inner}`;
    if (seen.has(key)) return false;
    seen.add(key);
    // The main hierarchy is drawn as documented even where a side edge makes it look implied.
    return !!e.main || !(direct.get(e.outer) ?? []).some((w) => w !== e.inner && order.before(w, e.inner));
  });
}

/** One line per class, indented under the classes taken before it. */
export function hierarchyLines(order: LockOrder, indent = '  '): string[] {
  const edges = reducedEdges(order);
  const children = new Map<string, string[]>();
  const hasParent = new Set<string>();
  for (const e of edges) {
    const l = children.get(e.outer) ?? [];
    if (!l.includes(e.inner)) l.push(e.inner);
    children.set(e.outer, l);
    hasParent.add(e.inner);
  }
  const lines: string[] = [];
  const drawn = new Set<string>();
  const draw = (c: string, depth: number) => {
    const kids = children.get(c) ?? [];
    if (drawn.has(c) && kids.length) { lines.push(`${indent.repeat(depth)}${c} ...`); return; }
    lines.push(indent.repeat(depth) + c);
    drawn.add(c);
    for (const k of kids) draw(k, depth + 1);
  };
  const inEdges = new Set(edges.flatMap((e) => [e.outer, e.inner]));
  for (const c of order.classes) if (inEdges.has(c) && !hasParent.has(c)) draw(c, 0);
  return lines;
}
