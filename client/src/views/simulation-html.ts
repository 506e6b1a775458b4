// The simulation webview: one lane per CPU, the deadlock schedule as steps in time order (each
// with its source line, clickable), what each CPU holds after each step, and where each CPU is
// stuck; or "no deadlock in N states". Mirrors lockdep's "Possible unsafe locking scenario".
import type { SimDeadlock, SimStep, SimulateResult } from '../../../server/src/lsp/protocol';
import { esc, page, sourceLink } from './html';

const CSS = `
  .verdict { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; margin-right: 6px; }
  .verdict.bad { background: var(--vscode-inputValidation-errorBackground, rgba(200,40,40,.25)); color: var(--vscode-errorForeground); border: 1px solid var(--vscode-inputValidation-errorBorder, var(--vscode-errorForeground)); }
  .verdict.good { background: var(--vscode-inputValidation-infoBackground, rgba(40,120,200,.2)); border: 1px solid var(--vscode-inputValidation-infoBorder, var(--vscode-focusBorder)); }
  .cycle { margin: 4px 0 10px; }
  .cycle code { padding: 1px 4px; border-radius: 3px; background: var(--vscode-textCodeBlock-background); }
  table.lanes { border-collapse: separate; border-spacing: 0; width: 100%; table-layout: fixed; margin-top: 6px; }
  table.lanes th { text-align: left; font-weight: 600; padding: 6px 10px; border-bottom: 2px solid var(--vscode-panel-border, #8884); vertical-align: bottom; }
  table.lanes th .who { display: block; font-weight: normal; color: var(--vscode-descriptionForeground); font-size: .92em; }
  table.lanes th.t, table.lanes td.t { width: 2.6em; text-align: right; color: var(--vscode-descriptionForeground); padding-right: 8px; }
  table.lanes td { padding: 3px 10px; vertical-align: top; border-left: 3px solid var(--vscode-panel-border, #8884); }
  table.lanes td.t { border-left: none; }
  .step { border-radius: 4px; padding: 4px 8px; background: var(--vscode-editorWidget-background, #8881); border: 1px solid var(--vscode-editorWidget-border, #8883); }
  .step .op { font-weight: 600; margin-right: 4px; }
  .step.unlock { opacity: .8; }
  .step.unlock .op { color: var(--vscode-charts-green, #3a3); }
  .step.lock .op, .step.trylock .op { color: var(--vscode-charts-blue, #37c); }
  .step.blocked { border: 2px solid var(--vscode-errorForeground); background: var(--vscode-inputValidation-errorBackground, rgba(200,40,40,.15)); }
  .step.blocked .op { color: var(--vscode-errorForeground); }
  .badge { display: inline-block; margin-left: 6px; padding: 0 6px; border-radius: 8px; font-size: .85em; font-weight: 600;
           background: var(--vscode-errorForeground); color: var(--vscode-editor-background); }
  .where { display: block; font-size: .9em; margin-top: 2px; }
  .tree { color: var(--vscode-descriptionForeground); }
  .src-text { color: var(--vscode-descriptionForeground); }
  .holds { display: block; font-size: .85em; color: var(--vscode-descriptionForeground); margin-top: 2px; }
  .deadlock-row td { text-align: center; font-weight: 700; letter-spacing: .08em; color: var(--vscode-errorForeground); border-left: none; padding-top: 10px; }
  .why { margin: 10px 0 0; }
  .why li { margin: 2px 0; }
  .none { margin-top: 14px; font-size: 1.05em; }
`;

function cpuHeader(d: SimDeadlock, cpu: number): string {
  const t = d.threads[cpu] ?? { name: `thread ${cpu}` };
  const who = t.scenario ? `kernel path: ${t.scenario}` : t.source ? `patched: ${t.source}` : '';
  return `<th>CPU${cpu}: ${esc(t.name)}${who ? `<span class="who">${esc(who)}</span>` : ''}</th>`;
}

function stepCell(s: SimStep, holds: string[], tree: string | undefined): string {
  const label = `${s.file}${s.line ? ':' + s.line : ''}`;
  const where = !s.file ? '' : s.place ? sourceLink(label, s.place)
    : `<span class="src-text" title="${esc(tree ? `in the ${tree} sources the kernel path was read from` : 'not in this workspace')}">${esc(label)}${tree ? ` <span class="tree">(${esc(tree)})</span>` : ''}</span>`;
  const op = s.blocked ? `${s.op}` : s.op;
  return `<div class="step ${esc(s.op)}${s.blocked ? ' blocked' : ''}">`
    + `<span class="op">${esc(op)}</span><code>${esc(s.lock)}</code>`
    + (s.blocked ? `<span class="badge">waits forever</span>` : '')
    + (where ? `<span class="where">${where}</span>` : '')
    + `<span class="holds">holds: ${holds.length ? holds.map((h) => `<code>${esc(h)}</code>`).join(', ') : 'nothing'}</span>`
    + `</div>`;
}

