// The lock hierarchy webview: the profile's order as a layered graph (outermost at the top),
// laid out by the server (hierarchy-layout.ts) and drawn here as SVG. Sleeping and spinning locks
// have different colours; the classes the current file takes are highlighted; hovering a node or
// an edge shows its description and documented source.
import type { HierarchyEdge, HierarchyNode, HierarchyResult } from '../../../server/src/lsp/protocol';
import { esc, page } from './html';

const CSS = `
  .legend { display: flex; gap: 16px; flex-wrap: wrap; margin: 6px 0 10px; color: var(--vscode-descriptionForeground); }
  .legend span { display: inline-flex; align-items: center; gap: 6px; }
  .sw { width: 14px; height: 14px; border-radius: 3px; display: inline-block; border: 2px solid; }
  .sw.sleeps { border-color: var(--vscode-charts-blue, #37c); }
  .sw.spins { border-color: var(--vscode-charts-orange, #d80); }
  .sw.other { border-color: var(--vscode-charts-purple, #95c); }
  .sw.used { background: var(--vscode-editor-findMatchHighlightBackground, #fd04); border-color: var(--vscode-charts-yellow, #cb0); }
  .graph { overflow: auto; border: 1px solid var(--vscode-panel-border, #8883); border-radius: 4px; }
  svg { display: block; max-width: none; }
  .node rect { fill: var(--vscode-editorWidget-background, #8881); stroke-width: 2; }
  .node.sleeps rect { stroke: var(--vscode-charts-blue, #37c); }
  .node.spins rect { stroke: var(--vscode-charts-orange, #d80); }
  .node.other rect { stroke: var(--vscode-charts-purple, #95c); stroke-dasharray: 4 2; }
  .node.used rect { fill: var(--vscode-editor-findMatchHighlightBackground, #fd04); stroke-width: 3.5; }
  .node text { fill: var(--vscode-foreground); font-family: var(--vscode-editor-font-family); font-size: 12.5px; dominant-baseline: middle; text-anchor: middle; }
  .node.used text { font-weight: 700; }
  .edge path { fill: none; stroke: var(--vscode-descriptionForeground, #888); stroke-width: 1.4; opacity: .85; }
  .edge.implied path { stroke-dasharray: 3 4; opacity: .35; }
  .edge.used path { stroke: var(--vscode-charts-yellow, #cb0); stroke-width: 2.4; opacity: 1; }
  .edge:hover path { stroke: var(--vscode-focusBorder); stroke-width: 3; opacity: 1; }
  .arrow { fill: var(--vscode-descriptionForeground, #888); }
  .iso-label { fill: var(--vscode-descriptionForeground); font-size: 11px; }
  body.hide-implied .edge.implied { display: none; }
  label.toggle { color: var(--vscode-descriptionForeground); user-select: none; }
`;

function kindClass(n: HierarchyNode): string {
  if (['rcu', 'srcu', 'seqcount', 'pseudo', 'unknown'].includes(n.kind)) return 'other';
  return n.sleeps ? 'sleeps' : 'spins';
}

function edgePath(e: HierarchyEdge): string {
  const [a, b] = e.points;
  const dy = Math.max(24, Math.abs(b.y - a.y) / 2);
  const dir = b.y >= a.y ? 1 : -1;
  return `M${a.x},${a.y} C${a.x},${a.y + dir * dy} ${b.x},${b.y - dir * dy} ${b.x},${b.y}`;
}

export function hierarchySvg(h: HierarchyResult): string {
  const used = new Set(h.nodes.filter((n) => n.used).map((n) => n.id));
  const edges = h.edges.map((e) => {
    const cls = ['edge', e.implied ? 'implied' : '', used.has(e.outer) && used.has(e.inner) ? 'used' : ''].filter(Boolean).join(' ');
    const tip = `${e.outer} → ${e.inner}${e.implied ? ' (implied by a longer chain)' : ''}\n${e.source}${e.note ? ' ' + e.note : ''}`;
    return `<g class="${cls}"><title>${esc(tip)}</title><path d="${edgePath(e)}" marker-end="url(#arrow)"/></g>`;
  });
  const nodes = h.nodes.map((n) => {
    const tip = `${n.id} — ${n.kind}, ${n.sleeps ? 'may sleep' : 'spins'}${n.used ? ' — taken in this file' : ''}\n${n.description}\n${n.source}`;
    return `<g class="node ${kindClass(n)}${n.used ? ' used' : ''}" data-id="${esc(n.id)}"><title>${esc(tip)}</title>`
      + `<rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" rx="6"/>`
      + `<text x="${n.x + n.width / 2}" y="${n.y + n.height / 2 + 1}">${esc(n.id)}</text></g>`;
  });
  const iso = h.nodes.find((n) => n.isolated);
  const isoLabel = iso ? `<text class="iso-label" x="20" y="${iso.y - 6}">no documented order with the classes above:</text>` : '';
  return `<svg id="mmlock-hierarchy" viewBox="0 0 ${h.width} ${h.height}" width="${h.width}" height="${h.height}" role="img" aria-label="lock order graph">`
    + `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">`
    + `<path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker></defs>`
    + edges.join('') + nodes.join('') + isoLabel + `</svg>`;
}

export function hierarchyBody(h: HierarchyResult, docName: string | null): string {
  const used = h.nodes.filter((n) => n.used).map((n) => n.id);
  return `<h1>Lock order: ${esc(h.profile.id)}</h1>
<p class="meta">${esc(h.profile.description)} · profile from ${esc(h.profile.origin)} · outer locks at the top: a lock may be taken while the ones above it (along the arrows) are held.</p>
<div class="legend">
  <span><i class="sw sleeps"></i>sleeping lock (mutex, rwsem, page lock)</span>
  <span><i class="sw spins"></i>spinning lock (spinlock, rwlock, bit spinlock)</span>
  <span><i class="sw other"></i>RCU / seqcount / other</span>
  <span><i class="sw used"></i>${used.length ? `taken in ${esc(docName ?? 'this file')}: ${used.map(esc).join(', ')}` : 'taken in this file (none)'}</span>
  <label class="toggle"><input type="checkbox" id="implied" checked> show implied edges (dashed)</label>
</div>
<div class="graph">${hierarchySvg(h)}</div>
<details><summary>as text (also in the “MM Locks” output)</summary><pre>${esc(h.text)}</pre></details>`;
}

const SCRIPT = `
  // Bring the classes this file takes into view (the order can be taller than the panel).
  const used = document.querySelector('g.node.used');
  if (used) used.scrollIntoView({ block: 'center', inline: 'center' });
  document.getElementById('implied').addEventListener('change', (e) => {
    document.body.classList.toggle('hide-implied', !e.target.checked);
  });
`;

export function hierarchyPage(h: HierarchyResult, docName: string | null, nonce: string, cspSource: string): string {
  return page({ title: `MM Locks: ${h.profile.id} lock order`, nonce, cspSource, css: CSS, body: hierarchyBody(h, docName), script: SCRIPT });
}
