// The neutralize pass: every rule keeps offsets and line breaks, and what it rewrites parses.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { neutralize } from '../../server/src/c/neutralize';
import { disposeC, initParser, parseC } from '../../server/src/c/parser';
import type { CFile } from '../../server/src/c/types';

const FIX = path.resolve(__dirname, '../../../test/fixtures/c');
const fixture = (name: string) => fs.readFileSync(path.join(FIX, name), 'utf8');

before(async () => { await initParser(); });

/** Same length, and every line break where it was. */
function assertShapeKept(text: string, out: string): void {
  assert.equal(out.length, text.length);
  for (let i = 0; i < text.length; i++) {
    const a = text[i], b = out[i];
    if (a === '\n' || a === '\r' || b === '\n' || b === '\r') assert.equal(b, a, `line break changed at offset ${i}`);
  }
}

function withFile<T>(text: string, f: (file: CFile) => T): T {
  const file = parseC(text);
  try { return f(file); } finally { disposeC(file); }
}

/** 1-based line and column of the first occurrence of `needle` in the original text. */
function where(text: string, needle: string): { line: number; column: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `${needle} not in fixture`);
  const before = text.slice(0, i);
  return { line: before.split('\n').length, column: i - before.lastIndexOf('\n') };
}

for (const name of fs.readdirSync(FIX).filter((f) => /\.[ch]$/.test(f)).sort()) {
  test(`fixture ${name}: same length and line breaks, no parse errors`, () => {
    const text = fixture(name);
    assertShapeKept(text, neutralize(text).text);
    withFile(text, (file) => {
      assert.equal(file.tree.rootNode.hasError, false, file.tree.rootNode.toString().slice(0, 400));
      for (const fn of file.functions) assert.equal(fn.hasErrors, false, fn.name);
    });
  });
}

test('attribute macros are blanked and the function found where it is written', () => {
  const text = fixture('attributes.c');
  const out = neutralize(text).text;
  assert.ok(!out.includes('__init') && !out.includes('__printf') && !out.includes('__user') && !out.includes('__weak'));
  // A file's own attribute macro (#define __fastpath_inline __always_inline) is blanked at its use...
  assert.ok(out.includes('static                  \nbool fixture_fast'));
  // ...but its #define line is left alone.
  assert.ok(out.includes('#define __fastpath_inline __always_inline'));
  withFile(text, (file) => {
    assert.deepEqual(file.functions.map((f) => f.name),
      ['mm_fixture_init', 'fixture_log', 'fixture_fast', 'fixture_weak', 'fixture_unlock', 'fixture_lock', 'fixture_held']);
    const init = file.functions[0];
    assert.equal(init.startLine, where(text, 'static int __init').line);
    assert.equal(init.isStatic, true);
    const fast = file.functions[2];
    assert.equal(fast.isInline, true, '__always_inline through a file macro counts as inline');
    assert.equal(fast.startLine, where(text, 'static __fastpath_inline').line);
  });
});

test('lock annotations are recorded with their offset and given to their function', () => {
  const text = fixture('attributes.c');
  const n = neutralize(text);
  assert.deepEqual(n.annotations.map((a) => [a.kind, a.expr, a.offset]), [
    ['releases', '&mm->page_table_lock', text.indexOf('__releases')],
    ['acquires', '&mm->page_table_lock', text.indexOf('__acquires')],
    ['must_hold', '&mm->page_table_lock', text.indexOf('__must_hold')],
  ]);
  withFile(text, (file) => {
    const by = new Map(file.functions.map((f) => [f.name, f.annotations]));
    assert.deepEqual(by.get('fixture_unlock'), [{ kind: 'releases', expr: '&mm->page_table_lock' }]);
    assert.deepEqual(by.get('fixture_lock'), [{ kind: 'acquires', expr: '&mm->page_table_lock' }]);
    assert.deepEqual(by.get('fixture_held'), [{ kind: 'must_hold', expr: '&mm->page_table_lock' }]);
    assert.deepEqual(by.get('fixture_fast'), []);
  });
});

test('SYSCALL_DEFINEn becomes a definition named as written, with typed parameters', () => {
  const text = fixture('syscall.c');
  const out = neutralize(text).text;
  assert.ok(out.includes('long fixture_sync(void      )'));
  assert.ok(out.includes('long            fixture_mprotect( unsigned long  start, size_t  len,'));
  withFile(text, (file) => {
    const [sync, mprotect] = file.functions;
    assert.equal(sync.name, 'fixture_sync');
    assert.deepEqual(sync.params, []);
    assert.equal(mprotect.name, 'fixture_mprotect');
    assert.equal(mprotect.startLine, where(text, 'SYSCALL_DEFINE3').line);
    assert.equal(mprotect.returnType, 'long');
    assert.deepEqual(mprotect.params, [
      { name: 'start', type: 'unsigned long', pointer: 0 },
      { name: 'len', type: 'size_t', pointer: 0 },
      { name: 'prot', type: 'unsigned long', pointer: 0 },
    ]);
  });
});

