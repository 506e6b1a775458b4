// materializeSeries against a tree: exact application, offsets, stacking of a series,
// a hunk that does not apply (problem + hunk-only fallback), new/deleted/renamed files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parsePatchSet } from '../../server/src/patch';
import { fsTree, materializeSeries, memoryTree } from '../../server/src/source';
import { fixture, fixtureDir } from './patch-fixtures';

const DEMO = () => fixture('source/tree/mm/demo.c');
const line = (text: string, n: number) => text.split('\n')[n - 1];

test('series stacking: patch 2 applies on the tree plus patch 1; a file created by patch 1 is modified by patch 3', () => {
  const set = parsePatchSet(fixture('patch/series-3.mbox'), 'series-3.mbox');
  const m = materializeSeries(set, fsTree(path.join(fixtureDir(), 'source/tree')));
  assert.deepEqual(m.map((p) => p.files.map((f) => `${f.path} ${f.mode} ${f.status} ${f.problems.length}`)), [
    ['mm/demo.c tree modified 0', 'mm/demo.h tree added 0'],
    ['mm/demo.c tree modified 0'],
    ['mm/demo.c tree modified 0', 'mm/demo.h tree modified 0'],
  ]);
  const [p1, p2, p3] = m.map((p) => p.files[0]);
  assert.equal(p1.pre, DEMO());
  assert.equal(p2.pre, p1.post);                         // stacked
  assert.equal(p3.pre, p2.post);
  assert.equal(m[2].files[1].pre, m[0].files[1].post);   // demo.h: created by patch 1
  assert.deepEqual([...p1.changedPost].sort((a, b) => a - b), [7, 35, 45]);
  assert.deepEqual([...p1.changedPre], []);
  assert.equal(line(p1.post!, 35), '\tspin_lock(&mm->page_table_lock);');
  assert.equal(p1.postInputLine.get(35), 56);
  assert.equal(p1.postInputLine.get(36), 57);
  assert.equal(p1.preInputLine.get(34), 57);
  assert.equal(p1.postInputLine.get(20), undefined);
  assert.deepEqual([...p2.changedPre].sort((a, b) => a - b), [35, 44, 52, 54]);
  assert.deepEqual([...p2.changedPost].sort((a, b) => a - b), [36, 45, 52, 53, 54, 56]);
  assert.equal(line(p2.pre, 35), '\tspin_lock(&mm->page_table_lock);');   // patch 1's line, removed by patch 2
  assert.equal(p2.preInputLine.get(35), 104);
  assert.equal(line(p2.post!, 36), '\tspin_lock(&mm->page_table_lock);');
  assert.equal(p2.postInputLine.get(36), 106);
  assert.deepEqual(p2.hunks.map((h) => [h.applied, h.preStart, h.postStart, h.offset]), [[true, 32, 32, 0], [true, 41, 41, 0]]);
  assert.equal(line(p3.post!, 22), '\tmight_sleep();');
  assert.equal(m[2].files[1].post, '/* SPDX-License-Identifier: GPL-2.0 */\n#ifndef _MM_DEMO_H\n#define _MM_DEMO_H\n\nint demo_expand(struct vm_area_struct *vma, unsigned long address);\nvoid demo_reset(void);\n\n#endif\n');
});

test('a hunk applies at an offset when the tree has moved lines (searching outward, no fuzz)', () => {
  const tree = memoryTree({ 'mm/demo.c': '/* one */\n/* two */\n/* three */\n' + DEMO() });
  const set = parsePatchSet(fixture('patch/series-3.mbox'), 'series-3.mbox');
  const f = materializeSeries(set, tree)[0].files[0];
  assert.equal(f.mode, 'tree');
  assert.deepEqual(f.problems, []);
  assert.deepEqual(f.hunks.map((h) => [h.applied, h.preStart, h.postStart, h.offset]), [
    [true, 7, 7, 3], [true, 34, 35, 3], [true, 43, 45, 3],
  ]);
  assert.equal(line(f.post!, 38), '\tspin_lock(&mm->page_table_lock);');
  assert.equal(f.postInputLine.get(38), 56);
  assert.deepEqual([...f.changedPost].sort((a, b) => a - b), [10, 38, 48]);
});

test('a hunk that does not apply: a problem naming file and hunk, and hunk-only mode for that file', () => {
  const changed = DEMO().replace('\t\treturn -EINVAL;', '\t\treturn -EFAULT;');
  const set = parsePatchSet(fixture('patch/series-3.mbox'), 'series-3.mbox');
  const m = materializeSeries(set, memoryTree({ 'mm/demo.c': changed }));
  const f = m[0].files[0];
  assert.equal(f.mode, 'hunk-only');
  assert.deepEqual(f.problems, [
    { message: 'mm/demo.c: hunk 2 (line 31) does not apply', inputLine: 52 },
    { message: 'mm/demo.c: hunk-only mode (the patch does not apply to the tree)', inputLine: 40 },
  ]);
  // Positions stay real: the hunks' lines sit at their stated post lines.
  assert.equal(line(f.post!, 35), '\tspin_lock(&mm->page_table_lock);');
  assert.equal(line(f.post!, 7), '#include "demo.h"');
  assert.equal(f.postInputLine.get(35), 56);
  // The next patch touching that file has no real text to apply to.
  assert.equal(m[1].files[0].mode, 'hunk-only');
  assert.deepEqual(m[1].files[0].problems.map((p) => p.message), []);
});

