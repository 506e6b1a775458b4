// The rmap.c / filemap.c lock-ordering comments: parsing the indentation tree, mapping names to
// classes, and refining a profile's order from a tree's own comment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commentEdges, guessKind, mapName, parseOrderingComment, refineOrder, refineOrderReport, splitNames } from '../../server/src/model/ordering-comment';
import { loadProfile } from '../../server/src/model/profiles';
import { buildOrder } from '../../server/src/model/order';

// A made-up file in the kernel's style, with every construct the real comments use.
const FILE = [
  '/*',                                                            // 1
  ' * demo.c - nothing here',                                      // 2
  ' */',                                                           // 3
  '',                                                              // 4
  '/*',                                                            // 5
  ' * Lock ordering in mm:',                                       // 6
  ' *',                                                            // 7
  ' * outer->big_mutex\t(while writing)',                          // 8
  ' *   mm->mmap_sem',                                             // 9
  ' *     page->flags PG_locked (lock_page)   * (see below)',      // 10
  ' *       a_lock or b_lock',                                     // 11
  ' *         zone_lru_lock(zone)\t(in x,',                        // 12
  ' *                   continued here,',                          // 13
  ' *                   and here)',                                // 14
  ' *         c_lock (in y)',                                      // 15
  ' *   side_sem',                                                 // 16
  ' *',                                                            // 17
  ' * (code doesn\'t rely on that order so it could be switched around)', // 18
  ' * ->t_lock',                                                   // 19
  ' *   x_lock,y_lock      (memory_failure)',                      // 20
  ' *',                                                            // 21
  ' * * special pages take locks in this order:',                  // 22
  ' *   c_lock',                                                   // 23
  ' *     mem_{begin,end}_stat (m->move_lock)',                    // 24
  ' */',                                                           // 25
  'int x; /* Lock ordering: not this one */',                      // 26
].join('\n');

test('the comment is found in a file and parsed into nodes and parent -> child edges', () => {
  const p = parseOrderingComment(FILE)!;
  assert.equal(p.startLine, 6);
  assert.equal(p.endLine, 25);
  assert.deepEqual(p.nodes.map((n) => [n.line, n.depth, n.stanza, n.weak, n.names.join('|'), n.note]), [
    [8, 1, 0, false, 'outer->big_mutex', '(while writing)'],
    [9, 3, 0, false, 'mm->mmap_sem', ''],
    [10, 5, 0, false, 'page->flags PG_locked', '(lock_page)   * (see below)'],
    [11, 7, 0, false, 'a_lock|b_lock', ''],
    [12, 9, 0, false, 'zone_lru_lock(zone)', '(in x, continued here, and here)'],
    [15, 9, 0, false, 'c_lock', '(in y)'],
    [16, 3, 0, false, 'side_sem', ''],
    [19, 1, 1, true, 't_lock', ''],
    [20, 3, 1, true, 'x_lock|y_lock', '(memory_failure)'],
    [23, 3, 2, true, 'c_lock', ''],
    [24, 5, 2, true, 'mem_{begin,end}_stat', '(m->move_lock)'],
  ]);
  assert.equal(p.nodes[7].context, "(code doesn't rely on that order so it could be switched around)");
  assert.equal(p.nodes[9].context, 'special pages take locks in this order:');
  const name = (i: number) => p.nodes[i].name;
  assert.deepEqual(p.edges.map((e) => `${name(e.parent)} > ${name(e.child)}`), [
    'outer->big_mutex > mm->mmap_sem', 'mm->mmap_sem > page->flags PG_locked', 'page->flags PG_locked > a_lock or b_lock',
    'a_lock or b_lock > zone_lru_lock(zone)', 'a_lock or b_lock > c_lock', 'outer->big_mutex > side_sem',
    't_lock > x_lock,y_lock', 'c_lock > mem_{begin,end}_stat',
  ]);
});

test('a text without the comment gives null; an extract starting at the header parses', () => {
  assert.equal(parseOrderingComment('int main(void) { return 0; }\n'), null);
  const p = parseOrderingComment(' * Lock ordering:\n *\n *  ->i_mmap_rwsem\t\t(truncate_pagecache)\n *    ->private_lock\n')!;
  assert.deepEqual(p.nodes.map((n) => n.name), ['i_mmap_rwsem', 'private_lock']);
  assert.equal(p.edges.length, 1);
});

