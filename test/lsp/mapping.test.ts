// The server's mapping logic with an injected fake analysis: findings -> diagnostics (ranges on
// patch lines, related locations in the tree or the patch, severity settings), hover text, code
// lenses, the hierarchy layout, settings, kernel-tree discovery and the analysis scheduler.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import type { AnalysisResult, LockSite } from '../../server/src/analysis-types';
import { codeLenses } from '../../server/src/lsp/code-lens';
import { findingToDiagnostic, findingsToDiagnostics, inputErrorDiagnostic } from '../../server/src/lsp/diagnostics';
import { pathToUri, splitLines, type DocContext } from '../../server/src/lsp/doc-context';
import { buildHierarchy } from '../../server/src/lsp/hierarchy';
import { heldSummary, hoverMarkdown, ruleLines, siteAt } from '../../server/src/lsp/hover';
import { findKernelTree, isKernelTree } from '../../server/src/lsp/kernel-tree';
import { scanPatch } from '../../server/src/lsp/patch-lines';
import { viewFromProfile } from '../../server/src/lsp/profile-view';
import { Scheduler } from '../../server/src/lsp/scheduler';
import { parseSettings } from '../../server/src/lsp/settings';
import { functionAt, simulationResult } from '../../server/src/lsp/simulation';
import { fakeCore, PROFILE_2634 } from './helpers/fake-core';
import { ROOT } from './helpers/lsp-client';

const FIX = path.join(ROOT, 'test/fixtures/lsp');
const PATCH = path.join(FIX, 'expand-downwards-inversion.patch');
const TREE = path.join(FIX, 'tree');
const text = fs.readFileSync(PATCH, 'utf8');

function patchCtx(tree: string | null): DocContext {
  return { uri: pathToUri(PATCH), path: PATCH, kind: 'patch', lines: splitLines(text), patch: scanPatch(text), tree };
}

async function analysed(tree: string | null): Promise<AnalysisResult> {
  return fakeCore().analyze({ name: PATCH, text, tree: tree ?? undefined });
}

