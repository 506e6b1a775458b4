// Callees defined in the tree's other .c files (crossFile: what-if runs): found by name among the
// non-static definitions of the analysed file's directory, parsed alone with the file's own line
// numbers; static functions and mm/nommu.c are never taken.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze } from '../../server/src/analysis';
import { topLevelIndex } from '../../server/src/c/top-level';
import { whatIf, type WhatIfInput } from '../../server/src/what-if';
import type { AnalysisResult } from '../../server/src/analysis-types';

const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'mmlock-xfile-'));
after(() => fs.rmSync(tree, { recursive: true, force: true }));
const write = (rel: string, text: string) => { fs.mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true }); fs.writeFileSync(path.join(tree, rel), text); };
write('Makefile', 'VERSION = 2\nPATCHLEVEL = 6\nSUBLEVEL = 34\n');
write('mm/helpers.c', `#include <linux/mm.h>

/* a comment before the first definition */
int counter;

void take_mapping(struct address_space *mapping)
{
	spin_lock(&mapping->i_mmap_lock);
	counter++;
	spin_unlock(&mapping->i_mmap_lock);
}

static void private_take(struct address_space *mapping)
{
	spin_lock(&mapping->i_mmap_lock);
	spin_unlock(&mapping->i_mmap_lock);
}
`);
write('mm/nommu.c', `void nommu_take(struct address_space *mapping)
{
	spin_lock(&mapping->i_mmap_lock);
	spin_unlock(&mapping->i_mmap_lock);
}
`);
const caller = `#include <linux/mm.h>

static int unrelated(int x)
{
	return x + 1;
}

void caller(struct mm_struct *mm, struct address_space *mapping)
{
	spin_lock(&mm->page_table_lock);
	take_mapping(mapping);
	private_take(mapping);
	nommu_take(mapping);
	spin_unlock(&mm->page_table_lock);
}
`;
write('mm/caller.c', caller);

// A callee whose lock is found through a struct its own file defines (not the caller's).
write('mm/objs.c', `#include <linux/rmap.h>

struct helper_obj {
	struct anon_vma *av;
};

static DEFINE_SPINLOCK(objs_lock);

void take_obj(struct helper_obj *o)
{
	spin_lock(&o->av->lock);
	spin_unlock(&o->av->lock);
}

void take_objs_lock(void)
{
	spin_lock(&objs_lock);
	spin_unlock(&objs_lock);
}
`);
const objUser = `#include <linux/mm.h>

struct helper_obj;

void use_obj(struct mm_struct *mm, struct helper_obj *o)
{
	spin_lock(&mm->page_table_lock);
	take_obj(o);
	spin_unlock(&mm->page_table_lock);
}
`;

// A lock handed over across calls in another file (folio_lruvec_relock_irqsave() in a loop):
// the caller never sees the lock, so it must not see the interrupts its API disabled either.
write('mm/relock.c', `#include <linux/mm.h>

void relock_mapping(struct address_space *mapping, unsigned long *flags, int again)
{
	if (again)
		return;
	spin_lock_irqsave(&mapping->i_mmap_lock, *flags);
}
`);
const relockUser = `#include <linux/mm.h>

void relock_user(struct address_space *mapping)
{
	unsigned long flags;

	relock_mapping(mapping, &flags, 0);
	might_sleep();
}
`;

// A callee whose own file includes the header with the lock helper it calls; the caller's file
// does not include it.
write('include/linux/objlock.h', `static inline void obj_lock_helper(struct address_space *m)
{
	spin_lock(&m->i_mmap_lock);
	spin_unlock(&m->i_mmap_lock);
}
`);
write('mm/viahdr.c', `#include <linux/objlock.h>

void via_header(struct address_space *m)
{
	obj_lock_helper(m);
}
`);
const hdrUser = `#include <linux/mm.h>

void hdr_user(struct mm_struct *mm, struct address_space *mapping)
{
	spin_lock(&mm->page_table_lock);
	via_header(mapping);
	spin_unlock(&mm->page_table_lock);
}
`;
write('mm/hdruser.c', hdrUser);

async function run(crossFile: boolean) {
  return analyze({ name: path.join(tree, 'mm/caller.c'), text: caller, tree, profile: 'linux-2.6.34', all: true, crossFile });
}