test('names: alternatives, lists, braces and arrows', () => {
  assert.deepEqual(splitNames('mm->page_table_lock or pte_lock'), ['mm->page_table_lock', 'pte_lock']);
  assert.deepEqual(splitNames('anon_vma->rwsem,mapping->i_mmap_rwsem'), ['anon_vma->rwsem', 'mapping->i_mmap_rwsem']);
  assert.deepEqual(splitNames('mem_cgroup_{begin,end}_page_stat'), ['mem_cgroup_{begin,end}_page_stat']);
  assert.deepEqual(splitNames('->tasklist_lock'), ['tasklist_lock']);
});

test('mapName: every era spelling maps to the class of the profile at hand', () => {
  const cases: [string, string, string | undefined][] = [
    ['linux-2.6.34', 'mm->mmap_sem', 'mmap_sem'], ['linux-2.6.34', 'mm->mmap_lock', 'mmap_sem'],
    ['linux-2.6.34', 'page->flags PG_locked', 'page_lock'], ['linux-2.6.34', 'lock_page', 'page_lock'],
    ['linux-2.6.34', 'mapping->i_mmap_lock', 'i_mmap_lock'], ['linux-2.6.34', '->i_mmap_lock', 'i_mmap_lock'],
    ['linux-2.6.34', 'anon_vma->lock', 'anon_vma'], ['linux-2.6.34', 'anon_vma.lock', 'anon_vma'],
    ['linux-2.6.34', 'pte map lock', 'pte_ptl'], ['linux-2.6.34', 'pte_lock', 'pte_ptl'],
    ['linux-2.6.34', 'zone.lru_lock', 'lru_lock'], ['linux-2.6.34', 'mapping->tree_lock', 'tree_lock'],
    ['linux-2.6.34', 'inode_lock', 'inode_lock'], ['linux-2.6.34', 'mm->anon_vma_chain_lock', undefined],
    ['linux-3.19', 'mapping->i_mutex', 'i_mmap_rwsem'], ['linux-3.19', 'anon_vma->mutex', 'anon_vma'],
    ['linux-3.19', 'inode_wb_list_lock', 'wb_list_lock'], ['linux-3.19', 'bdi.wb->list_lock', 'wb_list_lock'],
    ['linux-5.4', 'zone_lru_lock(zone)', 'lru_lock'], ['linux-5.4', 'i_pages lock', 'i_pages'],
    ['linux-5.4', 'mem_cgroup_{begin,end}_page_stat', 'move_lock'], ['linux-5.4', 'inode->i_mutex', 'i_rwsem'],
    ['linux-6.12', 'inode->i_rwsem', 'i_rwsem'], ['linux-6.12', 'mm->mmap_lock', 'mmap_lock'],
    ['linux-6.12', 'vma_start_write', 'vma_lock'], ['linux-6.12', 'vma_lock', 'hugetlb_vma_lock'],
    ['linux-6.12', 'hugetlbfs_i_mmap_rwsem_key', 'hugetlbfs_i_mmap_rwsem'], ['linux-6.12', 'hugetlb_fault_mutex', 'hugetlb_fault_mutex'],
    ['linux-6.12', 'folio_lock', 'folio_lock'], ['linux-6.12', 'page->flags PG_locked', 'folio_lock'],
    ['linux-6.12', 'folio_lock_memcg move_lock', 'move_lock'], ['linux-6.12', 'mapping->private_lock', 'private_lock'],
    ['linux-6.12', 'mapping->i_private_lock', 'private_lock'], ['linux-6.12', 'lruvec->lru_lock', 'lru_lock'],
    ['linux-6.12', '&mm->page_table_lock', 'page_table_lock'], ['linux-6.12', 'anon_vma->root->rwsem', 'anon_vma'],
    ['linux-6.12', 'si->lock', 'si_lock'], ['linux-6.12', 'swap_lock', 'swap_lock'], ['linux-6.12', 'dcache_lock', undefined],
  ];
  for (const [id, name, want] of cases) assert.equal(mapName(name, loadProfile(id)), want, `${id}: ${name}`);
});

test('guessKind from a new name', () => {
  assert.deepEqual(['anon_vma_chain_lock', 'i_alloc_sem', 'foo_mutex', 'bar_rwlock', 'baz_rwsem_key', 'vma_start_write'].map(guessKind),
    ['spinlock', 'rwsem', 'mutex', 'rwlock', 'rwsem', 'pseudo']);
});