test('a lock-order finding lands on the patch line, on the call, with code, link and source', async () => {
  const r = await analysed(null);
  assert.equal(r.findings.length, 1);
  const d = findingToDiagnostic(r.findings[0], patchCtx(null), { severity: {}, relatedInformation: true })!;
  // Patch line 27 is " \tanon_vma_lock(vma);": the call starts after the ' ' prefix and the tab.
  assert.deepEqual(d.range, { start: { line: 26, character: 2 }, end: { line: 26, character: 21 } });
  assert.equal(text.split('\n')[26].slice(2, 21), 'anon_vma_lock(vma);');
  assert.equal(d.code, 'lock-order');
  assert.equal(d.source, 'mmlock');
  assert.equal(d.severity, DiagnosticSeverity.Error);
  assert.match(d.codeDescription!.href, /README\.md#lock-order$/);
  assert.match(d.message as string, /anon_vma->lock acquired while mm->page_table_lock is held/);
  assert.match(d.message as string, /Documented rule: mm\/rmap\.c ordering comment \(2\.6\.34\)/);
});

test('related location: the patch line without a tree; an added line stays in the patch with one', async () => {
  const r = await analysed(null);
  const d = findingToDiagnostic(r.findings[0], patchCtx(null), { severity: {}, relatedInformation: true })!;
  assert.equal(d.relatedInformation?.length, 1);
  const rel = d.relatedInformation![0];
  assert.equal(rel.location.uri, pathToUri(PATCH));
  assert.equal(rel.location.range.start.line, 25);            // "+\tspin_lock(&vma->vm_mm->page_table_lock);"
  assert.equal(rel.location.range.start.character, 2);
  assert.equal(rel.message, 'mm->page_table_lock taken here');
  // With a tree: post 55 is an added line, it does not exist in the tree: still the patch line.
  const withTree = findingToDiagnostic(r.findings[0], patchCtx(TREE), { severity: {}, relatedInformation: true })!;
  assert.equal(withTree.relatedInformation![0].location.uri, pathToUri(PATCH));
});

test('related location: a context line maps into the tree file at its pre-image line', async () => {
  const r = await analysed(TREE);
  const f = { ...r.findings[0], related: [{ file: 'mm/mmap.c', line: 77, column: 2, message: 'anon_vma->lock released here' }] };
  const d = findingToDiagnostic(f, patchCtx(TREE), { severity: {}, relatedInformation: true })!;
  const loc = d.relatedInformation![0].location;
  assert.equal(loc.uri, pathToUri(path.join(TREE, 'mm/mmap.c')));
  assert.equal(loc.range.start.line, 71);                      // post 77 = pre 72 (0-based 71)
  assert.equal(fs.readFileSync(path.join(TREE, 'mm/mmap.c'), 'utf8').split('\n')[71].trim(), 'anon_vma_unlock(vma);');
  // A client without relatedInformation support gets the sites in the message.
  const plain = findingToDiagnostic(f, patchCtx(TREE), { severity: {}, relatedInformation: false })!;
  assert.equal(plain.relatedInformation, undefined);
  assert.match(plain.message as string, /mm\/mmap\.c:77: anon_vma->lock released here/);
});

test('severity settings: override, hint, off', async () => {
  const r = await analysed(null);
  const ctx = patchCtx(null);
  assert.equal(findingsToDiagnostics(r.findings, ctx, { severity: { 'lock-order': 'warning' }, relatedInformation: true })[0].severity, DiagnosticSeverity.Warning);
  assert.equal(findingsToDiagnostics(r.findings, ctx, { severity: { 'lock-order': 'hint' }, relatedInformation: true })[0].severity, DiagnosticSeverity.Hint);
  assert.equal(findingsToDiagnostics(r.findings, ctx, { severity: { 'lock-order': 'off' }, relatedInformation: true }).length, 0);
});

test('a finding the patch does not show goes to its function, saying where it is', async () => {
  const r = await analysed(null);
  const f = { ...r.findings[0], line: 62, inputLine: undefined, column: 3, endColumn: 9 };
  const d = findingToDiagnostic(f, patchCtx(null), { severity: {}, relatedInformation: true, functions: r.functions })!;
  assert.equal(d.range.start.line, 17);                        // the @@ line of expand_downwards
  assert.match(d.message as string, /^mm\/mmap\.c:62: /);
});

test('bad input: one diagnostic on the line the error names', () => {
  const ctx = { ...patchCtx(null), lines: ['hello', 'world', 'not a patch'] };
  const d = inputErrorDiagnostic(ctx, 'not a patch: no hunk', 3);
  assert.equal(d.range.start.line, 2);
  assert.equal(d.range.end.character, 11);
  assert.equal(d.code, 'bad-input');
  assert.match(d.message as string, /cannot read this patch: not a patch/);
});

test('C files: findings on the file\'s own lines', async () => {
  const c = path.join(TREE, 'mm/mmap.c');
  const src = fs.readFileSync(c, 'utf8').replace('\tanon_vma_lock(vma);', '\tspin_lock(&vma->vm_mm->page_table_lock);\n\tanon_vma_lock(vma);');
  const r = await fakeCore().analyze({ name: c, text: src, tree: TREE });
  const ctx: DocContext = { uri: pathToUri(c), path: c, kind: 'c', lines: splitLines(src), patch: null, tree: TREE };
  const [d] = findingsToDiagnostics(r.findings, ctx, { severity: {}, relatedInformation: true });
  assert.equal(d.range.start.line, 51);
  assert.equal(src.split('\n')[51], '\tanon_vma_lock(vma);');
  assert.equal(d.relatedInformation![0].location.uri, pathToUri(c));
  assert.equal(d.relatedInformation![0].location.range.start.line, 50);
});

test('hover: site under the cursor, class, chain, held locks per path, documented rule', async () => {
  const r = await analysed(null);
  const ctx = patchCtx(null);
  assert.equal(siteAt(r.sites, ctx, { line: 26, character: 0 }), null);     // on the ' ' prefix
  const hit = siteAt(r.sites, ctx, { line: 26, character: 5 })!;
  assert.equal(hit.site.api, 'anon_vma_lock');
  const view = viewFromProfile(PROFILE_2634);
  assert.equal(heldSummary(view, hit.site),
    'Held here on all 3 paths: `mm->mmap_sem` [mmap_lock] (read), `mm->page_table_lock` [page_table_lock]; on 1 of 3: `pte_ptl`');
  const rules = ruleLines(view, hit.site);
  assert.ok(rules.some((l) => l.startsWith('✓ `mmap_lock` → `anon_vma`')), rules.join('\n'));
  assert.ok(rules.some((l) => l === '✗ order is `anon_vma` → `page_table_lock`, but `page_table_lock` is held here — mm/rmap.c ordering comment (2.6.34)'), rules.join('\n'));
  const md = hoverMarkdown(hit.site, view, 'linux-2.6.34');
  assert.match(md, /Class \*\*`anon_vma`\*\* — spinlock: spins — atomic context until released/);
  assert.match(md, /Order \(outer → inner, linux-2\.6\.34\): mmap_lock → page_lock → i_mmap_lock → \*\*anon_vma\*\* → page_table_lock → lru_lock/);
  assert.match(md, /_anon_vma->lock: the anon_vma's list of vmas_ — include\/linux\/rmap\.h/);
  // An unknown lock is said to be outside the profile.
  const unknown: LockSite = { ...hit.site, class: null, instance: 'foo->lock', held: [] };
  assert.match(hoverMarkdown(unknown, view, 'linux-2.6.34'), /`foo->lock` is not a class of the linux-2\.6\.34 profile/);
});

test('code lenses above each touched function: Simulate and the finding count', async () => {
  const r = await analysed(null);
  const lenses = codeLenses(r.functions, patchCtx(null), false);
  assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command]), [
    [17, '▶ Simulate expand_downwards()', 'mmlock.simulateFunction'],
    [17, '1 finding', 'mmlock.showProblems'],
  ]);
  assert.deepEqual(lenses[0].command!.arguments, [{ uri: pathToUri(PATCH), function: 'expand_downwards' }]);
});

