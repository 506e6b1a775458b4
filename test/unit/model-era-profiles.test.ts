// The era profiles: their documented orders and the API facts that differ between eras.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Api, Profile } from '../../server/src/model/profile-types';
import { loadProfile } from '../../server/src/model/profiles';
import { orderOf } from '../../server/src/model/order';

const api = (p: Profile, name: string): Api | undefined => p.apis.find((a) => a.name === name);
const cls = (p: Profile, id: string) => p.classes.find((c) => c.id === id);

function chain(p: Profile, ids: string[]) {
  const o = orderOf(p);
  for (let i = 0; i + 1 < ids.length; i++) {
    assert.ok(o.before(ids[i], ids[i + 1]), `${p.id}: ${ids[i]} before ${ids[i + 1]}`);
    assert.ok(!o.before(ids[i + 1], ids[i]), `${p.id}: not ${ids[i + 1]} before ${ids[i]}`);
  }
}

test('2.6.34: mmap_sem -> page_lock -> i_mmap_lock -> anon_vma -> page_table_lock/pte_ptl, tasklist_lock first in memory_failure', () => {
  const p = loadProfile('linux-2.6.34');
  chain(p, ['i_mutex', 'mmap_sem', 'page_lock', 'i_mmap_lock', 'anon_vma', 'page_table_lock', 'swap_lock', 'inode_lock', 'tree_lock']);
  chain(p, ['anon_vma', 'pte_ptl', 'lru_lock']);
  const o = orderOf(p);
  assert.ok(o.before('tasklist_lock', 'anon_vma') && o.before('tasklist_lock', 'i_mmap_lock'));
  assert.deepEqual(o.explain('tasklist_lock', 'anon_vma')!.map((e) => [e.source, e.weak]), [['mm/rmap.c:42 ordering comment (2.6.34)', true]]);
  assert.deepEqual(o.explain('tasklist_lock', 'i_mmap_lock')!.map((e) => e.source), ['mm/filemap.c:110 ordering comment (2.6.34)']);
  assert.ok(!o.before('page_table_lock', 'pte_ptl') && !o.before('pte_ptl', 'page_table_lock'), 'the same level');
  assert.ok(o.before('mmap_sem', 'mm_all_locks_mutex') && o.before('mm_all_locks_mutex', 'anon_vma'));
  assert.deepEqual(o.cycles(), [['private_lock', 'swap_lock', 'private_lock']]);
  assert.equal(cls(p, 'i_mmap_lock')!.kind, 'spinlock');
  assert.equal(cls(p, 'anon_vma')!.kind, 'spinlock');
  assert.deepEqual(cls(p, 'anon_vma')!.fields, ['anon_vma.lock']);
  assert.deepEqual(cls(p, 'i_mmap_lock')!.fields, ['address_space.i_mmap_lock', 'zap_details.i_mmap_lock']);
  assert.equal(cls(p, 'tree_lock')!.kind, 'spinlock');
  assert.deepEqual(api(p, 'page_lock_anon_vma')!.effects, [{ op: 'rcu-lock', onSuccess: true }, { op: 'acquire-return', class: 'anon_vma', nullable: true }]);
  assert.deepEqual(api(p, 'anon_vma_lock')!.effects, [{ op: 'acquire', class: 'anon_vma', instanceArg: 0 }]);
  assert.deepEqual(api(p, 'pte_offset_map_lock')!.effects, [{ op: 'acquire-return', class: 'pte_ptl', ptlArg: 3, nullable: false }]);
  assert.deepEqual(api(p, 'pte_unmap_unlock')!.effects, [{ op: 'release', lockArg: 1 }]);
  assert.equal(api(p, 'mmap_read_lock'), undefined);
  assert.equal(api(p, 'folio_lock'), undefined);
});

