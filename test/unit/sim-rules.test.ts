// Every finding code with the bug and with the correct variant, including the correct-but-tricky
// patterns of real mm code (lock breaking, trylock fallbacks, functions returning a locked page,
// nested page-table locks, many locks of one class under a nest lock).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initHarness, simulate, codes } from './sim-harness';

before(initHarness);

describe('lock-order', () => {
  test('anon_vma lock taken under page_table_lock is an inversion', () => {
    const r = simulate(`
void f(struct vm_area_struct *vma, struct mm_struct *mm) {
	spin_lock(&mm->page_table_lock);
	spin_lock(&vma->anon_vma->lock);
	spin_unlock(&vma->anon_vma->lock);
	spin_unlock(&mm->page_table_lock);
}`).get('f');
    assert.deepEqual(codes(r), ['lock-order@4']);
    const f = r!.findings[0];
    assert.match(f.message, /spin_lock\(\) takes vma->anon_vma->lock \(anon_vma\) while holding mm->page_table_lock \(page_table_lock\)/);
    assert.match(f.message, /anon_vma -> page_table_lock/);
    assert.deepEqual(f.classes, ['page_table_lock', 'anon_vma']);
    assert.equal(f.related[0].line, 3);
  });
  test('the documented order is fine', () => {
    const r = simulate(`
void f(struct vm_area_struct *vma, struct mm_struct *mm) {
	spin_lock(&vma->anon_vma->lock);
	spin_lock(&mm->page_table_lock);
	spin_unlock(&mm->page_table_lock);
	spin_unlock(&vma->anon_vma->lock);
}`).get('f');
    assert.deepEqual(codes(r), []);
  });
  test('an inversion through a callee is reported at the call', () => {
    const r = simulate(`
static void lock_av(struct anon_vma *anon_vma) { spin_lock(&anon_vma->lock); }
void f(struct vm_area_struct *vma, struct mm_struct *mm) {
	spin_lock(&mm->page_table_lock);
	lock_av(vma->anon_vma);
	spin_unlock(&vma->anon_vma->lock);
	spin_unlock(&mm->page_table_lock);
}`);
    assert.deepEqual(codes(r.get('f')), ['lock-order@5']);
    assert.match(r.get('f')!.findings[0].message, /lock_av\(\) takes vma->anon_vma->lock \(anon_vma, at mm\/test.c:2\)/);
    assert.deepEqual(codes(r.get('lock_av')), []);
  });
  test('a trylock does not wait, so it cannot invert', () => {
    const r = simulate(`
void f(struct vm_area_struct *vma, struct mm_struct *mm) {
	spin_lock(&mm->page_table_lock);
	if (spin_trylock(&vma->anon_vma->lock)) {
		spin_unlock(&vma->anon_vma->lock);
	}
	spin_unlock(&mm->page_table_lock);
}`).get('f');
    assert.deepEqual(codes(r), []);
  });
});