test('simulation: function at the cursor, steps placed and the waiting step of each CPU marked', async () => {
  const core = fakeCore();
  const r = await analysed(null);
  const ctx = patchCtx(null);
  assert.equal(functionAt(r.functions, ctx, { line: 26, character: 3 })?.name, 'expand_downwards');
  assert.equal(functionAt(r.functions, ctx, { line: 3, character: 0 }), undefined);     // the mail header
  const out = await core.simulate({ name: PATCH, text });
  const s = simulationResult(out, ctx, { id: 'x', origin: 'y' });
  const d = s.deadlocks[0];
  assert.deepEqual(d.steps.map((x) => x.blocked), [false, false, true, true]);
  assert.deepEqual(d.steps[0].place, { uri: pathToUri(PATCH), line: 25, character: 2 });   // the '+' spin_lock line
  assert.equal(d.steps[1].place, undefined);                                            // mm/rmap.c: no tree, not in the patch
});

test('hierarchy: layered by order depth, used classes marked, implied edges found', () => {
  const view = viewFromProfile(PROFILE_2634);
  const h = buildHierarchy(view, 'tree Makefile', new Set(['anon_vma', 'page_table_lock']));
  const layer = (id: string) => h.nodes.find((n) => n.id === id)!.layer;
  assert.deepEqual(['mmap_lock', 'page_lock', 'i_mmap_lock', 'anon_vma', 'page_table_lock', 'lru_lock'].map(layer), [0, 1, 2, 3, 4, 5]);
  assert.equal(layer('swap_lock'), 5);
  assert.ok(h.nodes.find((n) => n.id === 'rcu')!.isolated);
  assert.equal(layer('rcu'), 6);
  assert.deepEqual(h.nodes.filter((n) => n.used).map((n) => n.id).sort(), ['anon_vma', 'page_table_lock']);
  assert.equal(h.edges.find((e) => e.outer === 'mmap_lock' && e.inner === 'anon_vma')!.implied, true);
  assert.equal(h.edges.find((e) => e.outer === 'anon_vma' && e.inner === 'page_table_lock')!.implied, false);
  // No two nodes of a layer overlap; every node is inside the drawing.
  for (const a of h.nodes) {
    assert.ok(a.x >= 0 && a.x + a.width <= h.width && a.y + a.height <= h.height, a.id);
    for (const b of h.nodes) if (a !== b && a.layer === b.layer) assert.ok(a.x + a.width <= b.x || b.x + b.width <= a.x, `${a.id}/${b.id}`);
  }
  assert.match(h.text, /depth 3: anon_vma\* \(spinlock, spins\)/);
  assert.match(h.text, /anon_vma -> page_table_lock   \[mm\/rmap\.c ordering comment \(2\.6\.34\)\]/);
});