test('a file missing from the tree is materialised hunk-only with a problem; without a tree, silently', () => {
  const set = parsePatchSet(fixture('patch/series-3.mbox'), 'series-3.mbox');
  const withTree = materializeSeries(set, memoryTree({}))[0].files[0];
  assert.equal(withTree.mode, 'hunk-only');
  assert.deepEqual(withTree.problems, [{ message: 'mm/demo.c: not in the tree; hunk-only mode', inputLine: 40 }]);
  const noTree = materializeSeries(set, null);
  assert.equal(noTree[0].files[0].mode, 'hunk-only');
  assert.deepEqual(noTree[0].files[0].problems, []);
  assert.equal(noTree[0].files[1].mode, 'tree');         // a new file is whole
  assert.equal(noTree[2].files[1].mode, 'tree');         // and so is patch 3's change to it
});

test('new, deleted, renamed and copied files; binary files are left out', () => {
  const tree = memoryTree({
    'mm/old_name.c': '/* renamed file */\n#include "old_name.h"\n\nint x;\n',
    'mm/util.c': 'int util;\n',
    'mm/gone.c': 'int gone;\nint gone2;\n',
    'mm/script.sh': 'echo hi\n',
  });
  const m = materializeSeries(parsePatchSet(fixture('patch/git-statuses.patch'), 'g'), tree);
  const files = m[0].files;
  assert.deepEqual(files.map((f) => `${f.status} ${f.oldPath} ${f.path} ${f.mode}`), [
    'renamed mm/old_name.c mm/new_name.c tree', 'copied mm/util.c mm/util-copy.c tree', 'added null mm/added.c tree',
    'deleted mm/gone.c mm/gone.c tree', 'modified mm/script.sh mm/script.sh tree',
  ]);
  assert.equal(files[0].post, '/* renamed file */\n#include "new_name.h"\n\nint x;\n');
  assert.equal(files[1].post, 'int util;\n');
  assert.deepEqual([files[2].pre, files[2].post], ['', 'int added(void)\n{\n}\n']);
  assert.deepEqual([files[3].pre, files[3].post], ['int gone;\nint gone2;\n', null]);
  assert.deepEqual([...files[3].changedPre], [1, 2]);
  assert.equal(files[4].post, 'echo hi\n');
  assert.ok(files.every((f) => f.problems.length === 0));
});

test('no newline at end of file: kept or added as the patch says', () => {
  const set = parsePatchSet(fixture('patch/no-newline.patch'), 'nn');
  const [a, b] = materializeSeries(set, memoryTree({ 'mm/tail.c': 'int a;\nint b;\nint c;', 'mm/tail2.c': 'int first;\nint last;' }))[0].files;
  assert.equal(a.post, 'int a;\nint b;\nint c = 1;');
  assert.equal(b.post, 'int first;\nint last;\nint added;\n');
});

test('whitespace-damaged patch applies ignoring whitespace, and says so', () => {
  const patch = ['--- a/mm/demo.c', '+++ b/mm/demo.c', '@@ -49,3 +49,3 @@ void demo_reset(void)',
    ' spin_lock(&demo_lock);', '- demo_count = 0;', '+ demo_count = 1;', ' spin_unlock(&demo_lock);'].join('\n');
  const f = materializeSeries(parsePatchSet(patch, 'ws'), memoryTree({ 'mm/demo.c': DEMO() }))[0].files[0];
  assert.equal(f.mode, 'tree');
  assert.deepEqual(f.problems, [{ message: 'mm/demo.c: all hunks apply only when whitespace is ignored (whitespace-damaged patch)', inputLine: 3 }]);
  assert.equal(line(f.post!, 49), '\tspin_lock(&demo_lock);');   // context keeps the tree's text
  assert.equal(line(f.post!, 50), ' demo_count = 1;');
});

test('fsTree refuses paths that leave the tree, memoryTree too', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mmlock-tree-'));
  try {
    fs.mkdirSync(path.join(dir, 'tree/mm'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tree/mm/a.c'), 'int a;\n');
    fs.writeFileSync(path.join(dir, 'secret'), 'secret\n');
    fs.symlinkSync(path.join(dir, 'secret'), path.join(dir, 'tree/mm/link.c'));
    const t = fsTree(path.join(dir, 'tree'));
    assert.equal(t.root, path.join(dir, 'tree'));
    assert.equal(t.read('mm/a.c'), 'int a;\n');
    assert.equal(t.read('./mm/../mm/a.c'), 'int a;\n');
    assert.equal(t.read('../secret'), undefined);
    assert.equal(t.read('mm/../../secret'), undefined);
    assert.equal(t.read(path.join(dir, 'secret')), undefined);
    assert.equal(t.read('mm/link.c'), undefined);          // symlink pointing outside
    assert.equal(t.read('mm'), undefined);                 // a directory
    assert.equal(t.read('mm/none.c'), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const m = memoryTree({ 'mm/a.c': 'x' });
  assert.equal(m.root, null);
  assert.equal(m.read('mm/a.c'), 'x');
  assert.equal(m.read('./mm/a.c'), 'x');
  assert.equal(m.read('../mm/a.c'), undefined);
});