describe('sleep-in-atomic', () => {
  test('mutex_lock under read_lock(&tasklist_lock)', () => {
    const r = simulate(`
void collect(struct address_space *mapping) {
	read_lock(&tasklist_lock);
	mutex_lock(&mapping->thing->mutex);
	mutex_unlock(&mapping->thing->mutex);
	read_unlock(&tasklist_lock);
}`).get('collect');
    assert.deepEqual(codes(r), ['sleep-in-atomic@4']);
    assert.match(r!.findings[0].message, /while tasklist_lock is held \(tasklist_lock, a spinning lock\)/);
  });
  test('kmalloc(GFP_KERNEL) under a spinlock, GFP_ATOMIC fine', () => {
    const r = simulate(`
void bad(struct mm_struct *mm) {
	spin_lock(&mm->page_table_lock);
	kmalloc(64, GFP_KERNEL);
	spin_unlock(&mm->page_table_lock);
}
void good(struct mm_struct *mm) {
	spin_lock(&mm->page_table_lock);
	kmalloc(64, GFP_ATOMIC);
	spin_unlock(&mm->page_table_lock);
	kmalloc(64, GFP_KERNEL);
}`);
    assert.deepEqual(codes(r.get('bad')), ['sleep-in-atomic@4']);
    assert.deepEqual(codes(r.get('good')), []);
  });
  test('a helper that sleeps, called under a spinlock; a gfp parameter decides', () => {
    const r = simulate(`
static void *helper(gfp_t gfp) { return kmalloc(8, gfp); }
static void sleeper(void) { might_sleep(); }
void f(struct mm_struct *mm) {
	spin_lock(&mm->page_table_lock);
	helper(GFP_ATOMIC);
	sleeper();
	spin_unlock(&mm->page_table_lock);
}`);
    assert.deepEqual(codes(r.get('f')), ['sleep-in-atomic@7']);
    assert.match(r.get('f')!.findings[0].message, /sleeper\(\) may sleep \(might_sleep\(\) may sleep at mm\/test.c:3\)/);
  });
  test('sleeping inside rcu_read_lock and after preempt_enable', () => {
    const r = simulate(`
void bad(void) { rcu_read_lock(); cond_resched(); rcu_read_unlock(); }
void good(void) { preempt_disable(); preempt_enable(); cond_resched(); }`);
    assert.deepEqual(codes(r.get('bad')), ['sleep-in-atomic@2']);
    assert.deepEqual(codes(r.get('good')), []);
  });
  test('cond_resched_lock breaks only its own lock', () => {
    const r = simulate(`
void bad(struct mm_struct *mm, struct address_space *mapping) {
	spin_lock(&mm->page_table_lock);
	spin_lock(&mapping->i_mmap_lock);
	cond_resched_lock(&mapping->i_mmap_lock);
	spin_unlock(&mapping->i_mmap_lock);
	spin_unlock(&mm->page_table_lock);
}
void good(struct address_space *mapping) {
	spin_lock(&mapping->i_mmap_lock);
	cond_resched_lock(&mapping->i_mmap_lock);
	spin_unlock(&mapping->i_mmap_lock);
}`);
    assert.deepEqual(codes(r.get('good')), []);
    assert.ok(codes(r.get('bad')).includes('sleep-in-atomic@5'));
  });
});

describe('double-lock', () => {
  test('the same lock twice', () => {
    const r = simulate(`
void f(struct mm_struct *mm) {
	spin_lock(&mm->page_table_lock);
	spin_lock(&mm->page_table_lock);
	spin_unlock(&mm->page_table_lock);
}`).get('f');
    assert.ok(codes(r).includes('double-lock@4'));
  });
  test('two page-table locks: spin_lock_nested is legal, plain spin_lock is not', () => {
    const r = simulate(`
void good(struct mm_struct *mm, pmd_t *pmd, pmd_t *dpmd) {
	spinlock_t *src_ptl, *dst_ptl;
	pte_t *dst = pte_offset_map_lock(mm, dpmd, 0, &dst_ptl);
	src_ptl = pte_lockptr(mm, pmd);
	spin_lock_nested(src_ptl, SINGLE_DEPTH_NESTING);
	spin_unlock(src_ptl);
	pte_unmap_unlock(dst, dst_ptl);
}
void bad(struct mm_struct *mm, pmd_t *pmd, pmd_t *dpmd) {
	spinlock_t *src_ptl, *dst_ptl;
	pte_t *dst = pte_offset_map_lock(mm, dpmd, 0, &dst_ptl);
	src_ptl = pte_lockptr(mm, pmd);
	spin_lock(src_ptl);
	spin_unlock(src_ptl);
	pte_unmap_unlock(dst, dst_ptl);
}`);
    assert.deepEqual(codes(r.get('good')), []);
    assert.deepEqual(codes(r.get('bad')), ['double-lock@14']);
    assert.match(r.get('bad')!.findings[0].message, /same class pte_ptl/);
  });
  test('mm_take_all_locks: many locks of one class under down_write_nest_lock', () => {
    const r = simulate(`
int take_all(struct mm_struct *mm) {
	struct vm_area_struct *vma;
	down_write(&mm->mmap_sem);
	for (vma = mm->mmap; vma; vma = vma->vm_next) {
		if (vma->anon_vma)
			spin_lock_nest_lock(&vma->anon_vma->lock, &mm->mmap_sem);
	}
	return 0;
}`).get('take_all');
    assert.deepEqual(codes(r).filter((c) => !c.startsWith('unbalanced')), []);
  });
});