/** The lanes table: rows are time steps, columns CPUs. */
export function deadlockTable(d: SimDeadlock): string {
  const cpus = [...new Set([...d.threads.keys(), ...d.steps.map((s) => s.thread)])].sort((a, b) => a - b);
  const held = new Map<number, string[]>(cpus.map((c) => [c, []]));
  const rows: string[] = [];
  d.steps.forEach((s, i) => {
    const h = held.get(s.thread) ?? [];
    if (!s.blocked && /lock/.test(s.op) && !/unlock/.test(s.op)) h.push(s.lock);
    if (/unlock/.test(s.op)) { const k = h.lastIndexOf(s.lock); if (k >= 0) h.splice(k, 1); }
    held.set(s.thread, h);
    const cells = cpus.map((c) => `<td>${c === s.thread ? stepCell(s, [...h], d.threads[c]?.tree) : ''}</td>`).join('');
    rows.push(`<tr><td class="t">${i + 1}</td>${cells}</tr>`);
  });
  rows.push(`<tr class="deadlock-row"><td class="t"></td><td colspan="${cpus.length}">*** DEADLOCK ***</td></tr>`);
  return `<table class="lanes"><thead><tr><th class="t">#</th>${cpus.map((c) => cpuHeader(d, c)).join('')}</tr></thead>`
    + `<tbody>${rows.join('')}</tbody></table>`;
}

/** "CPU0 holds A and waits for B; CPU1 holds B and waits for A." */
export function whyList(d: SimDeadlock): string {
  const waits = d.steps.filter((s) => s.blocked);
  if (!waits.length) return '';
  const items = waits.map((w) => {
    const before = d.steps.slice(0, d.steps.indexOf(w)).filter((s) => s.thread === w.thread);
    const holds: string[] = [];
    for (const s of before) {
      if (/unlock/.test(s.op)) { const k = holds.lastIndexOf(s.lock); if (k >= 0) holds.splice(k, 1); }
      else if (/lock/.test(s.op)) holds.push(s.lock);
    }
    // CPUs contend by class: "avc->anon_vma->lock" waits for the "anon_vma->lock" another CPU holds.
    const same = (s: SimStep) => s.lock === w.lock || (!!s.class && s.class === w.class);
    const owner = d.steps.find((s) => s.thread !== w.thread && same(s) && !s.blocked && !/unlock/.test(s.op));
    return `<li>CPU${w.thread} holds ${holds.map((h) => `<code>${esc(h)}</code>`).join(', ') || 'nothing'} and waits for `
      + `<code>${esc(w.lock)}</code>${owner ? `, held by CPU${owner.thread}` : ''}.</li>`;
  });
  return `<ul class="why">${items.join('')}</ul>`;
}

export function simulationBody(r: SimulateResult, docName: string): string {
  const parts: string[] = [];
  const fns = r.functions.length ? r.functions.map((f) => `<code>${esc(f)}()</code>`).join(', ') : 'none';
  const stats = `profile <b>${esc(r.profile.id)}</b> · ${r.explored.toLocaleString('en-US')} states explored${r.bounded ? ' (search bounded)' : ''} · simulated: ${fns}`;
  if (r.deadlocks.length) {
    const first = r.deadlocks[0];
    const names = first.threads.map((t) => t.name).join(' vs ');
    parts.push(`<h1><span class="verdict bad">DEADLOCK</span>${esc(names)}</h1>`);
    parts.push(`<p class="meta">${esc(docName)} · ${stats}</p>`);
    r.deadlocks.forEach((d, i) => {
      if (r.deadlocks.length > 1) parts.push(`<h2>Schedule ${i + 1} of ${r.deadlocks.length}</h2>`);
      parts.push(`<div class="cycle">Cycle: ${d.cycle.map((c) => `<code>${esc(c)}</code>`).join(' → ')} → <code>${esc(d.cycle[0] ?? '')}</code></div>`);
      parts.push(deadlockTable(d));
      parts.push(whyList(d));
    });
  } else {
    parts.push(`<h1><span class="verdict good">NO DEADLOCK</span>${esc(docName)}</h1>`);
    parts.push(`<p class="meta">${stats}</p>`);
    parts.push(`<p class="none">No schedule of the simulated functions${r.functions.length ? '' : ' (none found)'} against each other or the kernel paths deadlocks: `
      + `<b>no deadlock in ${r.explored.toLocaleString('en-US')} states</b>${r.bounded ? ', but the search hit its bound: raise mmlock.simulation.maxStates to search further' : ''}.</p>`);
  }
  if (r.notes.length) parts.push(`<ul class="notes">${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  if (r.text) parts.push(`<details><summary>lockdep-style report (also in the “MM Locks” output)</summary><pre>${esc(r.text)}</pre></details>`);
  return `<div id="mmlock-sim">${parts.join('\n')}</div>`;
}

export function simulationPage(r: SimulateResult, docName: string, nonce: string, cspSource: string): string {
  return page({ title: 'MM Locks: simulation', nonce, cspSource, css: CSS, body: simulationBody(r, docName) });
}