// A small comment in the 2.6.34 style, written for this test.
const MINI = [
  ' * Lock ordering in mm:',
  ' *',
  ' *   mm->mmap_sem',
  ' *     mapping->i_mmap_lock',
  ' *       mm->anon_vma_chain_lock (new in this patch)',
  ' *         anon_vma->lock',
  ' *           mm->page_table_lock or pte_lock',
  ' *',
  ' * (code doesn\'t rely on that order so it could be switched around)',
  ' * ->tasklist_lock',
  ' *   anon_vma->lock',
  ' */',
].join('\n');

test('commentEdges: sources, main and weak edges, and a class made for a name the profile lacks', () => {
  const p = loadProfile('linux-2.6.34');
  const r = commentEdges(MINI, p, 'rmap', { file: 'mm/rmap.c', lineOffset: 20 });
  assert.equal(r.found, true);
  assert.deepEqual(r.edges.map((e) => `${e.outer}>${e.inner} ${e.source}${e.main ? ' main' : ''}${e.weak ? ' weak' : ''}`), [
    'mmap_sem>i_mmap_lock mm/rmap.c:24 ordering comment main',
    'i_mmap_lock>anon_vma_chain_lock mm/rmap.c:25 ordering comment main',
    'anon_vma_chain_lock>anon_vma mm/rmap.c:26 ordering comment main',
    'anon_vma>page_table_lock mm/rmap.c:27 ordering comment main',
    'anon_vma>pte_ptl mm/rmap.c:27 ordering comment main',
    'tasklist_lock>anon_vma mm/rmap.c:31 ordering comment weak',
  ]);
  assert.equal(r.edges[1].note, '(new in this patch)');
  assert.deepEqual(r.newClasses, [{
    id: 'anon_vma_chain_lock', kind: 'spinlock', sleeps: false,
    description: 'mm->anon_vma_chain_lock: named in the lock-ordering comment, unknown to profile linux-2.6.34 (kind guessed from the name)',
    source: 'mm/rmap.c:25 ordering comment', aliases: ['mm->anon_vma_chain_lock'], fields: ['mm_struct.anon_vma_chain_lock'],
  }]);
});

test('refineOrder replaces the profile\'s comment edges with the tree\'s and keeps its other edges', () => {
  const p = loadProfile('linux-2.6.34');
  const r = refineOrder(p, MINI);
  assert.notEqual(r, p);
  assert.equal(r.classes.length, p.classes.length + 1);
  const rmapEdges = r.order.filter((e) => e.comment === 'rmap');
  assert.equal(rmapEdges.length, 6);
  assert.ok(rmapEdges.every((e) => !e.source.includes('(2.6.34)')), 'the profile\'s own rmap.c edges are gone');
  assert.ok(r.order.some((e) => e.comment === 'filemap'), 'filemap.c edges kept when no filemap text is given');
  assert.ok(r.order.some((e) => e.source.startsWith('mm/mmap.c:')), 'code-read edges kept');
  const o = buildOrder(r);
  assert.equal(o.before('i_mmap_lock', 'anon_vma_chain_lock'), true);
  assert.equal(o.before('anon_vma_chain_lock', 'anon_vma'), true);
  assert.equal(o.before('anon_vma_chain_lock', 'pte_ptl'), true);
  assert.equal(o.before('anon_vma', 'anon_vma_chain_lock'), false);
  // the profile itself is untouched
  assert.equal(p.classes.some((c) => c.id === 'anon_vma_chain_lock'), false);
});

test('a text without an ordering comment leaves the profile as it is', () => {
  const p = loadProfile('linux-6.12');
  const r = refineOrderReport(p, { rmap: 'int x;\n', filemap: undefined });
  assert.equal(r.profile, p);
  assert.equal(r.rmap!.found, false);
});

test('CRLF text parses the same; an unclosed comment in a damaged file is bounded', () => {
  const crlf = parseOrderingComment(FILE.replace(/\n/g, '\r\n'))!;
  assert.deepEqual(crlf.nodes.map((n) => n.name), parseOrderingComment(FILE)!.nodes.map((n) => n.name));
  const big = [' * Lock ordering:', ...Array.from({ length: 20000 }, (_, i) => ` *${' '.repeat(1 + (i % 7) * 2)}lock_${i}`)].join('\n');
  const t0 = Date.now();
  const p = parseOrderingComment(big)!;
  assert.equal(p.nodes.length, 400);
  assert.equal(p.endLine, 401);
  assert.ok(Date.now() - t0 < 500);
});
