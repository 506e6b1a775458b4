// normalizeExpr: one spelling per lock expression.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeExpr } from '../../server/src/c/expr';

test('normalizeExpr strips &, outer and operand parentheses, casts and whitespace', () => {
  const cases: [string, string][] = [
    ['&(mm)->page_table_lock', 'mm->page_table_lock'],
    ['&mm->page_table_lock', 'mm->page_table_lock'],
    ['( &mm -> page_table_lock )', 'mm->page_table_lock'],
    ['&(mm->page_table_lock)', 'mm->page_table_lock'],
    ['(spinlock_t *)&vma->vm_mm->page_table_lock', 'vma->vm_mm->page_table_lock'],
    ['&anon_vma->root->rwsem', 'anon_vma->root->rwsem'],
    ['&(vma)->vm_mm->mmap_lock', 'vma->vm_mm->mmap_lock'],
    ['&mapping->i_pages.xa_lock', 'mapping->i_pages.xa_lock'],
    ['&si->swap_map[offset]', 'si->swap_map[offset]'],
    ['ptl', 'ptl'],
    ['*ptlp', '*ptlp'],
    ['&*x', 'x'],
    ['pmd_lockptr(mm, pmd)', 'pmd_lockptr(mm,pmd)'],
    ['&hugetlb_fault_mutex_table[hash]', 'hugetlb_fault_mutex_table[hash]'],
    ['&(a + b)->lock', '(a+b)->lock'],
    ['/* x */ &mm->mmap_lock', 'mm->mmap_lock'],
    ['&swap_lock', 'swap_lock'],
    ['(struct anon_vma *)x', 'x'],
  ];
  for (const [input, want] of cases) assert.equal(normalizeExpr(input), want, input);
});
