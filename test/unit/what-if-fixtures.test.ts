// The what-if engine and `mmlock check --what-if` on the mini trees of test/fixtures/what-if:
//   insert/  seed 002's mm->anon_vma_chain_lock: anon_vma_prepare() takes it inside anon_vma->lock,
//            link_chain() through a header helper inside page_table_lock, expand_downwards() in
//            the documented order; swap.c cannot name it;
//   reverse/ memory-failure's tasklist_lock -> rmap lock (2.6.34) next to the 3.0 order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { whatIf, type WhatIfResult } from '../../server/src/what-if';
import { runCheck } from '../../server/src/cli/check';
import { main } from '../../server/src/cli';
import type { CliIO } from '../../server/src/cli/io';

const repo = path.resolve(__dirname, '../../..');
const fixture = (...p: string[]) => path.join(repo, 'test/fixtures/what-if', ...p);

function inputsOf(tree: string) {
  const dir = path.join(tree, 'mm');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.c')).sort().map((f) => ({ name: path.join(dir, f), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}
const sites = (r: WhatIfResult, change: 'breaks' | 'allowed') =>
  r[change].map((s) => `${s.finding.file}:${s.finding.line} ${s.finding.function} ${s.finding.code} ${s.finding.classes.join(',')} [${s.cause}]`);

function io(): CliIO & { o: string; e: string } {
  const r = { o: '', e: '', cwd: repo, out: (s: string) => { r.o += s; }, err: (s: string) => { r.e += s; }, readStdin: async () => '' };
  return r;
}

test('insert anon_vma_chain_lock after mmap_sem, before anon_vma: the two sites that take it inside the locks it must precede', async () => {
  const tree = fixture('insert');
  for (const edit of ['anon_vma_chain_lock:after=mmap_sem,before=anon_vma,field=mm_struct.anon_vma_chain_lock', 'mm->anon_vma_chain_lock:after=mmap_sem,before=anon_vma']) {
    const progress: [number, number][] = [];
    const r = await whatIf({ edits: [edit], inputs: inputsOf(tree), tree, onProgress: (d, t) => progress.push([d, t]) });
    assert.equal(r.profile.id, 'linux-2.6.34');
    assert.match(r.profile.origin, /^linux-2\.6\.34 \(tree Makefile 2\.6\.34, /);
    assert.deepEqual(sites(r, 'breaks'), [
      'mm/fremap.c:8 link_chain lock-order page_table_lock,anon_vma_chain_lock [order]',
      'mm/rmap.c:15 anon_vma_prepare lock-order anon_vma,anon_vma_chain_lock [order]',
    ], edit);
    assert.deepEqual(sites(r, 'allowed'), []);
    assert.deepEqual(r.files.map((f) => [f.file, f.breaks, f.allowed, f.functions.map((x) => x.name)]), [
      ['mm/fremap.c', 1, 0, ['link_chain']], ['mm/rmap.c', 1, 0, ['anon_vma_prepare']],
    ]);
    assert.equal(r.breaks[1].explanation.split(': ')[0], 'under the edit anon_vma_chain_lock comes before anon_vma');
    assert.deepEqual(r.causes, [{ cause: 'order', text: 'in an order the edit forbids', breaks: 2, allowed: 0 }]);
    // swap.c cannot name the new lock: not analysed
    assert.deepEqual([r.stats.inputs, r.stats.analysed, r.stats.skipped], [4, 3, 1]);
    assert.deepEqual(progress, [[0, 3], [1, 3], [2, 3], [3, 3]]);
  }
});

test('reverse the memory-failure edges: the 2.6.34 order breaks, the 3.0 order is now allowed', async () => {
  const tree = fixture('reverse');
  const r = await whatIf({ edits: ['reverse:tasklist_lock>anon_vma,reverse:tasklist_lock>i_mmap_lock'], inputs: inputsOf(tree), tree });
  assert.deepEqual(sites(r, 'breaks'), [
    'mm/memory-failure.c:12 collect_procs_anon lock-order tasklist_lock,anon_vma [order]',
    'mm/memory-failure.c:26 collect_procs_file lock-order tasklist_lock,i_mmap_lock [order]',
  ]);
  assert.deepEqual(sites(r, 'allowed'), [
    'mm/hwpoison-reordered.c:15 collect_procs_anon_reordered lock-order anon_vma,tasklist_lock [order]',
    'mm/hwpoison-reordered.c:26 collect_procs_file_reordered lock-order i_mmap_lock,tasklist_lock [order]',
  ]);
  assert.equal(r.allowed[0].causeText, 'in an order the edit now allows');
  assert.match(r.allowed[0].explanation, /^the edited order no longer puts tasklist_lock before anon_vma: read_lock\(\) takes tasklist_lock/);
  assert.deepEqual([r.stats.analysed, r.stats.skipped], [2, 1]);
});

test('the conversion of seed 001 on the reverse tree: sleeping under tasklist_lock and inside RCU, each explained', async () => {
  const tree = fixture('reverse');
  const r = await whatIf({ edits: ['i_mmap_lock=mutex,anon_vma=mutex'], inputs: inputsOf(tree), tree });
  assert.deepEqual(sites(r, 'breaks'), [
    'mm/hwpoison-reordered.c:12 collect_procs_anon_reordered sleep-in-atomic anon_vma [rcu]',
    'mm/memory-failure.c:12 collect_procs_anon sleep-in-atomic tasklist_lock,anon_vma [rwlock]',
    'mm/memory-failure.c:26 collect_procs_file sleep-in-atomic tasklist_lock,i_mmap_lock [rwlock]',
  ]);
  assert.deepEqual(r.breaks.map((s) => s.explanation.split(': ')[0]), [
    'anon_vma is a mutex under the edit (it sleeps) and is taken inside an RCU read-side section',
    'anon_vma is a mutex under the edit (it sleeps) and is taken under a rwlock (tasklist_lock)',
    'i_mmap_lock is a mutex under the edit (it sleeps) and is taken under a rwlock (tasklist_lock)',
  ]);
});

test('no edit, or an edit that changes nothing: nothing analysed, nothing reported', async () => {
  const tree = fixture('reverse');
  for (const edits of [[], ['mmap_sem=rwsem']]) {
    const r = await whatIf({ edits, inputs: inputsOf(tree), tree });
    assert.deepEqual([r.breaks.length, r.allowed.length, r.stats.analysed], [0, 0, 0]);
  }
  const ex = await whatIf({ edits: [], inputs: inputsOf(tree), tree, exhaustive: true });
  assert.deepEqual([ex.breaks.length, ex.allowed.length, ex.stats.analysed], [0, 0, 3]);
});

test('an aborted run stops', async () => {
  const tree = fixture('reverse');
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(whatIf({ edits: ['i_mmap_lock=mutex'], inputs: inputsOf(tree), tree, signal: ac.signal }), /cancelled/);
});

test('CLI text: grouped by file and function, exit 1 when the edit breaks something', async () => {
  const x = io();
  const code = await runCheck(['--what-if', 'reverse:tasklist_lock>anon_vma', '--what-if', 'reverse:tasklist_lock>i_mmap_lock', '--tree', fixture('reverse'), fixture('reverse', 'mm')], x);
  assert.equal(code, 1);
  const lines = x.o.split('\n');
  assert.equal(lines[0], 'mmlock what-if: linux-2.6.34 (tree Makefile 2.6.34, order from the profile (no ordering comment in the tree))');
  assert.equal(lines[1], 'edit reverse:tasklist_lock>anon_vma: reversed tasklist_lock -> anon_vma (mm/rmap.c:42 ordering comment (2.6.34)): now anon_vma -> tasklist_lock');
  const heads = lines.filter((l) => /^(breaks|now allowed|mm\/|  \w+\(\):|by cause)/.test(l));
  assert.deepEqual(heads, [
    'breaks: 2 sites in 2 functions of 1 file', 'mm/memory-failure.c: 2 breaks', '  collect_procs_anon():', '  collect_procs_file():',
    'now allowed: 2 sites in 2 functions of 1 file', 'mm/hwpoison-reordered.c: 2 now allowed', '  collect_procs_anon_reordered():', '  collect_procs_file_reordered():',
    'by cause: in an order the edit forbids 2 breaks, 2 now allowed',
  ]);
  assert.ok(lines.some((l) => /^    mm\/memory-failure\.c:12:7: error: under the edit anon_vma comes before tasklist_lock: page_lock_anon_vma\(\) takes av .*\[lock-order\]$/.test(l)), x.o);
  assert.ok(lines.some((l) => /^    mm\/hwpoison-reordered\.c:15:2: note: now allowed: the edited order no longer puts tasklist_lock before anon_vma: .*\[lock-order\]$/.test(l)), x.o);
  assert.match(lines[lines.length - 2], /^mmlock: what-if reverse:tasklist_lock>anon_vma,reverse:tasklist_lock>i_mmap_lock: 2 breaks, 2 now allowed; 2 of 3 files analysed \(1 cannot be affected by the edit\), 4 functions, profile linux-2\.6\.34\+what-if, \d+ ms$/);
});

test('CLI JSON and SARIF', async () => {
  const j = io();
  assert.equal(await runCheck(['--what-if', 'mm->anon_vma_chain_lock:after=mmap_sem,before=anon_vma', '--format', 'json', '--tree', fixture('insert'), fixture('insert', 'mm')], j), 1);
  const o = JSON.parse(j.o);
  assert.equal(o.version, 1);
  assert.equal(o.profile, 'linux-2.6.34');
  assert.deepEqual(o.edited.edits, [{ edit: 'mm->anon_vma_chain_lock:after=mmap_sem,before=anon_vma', description: 'inserted anon_vma_chain_lock (spinlock, mm_struct.anon_vma_chain_lock): mmap_sem -> anon_vma_chain_lock, anon_vma_chain_lock -> anon_vma' }]);
  assert.deepEqual(o.breaks.map((b: { file: string; line: number; function: string; code: string; cause: string }) => `${b.file}:${b.line} ${b.function} ${b.code} ${b.cause}`),
    ['mm/fremap.c:8 link_chain lock-order order', 'mm/rmap.c:15 anon_vma_prepare lock-order order']);
  assert.deepEqual(o.allowed, []);
  assert.deepEqual(o.files, [
    { file: 'mm/fremap.c', breaks: 1, allowed: 0, functions: [{ name: 'link_chain', line: 8, breaks: 1, allowed: 0 }] },
    { file: 'mm/rmap.c', breaks: 1, allowed: 0, functions: [{ name: 'anon_vma_prepare', line: 15, breaks: 1, allowed: 0 }] },
  ]);
  assert.deepEqual([o.stats.inputs, o.stats.analysed, o.stats.skipped], [4, 3, 1]);

  const s = io();
  assert.equal(await runCheck(['--what-if', 'reverse:tasklist_lock>anon_vma', '--format', 'sarif', '--tree', fixture('reverse'), fixture('reverse', 'mm')], s), 1);
  const sarif = JSON.parse(s.o);
  const run = sarif.runs[0];
  assert.equal(sarif.version, '2.1.0');
  // anon_vma -> tasklist_lock with i_mmap_lock -> anon_vma puts i_mmap_lock before tasklist_lock too:
  // the switchable tasklist_lock -> i_mmap_lock is set aside, so collect_procs_file breaks as well
  assert.deepEqual(run.results.map((r: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[]; properties: { cause: string } }) =>
    `${r.ruleId} ${r.locations[0].physicalLocation.artifactLocation.uri}:${r.locations[0].physicalLocation.region.startLine} ${r.properties.cause}`),
  ['lock-order mm/memory-failure.c:12 order', 'lock-order mm/memory-failure.c:26 order']);
  assert.deepEqual(run.properties.nowAllowed.map((a: { file: string; line: number; function: string }) => `${a.file}:${a.line} ${a.function}`),
    ['mm/hwpoison-reordered.c:15 collect_procs_anon_reordered', 'mm/hwpoison-reordered.c:26 collect_procs_file_reordered']);
  assert.deepEqual(run.properties.edits.map((e: { edit: string }) => e.edit), ['reverse:tasklist_lock>anon_vma']);
  assert.equal(run.properties.profile, 'linux-2.6.34+what-if');
});

test('CLI: exit 0 when the edit breaks nothing; what-if files; help', async () => {
  const x = io();
  assert.equal(await runCheck(['--what-if', 'tasklist_lock=spinlock', '--tree', fixture('reverse'), fixture('reverse', 'mm', 'memory-failure.c')], x), 0);
  assert.match(x.o, /\nbreaks: nothing\n\nnow allowed: nothing\n/);
  assert.match(x.o, /1 of 1 file analysed/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mmlock-whatif-'));
  const file = path.join(dir, 'conv.json');
  fs.writeFileSync(file, JSON.stringify({ kinds: { i_mmap_lock: 'mutex' }, edits: ['anon_vma=mutex'] }));
  const j = io();
  assert.equal(await runCheck(['--what-if', file, '--format', 'json', '--tree', fixture('reverse'), fixture('reverse', 'mm')], j), 1);
  assert.deepEqual(JSON.parse(j.o).breaks.length, 3);
  const h = io();
  assert.equal(await runCheck(['--what-if', 'help', '-'], h), 0);
  assert.match(h.o, /^usage: mmlock check --what-if EDIT/);
  assert.match(h.o, /reverse:A>B/);
});

test('CLI errors: exit 2 with one line (bad edit, unknown class, cycle, no tree, bad what-if file)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mmlock-whatif-'));
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, '{"kinds": {"i_mmap_lock": 3}}');
  const cases: [string[], RegExp][] = [
    [['--what-if', 'i_mmap_lock', '--tree', fixture('reverse'), fixture('reverse', 'mm')], /^mmlock check: malformed edit 'i_mmap_lock': expected CLASS=KIND/],
    [['--what-if', 'nosuch=mutex', '--tree', fixture('reverse'), fixture('reverse', 'mm')], /^mmlock check: unknown lock class 'nosuch' in edit 'nosuch=mutex'/],
    [['--what-if', 'add:page_table_lock>mmap_sem', '--tree', fixture('reverse'), fixture('reverse', 'mm')], /^mmlock check: the edits make the lock order cyclic: page_table_lock -> mmap_sem -> .* -> page_table_lock \(from add:page_table_lock>mmap_sem\)\n$/],
    [['--what-if', 'i_mmap_lock=mutex', fixture('reverse', 'mm')], /^mmlock check: --what-if needs a kernel tree: give --tree DIR \(or run it inside one\)\n$/],
    [['--what-if', bad, '--tree', fixture('reverse'), fixture('reverse', 'mm')], /^mmlock check: .*bad\.json: \/kinds\/i_mmap_lock must be one of spinlock/],
    [['--what-if', path.join(dir, 'missing.json'), '--tree', fixture('reverse'), fixture('reverse', 'mm')], /^mmlock check: .*missing\.json: cannot read the what-if file \(ENOENT\)\n$/],
  ];
  for (const [argv, re] of cases) {
    const x = io();
    x.cwd = dir;
    assert.equal(await main(['check', ...argv], x), 2, argv.join(' '));
    assert.match(x.e, re, argv.join(' '));
    assert.equal(x.e.split('\n').length, 2, x.e);
    assert.equal(x.o, '');
  }
});

