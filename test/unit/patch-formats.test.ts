// parsePatchSet over diff shapes: git statuses, binary diffs, plain/quilt diffs, line endings,
// "\ No newline at end of file", omitted hunk counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePatchSet } from '../../server/src/patch';
import { fileSummary, fixture, hunkSummary, lineRows } from './patch-fixtures';

test('git statuses: rename with similarity and a hunk, copy, new, deleted, binary (both forms), mode change', () => {
  const set = parsePatchSet(fixture('patch/git-statuses.patch'), 'git-statuses.patch');
  assert.equal(set.patches.length, 1);
  const files = set.patches[0].files;
  assert.deepEqual(files.map(fileSummary), [
    'renamed mm/old_name.c -> mm/new_name.c @4',
    'copied mm/util.c -> mm/util-copy.c @17',
    'added /dev/null -> mm/added.c @21',
    'deleted mm/gone.c -> /dev/null @30',
    'modified mm/logo.png -> mm/logo.png binary @38',
    'added /dev/null -> mm/blob.bin binary @41',
    'modified mm/script.sh -> mm/script.sh @51',
  ]);
  assert.deepEqual(files.map((f) => f.hunks.map(hunkSummary)), [
    ['-1,4 +1,4 "" @11'], [], ['-0,0 +1,3 "" @26'], ['-1,2 +0,0 "" @35'], [], [], [],
  ]);
  assert.deepEqual(lineRows(files[0].hunks[0]), [
    [' /* renamed file */', 12, 1, 1],
    ['-#include "old_name.h"', 13, 2, undefined],
    ['+#include "new_name.h"', 14, undefined, 2],
    [' ', 15, 3, 3],
    [' int x;', 16, 4, 4],
  ]);
  assert.deepEqual(lineRows(files[2].hunks[0]), [
    ['+int added(void)', 27, undefined, 1], ['+{', 28, undefined, 2], ['+}', 29, undefined, 3],
  ]);
  assert.deepEqual(lineRows(files[3].hunks[0]), [['-int gone;', 36, 1, undefined], ['-int gone2;', 37, 2, undefined]]);
  assert.deepEqual(set.warnings, [
    { line: 38, message: 'binary diff of mm/logo.png skipped' },
    { line: 41, message: 'binary diff of mm/blob.bin skipped' },
  ]);
});

test('plain and quilt diffs: timestamps and tree prefixes dropped, omitted counts, epoch creation', () => {
  const set = parsePatchSet(fixture('patch/plain-quilt.diff'), 'plain-quilt.diff');
  const files = set.patches[0].files;
  assert.deepEqual(files.map(fileSummary), ['modified mm/mmap.c -> mm/mmap.c @4', 'added /dev/null -> mm/fresh.c @10']);
  assert.deepEqual(files.map((f) => f.hunks.map(hunkSummary)), [
    ['-5,1 +5,1 "static int foo(void)" @6'], ['-0,0 +1,2 "" @12'],
  ]);
  assert.deepEqual(lineRows(files[0].hunks[0]), [['-\told();', 7, 5, undefined], ['+\tnew();', 8, undefined, 5]]);
});

test('"\\ No newline at end of file" on the old side, the new side, and both', () => {
  const set = parsePatchSet(fixture('patch/no-newline.patch'), 'no-newline.patch');
  const [a, b] = set.patches[0].files.map((f) => f.hunks[0]);
  assert.equal(a.noNewlineAtEndOld, true);
  assert.equal(a.noNewlineAtEndNew, true);
  assert.deepEqual(lineRows(a), [
    [' int a;', 4, 1, 1], [' int b;', 5, 2, 2], ['-int c;', 6, 3, undefined], ['+int c = 1;', 8, undefined, 3],
  ]);
  assert.equal(b.noNewlineAtEndOld, true);
  assert.equal(b.noNewlineAtEndNew, undefined);
  assert.deepEqual(lineRows(b), [
    [' int first;', 13, 1, 1], ['-int last;', 14, 2, undefined], ['+int last;', 16, undefined, 2], ['+int added;', 17, undefined, 3],
  ]);
  const both = parsePatchSet('--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n-a\n+b\n c\n\\ No newline at end of file\n', 'x');
  const h = both.patches[0].files[0].hunks[0];
  assert.deepEqual([h.noNewlineAtEndOld, h.noNewlineAtEndNew], [true, true]);
});

