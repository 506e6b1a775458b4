#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

struct anon_vma;

struct vm_area_struct {
	struct mm_struct *vm_mm;
	unsigned long vm_start;
	unsigned long vm_end;
	unsigned long vm_pgoff;
	struct list_head anon_vma_chain;
	struct anon_vma *anon_vma;
	struct file *vm_file;
};

struct mm_struct {
	struct vm_area_struct *mmap;
	int map_count;
	struct rw_semaphore mmap_sem;
	spinlock_t page_table_lock;
	unsigned long total_vm;
};

#endif
