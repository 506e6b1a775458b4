// Scope-based lock guards of <linux/cleanup.h> through the whole pipeline (neutralize, parse,
// simulate) with the built-in linux-6.12 profile: guard(), scoped_guard(), scoped_cond_guard(),
// in C files and in patches.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../server/src/analysis';
import { guardsDefinedIn } from '../../server/src/c/guard-defs';
import { loadProfile } from '../../server/src/model/profiles';

async function check(text: string, name = 'mm/guarded.c') {
  const r = await analyze({ name, text, profile: 'linux-6.12', all: true });
  return r.findings.map((f) => `${f.code}@${f.line} ${f.function}`).sort();
}

const HEAD = `#include <linux/mm.h>
`;

describe('scoped_guard and scoped_cond_guard', () => {
  test('sleeping inside scoped_guard(spinlock) is reported at the sleep, with the guard as the lock', async () => {
    const text = `${HEAD}
static void f(struct mm_struct *mm)
{
	scoped_guard(spinlock, &mm->page_table_lock) {
		might_sleep();
	}
	might_sleep();
}
`;
    const r = await analyze({ name: 'mm/guarded.c', text, profile: 'linux-6.12', all: true });
    const f = r.findings.filter((x) => x.code !== 'analysis-limit');
    assert.deepEqual(f.map((x) => `${x.code}@${x.line}`), ['sleep-in-atomic@6']);
    assert.match(f[0].message, /page_table_lock/);
    assert.equal(f[0].related[0].line, 5);
  });

  test('a scoped_guard body without a braces block, and break leaving the scope', async () => {
    assert.deepEqual(await check(`${HEAD}
static void f(struct mm_struct *mm, int x)
{
	scoped_guard(spinlock, &mm->page_table_lock)
		x++;
	while (x--) {
		scoped_guard(spinlock, &mm->page_table_lock) {
			if (x == 3)
				break;
			x++;
		}
		might_sleep();
	}
}
`), []);
  });

  test('return from inside scoped_guard releases it: nothing is held at exit', async () => {
    const text = `${HEAD}
static int f(struct mm_struct *mm, int x)
{
	scoped_guard(spinlock, &mm->page_table_lock) {
		if (x)
			return 1;
	}
	return 0;
}
`;
    const r = await analyze({ name: 'mm/guarded.c', text, profile: 'linux-6.12', all: true });
    assert.deepEqual(r.findings.map((f) => f.code), []);
  });

  test('scoped_cond_guard(mutex_intr, ...) runs its body with the mutex held, and the mutex may sleep', async () => {
    assert.deepEqual(await check(`${HEAD}
static int f(struct mm_struct *mm, struct mutex *m)
{
	spin_lock(&mm->page_table_lock);
	scoped_cond_guard(mutex_intr, return -EINTR, m) {
		mm->map_count++;
	}
	spin_unlock(&mm->page_table_lock);
	return 0;
}
`), ['sleep-in-atomic@6 f']);
  });

  test('scoped_guard(spinlock_try, ...) never waits: no order problem', async () => {
    assert.deepEqual(await check(`${HEAD}
static void f(struct vm_area_struct *vma, struct anon_vma *anon_vma)
{
	spin_lock(&vma->vm_mm->page_table_lock);
	scoped_guard(mutex_try, &vma->vm_file->f_mapping->i_mmap_mutex) {
		vma->vm_flags = 0;
	}
	spin_unlock(&vma->vm_mm->page_table_lock);
}
`), []);
  });

  test('guard(mmap_read_lock)-style unknown guard types do nothing; guard(rwsem_write) on i_mmap_rwsem under the ptl is reported', async () => {
    assert.deepEqual(await check(`${HEAD}
static void f(struct mm_struct *mm, struct address_space *mapping)
{
	guard(some_private_guard)(mm);
	spin_lock(&mm->page_table_lock);
	{
		guard(rwsem_write)(&mapping->i_mmap_rwsem);
		mm->map_count++;
	}
	spin_unlock(&mm->page_table_lock);
}
`), ['lock-order@8 f', 'sleep-in-atomic@8 f']);
  });
});

describe('guards in a patch', () => {
  test('a patch that adds a guard(spinlock) before a sleeping call introduces sleep-in-atomic', async () => {
    const patch = `--- a/mm/guarded.c
+++ b/mm/guarded.c
@@ -3,5 +3,6 @@ static void f(struct mm_struct *mm)
 static void f(struct mm_struct *mm)
 {
+	guard(spinlock)(&mm->page_table_lock);
 	mm->map_count++;
 	might_sleep();
 }
`;
    const r = await analyze({ name: 'guard.patch', text: patch, profile: 'linux-6.12' });
    assert.deepEqual(r.findings.map((f) => `${f.code}@${f.line}`), ['sleep-in-atomic@7']);
    assert.equal(r.findings[0].introduced, true);
  });
});

describe('guard types read from the code (DEFINE_GUARD and friends)', () => {
  test('the 6.12 headers define exactly the built-in guards of linux-common', async () => {
    const tree = path.resolve(__dirname, '../../../../shared/corpus/linux-6.12');
    if (!fs.existsSync(tree)) return;
    const read = (f: string) => guardsDefinedIn(fs.readFileSync(path.join(tree, f), 'utf8'), f);
    const fromTree = ['include/linux/spinlock.h', 'include/linux/mutex.h', 'include/linux/rwsem.h', 'include/linux/rcupdate.h', 'include/linux/preempt.h']
      .flatMap(read).map((g) => `${g.name}=${g.lock}/${g.unlock}${g.cond ? '/' + g.cond : ''}`);
    const builtin = (loadProfile('linux-6.12').guards ?? []).map((g) => `${g.name}=${g.lock}/${g.unlock}${g.cond ? '/' + g.cond : ''}`);
    // Every built-in guard is in the tree as written (irq/irqsave live in irqflags.h, not in the
    // corpus extract); the tree's extra ones are those whose APIs the profile does not model.
    for (const g of builtin.filter((x) => !/^irq/.test(x))) assert.ok(fromTree.includes(g), g);
    assert.deepEqual(fromTree.filter((g) => !builtin.includes(g)).sort(),
      ['migrate=migrate_disable/migrate_enable', 'preempt_notrace=preempt_disable_notrace/preempt_enable_notrace']);
  });

  test('a guard type the file defines itself is understood', async () => {
    assert.deepEqual(await check(`${HEAD}
DEFINE_GUARD(ptl, spinlock_t *, spin_lock(_T), spin_unlock(_T))
DEFINE_GUARD_COND(ptl, _try, spin_trylock(_T))

static void f(struct mm_struct *mm)
{
	guard(ptl)(&mm->page_table_lock);
	might_sleep();
}

static void g(struct mm_struct *mm)
{
	scoped_guard(ptl_try, &mm->page_table_lock)
		mm->map_count++;
	might_sleep();
}
`), ['sleep-in-atomic@9 f']);
  });
});