const SMALL = [
  'diff --git a/mm/a.c b/mm/a.c',
  '--- a/mm/a.c',
  '+++ b/mm/a.c',
  '@@ -1,3 +1,3 @@ void f(void)',
  ' one',
  '-two',
  '+TWO',
  ' three',
];

test('CRLF line endings: stripped, line numbers unchanged', () => {
  const set = parsePatchSet(SMALL.join('\r\n') + '\r\n', 'crlf.patch');
  const h = set.patches[0].files[0].hunks[0];
  assert.deepEqual(lineRows(h), [[' one', 5, 1, 1], ['-two', 6, 2, undefined], ['+TWO', 7, undefined, 2], [' three', 8, 3, 3]]);
  assert.equal(h.section, 'void f(void)');
});

test('mixed line endings and no newline at the end of the input', () => {
  const text = SMALL.slice(0, 4).join('\r\n') + '\n' + SMALL.slice(4, 6).join('\n') + '\r' + SMALL.slice(6).join('\r\n');
  const set = parsePatchSet(text, 'mixed.patch');
  const h = set.patches[0].files[0].hunks[0];
  assert.deepEqual(lineRows(h), [[' one', 5, 1, 1], ['-two', 6, 2, undefined], ['+TWO', 7, undefined, 2], [' three', 8, 3, 3]]);
});

test('quoted paths and --no-prefix paths', () => {
  const q = parsePatchSet('diff --git "a/mm/sp ace.c" "b/mm/sp ace.c"\n--- "a/mm/sp ace.c"\n+++ "b/mm/sp ace.c"\n@@ -1 +1 @@\n-a\n+b\n', 'q');
  assert.deepEqual(q.patches[0].files.map(fileSummary), ['modified mm/sp ace.c -> mm/sp ace.c @1']);
  const n = parsePatchSet('diff --git mm/x.c mm/x.c\n--- mm/x.c\n+++ mm/x.c\n@@ -1 +1 @@\n-a\n+b\n', 'n');
  assert.deepEqual(n.patches[0].files.map(fileSummary), ['modified mm/x.c -> mm/x.c @1']);
});

test('garbage between plain diffs in one message: both files read, garbage ignored', () => {
  const text = [
    'Here is the first change:',
    '--- a/mm/a.c', '+++ b/mm/a.c', '@@ -1 +1 @@', '-a', '+b',
    '',
    'and, after some words, the second:',
    '  (indented prose)',
    '--- a/mm/b.c', '+++ b/mm/b.c', '@@ -2,2 +2,2 @@', ' x', '-y', '+z',
    'Thanks!',
  ].join('\n');
  const set = parsePatchSet(text, 'g');
  assert.deepEqual(set.patches[0].files.map(fileSummary), ['modified mm/a.c -> mm/a.c @2', 'modified mm/b.c -> mm/b.c @10']);
  assert.deepEqual(lineRows(set.patches[0].files[1].hunks[0]), [[' x', 13, 2, 2], ['-y', 14, 3, undefined], ['+z', 15, undefined, 3]]);
});

test('quoted-printable mail body is decoded; soft breaks keep the first line number', () => {
  const text = [
    'From: A <a@example.org>',
    'Subject: [PATCH] qp',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    '--- a/mm/a.c',
    '+++ b/mm/a.c',
    '@@ -1 +1 @@',
    '-x =3D 1;',
    '+x =3D 2; /* a long line that the mailer wrapped with a soft=',
    ' break */',
  ].join('\n');
  const set = parsePatchSet(text, 'qp');
  assert.deepEqual(lineRows(set.patches[0].files[0].hunks[0]), [
    ['-x = 1;', 8, 1, undefined], ['+x = 2; /* a long line that the mailer wrapped with a soft break */', 9, undefined, 1],
  ]);
});