test('2.6.26: tree_lock is an rwlock, no mm_take_all_locks, no memory_failure edges', () => {
  const p = loadProfile('linux-2.6.26');
  assert.equal(cls(p, 'tree_lock')!.kind, 'rwlock');
  assert.equal(cls(p, 'mm_all_locks_mutex'), undefined);
  assert.equal(api(p, 'mm_take_all_locks'), undefined);
  assert.ok(api(p, 'TestSetPageLocked') && !api(p, 'trylock_page'));
  assert.equal(orderOf(p).before('tasklist_lock', 'anon_vma'), false);
  chain(p, ['mmap_sem', 'page_lock', 'i_mmap_lock', 'anon_vma', 'pte_ptl']);
});

test('3.19 and 5.4: sleeping rmap locks, and memory_failure takes tasklist_lock under them', () => {
  for (const id of ['linux-3.19', 'linux-5.4']) {
    const p = loadProfile(id);
    chain(p, ['mmap_sem', 'page_lock', 'i_mmap_rwsem', 'anon_vma', 'pte_ptl']);
    const o = orderOf(p);
    assert.ok(o.before('anon_vma', 'tasklist_lock') && o.before('i_mmap_rwsem', 'tasklist_lock') && o.before('tasklist_lock', 'pte_ptl'), id);
    assert.ok(!o.before('tasklist_lock', 'anon_vma'), id);
    assert.ok(o.before('pmd_ptl', 'pte_ptl'), id);
    assert.equal(cls(p, 'i_mmap_rwsem')!.sleeps, true);
    assert.equal(cls(p, 'anon_vma')!.kind, 'rwsem');
    assert.deepEqual(api(p, 'i_mmap_lock_write')!.effects, [{ op: 'acquire', class: 'i_mmap_rwsem', instanceArg: 0, mode: 'write' }]);
  }
  assert.ok(cls(loadProfile('linux-3.19'), 'compound_lock') && cls(loadProfile('linux-3.19'), 'tree_lock'));
  const p54 = loadProfile('linux-5.4');
  assert.ok(cls(p54, 'compound_lock') && !cls(p54, 'tree_lock') && cls(p54, 'i_pages'));
  assert.deepEqual(cls(p54, 'lru_lock')!.fields, ['pglist_data.lru_lock', 'zone.lru_lock']);
  assert.deepEqual(api(loadProfile('linux-3.19'), 'pmd_trans_huge_lock')!.effects, [{ op: 'acquire-return', class: 'pmd_ptl', ptlArg: 2, nullable: true }]);
  assert.deepEqual(api(p54, 'pmd_trans_huge_lock')!.effects, [{ op: 'acquire-return', class: 'pmd_ptl', nullable: true }]);
});

