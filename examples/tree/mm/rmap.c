/*
 * mm/rmap.c (miniature, for the mmlock example)
 *
 * Lock ordering in mm:
 *
 * inode->i_mutex	(while writing or truncating, not reading or faulting)
 *   mm->mmap_sem
 *     page->flags PG_locked (lock_page)
 *       mapping->i_mmap_lock
 *         anon_vma->lock
 *           mm->page_table_lock or pte_lock
 *             swap_lock (in swap_duplicate, swap_info_get)
 *               mmlist_lock (in mmput, drain_mmlist and others)
 */
#include <linux/mm_types.h>
#include <linux/rmap.h>

/* Walk the anon_vma of a page and unmap it from every vma that maps it. */
static int try_to_unmap_anon(struct page *page)
{
	struct anon_vma *anon_vma;
	struct vm_area_struct *vma;
	int ret = 0;

	anon_vma = page_lock_anon_vma(page);
	if (!anon_vma)
		return ret;
	list_for_each_entry(vma, &anon_vma->head, anon_vma_node) {
		struct mm_struct *mm = vma->vm_mm;

		spin_lock(&mm->page_table_lock);
		ret = unmap_one(page, vma);
		spin_unlock(&mm->page_table_lock);
		if (ret)
			break;
	}
	page_unlock_anon_vma(anon_vma);
	return ret;
}
