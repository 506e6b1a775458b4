// The server's own position mapping over patches: which document line shows which post-image line.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { lineAt, nearestHunk, preImageLine, scanPatch, shownLine } from '../../server/src/lsp/patch-lines';
import { ROOT } from './helpers/lsp-client';

const patch = fs.readFileSync(path.join(ROOT, 'test/fixtures/lsp/expand-downwards-inversion.patch'), 'utf8');

test('scanPatch finds the file and its two hunks in a format-patch mail', () => {
  const m = scanPatch(patch);
  assert.equal(m.files.length, 1);
  assert.equal(m.files[0].path, 'mm/mmap.c');
  assert.equal(m.files[0].header, 14);                 // the "diff --git" line
  assert.deepEqual(m.files[0].hunks.map((h) => [h.header, h.oldStart, h.newStart, h.newCount]), [[18, 48, 48, 11], [30, 70, 75, 7]]);
  assert.equal(m.files[0].hunks[0].section, 'static int expand_downwards(struct vm_area_struct *vma,');
});

test('shownLine maps post-image lines to the patch lines showing them', () => {
  const m = scanPatch(patch);
  assert.deepEqual(shownLine(m, 'mm/mmap.c', 55), { input: 26, prefix: 1, kind: '+' });   // +spin_lock(...)
  assert.deepEqual(shownLine(m, 'mm/mmap.c', 56), { input: 27, prefix: 1, kind: ' ' });   //  anon_vma_lock(vma)
  assert.deepEqual(shownLine(m, 'mm/mmap.c', 78), { input: 34, prefix: 1, kind: '+' });
  assert.equal(shownLine(m, 'mm/mmap.c', 60), undefined);                                  // between the hunks
  assert.equal(shownLine(m, 'mm/rmap.c', 55), undefined);
  assert.deepEqual(shownLine(m, 'a/../mm/mmap.c'.replace('a/../', ''), 48)?.input, 19);
});

test('preImageLine: added lines have none; lines after a hunk shift by its delta', () => {
  const m = scanPatch(patch);
  assert.equal(preImageLine(m, 'mm/mmap.c', 55), null);      // added
  assert.equal(preImageLine(m, 'mm/mmap.c', 56), 51);        // context: pre 51 = post 56
  assert.equal(preImageLine(m, 'mm/mmap.c', 20), 20);        // before any hunk
  assert.equal(preImageLine(m, 'mm/mmap.c', 65), 60);        // between the hunks: +5
  assert.equal(preImageLine(m, 'mm/mmap.c', 90), 84);        // after both: +6
  assert.equal(preImageLine(m, 'mm/other.c', 90), 90);       // a file the patch does not touch
});

test('lineAt and nearestHunk go the other way', () => {
  const m = scanPatch(patch);
  assert.deepEqual(lineAt(m, 26), { file: 'mm/mmap.c', newLine: 55, kind: '+' });
  assert.deepEqual(lineAt(m, 18), { file: 'mm/mmap.c', newLine: 48, kind: '@' });
  assert.equal(lineAt(m, 5), undefined);                    // the commit message
  assert.equal(nearestHunk(m, 'mm/mmap.c', 70), 18);
  assert.equal(nearestHunk(m, 'mm/mmap.c', 90), 30);
});

test('quoted patches in a reply, CRLF line ends and truncated hunks', () => {
  const quoted = patch.split('\n').map((l) => (l.startsWith('diff') || l.startsWith('---') || l.startsWith('+++') || l.startsWith('@@') || /^[ +-]/.test(l) ? '> ' + l : l)).join('\r\n');
  const q = scanPatch(quoted);
  assert.equal(q.files[0]?.path, 'mm/mmap.c');
  assert.deepEqual(shownLine(q, 'mm/mmap.c', 55), { input: 26, prefix: 3, kind: '+' });
  const cut = patch.split('\n').slice(0, 28).join('\n');
  const t = scanPatch(cut);
  assert.equal(t.files[0].hunks[0].lines.length, 10);      // lines 19-28: what was shown before the cut
  assert.deepEqual(scanPatch('hello\nworld\n'), { files: [] });
});
