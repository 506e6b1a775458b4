// What-if on the real trees:
//  - linux-2.6.34 under seed 001's conversion (i_mmap_lock and anon_vma->lock become mutexes):
//    memory-failure's collect_procs_{anon,file} take them under read_lock(&tasklist_lock), the
//    anon_vma lookups sleep inside page_lock_anon_vma()'s RCU section, and the mmu_gather paths
//    (tlb_gather_mmu() disables preemption until tlb_finish_mmu() in this era) reach i_mmap_lock
//    through free_pgtables() -> unlink_file_vma() and unmap_hugepage_range() in other files: the
//    reason the series made mmu_gather preemptible; the reach filter loses nothing against
//    analysing every file;
//  - linux-6.12 with no edit: nothing, and the edit-free run is the plain check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { whatIf, findingKey, type WhatIfInput, type WhatIfResult, type WhatIfRunner } from '../../server/src/what-if';
import { analyze, createCache } from '../../server/src/analysis';
import type { AnalysisResult } from '../../server/src/analysis-types';
import type { Finding } from '../../server/src/findings';
import { twoRuns } from '../unit/what-if-runs';

const repo = path.resolve(__dirname, '../../..');
const corpus = path.resolve(repo, '../shared/corpus');
const tree = (v: string) => path.join(corpus, `linux-${v}`);
const have = (v: string) => fs.existsSync(tree(v));

function cFiles(root: string, dirs: string[]): WhatIfInput[] {
  const out: WhatIfInput[] = [];
  for (const d of dirs) {
    const dir = path.join(root, d);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.c')).sort()) out.push({ name: path.join(dir, f), text: fs.readFileSync(path.join(dir, f), 'utf8') });
  }
  return out;
}
const list = (r: WhatIfResult, change: 'breaks' | 'allowed', skip = new Set<string>()) =>
  r[change].filter((s) => !s.bounded && !skip.has(`${s.finding.file} ${s.finding.function}`)).map((s) => `${s.finding.file}:${s.finding.line} ${s.finding.function} ${s.finding.code} ${s.finding.classes.join(',')} [${s.cause}]`);

const CONVERSION = 'i_mmap_lock=mutex,anon_vma=mutex';

