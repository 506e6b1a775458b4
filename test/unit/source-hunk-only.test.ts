// Hunk-only synthesis: real lines at real line numbers, synthetic headers/closers/gaps so that a
// C parser sees functions, and the maps back to the patch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePatchSet } from '../../server/src/patch';
import { materializeSeries } from '../../server/src/source';
import { fixture } from './patch-fixtures';

const files = () => materializeSeries(parsePatchSet(fixture('patch/hunk-only.patch'), 'hunk-only.patch'), null)[0].files;
const nonBlank = (text: string) =>
  text.split('\n').flatMap((l, i) => (l === '' ? [] : [`${i + 1}: ${l}`]));

test('two hunks of one function: header from the @@ section above the first, a gap between, positions real', () => {
  const f = files()[0];
  assert.equal(f.mode, 'hunk-only');
  assert.deepEqual(f.problems, []);
  const sig = 'int demo_expand(struct vm_area_struct *vma, unsigned long address) {';
  assert.deepEqual(f.synthetic, [
    { line: 30, kind: 'header', function: 'demo_expand', text: sig },
    { line: 38, kind: 'gap', function: 'demo_expand', text: '' },
  ]);
  assert.deepEqual(f.syntheticPre, [
    { line: 30, kind: 'header', function: 'demo_expand', text: sig },
    { line: 37, kind: 'gap', function: 'demo_expand', text: '' },
  ]);
  assert.deepEqual(nonBlank(f.post!), [
    `30: ${sig}`,
    '31: \tif (address < vma->vm_start)',
    '32: \t\treturn -EINVAL;',
    '34: \tspin_lock(&mm->page_table_lock);',
    '35: \tanon_vma_lock(vma);',
    '36: \tif (address > vma->vm_end) {',
    '37: \t\tunsigned long size = address - vma->vm_start;',
    '41: \t\t\tvma->vm_end = address;',
    '42: \t}',
    '43: \tanon_vma_unlock(vma);',
    '44: \tspin_unlock(&mm->page_table_lock);',
    '45: \tdemo_get(mm);',
    '46: \treturn error;',
    '47: }',
  ]);
  assert.deepEqual([...f.changedPost], [34, 44]);
  assert.deepEqual([...f.changedPre], []);
  assert.equal(f.postInputLine.get(34), 9);
  assert.equal(f.postInputLine.get(44), 17);
  assert.equal(f.preInputLine.get(34), 10);     // old 34 "anon_vma_lock(vma);"
  assert.equal(f.post!.split('\n').length - 1, 47);
});

test('a hunk at line 1 gets no header (reported); a declarator the hunk finishes is placed as is; closers appended', () => {
  const f = files()[1];
  assert.deepEqual(f.problems, [
    { message: 'mm/b.c: hunk 1 (line 1) starts inside early at line 1: no line above it for a synthetic header', inputLine: 23 },
  ]);
  assert.deepEqual(f.synthetic, [
    { line: 20, kind: 'header', function: 'expand_downwards', text: 'static int expand_downwards(struct vm_area_struct *vma,' },
    { line: 26, kind: 'closer', function: 'expand_downwards', text: '}' },
  ]);
  assert.deepEqual(nonBlank(f.post!), [
    '1: \tint x = 1;', '2: \tint y = 2;', '3: \tfoo(x);', '4: \tbar(x);',
    '20: static int expand_downwards(struct vm_area_struct *vma,',
    '21: \t\tunsigned long address)', '22: {', '23: \tint error;',
    '24: \tstruct mm_struct *mm = vma->vm_mm;', '25: \tspin_lock(&mm->page_table_lock);',
    '26: }',
  ]);
});

test('functions the hunk ends and starts: a header for the one it ends, a closer for one it opens, comments closed', () => {
  const f = files()[2];
  assert.deepEqual(f.problems, []);
  assert.deepEqual(f.synthetic, [
    { line: 9, kind: 'header', function: 'demo_get', text: 'static void demo_get(struct mm_struct *mm) {' },
    { line: 34, kind: 'header', function: 'demo_reset', text: 'void demo_reset(void) {' },
    { line: 40, kind: 'closer', function: 'demo_last', text: '}' },
    { line: 66, kind: 'gap', function: '', text: '/*' },
    { line: 70, kind: 'closer', function: '', text: '*/' },
  ]);
  assert.deepEqual(nonBlank(f.post!).slice(-10), [
    '35: }', '37: int demo_last(void)', '38: {', '39: \treturn 0;', '40: }',
    '66: /*', '67: \t * the comment goes on', '68: \t * and on and on', '69: \t * until the hunk ends', '70: */',
  ]);
  assert.deepEqual(nonBlank(f.pre).slice(0, 4), [
    '9: static void demo_get(struct mm_struct *mm) {', '10: \tdemo_count++;', '11: \tspin_unlock(&mm->page_table_lock);', '12: }',
  ]);
});

test('no tree: the real seed reply materialises hunk-only with functions named from the sections', () => {
  const set = parsePatchSet(fixture('patch/seed-anon-vma-chain-lock-reply.txt'), 'seed.txt');
  const mmap = materializeSeries(set, null)[0].files.find((f) => f.path === 'mm/mmap.c')!;
  assert.equal(mmap.mode, 'hunk-only');
  assert.deepEqual(mmap.synthetic.filter((s) => s.kind === 'header').map((s) => [s.line, s.function]), [
    [451, 'vma_link'], [1706, 'expand_upwards'], [1747, 'expand_downwards'],
  ]);
  const lines = mmap.post!.split('\n');
  assert.equal(lines[1765 - 1], ' spin_lock(&mm->anon_vma_chain_lock);');
  assert.equal(mmap.postInputLine.get(1765), 203);
});
