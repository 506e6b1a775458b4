// The file-scope index (c/top-level.ts) that decides whether a header is parsed for a lookup: it
// must never miss a definition the parser would find, and should skip prototypes and bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { capText, topLevelIndex } from '../../server/src/c/top-level';
import { initParser, parseC, disposeC } from '../../server/src/c/parser';
import { iteratorMacrosDefinedIn } from '../../server/src/c/macro-rules';

const header = `
#ifndef _LINUX_X_H
#define _LINUX_X_H
#define lock_it(x) do { spin_lock(x); } while (0)
extern spinlock_t mmlist_lock;
struct anon_vma { struct rw_semaphore rwsem; atomic_t refcount; };
void folio_lock_slow(struct folio *folio);
static inline void anon_vma_lock_write(struct anon_vma *anon_vma) __acquires(anon_vma->rwsem)
{
	down_write(&anon_vma->rwsem);
}
PAGEFLAG(Locked, locked, PF_NO_TAIL)
static __always_inline struct page *page_of(struct folio *f)
{
	return &f->page;
}
static inline int (*handler_for(int n))(void) { return n ? a : b; }
int table[4] = { 1, 2, 3, 4 };
#endif
`;

test('topLevelIndex: definitions, not prototypes, macro bodies or calls inside bodies', () => {
  const ix = topLevelIndex(header);
  assert.ok(ix.functions.has('anon_vma_lock_write'));
  assert.ok(ix.functions.has('page_of'), 'a definition after a macro invocation without ;');
  assert.ok(!ix.functions.has('PAGEFLAG'));
  assert.ok(!ix.functions.has('folio_lock_slow'), 'a prototype is no definition');
  assert.ok(!ix.functions.has('down_write'), 'a call inside a body');
  assert.ok(!ix.functions.has('spin_lock'), 'a call inside a #define');
  assert.ok(!ix.functions.has('table'));
  assert.ok(ix.names.has('mmlist_lock'));
  assert.ok(!ix.names.has('refcount'), 'struct members are not file-scope names');
  assert.ok(topLevelIndex('static DEFINE_SPINLOCK(swap_lock);\n').names.has('swap_lock'), 'declared by a macro');
  assert.ok(ix.structs.has('anon_vma'));
});

test('topLevelIndex: SYSCALL_DEFINEn(name, ...) defines name(), as the parser names it; attributes are not names', () => {
  const ix = topLevelIndex('SYSCALL_DEFINE3(madvise, unsigned long, start, size_t, len_in, int, behavior)\n{\n\treturn 0;\n}\nCOMPAT_SYSCALL_DEFINE0(sync_demo)\n{\n}\n');
  assert.deepEqual([...topLevelIndex('SYSCALL_DEFINE(readahead)(int fd, loff_t offset, size_t count)\n{\n}\n').spans.keys()], ['readahead'], '2.6-era form');
  assert.deepEqual([...ix.functions], ['madvise', 'sync_demo']);
  assert.deepEqual([...ix.spans.keys()], ['madvise', 'sync_demo']);
  const weak = topLevelIndex('bool __init __attribute((weak)) arch_valid(unsigned long size)\n{\n\treturn 1;\n}\n'
    + 'static void __attribute__((noreturn)) die(void) __attribute__((cold))\n{\n}\n');
  assert.deepEqual([...weak.spans.keys()], ['arch_valid', 'die']);
});

test('topLevelIndex: braces that do not balance across #if arms make every identifier count', () => {
  const ix = topLevelIndex('#ifdef A\nstatic void f(void) {\n#else\nstatic void f(void) {\n#endif\n g(); }\nstatic void h(void) { }\n');
  assert.ok(ix.functions.has('f') && ix.functions.has('h'));
});

// Whatever the parser finds in real headers, the index must find too (else lookups miss wrappers).
const corpus = path.resolve(__dirname, '../../../../shared/corpus/linux-6.12/include/linux');

/** The functions the parser finds in `dir`'s `*ext` files, and those `indexed` says the index lacks. */
async function unindexed(dir: string, ext: string, indexed: (ix: ReturnType<typeof topLevelIndex>, name: string) => boolean) {
  await initParser();
  let checked = 0;
  const missing: string[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(ext))) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const ix = topLevelIndex(text);
    const file = parseC(text);
    for (const fn of file.functions) { checked++; if (!indexed(ix, fn.name)) missing.push(`${f}:${fn.startLine} ${fn.name}`); }
    disposeC(file);
  }
  return { checked, missing };
}

test('topLevelIndex: no function the parser finds in 6.12 include/linux is missing', { skip: !fs.existsSync(corpus) }, async () => {
  const { checked, missing } = await unindexed(corpus, '.h', (ix, name) => ix.functions.has(name));
  assert.ok(checked > 1000, `only ${checked} functions`);
  assert.ok(missing.length <= checked * 0.005, `${missing.length} missing of ${checked}: ${missing.slice(0, 20).join(', ')}`);
});

test('topLevelIndex: every function the parser finds in 6.12 mm/*.c is indexed by the same name', { skip: !fs.existsSync(corpus) }, async () => {
  const { checked, missing } = await unindexed(path.join(corpus, '../../mm'), '.c', (ix, name) => ix.spans.has(name));
  assert.ok(checked > 5000, `only ${checked} functions`);
  assert.deepEqual(missing, []);
});

test('capText: keeps whole file-scope definitions up to the limit and says the first line left out', () => {
  const text = 'int a;\nstatic void f(void)\n{\n\tg();\n}\nstatic void h(void)\n{\n\tk();\n}\n';
  assert.deepEqual(capText(text, text.length), { text });
  const cut = capText(text, text.indexOf('k();'));
  assert.equal(cut.text, 'int a;\nstatic void f(void)\n{\n\tg();\n}\n');
  assert.equal(cut.cutLine, 6);
  // Not even one declaration fits: cut at the last whole line.
  const none = capText('static void f(void)\n{\n\tg();\n\th();\n}\n', 25);
  assert.equal(none.text, 'static void f(void)\n{\n');
  assert.equal(none.cutLine, 3);
});

test('iteratorMacrosDefinedIn: the iterator macros a file defines, for parsing one of its functions alone', () => {
  const text = '#define for_each_thing(t, l) \\\n\tfor ((t) = (l); (t); (t) = (t)->next)\n#define for_each_big(t, l) for_each_thing(t, l) if ((t)->big)\n#define NOT_A_LOOP(x) ((x) + 1)\n';
  assert.deepEqual(iteratorMacrosDefinedIn(text, []).sort(), ['for_each_big', 'for_each_thing']);
  assert.deepEqual(iteratorMacrosDefinedIn(text, ['for_each_thing']), ['for_each_big']);
  assert.deepEqual(iteratorMacrosDefinedIn('int x;\n', []), []);
});
