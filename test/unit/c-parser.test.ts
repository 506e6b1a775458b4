// Parsing, functions, touched functions, incremental re-parse.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { functionAt, functionsTouching } from '../../server/src/c/functions';
import { diffEdit, diffEdits, disposeC, initParser, ParseCancelled, parseC, parserReady, rawCursorOps, reparseC } from '../../server/src/c/parser';
import { lineStarts, toAst } from '../../server/src/sim/ast';

before(async () => { await initParser(); });

const SRC = [
  '/* header */',                                                     // 1
  'static inline struct page **first(struct mm_struct *mm, spinlock_t *ptl,', // 2
  '\t\tunsigned long addr, struct page *pages[], const char *name)',  // 3
  '{',                                                                // 4
  '\treturn NULL;',                                                   // 5
  '}',                                                                // 6
  '',                                                                 // 7
  'int second(void)',                                                 // 8
  '{',                                                                // 9
  '\tx = = 1;',                                                       // 10: broken
  '\treturn 0;',                                                      // 11
  '}',                                                                // 12
  '',                                                                 // 13
  'void third(int (*fn)(int), ...) { }',                              // 14
  '',
].join('\n');

test('initParser is idempotent', async () => {
  await Promise.all([initParser(), initParser()]);
  assert.equal(parserReady(), true);
});

test('functions: names, lines, offsets, errors, signature facts', () => {
  const file = parseC(SRC);
  try {
    assert.deepEqual(file.functions.map((f) => [f.name, f.startLine, f.endLine, f.hasErrors]),
      [['first', 2, 6, false], ['second', 8, 12, true], ['third', 14, 14, false]]);
    const [first, , third] = file.functions;
    assert.equal(first.startIndex, SRC.indexOf('static inline'));
    assert.equal(first.endIndex, SRC.indexOf('}\n\nint second') + 1);
    assert.equal(first.node.type, 'function_definition');
    assert.equal(first.body.type, 'compound_statement');
    assert.equal(first.isStatic, true);
    assert.equal(first.isInline, true);
    assert.equal(first.returnType, 'struct page **');
    assert.deepEqual(first.params, [
      { name: 'mm', type: 'mm_struct', pointer: 1 },
      { name: 'ptl', type: 'spinlock_t', pointer: 1 },
      { name: 'addr', type: 'unsigned long', pointer: 0 },
      { name: 'pages', type: 'page', pointer: 2 },
      { name: 'name', type: 'char', pointer: 1 },
    ]);
    assert.equal(third.returnType, 'void');
    assert.equal(third.isStatic, false);
    assert.deepEqual(third.params, [{ name: 'fn', type: 'int', pointer: 1 }]);
  } finally {
    disposeC(file);
  }
});

test('functionsTouching counts signature lines; functionAt finds the enclosing definition', () => {
  const file = parseC(SRC);
  try {
    const names = (lines: number[]) => functionsTouching(file, new Set(lines)).map((f) => f.name);
    assert.deepEqual(names([3]), ['first']);
    assert.deepEqual(names([1, 7, 13]), []);
    assert.deepEqual(names([12, 2, 14]), ['first', 'second', 'third']);
    assert.deepEqual(names([]), []);
    assert.equal(functionAt(file, 5)?.name, 'first');
    assert.equal(functionAt(file, 8)?.name, 'second');
    assert.equal(functionAt(file, 7), undefined);
    assert.equal(functionAt(file, 100), undefined);
  } finally {
    disposeC(file);
  }
});

test('reparseC reuses the old tree and matches a fresh parse; the old file stays usable', () => {
  const old = parseC(SRC);
  const edited = SRC.replace('\tx = = 1;', '\tif (x) {\n\t\tlist_for_each_entry(p, h, m) {\n\t\t}\n\t}');
  const again = reparseC(old, edited, { startIndex: SRC.indexOf('x = = 1;') });
  const fresh = parseC(edited);
  try {
    assert.equal(again.tree.rootNode.toString(), fresh.tree.rootNode.toString());
    assert.deepEqual(again.functions.map((f) => [f.name, f.startLine, f.endLine, f.hasErrors]),
      [['first', 2, 6, false], ['second', 8, 15, false], ['third', 17, 17, false]]);
    assert.equal(again.loops.length, 1);
    // The old CFile's tree was not edited in place.
    assert.equal(old.functions[1].hasErrors, true);
    assert.equal(old.tree.rootNode.endIndex, SRC.length);
  } finally {
    disposeC(old); disposeC(again); disposeC(fresh);
  }
});