describe('unbalanced-lock and unlock-unheld', () => {
  test('an error path that forgets to unlock', () => {
    const r = simulate(`
int f(struct mm_struct *mm, int x) {
	spin_lock(&mm->page_table_lock);
	if (x)
		return -EINVAL;
	spin_unlock(&mm->page_table_lock);
	return 0;
}`).get('f');
    assert.deepEqual(codes(r), ['unbalanced-lock@5']);
    assert.match(r!.findings[0].message, /can return with mm->page_table_lock held \(taken at line 3\)/);
  });
  test('goto out_unlock error handling is balanced', () => {
    const r = simulate(`
int f(struct mm_struct *mm, int x) {
	int ret = 0;
	spin_lock(&mm->page_table_lock);
	if (x) {
		ret = -EINVAL;
		goto out_unlock;
	}
	ret = 1;
out_unlock:
	spin_unlock(&mm->page_table_lock);
	return ret;
}`).get('f');
    assert.deepEqual(codes(r), []);
  });
  test('unlock on a path where the lock was never taken', () => {
    const r = simulate(`
int f(struct mm_struct *mm, int x) {
	if (x)
		goto out;
	spin_lock(&mm->page_table_lock);
	x++;
out:
	spin_unlock(&mm->page_table_lock);
	return 0;
}`).get('f');
    assert.deepEqual(codes(r), ['unlock-unheld@8']);
  });
  test('releasing the caller lock is the role of the function, releasing it twice is not', () => {
    const r = simulate(`
void unlock_it(struct mm_struct *mm) { spin_unlock(&mm->page_table_lock); }
void twice(struct mm_struct *mm) { spin_unlock(&mm->page_table_lock); spin_unlock(&mm->page_table_lock); }`);
    assert.deepEqual(codes(r.get('unlock_it')), []);
    assert.deepEqual(codes(r.get('twice')), ['unlock-unheld@3']);
  });
  test('trylock fallback: if (!spin_trylock(l)) goto out', () => {
    const r = simulate(`
int f(struct mm_struct *mm) {
	if (!spin_trylock(&mm->page_table_lock))
		goto out;
	spin_unlock(&mm->page_table_lock);
	return 1;
out:
	return 0;
}`).get('f');
    assert.deepEqual(codes(r), []);
  });
  test('locked = trylock_page(p); ... if (locked) unlock_page(p)', () => {
    const r = simulate(`
void f(struct page *page, int x) {
	int locked = trylock_page(page);
	x++;
	if (locked)
		unlock_page(page);
}`).get('f');
    assert.deepEqual(codes(r), []);
  });
  test('mutex_lock_killable: if (...) return -EINTR', () => {
    const r = simulate(`
int f(struct thing *t) {
	if (mutex_lock_killable(&t->mutex))
		return -EINTR;
	mutex_unlock(&t->mutex);
	return 0;
}`).get('f');
    assert.deepEqual(codes(r), []);
  });
  test('a function returning a locked page or NULL is not unbalanced, and its caller balances it', () => {
    const r = simulate(`
struct page *get_locked(struct address_space *mapping, int idx) {
	struct page *page = find_lock_page(mapping, idx);
	if (!page)
		return NULL;
	if (idx > 3) {
		unlock_page(page);
		return NULL;
	}
	return page;
}
int user(struct address_space *mapping) {
	struct page *p = get_locked(mapping, 1);
	if (!p)
		return -ENOMEM;
	unlock_page(p);
	return 0;
}
int leaky(struct address_space *mapping) {
	struct page *p = get_locked(mapping, 1);
	if (!p)
		return -ENOMEM;
	return 0;
}`);
    assert.deepEqual(codes(r.get('get_locked')), []);
    assert.deepEqual(codes(r.get('user')), []);
    assert.deepEqual(codes(r.get('leaky')), []); // returns with it held on every path: its role
  });
  test('lock breaking and relocking in a loop', () => {
    const r = simulate(`
void f(struct mm_struct *mm, int n) {
	int i;
	spin_lock(&mm->page_table_lock);
	for (i = 0; i < n; i++) {
		if (need_resched()) {
			spin_unlock(&mm->page_table_lock);
			cond_resched();
			spin_lock(&mm->page_table_lock);
		}
	}
	spin_unlock(&mm->page_table_lock);
}`).get('f');
    assert.deepEqual(codes(r), []);
  });
  test('conditional lock and unlock on the same condition', () => {
    const r = simulate(`
void f(struct mm_struct *mm, int need) {
	if (need)
		spin_lock(&mm->page_table_lock);
	do_something();
	if (need)
		spin_unlock(&mm->page_table_lock);
}`).get('f');
    assert.deepEqual(codes(r), []);
  });
});

