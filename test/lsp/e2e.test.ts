// End to end over stdio: the BUILT server (`node server/out/server.js --stdio`, as every editor
// starts it) with the real analysis core, on the bundled example (a 2.6.34-like tree and the RFC
// patch that takes page_table_lock outside the anon_vma lock).
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { after, before, test } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver/node';
import type { HierarchyResult, ProfilesResult, SimulateResult } from '../../server/src/lsp/protocol';
import { diagAt, fileUri, ROOT, startBuiltServer, type TestClient } from './helpers/lsp-client';

const EX = path.join(ROOT, 'examples');
const PATCH = path.join(EX, 'expand-downwards-inversion.patch');
const TREE = path.join(EX, 'tree');
const URI = fileUri(PATCH);
const TEXT = fs.readFileSync(PATCH, 'utf8');
const LINES = TEXT.split('\n');
/** 0-based line of the first patch line that starts with `prefix`. */
const lineOf = (prefix: string) => LINES.findIndex((l) => l.startsWith(prefix));
const SPIN = lineOf('+\tspin_lock(&mm->page_table_lock);');
const AVL = lineOf('+\tanon_vma_lock(vma, &mm->page_table_lock);');

let client: TestClient;
let stderr: () => string;

before(async () => {
  assert.ok(fs.existsSync(path.join(ROOT, 'server/out/server.js')), 'run `npm run build` first');
  const s = startBuiltServer();
  client = s.client;
  stderr = s.stderr;
  await client.initialize({ folders: [EX] });
  await client.open(URI, 'diff', TEXT);
});

after(async () => { await client.dispose(); });