test('settings: nested and flat severity keys, bad values ignored', () => {
  const s = parseSettings({ profile: 'linux-6.12', kernelTree: ' /src/linux ', severity: { 'lock-order': 'warning', 'double-lock': 'loud' }, 'severity.irq-state': 'off', simulation: { maxStates: 5000 } });
  assert.deepEqual(s, { profile: 'linux-6.12', kernelTree: '/src/linux', severity: { 'lock-order': 'warning', 'irq-state': 'off' }, maxStates: 5000 });
  assert.deepEqual(parseSettings(null), { profile: 'auto', kernelTree: '', severity: {}, maxStates: 200000 });
});

test('kernel tree: the setting, the document\'s own tree, a workspace subfolder, or none', () => {
  assert.ok(isKernelTree(TREE));
  assert.ok(!isKernelTree(FIX));
  assert.deepEqual(findKernelTree({ setting: '', folders: [FIX], docPath: PATCH }), { dir: TREE, origin: 'workspace', problem: undefined });
  assert.deepEqual(findKernelTree({ setting: 'tree', folders: [FIX], docPath: null }), { dir: TREE, origin: 'setting' });
  assert.equal(findKernelTree({ setting: '', folders: [], docPath: path.join(TREE, 'mm/mmap.c') }).dir, TREE);
  const bad = findKernelTree({ setting: '/nonexistent', folders: [], docPath: null });
  assert.equal(bad.dir, null);
  assert.match(bad.problem!, /is not a kernel tree/);
});

test('scheduler: a single edit runs at once, a burst is coalesced and the superseded run aborted', async () => {
  const started: number[] = [];
  const aborted: number[] = [];
  const done: number[] = [];
  const s = new Scheduler<number>(async (_k, v, signal) => {
    started.push(v);
    await new Promise((r) => setTimeout(r, 30));
    if (signal.aborted) { aborted.push(v); throw new Error('aborted'); }
    return v;
  }, (_k, v) => done.push(v), 300);
  const t0 = Date.now();
  s.changed('a', 1);
  assert.equal(await s.current('a', 1), 1);
  assert.ok(Date.now() - t0 < 250, 'no debounce delay for a single edit');
  s.changed('a', 2); s.changed('a', 3); s.changed('a', 4);
  for (let i = 0; i < 100 && !done.includes(4); i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(done, [1, 4]);
  assert.ok(!started.includes(3));
  // A request forces a pending run; a superseded version answers undefined.
  s.changed('a', 5);
  s.changed('a', 6);
  assert.equal(await s.current('a', 5), undefined);
  assert.equal(await s.current('a', 6), 6);
  s.close('a');
  assert.equal(await s.current('a', 6), undefined);
});