describe('irq-state', () => {
  test('an irq-safe lock with plain spin_lock, and with spin_lock_irq', () => {
    const r = simulate(`
void bad(struct address_space *mapping) { spin_lock(&mapping->tree_lock); spin_unlock(&mapping->tree_lock); }
void good(struct address_space *mapping) { spin_lock_irq(&mapping->tree_lock); spin_unlock_irq(&mapping->tree_lock); }`);
    assert.deepEqual(codes(r.get('bad')), ['irq-state@2']);
    assert.deepEqual(codes(r.get('good')), []);
  });
});

describe('traces and summaries', () => {
  test('a trace per distinct lock behaviour', () => {
    const r = simulate(`
void f(struct vm_area_struct *vma, struct mm_struct *mm, int x) {
	spin_lock(&mm->page_table_lock);
	if (x)
		spin_lock(&vma->anon_vma->lock);
	if (x)
		spin_unlock(&vma->anon_vma->lock);
	spin_unlock(&mm->page_table_lock);
}`).get('f')!;
    const shapes = r.traces.map((t) => t.events.map((e) => `${e.op}(${e.lock})`).join(' ')).sort();
    assert.deepEqual(shapes, [
      'lock(page_table_lock) lock(anon_vma) unlock(anon_vma) unlock(page_table_lock)',
      'lock(page_table_lock) unlock(page_table_lock)',
    ]);
  });
  test('a summary keeps the lock a wrapper returns with', () => {
    const r = simulate(`
static void my_lock(struct mm_struct *mm) { spin_lock(&mm->page_table_lock); }`).get('my_lock')!;
    assert.equal(r.summary.exits.length, 1);
    assert.deepEqual(r.summary.exits[0].acquired.map((a) => [a.class, a.instance]), [['page_table_lock', '$0->page_table_lock']]);
  });
});