test('iterator macros and block macros become while loops; calls ending in ; stay calls', () => {
  const text = fixture('iterators.c');
  const n = neutralize(text);
  assert.deepEqual(n.loops.map((l) => [l.name, l.kind]), [
    ['list_for_each_entry', 'iterator'], ['for_each_vma', 'iterator'], ['list_for_each_entry_safe', 'iterator'],
    ['scoped_guard', 'block'], ['do_each_thread', 'do-each'], ['while_each_thread', 'while-each'],
  ]);
  for (const l of n.loops) assert.equal(text.slice(l.start, l.start + l.name.length), l.name);
  assert.ok(n.text.includes('fixture_for_each_thing(mm);'), 'a call followed by ; is left alone');
  withFile(text, (file) => {
    const walk = file.functions[0];
    const loops = walk.body.descendantsOfType('while_statement').map((w) => w!);
    assert.equal(loops.length, 4);
    const first = loops[0];
    const at = where(text, 'list_for_each_entry(page');
    assert.equal(first.startPosition.row + 1, at.line);
    assert.equal(first.startPosition.column + 1, at.column);
    // The braceless iterator governs exactly the next statement.
    const vmaLoop = loops[1];
    assert.equal(vmaLoop.childForFieldName('body')!.type, 'expression_statement');
    const threads = file.functions[1];
    const dos = threads.body.descendantsOfType('do_statement');
    assert.equal(dos.length, 1);
  });
});

test('scoped_guard without braces and scoped_cond_guard parse as loop heads; the fail statement becomes 0', () => {
  const text = `void f(struct mm_struct *mm, struct mutex *m)
{
	scoped_guard(rcu)
		mm->x++;
	scoped_cond_guard(mutex_intr, return -EINTR, m) {
		mm->y++;
	}
}
`;
  const n = neutralize(text);
  assert.equal(n.text.length, text.length);
  assert.ok(n.text.includes('while       (rcu)'), n.text);
  assert.ok(n.text.includes('while            (mutex_intr, 0            , m) {'), n.text);
  withFile(text, (file) => {
    const loops = file.functions[0].body.descendantsOfType('while_statement');
    assert.equal(loops.length, 2);
    assert.equal(file.functions[0].hasErrors, false);
    assert.equal(loops[0]!.childForFieldName('body')!.type, 'expression_statement');
  });
});

test('#if/#else inside a body keeps the first branch; #if 0 keeps the #else; file scope keeps alternatives', () => {
  const text = fixture('preproc.c');
  const out = neutralize(text).text;
  assert.ok(out.includes('if (address > vma->vm_end) {'));
  assert.ok(!out.includes('if (address < vma->vm_start)'), 'the #else branch of a split statement is blanked');
  assert.ok(!out.includes('this is not C'), 'the dead #if 0 branch is blanked');
  assert.ok(out.includes('\tspin_lock(&vma->vm_mm->page_table_lock);'), 'the #else of #if 0 is kept');
  assert.ok(!out.includes('#ifndef CONFIG_IA64'), 'a file-scope group splitting a declaration is resolved');
  assert.ok(out.includes('#ifdef CONFIG_MMU') && out.includes('#else\nstatic inline int fixture_mmu'),
    'whole alternative definitions at file scope are kept');
  withFile(text, (file) => {
    assert.deepEqual(file.functions.map((f) => [f.name, f.isInline, f.hasErrors]),
      [['fixture_expand', true, false], ['fixture_mmu', false, false], ['fixture_mmu', true, false]]);
    assert.equal(file.functions[0].startLine, where(text, 'static inline').line);
    assert.equal(file.functions[0].body.descendantsOfType('preproc_ifdef').length, 0);
  });
});

test("preprocBranches 'when-needed' leaves whole-statement groups; 'keep' leaves all", () => {
  const text = 'void f(int a)\n{\n#ifdef X\n\ta = 1;\n#else\n\ta = 2;\n#endif\n}\n';
  assert.equal(neutralize(text, { preprocBranches: 'when-needed' }).text, text);
  assert.equal(neutralize(text, { preprocBranches: 'keep' }).text, text);
  assert.equal(neutralize(text).text, 'void f(int a)\n{\n        \n\ta = 1;\n     \n\t      \n      \n}\n');
});

