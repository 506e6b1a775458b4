// The order each corpus tree documents in its own mm/rmap.c and mm/filemap.c, through `auto`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { autoProfile } from '../../server/src/model/auto-profile';
import { orderOf } from '../../server/src/model/order';
import { commentEdges } from '../../server/src/model/ordering-comment';
import { loadProfile } from '../../server/src/model/profiles';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const have = (v: string) => fs.existsSync(path.join(CORPUS, `linux-${v}`, 'mm', 'rmap.c'));
const reader = (v: string, patched: Record<string, string> = {}) => (rel: string) => {
  if (rel in patched) return patched[rel];
  try { return fs.readFileSync(path.join(CORPUS, `linux-${v}`, rel), 'utf8'); } catch { return undefined; }
};

/** before() holds along the chain, and each step's explanation cites the tree's mm/rmap.c comment. */
function documented(v: string, ids: string[]) {
  const a = autoProfile(reader(v));
  const o = orderOf(a.profile);
  for (let i = 0; i + 1 < ids.length; i++) {
    assert.ok(o.before(ids[i], ids[i + 1]), `${v}: ${ids[i]} before ${ids[i + 1]}`);
    const why = o.explain(ids[i], ids[i + 1])!;
    assert.ok(why.length > 0 && why.every((e) => /^mm\/rmap\.c:\d+ ordering comment$/.test(e.source) && e.comment === 'rmap'),
      `${v}: ${ids[i]} -> ${ids[i + 1]} explained by ${why.map((e) => e.source).join(', ')}`);
  }
  return { a, o };
}

test('6.12: mmap_lock -> folio_lock -> i_mmap_rwsem -> anon_vma -> pte_ptl, from the tree\'s rmap.c', (t) => {
  if (!have('6.12')) return t.skip('no ../shared/corpus/linux-6.12');
  const { a, o } = documented('6.12', ['i_rwsem', 'mmap_lock', 'folio_lock', 'i_mmap_rwsem', 'anon_vma', 'pte_ptl', 'swap_lock']);
  assert.equal(a.origin, 'linux-6.12 (tree Makefile 6.12.117, order from mm/rmap.c and mm/filemap.c)');
  assert.deepEqual(a.newClasses, []);
  assert.deepEqual(o.explain('mmap_lock', 'folio_lock')!.map((e) => `${e.outer}>${e.inner} ${e.source}`), [
    'mmap_lock>invalidate_lock mm/rmap.c:25 ordering comment', 'invalidate_lock>folio_lock mm/rmap.c:26 ordering comment']);
  assert.deepEqual(o.explain('folio_lock', 'i_mmap_rwsem')!.map((e) => e.inner), ['hugetlbfs_i_mmap_rwsem', 'vma_lock', 'i_mmap_rwsem']);
  documented('6.12', ['anon_vma', 'tasklist_lock', 'pte_ptl']);
  documented('6.12', ['i_mmap_rwsem', 'tasklist_lock']);
  documented('6.12', ['anon_vma', 'page_table_lock', 'swap_lock', 'private_lock', 'move_lock', 'i_pages', 'lru_lock']);
  // the hugetlbfs stanza is kept where it does not contradict the main hierarchy
  assert.ok(o.before('hugetlb_fault_mutex', 'hugetlb_vma_lock') && o.before('hugetlb_vma_lock', 'i_mmap_rwsem'));
  assert.deepEqual(o.rejected().map((r) => `${r.edge.outer}>${r.edge.inner} ${r.edge.source}`),
    ['private_lock>swap_lock mm/filemap.c:83 ordering comment', 'i_mmap_rwsem>folio_lock mm/rmap.c:53 ordering comment']);
});

test('6.1: the same spine without per-VMA locks', (t) => {
  if (!have('6.1')) return t.skip('no ../shared/corpus/linux-6.1');
  const { a, o } = documented('6.1', ['i_rwsem', 'mmap_lock', 'invalidate_lock', 'folio_lock', 'i_mmap_rwsem', 'anon_vma', 'pte_ptl']);
  assert.equal(a.origin, 'linux-6.1 (tree Makefile 6.1.192, order from mm/rmap.c and mm/filemap.c)');
  assert.equal(o.before('mmap_lock', 'vma_lock'), false);
});

test('2.6.34: mmap_sem -> page_lock -> i_mmap_lock -> anon_vma -> page_table_lock, and tasklist_lock -> anon_vma', (t) => {
  if (!have('2.6.34')) return t.skip('no ../shared/corpus/linux-2.6.34');
  const { a, o } = documented('2.6.34', ['i_mutex', 'mmap_sem', 'page_lock', 'i_mmap_lock', 'anon_vma', 'page_table_lock', 'swap_lock']);
  documented('2.6.34', ['anon_vma', 'pte_ptl']);
  documented('2.6.34', ['tasklist_lock', 'anon_vma', 'pte_ptl']);
  assert.equal(a.origin, 'linux-2.6.34 (tree Makefile 2.6.34, order from mm/rmap.c and mm/filemap.c)');
  // names its filemap.c comment uses that no mm lock class stands for
  assert.deepEqual(a.newClasses, ['proc_lock', 'dcache_lock']);
  assert.deepEqual(o.explain('tasklist_lock', 'anon_vma')!.map((e) => [e.source, e.weak, e.note]),
    [['mm/rmap.c:42 ordering comment', true, "(memory_failure, collect_procs_anon); (code doesn't rely on that order so it could be switched around)"]]);
  assert.ok(o.before('tasklist_lock', 'i_mmap_lock'));
  assert.equal(o.explain('tasklist_lock', 'i_mmap_lock')![0].source, 'mm/filemap.c:110 ordering comment');
});