describe('callees in other files of the tree', () => {
  test('a non-static callee of a sibling file is summarised, its site given in its own file', async () => {
    const r = await run(true);
    assert.deepEqual(r.findings.map((f) => `${f.code}@${f.line}`), ['lock-order@11']);
    const f = r.findings[0];
    assert.match(f.message, /take_mapping\(\) takes mapping->i_mmap_lock \(i_mmap_lock, at mm\/helpers\.c:8\)/);
  });

  test("a callee's struct fields and globals are those of its own file", async () => {
    const r = await analyze({ name: path.join(tree, 'mm/objuser.c'), text: objUser, tree, profile: 'linux-2.6.34', all: true, crossFile: true });
    // page_table_lock comes after anon_vma->lock (2.6.34 rmap.c): o->av is a struct anon_vma only
    // by mm/objs.c's struct helper_obj, which the caller's file never defines.
    assert.deepEqual(r.findings.map((f) => `${f.code}@${f.line}`), ['lock-order@8']);
    assert.match(r.findings[0].message, /take_obj\(\) takes o->av->lock \(anon_vma, at mm\/objs\.c:11\)/);
  });

  test('a callee in another file that returns holding a lock leaves neither the lock nor its irqs-off to the caller', async () => {
    const r = await analyze({ name: path.join(tree, 'mm/relockuser.c'), text: relockUser, tree, profile: 'linux-2.6.34', all: true, crossFile: true });
    assert.deepEqual(r.findings.map((f) => `${f.code}@${f.line}: ${f.message}`), []);
  });

  test("a whole-tree run analyses a callee in its own file's context: the headers it includes", async () => {
    // sites: false, the text as the tree has it: the run where every file has its own provider.
    const r = await analyze({ name: path.join(tree, 'mm/hdruser.c'), text: hdrUser, tree, profile: 'linux-2.6.34', all: true, crossFile: true, sites: false });
    assert.deepEqual(r.findings.map((f) => `${f.code}@${f.line}`), ['lock-order@6']);
    assert.match(r.findings[0].message, /via_header\(\) takes mapping->i_mmap_lock \(i_mmap_lock, at mm\/viahdr\.c:5\)/);
  });

  test('without crossFile (a plain check) it is not looked for', async () => {
    assert.deepEqual((await run(false)).findings.map((f) => f.code), []);
  });

  test('what-if reach: a file is reached through a callee in another file; functions that cannot reach an edited class are left out', async () => {
    const seen: WhatIfInput[] = [];
    const empty = { findings: [], notes: [], stats: { files: 1, functions: 0, ms: 0 } } as unknown as AnalysisResult;
    const inputs = ['mm/caller.c', 'mm/helpers.c'].map((f) => ({ name: path.join(tree, f), text: fs.readFileSync(path.join(tree, f), 'utf8') }));
    await whatIf({ edits: ['i_mmap_lock=mutex'], inputs, tree, runner: async (ins) => { seen.push(...ins); return ins.map(() => [empty, empty]); } });
    assert.deepEqual(seen.map((i) => [path.basename(i.name), i.skip]), [['caller.c', ['unrelated']], ['helpers.c', []]]);
  });

  test('the file-scope index knows static functions and where each definition stands', () => {
    const text = fs.readFileSync(path.join(tree, 'mm/helpers.c'), 'utf8');
    const ix = topLevelIndex(text);
    assert.deepEqual([...ix.functions].sort(), ['private_take', 'take_mapping']);
    assert.deepEqual([...ix.statics], ['private_take']);
    const s = ix.spans.get('take_mapping')!;
    assert.equal(text.slice(s.start, s.start + 4), 'void');
    assert.ok(text.slice(s.start, s.end).endsWith('}'));
    assert.equal(text.slice(ix.spans.get('private_take')!.start).split('\n')[0], 'static void private_take(struct address_space *mapping)');
  });
});

describe('patches against a real tree: callees in other files count by default', () => {
  const corpus = path.resolve(__dirname, '../../../../shared/corpus/linux-6.12');
  test('a patch calling vm_unmap_aliases() (mm/vmalloc.c: it takes vmap_purge_lock, a mutex) under the page_table_lock', { skip: !fs.existsSync(corpus) && 'no corpus' }, async () => {
    const lines = fs.readFileSync(path.join(corpus, 'mm/mmap.c'), 'utf8').split('\n');
    const at = lines.findIndex((l, i) => i > 1100 && l.trim() === 'spin_lock(&mm->page_table_lock);');
    assert.ok(at > 0);
    const indent = /^\s*/.exec(lines[at])![0];
    const ctx = (from: number, to: number) => lines.slice(from, to).map((l) => ' ' + l);
    const patch = ['--- a/mm/mmap.c', '+++ b/mm/mmap.c', `@@ -${at - 1},6 +${at - 1},7 @@`,
      ...ctx(at - 2, at + 1), `+${indent}vm_unmap_aliases();`, ...ctx(at + 1, at + 4), ''].join('\n');
    const r = await analyze({ name: 'prepare.patch', text: patch, tree: corpus });
    const sleep = r.findings.filter((f) => f.code === 'sleep-in-atomic');
    assert.equal(sleep.length, 1, JSON.stringify(r.findings.map((f) => f.message)));
    assert.equal(sleep[0].line, at + 2);
    assert.equal(sleep[0].introduced, true);
    assert.match(sleep[0].message, /^vm_unmap_aliases\(\) may sleep \(_vm_unmap_aliases\(\) may sleep .*mm\/vmalloc\.c:\d+\) while mm->page_table_lock is held/);
    const without = await analyze({ name: 'prepare.patch', text: patch, tree: corpus, crossFile: false });
    assert.deepEqual(without.findings.filter((f) => f.code === 'sleep-in-atomic'), []);
  });
});
