// parsePatchSet over mail shapes: an mbox series with a cover letter, a quoted reply, a real
// whitespace-damaged reply from the seed threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePatchSet } from '../../server/src/patch';
import { fileSummary, fixture, hunkSummary, lineRows } from './patch-fixtures';

test('mbox series: cover letter skipped, three patches with subjects, authors and files', () => {
  const set = parsePatchSet(fixture('patch/series-3.mbox'), 'series-3.mbox');
  assert.equal(set.quoted, false);
  assert.deepEqual(set.warnings, []);
  assert.deepEqual(set.patches.map((p) => [p.index, p.subject, p.from, p.inputLine]), [
    [0, '[PATCH 1/3] mm: demo: serialise stack expansion with page_table_lock', 'Ann Author <ann@example.org>', 24],
    [1, '[PATCH 2/3] mm: demo: take page_table_lock inside the anon_vma lock', 'Ann Author <ann@example.org>', 85],
    [2, '[PATCH 3/3] mm: demo: declare demo_reset()', 'Jörg Rödel <joerg@example.org>', 138],
  ]);
  assert.deepEqual(set.patches.map((p) => p.files.map(fileSummary)), [
    ['modified mm/demo.c -> mm/demo.c @40', 'added /dev/null -> mm/demo.h @68'],
    ['modified mm/demo.c -> mm/demo.c @96'],
    ['modified mm/demo.c -> mm/demo.c @148', 'modified mm/demo.h -> mm/demo.h @160'],
  ]);
  const sec = 'int demo_expand(struct vm_area_struct *vma, unsigned long address)';
  assert.deepEqual(set.patches[0].files[0].hunks.map(hunkSummary), [
    '-4,6 +4,7 "" @44', `-31,6 +32,7 ${JSON.stringify(sec)} @52`, `-40,6 +42,7 ${JSON.stringify(sec)} @60`,
  ]);
  assert.deepEqual(set.patches[1].files[0].hunks.map(hunkSummary), [
    `-32,8 +32,8 ${JSON.stringify(sec)} @100`, `-41,15 +41,17 ${JSON.stringify(sec)} @110`,
  ]);
  assert.deepEqual(set.patches[0].files[1].hunks.map(hunkSummary), ['-0,0 +1,7 "" @73']);
  assert.deepEqual(lineRows(set.patches[0].files[0].hunks[1]), [
    [' \tif (address < vma->vm_start)', 53, 31, 32],
    [' \t\treturn -EINVAL;', 54, 32, 33],
    [' ', 55, 33, 34],
    ['+\tspin_lock(&mm->page_table_lock);', 56, undefined, 35],
    [' \tanon_vma_lock(vma);', 57, 34, 36],
    [' \tif (address > vma->vm_end) {', 58, 35, 37],
    [' \t\tunsigned long size = address - vma->vm_start;', 59, 36, 38],
  ]);
  // The last hunk of patch 2 is followed by "-- ", the signature and trailing garbage.
  const last = set.patches[1].files[0].hunks[1];
  assert.equal(last.lines.length, 20);
  assert.deepEqual(lineRows(last).slice(-3), [
    ['-\tspin_unlock(&demo_lock);', 128, 54, undefined],
    ['+\tspin_unlock_irqrestore(&demo_lock, flags);', 129, undefined, 56],
    [' }', 130, 55, 57],
  ]);
});

test('a "---" line in a commit message is not a file header', () => {
  const set = parsePatchSet(fixture('patch/series-3.mbox'), 'series-3.mbox');
  // Patch 1's message has a "---" line followed by prose and then the real "---" separator.
  assert.equal(set.patches[0].files.length, 2);
  assert.equal(set.patches[0].files[0].inputLine, 40);
});