test('2.6.26: the same spine, no memory_failure stanza yet', (t) => {
  if (!have('2.6.26')) return t.skip('no ../shared/corpus/linux-2.6.26');
  const { a, o } = documented('2.6.26', ['mmap_sem', 'page_lock', 'i_mmap_lock', 'anon_vma', 'pte_ptl', 'lru_lock']);
  assert.equal(a.origin, 'linux-2.6.26 (tree Makefile 2.6.26, order from mm/rmap.c and mm/filemap.c)');
  assert.equal(o.before('tasklist_lock', 'anon_vma'), false);
});

test('a patch documenting mm->anon_vma_chain_lock between i_mmap_lock and anon_vma->lock is understood (2.6.34)', (t) => {
  if (!have('2.6.34')) return t.skip('no ../shared/corpus/linux-2.6.34');
  const orig = reader('2.6.34')('mm/rmap.c')!;
  const lines = orig.split('\n');
  const at = lines.findIndex((l) => /^ \*\s+anon_vma->lock$/.test(l));
  const end = lines.findIndex((l, i) => i > at && /^ \*$/.test(l));
  assert.ok(at > 0 && end > at);
  // the new line takes anon_vma->lock's place, and that subtree moves one level in
  const patched = [
    ...lines.slice(0, at),
    ' *         mm->anon_vma_chain_lock (mmap_sem for read, protects vma->anon_vma_chain)',
    ...lines.slice(at, end).map((l) => l.replace(/^ \*/, ' *  ')),
    ...lines.slice(end),
  ].join('\n');
  const a = autoProfile(reader('2.6.34', { 'mm/rmap.c': patched }));
  assert.deepEqual(a.newClasses, ['anon_vma_chain_lock', 'proc_lock', 'dcache_lock']);
  const c = a.profile.classes.find((k) => k.id === 'anon_vma_chain_lock')!;
  assert.deepEqual([c.kind, c.sleeps, c.fields, c.source], ['spinlock', false, ['mm_struct.anon_vma_chain_lock'], `mm/rmap.c:${at + 1} ordering comment`]);
  const o = orderOf(a.profile);
  assert.ok(o.before('i_mmap_lock', 'anon_vma_chain_lock'));
  assert.ok(o.before('anon_vma_chain_lock', 'anon_vma'));
  assert.ok(o.before('anon_vma_chain_lock', 'page_table_lock'));
  assert.ok(o.before('mmap_sem', 'anon_vma_chain_lock'));
  assert.ok(!o.before('anon_vma', 'anon_vma_chain_lock') && !o.before('page_table_lock', 'anon_vma_chain_lock'));
  assert.deepEqual(o.explain('i_mmap_lock', 'anon_vma_chain_lock')!.map((e) => e.source), [`mm/rmap.c:${at + 1} ordering comment`]);
  assert.deepEqual(o.explain('anon_vma_chain_lock', 'anon_vma')!.map((e) => e.source), [`mm/rmap.c:${at + 2} ordering comment`]);
  assert.deepEqual(o.chainThrough('anon_vma_chain_lock'),
    ['i_mutex', 'mmap_sem', 'page_lock', 'i_mmap_lock', 'anon_vma_chain_lock', 'anon_vma', 'page_table_lock', 'swap_lock', 'inode_lock', 'sb_lock']);
  // The v2 patch in the seed thread lists it right under mm->mmap_sem instead: then it is only after mmap_sem.
  const mm = lines.findIndex((l) => /^ \*\s+mm->mmap_sem$/.test(l));
  const v2 = [...lines.slice(0, mm + 1), ' *     mm->anon_vma_chain_lock (mmap_sem for read, protects vma->anon_vma_chain)', ...lines.slice(mm + 1)].join('\n');
  const o2 = orderOf(autoProfile(reader('2.6.34', { 'mm/rmap.c': v2 })).profile);
  assert.ok(o2.before('mmap_sem', 'anon_vma_chain_lock'));
  assert.ok(!o2.before('anon_vma_chain_lock', 'anon_vma') && !o2.before('anon_vma', 'anon_vma_chain_lock'));
});

test('the comment edges in the built-in profiles are the ones the corpus trees document', (t) => {
  for (const [v, id, label] of [['2.6.26', 'linux-2.6.26', '2.6.26'], ['2.6.34', 'linux-2.6.34', '2.6.34'], ['6.1', 'linux-6.1', '6.1.192'], ['6.12', 'linux-6.12', '6.12.117']]) {
    if (!have(v)) { t.diagnostic(`no corpus for ${v}`); continue; }
    const p = loadProfile(id);
    for (const kind of ['rmap', 'filemap'] as const) {
      const r = commentEdges(reader(v)(`mm/${kind}.c`)!, p, kind, { file: `mm/${kind}.c`, label });
      const fresh = new Set(r.newClasses.map((c) => c.id));
      const want = r.edges.filter((e) => !fresh.has(e.outer) && !fresh.has(e.inner));
      assert.deepEqual(p.order.filter((e) => e.comment === kind), want, `${id} ${kind}`);
    }
  }
});
