// `mmlock profiles`: the list, one profile's classes and hierarchy, auto over a tree, JSON forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { runProfiles } from '../../server/src/cli/profiles';
import { commands } from '../../server/src/cli/commands';
import type { CliIO } from '../../server/src/cli/io';

const FIX = path.resolve(__dirname, '../../../test/fixtures/model');

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIO = { out: (s) => { out += s; }, err: (s) => { out += s; }, readStdin: async () => '', cwd: FIX };
  const code = await runProfiles(argv, io);
  return { code, out };
}

test('the profiles command is registered', () => {
  assert.equal(commands.profiles, runProfiles);
});

test('mmlock profiles lists the era profiles with their eras and counts', async () => {
  const { code, out } = await run([]);
  assert.equal(code, 0);
  const lines = out.trimEnd().split('\n');
  assert.match(lines[0], /^ID\s+ERA\s+CLASSES\s+EDGES\s+APIS\s+DESCRIPTION$/);
  assert.deepEqual(lines.slice(1).map((l) => l.split(/\s{2,}/)[0]), ['linux-2.6.26', 'linux-2.6.34', 'linux-3.19', 'linux-5.4', 'linux-6.1', 'linux-6.12']);
  assert.match(lines[2], /^linux-2\.6\.34\s+2\.6\.27 – before 3\.0\s+\d+\s+\d+\s+\d+\s+2\.6\.27 to 2\.6\.39/);
});

test('mmlock profiles --format json', async () => {
  const { code, out } = await run(['--format', 'json']);
  assert.equal(code, 0);
  const j = JSON.parse(out);
  assert.equal(j.version, 1);
  assert.deepEqual(Object.keys(j.profiles[0]), ['id', 'era', 'description', 'version', 'since', 'classes', 'edges', 'apis']);
  assert.equal(j.profiles[5].id, 'linux-6.12');
  assert.ok(j.profiles[5].classes > 30 && j.profiles[5].edges > 50 && j.profiles[5].apis > 300);
});

test('mmlock profiles ID prints classes, the hierarchy, edges with sources, and what was set aside', async () => {
  const { code, out } = await run(['linux-6.12']);
  assert.equal(code, 0);
  assert.match(out, /^linux-6\.12: 6\.4 onwards/);
  assert.match(out, /\n  version 6\.12, for trees from 6\.4, extends linux-common\n/);
  assert.match(out, /\nClasses \(42\):\n/);
  assert.match(out, /\n  mmap_lock\s+rwsem, sleeps\s+mm->mmap_lock \(mmap_read_lock\(\)\/mmap_write_lock\(\)\)/);
  assert.match(out, /\nHierarchy \(outer above inner; "\.\.\." = drawn above\):\n  i_rwsem\n    mmap_lock\n      invalidate_lock\n        folio_lock\n/);
  assert.match(out, /\n  mmap_lock -> invalidate_lock\s+mm\/rmap\.c:25 ordering comment \(6\.12\.117\) \(in filemap_fault\)\n/);
  assert.match(out, /\nSet aside \(they contradict the edges above\):\n  private_lock -> swap_lock  mm\/filemap\.c:83 ordering comment \(6\.12\.117\): would close private_lock -> swap_lock -> private_lock\n/);
});

test('mmlock profiles auto --tree DIR shows what auto picks and the tree\'s own order', async () => {
  const { code, out } = await run(['auto', '--tree', 'tree', '--format', 'json']);
  assert.equal(code, 0);
  const j = JSON.parse(out);
  assert.equal(j.origin, 'linux-2.6.34 (tree Makefile 2.6.34, order from mm/rmap.c)');
  // the fixture's comment is short: the rest of the chain comes from the profile's filemap.c edges
  assert.deepEqual(j.order.chains.anon_vma_chain_lock,
    ['i_mutex', 'mmap_sem', 'i_mmap_lock', 'anon_vma_chain_lock', 'anon_vma', 'page_table_lock', 'private_lock', 'swap_lock', 'tree_lock']);
  assert.equal(j.profile.classes.find((c: { id: string }) => c.id === 'anon_vma_chain_lock').source, 'mm/rmap.c:10 ordering comment');
  const text = await run(['--tree', 'tree']);
  assert.match(text.out, /\n  chosen: linux-2\.6\.34 \(tree Makefile 2\.6\.34, order from mm\/rmap\.c\)\n/);
});

test('a profile file, and bad usage', async () => {
  const { code, out } = await run(['on-builtin.json']);
  assert.equal(code, 0);
  assert.match(out, /^what-if-i_mmap-mutex: /);
  assert.match(out, /\n  i_mmap_lock\s+mutex, sleeps\s+mapping->i_mmap_lock as a mutex\n/);
  await assert.rejects(run(['linux-9']), /unknown profile 'linux-9'/);
  await assert.rejects(run(['a', 'b']), /give at most one profile/);
  await assert.rejects(run(['--format', 'xml']), /--format must be one of text, json/);
  await assert.rejects(run(['linux-6.12', '--tree', 'x']), /--tree goes with auto/);
});
