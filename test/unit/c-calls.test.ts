// callsIn: order, names, arguments as written, positions.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { callsIn } from '../../server/src/c/calls';
import { exprText } from '../../server/src/c/expr';
import { disposeC, initParser, parseC } from '../../server/src/c/parser';

const FIX = path.resolve(__dirname, '../../../test/fixtures/c');

before(async () => { await initParser(); });

test('calls in source order with arguments and positions', () => {
  const text = fs.readFileSync(path.join(FIX, 'calls.c'), 'utf8');
  const file = parseC(text);
  try {
    const calls = callsIn(file.functions[0].body);
    assert.deepEqual(calls.map((c) => [c.name, c.calleeText, c.argTexts]), [
      ['spin_lock', 'spin_lock', ['&(mm)->page_table_lock']],
      ['pmd_lock', 'pmd_lock', ['mm', 'pmd_offset(pud, addr)']],
      ['pmd_offset', 'pmd_offset', ['pud', 'addr']],
      [null, 'mapping->a_ops->read_folio', ['file', 'folio']],
      ['spin_unlock', 'spin_unlock', ['ptl']],
    ]);
    const lines = text.split('\n');
    for (const c of calls) {
      const line = lines[c.line - 1];
      assert.equal(line.slice(c.column - 1, c.column - 1 + c.calleeText.length), c.calleeText);
      assert.equal(c.endLine, c.line);
      assert.equal(lines[c.endLine - 1][c.endColumn - 2], ')');
      assert.equal(c.args.length, c.argTexts.length);
    }
    assert.equal(exprText(calls[1].args[1]), 'pmd_offset(pud, addr)');
  } finally {
    disposeC(file);
  }
});

test("'evaluation' order puts argument calls first", () => {
  const file = parseC('void f(void)\n{\n\ta(b(c()), d());\n\te();\n}\n');
  try {
    assert.deepEqual(callsIn(file.functions[0].body).map((c) => c.name), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(callsIn(file.functions[0].body, { order: 'evaluation' }).map((c) => c.name), ['c', 'b', 'd', 'a', 'e']);
  } finally {
    disposeC(file);
  }
});

test('argument texts are the original text even where the neutralizer rewrote them', () => {
  const text = 'void f(struct rb_node *n)\n{\n\tg(container_of(n, struct anon_vma_chain, rb));\n}\n';
  const file = parseC(text);
  try {
    const calls = callsIn(file.functions[0].body);
    assert.deepEqual(calls[1].argTexts, ['n', 'struct anon_vma_chain', 'rb']);
    assert.deepEqual(calls[0].argTexts, ['container_of(n, struct anon_vma_chain, rb)']);
  } finally {
    disposeC(file);
  }
});