test('6.12: i_rwsem -> mmap_lock -> invalidate_lock -> folio_lock -> vma_lock -> i_mmap_rwsem -> anon_vma -> ptl -> swap_lock', () => {
  const p = loadProfile('linux-6.12');
  chain(p, ['i_rwsem', 'mmap_lock', 'invalidate_lock', 'folio_lock', 'vma_lock', 'i_mmap_rwsem', 'anon_vma', 'page_table_lock', 'swap_lock', 'private_lock', 'i_pages', 'lru_lock']);
  chain(p, ['anon_vma', 'pmd_ptl', 'pte_ptl', 'swap_lock']);
  chain(p, ['anon_vma', 'tasklist_lock', 'pte_ptl']);
  chain(p, ['i_mmap_rwsem', 'tasklist_lock']);
  chain(p, ['hugetlb_fault_mutex', 'hugetlb_vma_lock', 'i_mmap_rwsem']);
  chain(p, ['hugetlb_fault_mutex', 'folio_lock']);
  chain(p, ['swap_lock', 'si_lock', 'swap_avail_lock']);
  chain(p, ['mmap_lock', 'mm_all_locks_mutex', 'vma_lock']);
  const o = orderOf(p);
  assert.deepEqual(o.cycles(), [['private_lock', 'swap_lock', 'private_lock']]);
  assert.deepEqual(o.rejected().filter((r) => r.edge.weak).map((r) => `${r.edge.outer}>${r.edge.inner} ${r.edge.source}`),
    ['i_mmap_rwsem>folio_lock mm/rmap.c:53 ordering comment (6.12.117)']);
  assert.deepEqual(cls(p, 'private_lock')!.fields, ['address_space.i_private_lock']);
  assert.deepEqual(cls(p, 'anon_vma')!.fields, ['anon_vma.rwsem']);
  assert.deepEqual(cls(p, 'mmap_lock')!.fields, ['mm_struct.mmap_lock']);
  assert.deepEqual(cls(p, 'i_pages')!.fields, ['address_space.i_pages']);
  assert.deepEqual(cls(p, 'lru_lock')!.fields, ['lruvec.lru_lock', 'pglist_data.lru_lock']);
  assert.deepEqual(cls(p, 'si_lock')!.fields, ['swap_info_struct.lock']);
  assert.deepEqual(api(p, 'pte_offset_map_lock')!.effects,
    [{ op: 'rcu-lock', onSuccess: true }, { op: 'acquire-return', class: 'pte_ptl', ptlArg: 3, nullable: true }]);
  assert.deepEqual(api(p, 'pte_unmap_unlock')!.effects, [{ op: 'release', lockArg: 1 }, { op: 'rcu-unlock' }]);
  assert.deepEqual(api(p, 'pte_offset_map_nolock')!.effects, [{ op: 'rcu-lock', onSuccess: true }, { op: 'bind', class: 'pte_ptl', ptlArg: 3 }]);
  assert.deepEqual(api(p, 'pte_lockptr')!.effects, [{ op: 'bind', class: 'pte_ptl' }]);
  assert.deepEqual(api(p, 'pmd_lock')!.effects, [{ op: 'acquire-return', class: 'pmd_ptl', nullable: false }]);
  assert.deepEqual(api(p, 'lock_vma_under_rcu')!.effects, [{ op: 'acquire-return', class: 'vma_lock', mode: 'read', nullable: true }]);
  assert.deepEqual(api(p, 'filemap_lock_folio')!.effects, [{ op: 'acquire-return', class: 'folio_lock', nullable: true, errPtr: true }]);
  assert.deepEqual(api(p, 'folio_lock_or_retry')!.effects, [{ op: 'try-acquire', class: 'folio_lock', lockArg: 0, success: 'zero' }]);
  assert.deepEqual(api(p, 'folio_lock_anon_vma_read')!.effects, [{ op: 'acquire-return', class: 'anon_vma', mode: 'read', nullable: true }]);
  assert.equal(api(p, 'mmap_write_trylock'), undefined);
  assert.ok(api(p, 'anon_vma_trylock_write'));
});

test('6.1: no per-VMA locks, pte_offset_map_lock never NULL, mmap_write_trylock and lock_page_memcg still there', () => {
  const p = loadProfile('linux-6.1');
  chain(p, ['i_rwsem', 'mmap_lock', 'invalidate_lock', 'folio_lock', 'i_mmap_rwsem', 'anon_vma', 'pte_ptl', 'swap_lock']);
  chain(p, ['hugetlb_fault_mutex', 'hugetlb_vma_lock', 'i_mmap_rwsem']);
  assert.equal(cls(p, 'vma_lock'), undefined);
  assert.equal(api(p, 'lock_vma_under_rcu'), undefined);
  assert.deepEqual(api(p, 'pte_offset_map_lock')!.effects, [{ op: 'acquire-return', class: 'pte_ptl', ptlArg: 3, nullable: false }]);
  assert.deepEqual(api(p, 'filemap_lock_folio')!.effects, [{ op: 'acquire-return', class: 'folio_lock', nullable: true }]);
  assert.deepEqual(api(p, 'folio_lock_or_retry')!.effects, [{ op: 'try-acquire', class: 'folio_lock', lockArg: 0, success: 'nonzero' }]);
  assert.ok(api(p, 'mmap_write_trylock') && api(p, 'lock_page_memcg'));
  assert.deepEqual(cls(p, 'private_lock')!.fields, ['address_space.private_lock']);
});

