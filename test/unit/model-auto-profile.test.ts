// `auto`: the era profile for the tree's Makefile version, with the order from the tree's comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoProfile } from '../../server/src/model/auto-profile';
import { compareVersions, formatVersion, parseMakefileVersion } from '../../server/src/model/kernel-version';
import { orderOf } from '../../server/src/model/order';

const makefile = (v: string, p: string, s: string, extra = '') =>
  `# SPDX-License-Identifier: GPL-2.0\nVERSION = ${v}\nPATCHLEVEL = ${p}\nSUBLEVEL = ${s}\nEXTRAVERSION =${extra}\nNAME = x\n`;
const tree = (files: Record<string, string>) => (rel: string) => files[rel];

test('the Makefile version is read, and versions compare and print', () => {
  assert.deepEqual(parseMakefileVersion(makefile('2', '6', '34')), { major: 2, minor: 6, patch: 34, extra: '' });
  assert.deepEqual(parseMakefileVersion(makefile('5', '14', '0', ' -rc5')), { major: 5, minor: 14, patch: 0, extra: '-rc5' });
  assert.equal(parseMakefileVersion('all:\n\techo hi\n'), null);
  assert.ok(compareVersions({ major: 2, minor: 6, patch: 34 }, { major: 2, minor: 6, patch: 27 }) > 0);
  assert.ok(compareVersions({ major: 3, minor: 0 }, { major: 2, minor: 6, patch: 39 }) > 0);
  assert.equal(formatVersion({ major: 2, minor: 6, patch: 34 }), '2.6.34');
  assert.equal(formatVersion({ major: 6, minor: 12, patch: 117 }), '6.12');
  assert.equal(formatVersion({ major: 6, minor: 12, patch: 117 }, true), '6.12.117');
});

test('each tree version gets the era profile that covers it, and the origin says how', () => {
  const cases: [string, string, string, string][] = [
    ['2', '6', '26', 'linux-2.6.26 (tree Makefile 2.6.26, order from the profile (no ordering comment in the tree))'],
    ['2', '6', '32', 'linux-2.6.34 (tree Makefile 2.6.32: the nearest profile, for 2.6.27 – before 3.0, order from the profile (no ordering comment in the tree))'],
    ['2', '6', '34', 'linux-2.6.34 (tree Makefile 2.6.34, order from the profile (no ordering comment in the tree))'],
    ['3', '8', '13', 'linux-3.19 (tree Makefile 3.8.13: the nearest profile, for 3.0 – before 4.0, order from the profile (no ordering comment in the tree))'],
    ['3', '19', '8', 'linux-3.19 (tree Makefile 3.19.8, order from the profile (no ordering comment in the tree))'],
    ['4', '19', '304', 'linux-5.4 (tree Makefile 4.19.304: the nearest profile, for 4.0 – before 5.8, order from the profile (no ordering comment in the tree))'],
    ['5', '10', '0', 'linux-6.1 (tree Makefile 5.10.0: the nearest profile, for 5.8 – before 6.4, order from the profile (no ordering comment in the tree))'],
    ['6', '1', '192', 'linux-6.1 (tree Makefile 6.1.192, order from the profile (no ordering comment in the tree))'],
    ['6', '5', '0', 'linux-6.12 (tree Makefile 6.5.0: the nearest profile, for 6.4 onwards, order from the profile (no ordering comment in the tree))'],
    ['6', '12', '117', 'linux-6.12 (tree Makefile 6.12.117, order from the profile (no ordering comment in the tree))'],
    ['7', '2', '0', 'linux-6.12 (tree Makefile 7.2.0: the nearest profile, for 6.4 onwards, order from the profile (no ordering comment in the tree))'],
    ['2', '4', '20', 'linux-2.6.26 (tree Makefile 2.4.20: older than every profile, the oldest, order from the profile (no ordering comment in the tree))'],
  ];
  for (const [v, p, s, origin] of cases) {
    const a = autoProfile(tree({ Makefile: makefile(v, p, s) }));
    assert.equal(a.origin, origin);
    assert.deepEqual(a.version, { major: +v, minor: +p, patch: +s, extra: '' });
  }
});

test('no Makefile: the newest profile, and the origin says so', () => {
  const a = autoProfile(() => undefined);
  assert.equal(a.profile.id, 'linux-6.12');
  assert.equal(a.origin, 'linux-6.12 (no tree Makefile: the newest profile, order from the profile (no ordering comment in the tree))');
  assert.equal(a.version, undefined);
  const b = autoProfile(tree({ Makefile: 'obj-y += foo.o\n' }));
  assert.equal(b.origin, 'linux-6.12 (the tree Makefile has no VERSION/PATCHLEVEL: the newest profile, order from the profile (no ordering comment in the tree))');
  const c = autoProfile(() => { throw new Error('EACCES'); });
  assert.equal(c.profile.id, 'linux-6.12');
});

test('the order comes from the tree\'s own (here: patched) rmap.c comment', () => {
  const rmap = [
    '/*', ' * Lock ordering in mm:', ' *',
    ' * inode->i_mutex', ' *   mm->mmap_sem', ' *     page->flags PG_locked (lock_page)', ' *       mapping->i_mmap_lock',
    ' *         mm->anon_vma_chain_lock (mmap_sem for read, protects vma->anon_vma_chain)',
    ' *           anon_vma->lock', ' *             mm->page_table_lock or pte_lock', ' */', '',
  ].join('\n');
  const a = autoProfile(tree({ Makefile: makefile('2', '6', '34'), 'mm/rmap.c': rmap }));
  assert.equal(a.origin, 'linux-2.6.34 (tree Makefile 2.6.34, order from mm/rmap.c)');
  assert.deepEqual(a.newClasses, ['anon_vma_chain_lock']);
  const o = orderOf(a.profile);
  assert.deepEqual(o.explain('i_mmap_lock', 'anon_vma_chain_lock')!.map((e) => e.source), ['mm/rmap.c:8 ordering comment']);
  assert.deepEqual(o.explain('anon_vma_chain_lock', 'anon_vma')!.map((e) => e.source), ['mm/rmap.c:9 ordering comment']);
  assert.ok(o.before('mmap_sem', 'anon_vma_chain_lock') && o.before('anon_vma_chain_lock', 'pte_ptl'));
  assert.ok(!o.before('anon_vma', 'anon_vma_chain_lock'));
  assert.deepEqual(a.profile.classes.find((c) => c.id === 'anon_vma_chain_lock')!.fields, ['mm_struct.anon_vma_chain_lock']);
  // the tree's comment has no memory-failure stanza: its tasklist_lock edge is gone, filemap's stays
  assert.equal(o.before('tasklist_lock', 'anon_vma'), true);
  assert.equal(o.explain('tasklist_lock', 'anon_vma')![0].comment, 'filemap');
});