test('the example patch gets its lock-order diagnostic on the anon_vma_lock line', async () => {
  const p = await client.waitDiagnostics(URI, (x) => x.diagnostics.length > 0, 30_000);
  const d = diagAt(p.diagnostics, AVL);
  assert.ok(d, `no diagnostic on line ${AVL}: ${JSON.stringify(p.diagnostics)}`);
  assert.equal(d.code, 'lock-order');
  assert.equal(d.source, 'mmlock');
  assert.equal(d.severity, 1);
  assert.equal(d.range.start.character, 2);
  assert.equal(LINES[AVL].slice(d.range.start.character, d.range.end.character), 'anon_vma_lock(vma, &mm->page_table_lock)');
  assert.match(d.codeDescription!.href, /#lock-order$/);
  assert.match(d.message as string, /page_table_lock/);
  // Related: the spin_lock the patch adds (an added line: the patch line itself), and the rule's
  // source in the tree (mm/rmap.c's ordering comment).
  const rel = d.relatedInformation ?? [];
  assert.ok(rel.some((r) => r.location.uri === URI && r.location.range.start.line === SPIN && /page_table_lock taken here/.test(r.message)), JSON.stringify(rel));
  assert.ok(rel.some((r) => r.location.uri === fileUri(path.join(TREE, 'mm/rmap.c'))), JSON.stringify(rel));
});

test('the status names the profile from the tree\'s Makefile', async () => {
  const st = await client.waitStatus(undefined, 30_000);
  assert.equal(st.profile, 'linux-2.6.34');
  assert.equal(st.mode, 'tree');
  assert.equal(st.tree, TREE);
  assert.match(st.origin, /Makefile/);
});

test('hover on the spin_lock: class, kind, chain and what is held', async () => {
  const h = await client.hover(URI, { line: SPIN, character: 4 });
  assert.ok(h, 'no hover on the spin_lock line');
  const md = (h.contents as MarkupContent).value;
  assert.match(md, /\*\*`spin_lock\(\)`\*\* takes `mm->page_table_lock` in `expand_downwards\(\)`/);
  assert.match(md, /Class \*\*`page_table_lock`\*\* — spinlock: spins/);
  assert.match(md, /Order \(outer → inner, linux-2\.6\.34\): .*anon_vma → \*\*page_table_lock\*\*/);
  assert.match(md, /Nothing held here/);
  const h2 = await client.hover(URI, { line: AVL, character: 4 });
  const md2 = (h2!.contents as MarkupContent).value;
  assert.match(md2, /Held here: `mm->page_table_lock` \[page_table_lock\]/);
  assert.match(md2, /✗ order is `anon_vma` → `page_table_lock`, but `page_table_lock` is held here/);
  assert.equal(await client.hover(URI, { line: 3, character: 3 }), null);
});

test('code lenses over the touched functions', async () => {
  const lenses = (await client.codeLens(URI)) ?? [];
  const titles = lenses.map((l) => l.command!.title);
  assert.ok(titles.includes('▶ Simulate expand_downwards()'), titles.join(' | '));
  assert.ok(titles.includes('1 finding'), titles.join(' | '));
  const sim = lenses.find((l) => l.command!.title === '▶ Simulate expand_downwards()')!;
  assert.match(LINES[sim.range.start.line], /^@@ .* @@ static int expand_downwards\(/);
  assert.deepEqual(sim.command!.arguments, [{ uri: URI, function: 'expand_downwards' }]);
});

test('simulate answers for the touched functions', async () => {
  const r = await client.request<SimulateResult>('mmlock/simulate', { textDocument: { uri: URI } });
  assert.equal(r.version, 1);
  assert.equal(r.profile.id, 'linux-2.6.34');
  assert.ok(r.functions.includes('expand_downwards'), JSON.stringify(r.functions));
  assert.ok(r.explored > 0);
  assert.match(r.text, /kernel-path traces/);
});

test('simulate finds a deadlock schedule of expand_downwards against a kernel path', async () => {
  const r = await client.request<SimulateResult>('mmlock/simulate', { textDocument: { uri: URI } });
  assert.ok(r.deadlocks.length >= 1, r.text);
  const d = r.deadlocks[0];
  assert.ok(d.threads.some((t) => t.name === 'expand_downwards'));
  assert.ok(d.threads.some((t) => t.scenario), 'the other CPU runs a kernel path from the scenario library');
  assert.deepEqual(new Set(d.cycle.map((c) => c.replace(/^avc->/, ''))), new Set(['mm->page_table_lock', 'anon_vma->lock']));
  assert.equal(d.steps.filter((s) => s.blocked).length, 2, 'both CPUs wait');
  // Steps of the kernel path refer to its own reference tree: no place in this workspace.
  assert.ok(d.steps.filter((s) => d.threads[s.thread].scenario).every((s) => !s.place));
  const mine = d.steps.find((s) => s.file === 'mm/mmap.c' && s.place);
  assert.ok(mine, 'a step in the patched function that can be opened');
  assert.match(r.text, /\*\*\* DEADLOCK \*\*\*/);
});

test('hierarchy and profiles requests', async () => {
  const h = await client.request<HierarchyResult>('mmlock/hierarchy', { textDocument: { uri: URI } });
  assert.equal(h.profile.id, 'linux-2.6.34');
  const used = h.nodes.filter((n) => n.used).map((n) => n.id);
  assert.ok(used.includes('page_table_lock') && used.includes('anon_vma'), used.join(','));
  const a = h.nodes.find((n) => n.id === 'anon_vma')!, p = h.nodes.find((n) => n.id === 'page_table_lock')!;
  assert.ok(a.layer < p.layer, 'anon_vma is drawn above page_table_lock');
  const profiles = await client.request<ProfilesResult>('mmlock/profiles', {});
  assert.ok(profiles.profiles.some((x) => x.id === 'linux-2.6.34'));
  assert.ok(profiles.profiles.some((x) => x.id === 'linux-6.12'));
});

test('an edit that takes page_table_lock inside the anon_vma lock clears the finding', async () => {
  await client.waitDiagnostics(URI, (x) => x.diagnostics.length > 0, 30_000);
  const fixed = TEXT
    .replace('+\tspin_lock(&mm->page_table_lock);\n+\tanon_vma_lock(vma, &mm->page_table_lock);', '+\tanon_vma_lock(vma, &mm->page_table_lock);\n+\tspin_lock(&mm->page_table_lock);')
    .replace(' \tanon_vma_unlock(vma);\n+\tspin_unlock(&mm->page_table_lock);', '+\tspin_unlock(&mm->page_table_lock);\n \tanon_vma_unlock(vma);');
  assert.notEqual(fixed, TEXT);
  const v = await client.replace(URI, fixed);
  const p = await client.waitVersion(URI, v, 30_000);
  assert.deepEqual(p.diagnostics.filter((d) => d.code === 'lock-order'), []);
  const v2 = await client.replace(URI, TEXT);
  const p2 = await client.waitVersion(URI, v2, 30_000);
  assert.ok(diagAt(p2.diagnostics, AVL), 'the finding is back');
});

test('bad input gets a diagnostic, and the server keeps serving', async () => {
  const bad = fileUri(path.join(EX, 'not-a-patch.patch'));
  await client.open(bad, 'diff', 'Hello,\n\nthis mail has no diff in it.\n');
  const p = await client.waitDiagnostics(bad, () => true, 30_000);
  assert.equal(p.diagnostics.length, 1, JSON.stringify(p.diagnostics));
  assert.equal(p.diagnostics[0].code, 'bad-input');
  assert.equal(p.diagnostics[0].range.start.line, 0);
  assert.match(p.diagnostics[0].message as string, /no patch found/);
  const cut = fileUri(path.join(EX, 'truncated.patch'));
  await client.open(cut, 'diff', 'diff --git a/mm/x.c b/mm/x.c\n--- a/mm/x.c\n+++ b/mm/x.c\n@@ -1,3 +1,4 @@\n a\n+b\n');
  const pc = await client.waitDiagnostics(cut, () => true, 30_000);
  assert.equal(pc.diagnostics.length, 1, JSON.stringify(pc.diagnostics));
  assert.match(pc.diagnostics[0].message as string, /corrupt hunk 1/);
  assert.equal(pc.diagnostics[0].range.start.line, 5);
  const binary = fileUri(path.join(EX, 'binary.patch'));
  await client.open(binary, 'diff', '\u0000\u0001\u0002\uFFFD'.repeat(1000));
  await client.waitDiagnostics(binary, () => true, 30_000);
  const h = await client.hover(URI, { line: SPIN, character: 4 });
  assert.ok(h, 'still answering');
  assert.doesNotMatch(stderr(), /uncaught|unhandled/i);
});
