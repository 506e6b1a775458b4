// The seed scenarios of the linux-mm threads, as patches against the real 2.6.34 tree:
// (a) expand_downwards takes page_table_lock, then anon_vma_lock() which now walks the
//     anon_vma_chain with spin_lock_nest_lock: lock-order at the anon_vma_lock line;
// (b) the same with a new mm->anon_vma_chain_lock documented above anon_vma->lock in the rmap.c
//     ordering comment: nothing;
// (c) collect_procs_file's i_mmap_lock converted to a mutex under read_lock(&tasklist_lock):
//     sleep-in-atomic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../server/src/analysis';

const repo = path.resolve(__dirname, '../../..');
const tree = path.resolve(repo, '../shared/corpus/linux-2.6.34');
const fixture = (n: string) => path.join(repo, 'test/fixtures/seeds', n);
const have = fs.existsSync(tree);

async function check(name: string) {
  const text = fs.readFileSync(fixture(name), 'utf8');
  return analyze({ name, text, tree });
}

test('(a) page_table_lock then anon_vma_lock: lock-order at the anon_vma_lock line', { skip: !have && 'no corpus' }, async () => {
  const r = await check('a-expand-downwards-page-table-lock.patch');
  assert.equal(r.profile.id, 'linux-2.6.34');
  const errs = r.findings.filter((f) => f.severity !== 'info');
  assert.deepEqual(errs.map((f) => `${f.code} ${f.file}:${f.line} ${f.function}`), ['lock-order mm/mmap.c:1767 expand_downwards']);
  const f = errs[0];
  assert.equal(f.introduced, true);
  assert.match(f.message, /anon_vma_lock\(\) takes .*anon_vma.* while .*mm->page_table_lock/);
  assert.deepEqual(f.classes, ['page_table_lock', 'anon_vma']);
  assert.equal(f.related[0].line, 1766);
  // The explorer's schedule: the other CPU is a 2.6.34 kernel path taking the two the other way.
  assert.match(f.related.map((r) => r.message).join('\n'), /deadlock schedule: CPU0 takes mm->page_table_lock at mm\/mmap\.c:1766; CPU1 \(.*\) takes &anon_vma->lock at linux-2\.6\.34 mm\/rmap\.c:\d+; .*CPU0 waits for/);
  // The patch line that shows `anon_vma_lock(vma, &mm->page_table_lock);`
  const lines = fs.readFileSync(fixture('a-expand-downwards-page-table-lock.patch'), 'utf8').split('\n');
  assert.equal(lines[f.inputLine! - 1], '+\tanon_vma_lock(vma, &mm->page_table_lock);');
});

test('(b) a new anon_vma_chain_lock documented above anon_vma->lock: nothing', { skip: !have && 'no corpus' }, async () => {
  const r = await check('b-expand-downwards-anon-vma-chain-lock.patch');
  assert.deepEqual(r.findings.filter((f) => f.severity !== 'info').map((f) => `${f.code} ${f.line}`), []);
  // and the new lock is understood: it resolves to a class placed above anon_vma
  const site = r.sites.find((s) => s.api === 'spin_lock' && s.instance === 'mm->anon_vma_chain_lock');
  assert.ok(site, 'the spin_lock of the new lock is a lock site');
  assert.notEqual(site!.class, null);
});

test('(c) i_mmap_lock as a mutex under read_lock(&tasklist_lock): sleep-in-atomic', { skip: !have && 'no corpus' }, async () => {
  const r = await check('c-collect-procs-file-mutex.patch');
  const errs = r.findings.filter((f) => f.severity !== 'info');
  assert.deepEqual(errs.map((f) => `${f.code} ${f.file}:${f.line} ${f.function}`), ['sleep-in-atomic mm/memory-failure.c:425 collect_procs_file']);
  assert.match(errs[0].message, /mutex_lock\(\) takes mapping->i_mmap_lock.*may sleep.*tasklist_lock is held/);
  assert.equal(errs[0].related[0].line, 424);
});
