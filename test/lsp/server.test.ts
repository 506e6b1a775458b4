// The language server over LSP with an injected fake core: diagnostics on open and after edits,
// hover, code lens, the mmlock/* requests, status, settings, trust, bad input and cancellation.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver/node';
import type { HierarchyResult, ProfilesResult, SimulateResult } from '../../server/src/lsp/protocol';
import { fakeCore } from './helpers/fake-core';
import { CancellationTokenSource, diagAt, fileUri, ROOT, startInProcessServer } from './helpers/lsp-client';

const FIX = path.join(ROOT, 'test/fixtures/lsp');
const PATCH = path.join(FIX, 'expand-downwards-inversion.patch');
const URI = fileUri(PATCH);
const TEXT = fs.readFileSync(PATCH, 'utf8');

async function started(opts: { folders?: string[]; trusted?: boolean; delayMs?: number; configuration?: boolean } = {}) {
  const core = fakeCore({ delayMs: opts.delayMs });
  const { client } = startInProcessServer(core, { debounceMs: 40 });
  const init = await client.initialize({ folders: opts.folders ?? [], trusted: opts.trusted, configuration: opts.configuration });
  return { core, client, init };
}

test('initialize advertises hover, code lens, incremental sync and the mmlock requests', async () => {
  const { client, init } = await started();
  try {
    assert.equal(init.serverInfo?.name, 'mmlock');
    assert.equal(init.capabilities.hoverProvider, true);
    assert.deepEqual(init.capabilities.codeLensProvider, { resolveProvider: false });
    assert.equal((init.capabilities.textDocumentSync as { change: number }).change, 2);
    assert.deepEqual((init.capabilities.experimental as { mmlock: { requests: string[] } }).mmlock.requests, ['mmlock/simulate', 'mmlock/hierarchy', 'mmlock/profiles']);
  } finally { await client.dispose(); }
});

