// The patch-line <-> file-line maps, and the function name of a hunk's @@ section.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  hunkFunctionName, inputLineToFileLine, newLineToInputLine, oldLineToInputLine, parsePatchSet,
} from '../../server/src/patch';
import { fixture } from './patch-fixtures';

test('new/old file lines to input lines and back, across a series', () => {
  const set = parsePatchSet(fixture('patch/series-3.mbox'), 'series-3.mbox');
  const demo1 = set.patches[0].files[0];
  assert.equal(newLineToInputLine(demo1, 35), 56);      // "+\tspin_lock(&mm->page_table_lock);"
  assert.equal(newLineToInputLine(demo1, 36), 57);      // context "anon_vma_lock(vma);"
  assert.equal(oldLineToInputLine(demo1, 34), 57);
  assert.equal(oldLineToInputLine(demo1, 35), 58);
  assert.equal(newLineToInputLine(demo1, 20), undefined); // not shown by the patch
  const demo2 = set.patches[1].files[0];
  assert.equal(oldLineToInputLine(demo2, 35), 104);     // "-\tspin_lock(&mm->page_table_lock);"
  assert.equal(newLineToInputLine(demo2, 35), 105);     // context "anon_vma_lock(vma);"
  assert.equal(newLineToInputLine(demo2, 36), 106);     // "+\tspin_lock(&mm->page_table_lock);"

  const r = inputLineToFileLine(set, 56)!;
  assert.deepEqual([r.patch, r.file.newPath, r.side, r.line], [0, 'mm/demo.c', 'new', 35]);
  const d = inputLineToFileLine(set, 104)!;
  assert.deepEqual([d.patch, d.file.newPath, d.side, d.line], [1, 'mm/demo.c', 'old', 35]);
  const h = inputLineToFileLine(set, 168)!;               // patch 3, mm/demo.h "+void demo_reset(void);"
  assert.deepEqual([h.patch, h.file.newPath, h.side, h.line], [2, 'mm/demo.h', 'new', 6]);
  assert.equal(inputLineToFileLine(set, 52), undefined);  // a hunk header
  assert.equal(inputLineToFileLine(set, 1), undefined);   // text before the series
});

test('hunkFunctionName: the convention', () => {
  const cases: [string, string | undefined][] = [
    ['static int foo(struct x *y)', 'foo'],
    ['static inline void anon_vma_lock(struct vm_area_struct *vma)', 'anon_vma_lock'],
    ['static struct page *follow_page_mask(struct vm_area_struct *vma,', 'follow_page_mask'],
    ['static struct mm_struct * mm_init(struct mm_struct * mm, struct task_struct *p)', 'mm_init'],
    ['int __init __weak foo_init(void)', 'foo_init'],
    ['static void huge_pmd_share(struct mm_str', 'huge_pmd_share'],
    ['SYSCALL_DEFINE5(mremap, unsigned long, addr, unsigned long, old_len,', 'mremap'],
    ['COMPAT_SYSCALL_DEFINE3(set_mempolicy, int, mode, compat_ulong_t __user *, nmask,', 'set_mempolicy'],
    ['SYSCALL_DEFINE0(sync)', 'sync'],
    ['static int __attribute__((noinline)) bar(void)', 'bar'],
    ['struct anon_vma {', undefined],
    ['struct mm_struct init_mm = {', undefined],
    ['static const struct vm_operations_struct shmem_vm_ops = {', undefined],
    ['EXPORT_SYMBOL(folio_end_private_2);', undefined],
    ['static DEFINE_SPINLOCK(mmlist_lock);', undefined],
    ['int foo(void);', undefined],
    ['again: remove_next = 1 + (end > next->vm_end);', undefined],
    ['out:', undefined],
    ['#define foo(x) bar(x)', undefined],
    ['TESTPAGEFLAG(Locked, locked, PF_NO_TAIL)', undefined],
    ['', undefined],
  ];
  for (const [section, name] of cases) assert.equal(hunkFunctionName(section), name, section);
});