test('2.6.34, i_mmap_lock and anon_vma->lock as mutexes (seed 001): every site in atomic context, explained', { skip: !have('2.6.34') && 'no corpus' }, async () => {
  const r = await whatIf({ edits: [CONVERSION], inputs: cFiles(tree('2.6.34'), ['mm', 'kernel']), tree: tree('2.6.34') });
  assert.equal(r.profile.id, 'linux-2.6.34');
  assert.deepEqual(r.edited.edits.map((e) => e.description), ['i_mmap_lock: spinlock -> mutex (now sleeps)', 'anon_vma: spinlock -> mutex (now sleeps)']);
  assert.deepEqual(list(r, 'breaks'), [
    'mm/memory-failure.c:383 collect_procs_anon sleep-in-atomic tasklist_lock,anon_vma [rwlock]',
    'mm/memory-failure.c:425 collect_procs_file sleep-in-atomic tasklist_lock,i_mmap_lock [rwlock]',
    'mm/memory.c:1147 unmap_vmas sleep-in-atomic  [preempt-off]',
    'mm/memory.c:1201 zap_page_range sleep-in-atomic  [preempt-off]',
    'mm/memory.c:2443 unmap_mapping_range_vma sleep-in-atomic  [preempt-off]',
    // unmap_vmas() ends the gather itself and hands back *tlbp = NULL before zap_page_range()'s
    // `if (tlb) tlb_finish_mmu()`: that hand-off is not modelled, so this one is a false alarm.
    'mm/memory.c:2461 unmap_mapping_range_vma sleep-in-atomic i_mmap_lock [preempt-off]',
    'mm/memory.c:2489 unmap_mapping_range_tree sleep-in-atomic  [preempt-off]',
    'mm/memory.c:2514 unmap_mapping_range_list sleep-in-atomic  [preempt-off]',
    'mm/memory.c:2571 unmap_mapping_range sleep-in-atomic  [preempt-off]',
    // try_to_unmap() and remove_migration_ptes() (mm/rmap.c) take the anon_vma lock inside the
    // rcu_read_lock() unmap_and_move() holds for anonymous pages: upstream replaced that RCU
    // section with an anon_vma reference count.
    'mm/migrate.c:637 unmap_and_move sleep-in-atomic  [rcu]',
    'mm/migrate.c:644 unmap_and_move sleep-in-atomic  [rcu]',
    'mm/mmap.c:1883 unmap_region sleep-in-atomic  [preempt-off]',
    'mm/mmap.c:1885 unmap_region sleep-in-atomic  [preempt-off]',
    'mm/mmap.c:2252 exit_mmap sleep-in-atomic  [preempt-off]',
    'mm/mmap.c:2255 exit_mmap sleep-in-atomic  [preempt-off]',
    'mm/rmap.c:305 page_lock_anon_vma sleep-in-atomic anon_vma [rcu]',
    'mm/rmap.c:492 page_referenced_anon sleep-in-atomic anon_vma [rcu]',
    'mm/rmap.c:1156 try_to_unmap_anon sleep-in-atomic anon_vma [rcu]',
  ]);
  const mf = r.breaks.filter((s) => s.finding.file === 'mm/memory-failure.c');
  assert.deepEqual(mf.map((s) => s.causeText), ['under a rwlock (tasklist_lock)', 'under a rwlock (tasklist_lock)']);
  assert.match(mf[0].explanation, /^anon_vma is a mutex under the edit \(it sleeps\) and is taken under a rwlock \(tasklist_lock\): page_lock_anon_vma\(\) takes av \(anon_vma, a mutex\)/);
  assert.match(mf[1].explanation, /^i_mmap_lock is a mutex under the edit \(it sleeps\) and is taken under a rwlock \(tasklist_lock\): spin_lock\(\) takes mapping->i_mmap_lock/);
  assert.deepEqual(mf.map((s) => s.finding.related[0].line), [382, 424]);
  // The mmu_gather breaks name the cross-file path and the tlb_gather_mmu() that disabled preemption.
  const unmapRegion = r.breaks.find((s) => s.finding.function === 'unmap_region' && s.finding.line === 1885)!;
  assert.match(unmapRegion.finding.message, /^free_pgtables\(\) may sleep \((unlink_file_vma|unlink_anon_vmas)\(\) may sleep .*\) at mm\/memory\.c:\d+\) while preemption is disabled \(tlb_gather_mmu\(\) at line 1881\)/);
  // unmap_mapping_range's sleeping under i_mmap_lock was a lock-break artefact of the plain model;
  // with unmap_vmas()'s gather modelled it is no longer reported by either model.
  assert.deepEqual(list(r, 'allowed'), []);
  assert.deepEqual(r.files.map((f) => `${f.file} ${f.breaks} ${f.allowed}`), ['mm/memory-failure.c 2 0', 'mm/memory.c 7 0', 'mm/migrate.c 2 0', 'mm/mmap.c 4 0', 'mm/rmap.c 3 0', 'mm/shmem.c 1 0']);
  // shmem_truncate_range() -> unmap_mapping_range() is listed as bounded: its analysis hit a state bound.
  assert.ok(r.breaks.find((s) => s.finding.function === 'shmem_truncate_range')?.bounded);
  // only the files that can name i_mmap_lock or anon_vma, themselves or through what they call
  // in the directory's other files, were analysed (slab, page_alloc, vmalloc... were not)
  assert.ok(r.stats.analysed < r.stats.inputs - 10, JSON.stringify(r.stats));
});