test('diffEdit describes the one changed region', () => {
  assert.equal(diffEdit('abc', 'abc'), null);
  assert.deepEqual(diffEdit('ab\ncd\nef', 'ab\ncXd\nef'), {
    startIndex: 4, oldEndIndex: 4, newEndIndex: 5,
    startPosition: { row: 1, column: 1 }, oldEndPosition: { row: 1, column: 1 }, newEndPosition: { row: 1, column: 2 },
  });
});

test('an aborted signal cancels the parse', () => {
  const ac = new AbortController();
  ac.abort();
  assert.throws(() => parseC('int x;\n'.repeat(20000), { signal: ac.signal }), ParseCancelled);
  const ok = parseC('int f(void) { return 0; }\n', { signal: new AbortController().signal });
  assert.equal(ok.functions.length, 1);
  disposeC(ok);
});

test('diffEdits: several line-aligned regions; applying them makes the new text', () => {
  const a = ['a;', 'b;', 'c;', 'd;', 'e;', 'f;', 'g;', 'h;', 'i;', 'j;'].join('\n') + '\n';
  const b = ['a;', 'B;', 'c;', 'd;', 'e;', 'x;', 'y;', 'f;', 'g;', 'h;', 'j;'].join('\n') + '\n';
  const edits = diffEdits(a, b);
  assert.equal(edits.length, 3);
  // Applied highest first, the lengths add up to the new text's.
  let len = a.length;
  for (const e of [...edits].reverse()) len += (e.newEndIndex - e.startIndex) - (e.oldEndIndex - e.startIndex);
  assert.equal(len, b.length);
  assert.deepEqual(edits.map((e) => [e.startPosition.row, e.oldEndPosition.row, e.newEndPosition.row]), [[1, 2, 2], [5, 5, 7], [8, 9, 8]]);
});

test('reparseC after edits in several functions matches a fresh parse of real kernel C', () => {
  const corpus = path.resolve(__dirname, '../../../../shared/corpus/linux-6.12/mm/mmap.c');
  const base = fs.existsSync(corpus) ? fs.readFileSync(corpus, 'utf8') : Array.from({ length: 200 }, (_, i) => `static int f${i}(int x)\n{\n\tif (x)\n\t\treturn g(x);\n\treturn 0;\n}\n`).join('\n');
  const lines = base.split('\n');
  let seed = 7;
  const rand = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  for (let round = 0; round < 5; round++) {
    const next = lines.slice();
    for (let k = 0; k < 6; k++) {
      const at = Math.floor(rand() * next.length);
      const r = rand();
      if (r < 0.3) next.splice(at, 0, '\tspin_lock(&mm->page_table_lock);');
      else if (r < 0.6) next.splice(at, 1);
      else next[at] = (next[at] ?? '') + ' /* x */';
    }
    const edited = next.join('\n');
    const old = parseC(base);
    const again = reparseC(old, edited);
    const fresh = parseC(edited);
    try {
      assert.equal(again.tree.rootNode.toString(), fresh.tree.rootNode.toString(), `round ${round}`);
      assert.deepEqual(again.functions.map((f) => [f.name, f.startLine, f.endLine]), fresh.functions.map((f) => [f.name, f.startLine, f.endLine]));
    } finally {
      disposeC(old); disposeC(again); disposeC(fresh);
    }
  }
});

test('bodies converted through the runtime exports equal those converted through the cursor API', async () => {
  const raw = rawCursorOps();
  assert.ok(raw, 'web-tree-sitter as pinned exposes the cursor exports');
  // Real kernel code when the corpus is there (deep nesting, errors, missing nodes), else SRC.
  const mm = path.resolve(__dirname, '../../../../shared/corpus/linux-6.12/mm');
  const texts = fs.existsSync(mm) ? ['memory.c', 'rmap.c', 'mmap.c'].map((f) => fs.readFileSync(path.join(mm, f), 'utf8')) : [SRC];
  let nodes = 0;
  for (const text of [...texts, SRC, 'void f(void) { if (x { y(; }\n']) {
    const f = parseC(text);
    const starts = lineStarts(text);
    try {
      for (const fn of f.functions) {
        const slow = toAst(fn.body as never, starts);
        const fast = toAst(fn.body as never, starts, raw);
        assert.deepEqual(fast, slow, fn.name);
        const count = (n: { kids: unknown[] }): number => 1 + (n.kids as { kids: unknown[] }[]).reduce((a, k) => a + count(k), 0);
        nodes += count(fast);
        // The ordinary cursor still works after the raw walks (the transfer buffer is shared).
        assert.equal(fn.body.walk().nodeType, 'compound_statement');
      }
    } finally { disposeC(f); }
  }
  assert.ok(nodes > 1000, `${nodes} nodes compared`);
});