test('type arguments, declaration macros and GNU forms', () => {
  const text = fixture('macro-args.c');
  const out = neutralize(text).text;
  assert.ok(out.includes('container_of(node, struct_anon_vma_chain, rb)'));
  assert.ok(out.includes('list_first_entry(head, struct_page, lru)'));
  assert.ok(out.includes('min_t(unsigned_long, avc->rb_subtree_last, 4)'));
  assert.ok(out.includes('DECLARE_BITMAP map      = { 0 };'));
  assert.ok(out.includes('\t       DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 10);'));
  assert.ok(out.includes('_ffsetof(struct_fixture_cgroup, events_file[n])'));
  assert.ok(out.includes('sizeof     (first->lru)'));
  assert.ok(out.includes('case 1  |  3:'));
  withFile(text, (file) => {
    const fn = file.functions[0];
    assert.equal(fn.hasErrors, false);
    assert.equal(fn.returnType, 'struct anon_vma *');
    // The container_of call is where it is written, with its arguments as written.
    const call = fn.body.descendantsOfType('call_expression').map((c) => c!)
      .find((c) => c.childForFieldName('function')!.text === 'container_of')!;
    const at = where(text, 'container_of(');
    assert.equal(call.startPosition.row + 1, at.line);
    assert.equal(call.startPosition.column + 1, at.column);
  });
});

test('file-scope invocations without ; and attributes before a name are blanked', () => {
  const text = fixture('file-scope.c');
  const out = neutralize(text).text;
  assert.ok(!out.includes('postcore_initcall') && !out.includes('FIXTURE_TREE_DEFINE'));
  assert.ok(out.includes('void              fixture_free_area('));
  assert.ok(out.includes('int                   nid ;'));
  withFile(text, (file) => {
    assert.deepEqual(file.functions.map((f) => f.name), ['fixture_init', 'fixture_free_area']);
  });
});

test('iterator macros from the profile and from the file\'s own #defines', () => {
  const text = 'void f(struct zone *z)\n{\n\tzone_walk(z)\n\t\tg(z);\n\tmy_walk(z)\n\t\tg(z);\n}\n';
  const plain = neutralize(text);
  assert.equal(plain.loops.length, 0);
  assert.deepEqual(neutralize(text, { iteratorMacros: ['zone_walk'] }).loops.map((l) => l.name), ['zone_walk']);
  const defined = '#define my_walk(z) \\\n\tfor (z = 0; z; z++)\n' + text;
  assert.deepEqual(neutralize(defined).loops.map((l) => l.name), ['my_walk']);
});

test('CRLF text, non-ASCII text and unterminated constructs keep their shape', () => {
  const crlf = 'static int __init f(void)\r\n{\r\n\tlist_for_each_entry(p, h, m) {\r\n\t}\r\n}\r\n';
  assertShapeKept(crlf, neutralize(crlf).text);
  withFile(crlf, (file) => assert.deepEqual(file.functions.map((f) => [f.name, f.hasErrors]), [['f', false]]));
  const utf = '/* é — ü */ void g(void)\n{\n\tspin_lock(&l); /* ∑ */ spin_unlock(&l);\n}\n';
  withFile(utf, (file) => {
    const calls = file.functions[0].body.descendantsOfType('call_expression').map((c) => c!);
    // Columns are UTF-16 units of the original text.
    assert.equal(calls[1].startIndex, utf.indexOf('spin_unlock'));
  });
  for (const bad of ['void f(void) { "unterminated\n }', '#if 1\nvoid f(void) {', '/* open comment', 'x(((((']) {
    assertShapeKept(bad, neutralize(bad).text);
  }
});

test('neutralize is linear on a large input', () => {
  const unit = 'static int __init f(void)\n{\n\tlist_for_each_entry(p, h, m) {\n\t\tspin_lock(container_of(p, struct foo, m));\n\t}\n}\n';
  const small = unit.repeat(2000), big = unit.repeat(20000);
  const time = (s: string) => { const t0 = process.hrtime.bigint(); neutralize(s); return Number(process.hrtime.bigint() - t0); };
  time(small);
  const ts = time(small), tb = time(big);
  assert.ok(tb < ts * 40, `10x input took ${(tb / ts).toFixed(1)}x the time`);
});

test('deep nesting stays fast: brackets, conditionals at file scope and in bodies, nested type arguments', () => {
  const cases = [
    'void f(void){ x = ' + 'f('.repeat(10000) + 'unsigned long' + ')'.repeat(10000) + '; }',
    '#ifdef X\nint a;\n'.repeat(5000) + 'int x;\n' + '#else\nint b;\n#endif\n'.repeat(5000),
    'void f(void){\n' + '#ifdef X\na();\n'.repeat(5000) + 'x();\n' + '#else\nb();\n#endif\n'.repeat(5000) + '}\n',
    'void f(void){\n' + 'list_for_each_entry(a, b, c)\n'.repeat(10000) + 'x();\n}\n',
    '{'.repeat(10000) + '}'.repeat(10000),
  ];
  for (const text of cases) {
    const t0 = Date.now();
    const out = neutralize(text).text;
    assert.equal(out.length, text.length);
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  }
});