test('patch quoted in a reply: "> " stripped, reply text inside the hunk skipped', () => {
  const set = parsePatchSet(fixture('patch/quoted-reply.eml'), 'reply.eml');
  assert.equal(set.quoted, true);
  assert.deepEqual(set.warnings, [{ line: 15, message: 'patch read from a quoted reply (lines starting "> ")' }]);
  assert.equal(set.patches.length, 1);
  const p = set.patches[0];
  assert.equal(p.subject, 'Re: [PATCH 1/3] mm: demo: serialise stack expansion with page_table_lock');
  assert.equal(p.from, 'Rev Iewer <rev@example.org>');
  assert.deepEqual(p.files.map(fileSummary), ['modified mm/demo.c -> mm/demo.c @15']);
  const [h1, h2] = p.files[0].hunks;
  assert.deepEqual([hunkSummary(h1), hunkSummary(h2)], [
    '-31,6 +31,7 "int demo_expand(struct vm_area_struct *vma, unsigned long address)" @19',
    '-40,6 +41,7 "int demo_expand(struct vm_area_struct *vma, unsigned long address)" @31',
  ]);
  assert.deepEqual(lineRows(h1), [
    [' \tif (address < vma->vm_start)', 20, 31, 31],
    [' \t\treturn -EINVAL;', 21, 32, 32],
    [' ', 22, 33, 33],                                   // ">" alone: an empty context line
    ['+\tspin_lock(&mm->page_table_lock);', 23, undefined, 34],
    [' \tanon_vma_lock(vma);', 28, 34, 35],              // lines 24-27 are the reviewer's text
    [' \tif (address > vma->vm_end) {', 29, 35, 36],
    [' \t\tunsigned long size = address - vma->vm_start;', 30, 36, 37],
  ]);
  assert.deepEqual(lineRows(h2).map((r) => r[1]), [32, 33, 34, 35, 36, 37, 38]);
});

test('real seed reply (whitespace-damaged, quoted, with interleaved review): files and hunks', () => {
  // From shared/seeds: Mel Gorman's reply quoting Rik van Riel's anon_vma_chain_lock patch v2.
  const set = parsePatchSet(fixture('patch/seed-anon-vma-chain-lock-reply.txt'), 'seed.txt');
  assert.equal(set.quoted, true);
  assert.equal(set.patches.length, 1);
  const files = set.patches[0].files;
  assert.deepEqual(files.map(fileSummary), [
    'modified include/linux/mm_types.h -> include/linux/mm_types.h @27',
    'modified include/linux/rmap.h -> include/linux/rmap.h @39',
    'modified kernel/fork.c -> kernel/fork.c @100',
    'modified mm/init-mm.c -> mm/init-mm.c @112',
    'modified mm/mmap.c -> mm/mmap.c @124',
    'modified mm/rmap.c -> mm/rmap.c @217',
  ]);
  const mmap = files[4].hunks.map((h) => `-${h.oldStart},${h.oldCount} +${h.newStart},${h.newCount} @${h.inputLine}`);
  assert.deepEqual(mmap, [
    '-452,7 +452,7 @128', '-578,6 +578,7 @141', '-599,6 +600,7 @149', '-1705,12 +1707,11 @157',
    '-1721,7 +1722,6 @174', '-1737,7 +1737,6 @182', '-1749,6 +1748,7 @190', '-1762,7 +1762,8 @198',
    '-1784,6 +1785,8 @208',
  ]);
  assert.deepEqual(files[4].hunks.map((h) => h.section).slice(6), [
    'static int expand_downwards(struct vm_area_struct *vma,',
    'static int expand_downwards(struct vm_area_struct *vma,',
    'static int expand_downwards(struct vm_area_struct *vma,',
  ]);
  // The inversion Andrea pointed out, as it stands in v2 (post lines 1765-1766).
  const h8 = files[4].hunks[7];
  assert.deepEqual(lineRows(h8).filter((r) => r[0].startsWith('+')), [
    ['+ spin_lock(&mm->anon_vma_chain_lock);', 203, undefined, 1765],
    ['+ anon_vma_lock(vma, &mm->anon_vma_chain_lock);', 204, undefined, 1766],
  ]);
  // Context lines whose leading space the archive collapsed are read as context.
  assert.deepEqual(lineRows(h8)[0], [' if (error)', 199, 1762, 1762]);
  // The rmap.h hunk is interrupted by ten lines of review text (lines 76-85).
  const rmap2 = files[1].hunks[1];
  assert.deepEqual(rmap2.lines.map((l) => l.inputLine).slice(13, 17), [74, 75, 86, 87]);
  assert.deepEqual(lineRows(rmap2)[15], [' ', 86, 99, 106]);
  assert.deepEqual(set.warnings.map((w) => w.line), [32, 44, 105, 117, 129, 222, 27]);
  assert.match(set.warnings[4].message, /^mm\/mmap\.c: 46 hunk line\(s\) without a leading space read as context/);
});