test('open a patch: diagnostic with code, range, related site and link; hunk-only status said once', async () => {
  const { client, core } = await started();
  try {
    await client.open(URI, 'diff', TEXT);
    const p = await client.waitDiagnostics(URI, (x) => x.diagnostics.length > 0);
    assert.equal(p.version, 1);
    const d = diagAt(p.diagnostics, 26)!;
    assert.ok(d, JSON.stringify(p.diagnostics));
    assert.equal(d.code, 'lock-order');
    assert.equal(d.source, 'mmlock');
    assert.deepEqual(d.range, { start: { line: 26, character: 2 }, end: { line: 26, character: 21 } });
    assert.match(d.codeDescription!.href, /#lock-order$/);
    assert.equal(d.relatedInformation![0].location.uri, URI);
    assert.equal(d.relatedInformation![0].location.range.start.line, 25);
    const st = await client.waitStatus();
    assert.equal(st.mode, 'hunk-only');
    assert.equal(st.profile, 'linux-2.6.34');
    assert.equal(st.tree, null);
    assert.match(st.message, /hunk-only mode/);
    assert.equal(core.calls.analyze[0].tree, undefined);
    assert.equal(core.calls.analyze[0].untrusted, false);
    // Re-analysing the same state does not say it again.
    await client.setSettings({ kernelTree: '' });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(client.statuses.length, 1);
  } finally { await client.dispose(); }
});

test('a kernel tree in the workspace is used for pre-images and named in the status', async () => {
  const { client, core } = await started({ folders: [FIX] });
  try {
    await client.open(URI, 'diff', TEXT);
    await client.waitDiagnostics(URI, (x) => x.diagnostics.length > 0);
    const st = await client.waitStatus();
    assert.equal(st.mode, 'tree');
    assert.equal(st.origin, 'tree Makefile');
    assert.equal(st.tree, path.join(FIX, 'tree'));
    assert.equal(core.calls.analyze.at(-1)!.tree, path.join(FIX, 'tree'));
  } finally { await client.dispose(); }
});

test('hover on the lock call shows class, chain, held locks and the rule', async () => {
  const { client } = await started();
  try {
    await client.open(URI, 'diff', TEXT);
    const h = await client.hover(URI, { line: 26, character: 6 });
    assert.ok(h);
    const md = (h.contents as MarkupContent).value;
    assert.equal((h.contents as MarkupContent).kind, 'markdown');
    assert.match(md, /\*\*`anon_vma_lock\(\)`\*\* takes `anon_vma->lock` in `expand_downwards\(\)`/);
    assert.match(md, /Held here on all 3 paths: `mm->mmap_sem` \[mmap_lock\] \(read\), `mm->page_table_lock` \[page_table_lock\]; on 1 of 3: `pte_ptl`/);
    assert.match(md, /✗ order is `anon_vma` → `page_table_lock`, but `page_table_lock` is held here — mm\/rmap\.c ordering comment \(2\.6\.34\)/);
    assert.deepEqual(h.range, { start: { line: 26, character: 2 }, end: { line: 26, character: 21 } });
    assert.equal(await client.hover(URI, { line: 4, character: 3 }), null);      // the commit message
  } finally { await client.dispose(); }
});

test('code lens, simulate (touched, by name, at the cursor), hierarchy and profiles requests', async () => {
  const { client } = await started();
  try {
    await client.open(URI, 'diff', TEXT);
    const lenses = await client.codeLens(URI);
    assert.deepEqual(lenses!.map((l) => [l.range.start.line, l.command!.title]), [[17, '▶ Simulate expand_downwards()'], [17, '1 finding']]);

    const sim = await client.request<SimulateResult>('mmlock/simulate', { textDocument: { uri: URI } });
    assert.deepEqual(sim.functions, ['expand_downwards']);
    assert.equal(sim.deadlocks.length, 1);
    assert.deepEqual(sim.deadlocks[0].cycle, ['mm->page_table_lock', 'anon_vma->lock']);
    assert.deepEqual(sim.deadlocks[0].steps[0].place, { uri: URI, line: 25, character: 2 });
    assert.equal(sim.deadlocks[0].steps[3].blocked, true);
    assert.match(sim.text, /\*\*\* DEADLOCK \*\*\*/);

    const atCursor = await client.request<SimulateResult>('mmlock/simulate', { textDocument: { uri: URI }, position: { line: 30, character: 1 } });
    assert.deepEqual(atCursor.functions, ['expand_downwards']);
    const nowhere = await client.request<SimulateResult>('mmlock/simulate', { textDocument: { uri: URI }, position: { line: 2, character: 1 } });
    assert.deepEqual(nowhere.functions, []);
    assert.match(nowhere.text, /No function at the cursor/);
    const other = await client.request<SimulateResult>('mmlock/simulate', { textDocument: { uri: URI }, functions: ['expand_upwards'] });
    assert.equal(other.deadlocks.length, 0);
    assert.equal(other.explored, 212);

    const h = await client.request<HierarchyResult>('mmlock/hierarchy', { textDocument: { uri: URI } });
    assert.equal(h.profile.id, 'linux-2.6.34');
    assert.deepEqual(h.nodes.filter((n) => n.used).map((n) => n.id).sort(), ['anon_vma', 'page_table_lock']);   // taken in the file (held-by-caller locks are not)
    await assert.rejects(client.request('mmlock/hierarchy', { profile: 'linux-9.9' }), /profile 'linux-9\.9' is not available/);

    const p = await client.request<ProfilesResult>('mmlock/profiles', {});
    assert.deepEqual(p.profiles.map((x) => x.id), ['linux-2.6.26', 'linux-2.6.34']);
    assert.deepEqual(p.active, { id: 'linux-2.6.34', origin: 'guessed from the lock APIs in the input (no kernel tree)' });
    await assert.rejects(client.request('mmlock/simulate', { textDocument: { uri: 'file:///nowhere.patch' } }), /is not open/);
  } finally { await client.dispose(); }
});

test('edits re-analyse: removing the spin_lock line clears the finding, putting it back restores it', async () => {
  const { client } = await started();
  try {
    await client.open(URI, 'diff', TEXT);
    await client.waitDiagnostics(URI, (x) => x.diagnostics.length === 1);
    // Turn line 26 "+\tspin_lock(...);" into a comment line (incremental edit of one line).
    const line = TEXT.split('\n')[25];
    const v2 = await client.change(URI, [{ range: { start: { line: 25, character: 1 }, end: { line: 25, character: line.length } }, text: '\t/* no lock */' }]);
    const p2 = await client.waitVersion(URI, v2);
    assert.equal(p2.diagnostics.length, 0);
    const v3 = await client.replace(URI, TEXT);
    const p3 = await client.waitVersion(URI, v3);
    assert.equal(p3.diagnostics.length, 1);
    assert.equal(p3.diagnostics[0].range.start.line, 26);
    // Lines inserted above move the diagnostic with them.
    const v4 = await client.change(URI, [{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: 'More words.\nAnd more.\n' }]);
    const p4 = await client.waitVersion(URI, v4);
    assert.equal(p4.diagnostics[0].range.start.line, 28);
  } finally { await client.dispose(); }
});

test('a burst of edits is analysed once, the superseded run is cancelled', async () => {
  const { client, core } = await started({ delayMs: 30 });
  try {
    await client.open(URI, 'diff', TEXT);
    await client.waitVersion(URI, 1);
    const before = core.calls.analyze.length;
    let v = 1;
    for (let i = 0; i < 6; i++) v = await client.change(URI, [{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: 'x' }]);
    const p = await client.waitVersion(URI, v);
    assert.equal(p.version, v);
    assert.ok(core.calls.analyze.length - before <= 2, `analysed ${core.calls.analyze.length - before} times for 6 edits`);
    assert.ok(core.calls.analyze.slice(before).every((o) => o.signal), 'analysis gets an AbortSignal');
  } finally { await client.dispose(); }
});

test('bad input: one diagnostic at the line named, and the server keeps serving', async () => {
  const { client } = await started();
  try {
    const bad = fileUri(path.join(FIX, 'notes.patch'));
    await client.open(bad, 'diff', '\n\nThis is not a patch.\nJust words.\n');
    const p = await client.waitDiagnostics(bad, (x) => x.diagnostics.length > 0);
    assert.equal(p.diagnostics.length, 1);
    assert.equal(p.diagnostics[0].code, 'bad-input');
    assert.equal(p.diagnostics[0].range.start.line, 2);
    assert.match(p.diagnostics[0].message as string, /not a patch/);
    assert.equal(await client.hover(bad, { line: 2, character: 2 }), null);
    await client.open(URI, 'diff', TEXT);
    const ok = await client.waitDiagnostics(URI, (x) => x.diagnostics.length === 1);
    assert.equal(ok.diagnostics[0].code, 'lock-order');
  } finally { await client.dispose(); }
});

test('settings apply without restart: severity re-maps, profile re-analyses', async () => {
  const { client, core } = await started();
  try {
    await client.open(URI, 'diff', TEXT);
    await client.waitDiagnostics(URI, (x) => x.diagnostics.length === 1);
    const n = core.calls.analyze.length;
    await client.setSettings({ severity: { 'lock-order': 'warning' } });
    await client.waitDiagnostics(URI, (x) => x.diagnostics[0]?.severity === 2);
    assert.equal(core.calls.analyze.length, n, 'a severity change only re-maps');
    await client.setSettings({ severity: { 'lock-order': 'off' } });
    await client.waitDiagnostics(URI, (x) => x.diagnostics.length === 0);
    await client.setSettings({ profile: 'linux-2.6.26' });
    await client.waitDiagnostics(URI, (x) => x.diagnostics.length === 1);
    assert.equal(core.calls.analyze.at(-1)!.profile, 'linux-2.6.26');
  } finally { await client.dispose(); }
});

test('untrusted workspace: profile files are not passed on, untrusted is; trust granted re-analyses', async () => {
  const { client, core } = await started({ trusted: false });
  try {
    client.settings = { profile: './my-profile.json' };
    await client.open(URI, 'diff', TEXT);
    await client.waitDiagnostics(URI, (x) => x.diagnostics.length === 1);
    const last = core.calls.analyze.at(-1)!;
    assert.equal(last.untrusted, true);
    assert.equal(last.profile, 'auto');
    const st = await client.waitStatus((s) => !s.trusted);
    assert.match(st.message, /Untrusted workspace/);
    const n = core.calls.analyze.length;
    await client.conn.sendNotification('mmlock/didChangeTrust', { trusted: true });
    await client.waitStatus((s) => s.trusted);
    assert.ok(core.calls.analyze.length > n);
    assert.equal(core.calls.analyze.at(-1)!.profile, './my-profile.json');
    assert.equal(core.calls.analyze.at(-1)!.untrusted, false);
  } finally { await client.dispose(); }
});

test('a cancelled simulate request aborts the core\'s work', async () => {
  const { client, core } = await started({ delayMs: 80 });
  try {
    await client.open(URI, 'diff', TEXT);
    await client.waitVersion(URI, 1);
    const cts = new CancellationTokenSource();
    const p = client.request('mmlock/simulate', { textDocument: { uri: URI } }, cts);
    await new Promise((r) => setTimeout(r, 20));
    cts.cancel();
    await assert.rejects(p, /cancel/i);
    assert.equal(core.calls.simulate.at(-1)!.signal!.aborted, true);
  } finally { await client.dispose(); }
});

test('C files and clients without workspace/configuration', async () => {
  const { client } = await started({ configuration: false, folders: [FIX] });
  try {
    const c = path.join(FIX, 'tree/mm/mmap.c');
    const uri = fileUri(c);
    const src = fs.readFileSync(c, 'utf8').replace('\tanon_vma_lock(vma);', '\tspin_lock(&vma->vm_mm->page_table_lock);\n\tanon_vma_lock(vma);');
    await client.open(uri, 'c', src);
    const p = await client.waitDiagnostics(uri, (x) => x.diagnostics.length === 1);
    assert.equal(p.diagnostics[0].range.start.line, 51);
    const st = await client.waitStatus();
    assert.equal(st.mode, 'c-file');
    // Settings pushed in didChangeConfiguration (no pull).
    await client.setSettings({ severity: { 'lock-order': 'hint' } });
    await client.waitDiagnostics(uri, (x) => x.diagnostics[0]?.severity === 4);
    // Other languages are ignored.
    await client.open(fileUri(path.join(FIX, 'README.txt')), 'plaintext', 'spin_lock(&x);');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(client.diagnostics.has(fileUri(path.join(FIX, 'README.txt'))), false);
  } finally { await client.dispose(); }
});