describe('scope-based guards (<linux/cleanup.h>)', () => {
  test('sleeping under guard(spinlock) is sleep-in-atomic, named as the guard', () => {
    const r = simulate(`
void f(struct mm_struct *mm) {
	guard(spinlock)(&mm->page_table_lock);
	might_sleep();
}`).get('f');
    assert.deepEqual(codes(r), ['sleep-in-atomic@4']);
    assert.match(r!.findings[0].message, /mm->page_table_lock/);
    assert.equal(r!.findings[0].related[0].line, 3);
  });
  test('the guard ends with its block: sleeping after it is fine, and nothing is unbalanced', () => {
    const r = simulate(`
void f(struct mm_struct *mm, int x) {
	if (x) {
		guard(spinlock)(&mm->page_table_lock);
		x++;
	}
	might_sleep();
}`).get('f');
    assert.deepEqual(codes(r), []);
    assert.deepEqual(r!.summary.exits.flatMap((e) => e.acquired), []);
  });
  test('return, break, continue and goto out of the scope release it', () => {
    const r = simulate(`
int f(struct mm_struct *mm, int x) {
	for (;;) {
		guard(spinlock)(&mm->page_table_lock);
		if (x == 1) break;
		if (x == 2) continue;
		if (x == 3) goto out;
		if (x == 4) return 1;
	}
out:
	might_sleep();
	return 0;
}`).get('f');
    assert.deepEqual(codes(r), []);
    assert.deepEqual(r!.summary.exits.flatMap((e) => e.acquired), []);
  });
  test('a guard released at the end of the function still orders locks inside it', () => {
    const r = simulate(`
void f(struct vm_area_struct *vma, struct mm_struct *mm) {
	guard(spinlock)(&mm->page_table_lock);
	spin_lock(&vma->anon_vma->lock);
	spin_unlock(&vma->anon_vma->lock);
}`).get('f');
    assert.deepEqual(codes(r), ['lock-order@4']);
  });
  test('taking the guarded lock again inside the scope is a double lock', () => {
    const r = simulate(`
void f(struct mm_struct *mm) {
	guard(spinlock)(&mm->page_table_lock);
	spin_lock(&mm->page_table_lock);
	spin_unlock(&mm->page_table_lock);
}`).get('f');
    assert.deepEqual(codes(r), ['double-lock@4']);
    assert.match(r!.findings[0].message, /^spin_lock\(\) takes mm->page_table_lock/);
  });
  test('guard(mutex) under a spinlock: the message names the guard', () => {
    const r = simulate(`
void f(struct mm_struct *mm, struct mutex *m) {
	spin_lock(&mm->page_table_lock);
	{
		guard(mutex)(m);
		might_sleep();
	}
	spin_unlock(&mm->page_table_lock);
}`).get('f');
    assert.ok(codes(r).includes('sleep-in-atomic@5'), codes(r).join());
    assert.match(r!.findings.find((f) => f.line === 5)!.message, /^guard\(mutex\) takes m/);
  });
  test('guard(rcu)() makes the rest of the block atomic', () => {
    const r = simulate(`
void f(void) {
	guard(rcu)();
	might_sleep();
}`).get('f');
    assert.deepEqual(codes(r), ['sleep-in-atomic@4']);
    assert.match(r!.findings[0].message, /RCU/);
  });
  test('an unknown guard type changes nothing', () => {
    const r = simulate(`
void f(struct foo *p) {
	guard(srcu)(&p->srcu);
	might_sleep();
}`).get('f');
    assert.deepEqual(codes(r), []);
  });
});

describe('killable and interruptible acquisitions wait', () => {
  test('mutex_lock_killable() under a spinlock is sleep-in-atomic', () => {
    const r = simulate(`
int f(struct mm_struct *mm, struct mutex *m) {
	spin_lock(&mm->page_table_lock);
	if (mutex_lock_killable(m)) {
		spin_unlock(&mm->page_table_lock);
		return -4;
	}
	mutex_unlock(m);
	spin_unlock(&mm->page_table_lock);
	return 0;
}`).get('f');
    assert.deepEqual(codes(r), ['sleep-in-atomic@4']);
  });
  test('a trylock under a spinlock is not', () => {
    const r = simulate(`
int f(struct mm_struct *mm, struct page *page) {
	spin_lock(&mm->page_table_lock);
	if (trylock_page(page))
		unlock_page(page);
	spin_unlock(&mm->page_table_lock);
	return 0;
}`).get('f');
    assert.deepEqual(codes(r), []);
  });
});