test('common APIs: gfp arguments, lock kinds for unknown locks, contexts', () => {
  const p = loadProfile('linux-6.12');
  assert.deepEqual(api(p, 'kmalloc')!.effects, [{ op: 'may-sleep', gfpArg: 1 }]);
  assert.deepEqual(api(p, 'kcalloc')!.effects, [{ op: 'may-sleep', gfpArg: 2 }]);
  assert.deepEqual(api(p, 'alloc_pages')!.effects, [{ op: 'may-sleep', gfpArg: 0 }]);
  assert.deepEqual(api(p, 'spin_lock_irqsave')!.effects, [{ op: 'irq-save' }, { op: 'acquire', lockArg: 0, kind: 'spinlock' }]);
  assert.deepEqual(api(p, 'spin_trylock_irqsave')!.effects,
    [{ op: 'irq-save', onSuccess: true }, { op: 'try-acquire', lockArg: 0, kind: 'spinlock', success: 'nonzero' }]);
  assert.deepEqual(api(p, 'down_write_nest_lock')!.effects, [{ op: 'acquire', lockArg: 0, mode: 'write', kind: 'rwsem', nestArg: 1 }]);
  assert.deepEqual(api(p, 'mutex_lock_killable')!.effects, [{ op: 'try-acquire', lockArg: 0, kind: 'mutex', success: 'zero' }]);
  assert.deepEqual(api(p, 'cond_resched_lock')!.effects, [{ op: 'lock-break', lockArg: 0 }]);
  assert.deepEqual(api(p, 'copy_from_user')!.effects, [{ op: 'may-sleep' }]);
  assert.deepEqual(api(p, 'rcu_read_lock')!.effects, [{ op: 'rcu-lock' }]);
  assert.ok(p.gfp.blocking.includes('GFP_KERNEL') && p.gfp.atomic.includes('GFP_ATOMIC') && p.gfp.atomic.includes('GFP_NOWAIT'));
  assert.equal(p.nameTypes.vma, 'vm_area_struct');
  assert.ok(p.fieldTypes.some((f) => f.struct === 'anon_vma' && f.field === 'root' && f.type === 'anon_vma'));
  assert.ok(p.iteratorMacros.includes('list_for_each_entry') && p.iteratorMacros.includes('for_each_vma'));
});

test('every era: each lock class that lives in a field or a global says so, and aliases map across eras', () => {
  const expectField: Record<string, string[]> = {
    'linux-2.6.34': ['mmap_sem', 'i_mmap_lock', 'anon_vma', 'page_table_lock', 'pte_ptl', 'tree_lock', 'lru_lock', 'private_lock', 'i_mutex', 'i_alloc_sem'],
    'linux-6.12': ['mmap_lock', 'vma_lock', 'invalidate_lock', 'i_mmap_rwsem', 'anon_vma', 'page_table_lock', 'pte_ptl', 'i_pages', 'lru_lock', 'private_lock', 'si_lock', 'hugetlb_vma_lock', 'move_lock', 'i_rwsem'],
  };
  for (const [id, ids] of Object.entries(expectField)) {
    const p = loadProfile(id);
    for (const c of ids) assert.ok((cls(p, c)!.fields ?? []).length > 0, `${id}: ${c} has fields`);
  }
  for (const id of ['linux-2.6.34', 'linux-6.12']) {
    const p = loadProfile(id);
    for (const g of ['swap_lock', 'mmlist_lock', 'tasklist_lock', 'sb_lock']) assert.deepEqual(cls(p, g)!.globals, [g], `${id}: ${g}`);
  }
});
