// localTypes, structFields, globalTypes.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { globalTypes, localTypes, structFields } from '../../server/src/c/declarations';
import { disposeC, initParser, parseC } from '../../server/src/c/parser';
import type { CFile } from '../../server/src/c/types';

const FIX = path.resolve(__dirname, '../../../test/fixtures/c');
const load = (name: string): CFile => parseC(fs.readFileSync(path.join(FIX, name), 'utf8'));

before(async () => { await initParser(); });

test('localTypes: parameters, multiple declarators, arrays, macros, for initialisers, nested blocks', () => {
  const file = load('declarations.c');
  try {
    const fn = file.functions.find((f) => f.name === 'fixture_locals')!;
    assert.deepEqual(Object.fromEntries(localTypes(fn)), {
      mm: 'mm_struct', ptl: 'spinlock_t', pages: 'page', addr: 'unsigned long',
      vma: 'vm_area_struct', prev: 'vm_area_struct', pprev: 'vm_area_struct',
      batch: 'folio', pte: 'pte_t', vmi: 'vma_iterator', fixture_list: 'list_head',
      av: 'anon_vma', mapping: 'address_space',
    });
  } finally {
    disposeC(file);
  }
});

test('localTypes sees declarations the neutralizer rewrote', () => {
  const file = load('macro-args.c');
  try {
    const types = localTypes(file.functions[0]);
    assert.equal(types.get('avc'), 'anon_vma_chain');
    assert.equal(types.get('map'), 'unsigned long');
    assert.equal(types.get('rs'), 'ratelimit_state');
    assert.equal(types.get('n'), 'unsigned long');
  } finally {
    disposeC(file);
  }
});

test('globalTypes: declarations and DEFINE_/DECLARE_ macros at file scope, not prototypes', () => {
  const file = load('declarations.c');
  try {
    assert.deepEqual(Object.fromEntries(globalTypes(file)), {
      fixture_lock: 'spinlock_t', fixture_rwlock: 'rwlock_t', fixture_mutex: 'mutex',
      fixture_mmlist_lock: 'spinlock_t', fixture_tasklist_lock: 'rwlock_t', fixture_init_mm: 'mm_struct',
      fixture_rwsem: 'rw_semaphore', fixture_pcp_var: 'fixture_pcp',
    });
  } finally {
    disposeC(file);
  }
});

test('structFields: flattened anonymous members, named anonymous types, typedefs, nested definitions', () => {
  const file = load('structs.h');
  try {
    const rows = structFields(file).map((f) => `${f.struct}.${f.field}: ${f.type}`);
    assert.deepEqual(rows, [
      'anon_vma.root: anon_vma',
      'anon_vma.rwsem: rw_semaphore',
      'anon_vma.refcount: atomic_t',
      'anon_vma.num_children: unsigned long',
      'anon_vma.num_active_vmas: unsigned long',
      'anon_vma.parent: anon_vma',
      'anon_vma.rb_root: rb_root_cached',
      'anon_vma.lock: spinlock_t',
      'anon_vma.list: list_head',
      'anon_vma.inner: anon_vma.inner',
      'anon_vma.inner.i_mmap_mutex: mutex',
      'anon_vma.inner.count: int',
      'anon_vma.cond_lock: spinlock_t',
      'anon_vma.callback: void',
      'anon_vma.bits: unsigned int',
      'anon_vma.name: char',
      'fixture_spinlock_t.slock: unsigned int',
      'outer.named: inner_named',
      'inner_named.a: int',
    ]);
  } finally {
    disposeC(file);
  }
});
