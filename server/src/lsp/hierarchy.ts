// The Show Lock Hierarchy answer: the profile's order laid out as a graph, the classes used in the
// current file highlighted, and the same in plain text for the output channel.
import type { ProfileView } from './deps';
import { layoutHierarchy } from './hierarchy-layout';
import type { HierarchyResult } from './protocol';

export function buildHierarchy(view: ProfileView, origin: string, used: ReadonlySet<string>): HierarchyResult {
  const layout = layoutHierarchy({ classes: [...view.classes.values()], edges: [...view.edges], used });
  const lines: string[] = [`Lock order of ${view.id} (outer → inner; profile from ${origin})`];
  if (view.description) lines.push(view.description);
  const byLayer = new Map<number, string[]>();
  for (const n of layout.nodes) {
    const label = `${n.id}${n.used ? '*' : ''} (${n.kind}, ${n.sleeps ? 'sleeps' : 'spins'})`;
    (byLayer.get(n.layer) ?? byLayer.set(n.layer, []).get(n.layer)!).push(label);
  }
  for (const [l, names] of [...byLayer.entries()].sort((a, b) => a[0] - b[0])) {
    const isolated = layout.nodes.some((n) => n.layer === l && n.isolated);
    lines.push(`  ${isolated ? 'no documented order' : `depth ${l}`}: ${names.join(', ')}`);
  }
  lines.push('Documented edges:');
  for (const e of layout.edges) {
    lines.push(`  ${e.outer} -> ${e.inner}${e.implied ? ' (implied by a longer chain)' : ''}   [${e.source}${e.note ? ' ' + e.note : ''}]`);
  }
  lines.push(used.size ? `* used in this file: ${[...used].sort().join(', ')}` : 'No class of this profile is used in this file.');
  return {
    profile: { id: view.id, origin, description: view.description },
    nodes: layout.nodes, edges: layout.edges, width: layout.width, height: layout.height,
    text: lines.join('\n'),
  };
}