test('2.6.34: the reach filter loses nothing against analysing every file', { skip: !have('2.6.34') && 'no corpus' }, async () => {
  const inputs = cFiles(tree('2.6.34'), ['mm']);
  const filtered = await whatIf({ edits: [CONVERSION], inputs, tree: tree('2.6.34') });
  const all = await whatIf({ edits: [CONVERSION], inputs, tree: tree('2.6.34'), exhaustive: true });
  assert.equal(all.stats.analysed, inputs.length);
  // A function stopped by the time bound in one run may not be in the other: compare the rest.
  const bounded = new Set([filtered, all].flatMap((r) => [...r.breaks, ...r.allowed]).filter((s) => s.bounded).map((s) => `${s.finding.file} ${s.finding.function}`));
  const firm = (r: WhatIfResult, c: 'breaks' | 'allowed') => list(r, c, bounded);
  assert.deepEqual(firm(filtered, 'breaks'), firm(all, 'breaks'));
  assert.deepEqual(firm(filtered, 'allowed'), firm(all, 'allowed'));
});

test('6.12 with no edit: nothing; the edit-free run is the plain check', { skip: !have('6.12') && 'no corpus' }, async () => {
  const inputs = cFiles(tree('6.12'), ['mm']);
  for (const edits of [[], ['mmap_lock=rwsem']]) {
    const r = await whatIf({ edits, inputs, tree: tree('6.12') });
    assert.deepEqual([r.breaks.length, r.allowed.length, r.stats.analysed, r.stats.skipped], [0, 0, 0, inputs.length]);
  }
  // Every file analysed under the edited (edit-free) profile, compared with a plain check; the base
  // run is the same profile, so the runner hands the one result back for both.
  const cache = createCache();
  const captured: AnalysisResult[] = [];
  const runner: WhatIfRunner = async (ins, variants) => {
    const out: AnalysisResult[][] = [];
    for (const i of ins) {
      const edited = await analyze({ name: i.name, text: i.text, tree: tree('6.12'), profileObject: variants[1].profile, profileOrigin: variants[1].origin, all: true, cache, sites: false });
      captured.push(edited);
      out.push([edited, edited]);
    }
    return out;
  };
  const r = await whatIf({ edits: [], inputs, tree: tree('6.12'), exhaustive: true, runner });
  assert.equal(r.stats.analysed, inputs.length);
  assert.deepEqual([r.breaks.length, r.allowed.length], [0, 0]);
  const plain: Finding[] = [];
  for (const i of inputs) plain.push(...(await analyze({ name: i.name, text: i.text, tree: tree('6.12'), profile: 'auto', all: true, cache, sites: false })).findings);
  const edited = captured.flatMap((x) => x.findings);
  // Functions stopped by the time bound may stop at another point in another run: left out.
  const timed = new Set([...plain, ...edited].filter((f) => f.code === 'analysis-limit' && /stopped after/.test(f.message)).map((f) => `${f.file}\0${f.function}`));
  const keys = (fs: Finding[]) => fs.filter((f) => !timed.has(`${f.file}\0${f.function}`)).map((f) => `${findingKey(f)}\0${f.message}`).sort();
  assert.ok(plain.length > 0);
  assert.deepEqual(keys(edited), keys(plain));
});

test('2.6.34: one walk for both profiles gives what two runs give (kinds, the order, both)', { skip: !have('2.6.34') && 'no corpus' }, async () => {
  const root = tree('2.6.34');
  const inputs = cFiles(root, ['mm']);
  for (const edits of [[CONVERSION], ['reverse:tasklist_lock>anon_vma,reverse:tasklist_lock>i_mmap_lock'], [CONVERSION, 'reverse:tasklist_lock>anon_vma']]) {
    const one = await whatIf({ edits, inputs, tree: root });
    const two = await whatIf({ edits, inputs, tree: root, runner: twoRuns(root) });
    // A function stopped by the time bound may stop elsewhere in another run: left out.
    const timed = new Set([one, two].flatMap((r) => [...r.breaks, ...r.allowed]).filter((s) => /ms$/.test(s.bounded ?? '')).map((s) => `${s.finding.file} ${s.finding.function}`));
    const words = (r: WhatIfResult) => [...r.breaks, ...r.allowed].filter((s) => !timed.has(`${s.finding.file} ${s.finding.function}`))
      .map((s) => `${s.change} ${s.finding.file}:${s.finding.line} ${s.finding.function} ${s.cause} ${s.explanation}`);
    assert.ok(one.breaks.length > 0, edits.join(' '));
    assert.deepEqual(words(one), words(two), edits.join(' '));
  }
});