test('a system call (SYSCALL_DEFINEn) is analysed under both profiles like any other function', async () => {
  // The analysis of a tree file parses each definition alone, by the name the token index gives
  // it: `SYSCALL_DEFINE2(remap_demo, ...)` defines remap_demo() (it was looked up as
  // SYSCALL_DEFINE2, found nothing and was silently left out).
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'mmlock-whatif-sys-'));
  fs.cpSync(fixture('reverse'), tree, { recursive: true });
  fs.writeFileSync(path.join(tree, 'mm/fremap.c'), [
    '#include <linux/rmap.h>',
    '',
    'SYSCALL_DEFINE2(remap_demo, unsigned long, start, struct address_space *, mapping)',
    '{',
    '\tread_lock(&tasklist_lock);',
    '\tspin_lock(&mapping->i_mmap_lock);',
    '\tspin_unlock(&mapping->i_mmap_lock);',
    '\tread_unlock(&tasklist_lock);',
    '\treturn 0;',
    '}',
    '',
  ].join('\n'));
  try {
    const r = await whatIf({ edits: ['i_mmap_lock=mutex'], inputs: inputsOf(tree), tree });
    assert.deepEqual(sites(r, 'breaks').filter((s) => s.startsWith('mm/fremap.c')), [
      'mm/fremap.c:6 remap_demo sleep-in-atomic tasklist_lock,i_mmap_lock [rwlock]',
    ]);
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
});
