// parsePatchSet refuses: corrupt hunks (with the line where they go wrong), input without any
// diff (line 1), and paths that would leave the tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePatchSet, PatchError } from '../../server/src/patch';

function errorOf(text: string): PatchError {
  try {
    parsePatchSet(text, 'in.patch');
  } catch (e) {
    assert.ok(e instanceof PatchError, 'a PatchError');
    return e;
  }
  assert.fail('no error');
}

const HEAD = ['diff --git a/mm/mmap.c b/mm/mmap.c', '--- a/mm/mmap.c', '+++ b/mm/mmap.c'];

test('hunk body shorter than its header, cut by the next hunk: error at the line that ends it', () => {
  const e = errorOf([...HEAD, '@@ -10,4 +10,4 @@ int f(void)', ' a', '-b', '+B', ' c', '@@ -20,2 +20,2 @@', ' x', ' y'].join('\n'));
  assert.equal(e.line, 9);
  assert.equal(e.message, 'mm/mmap.c: corrupt hunk 1 "@@ -10,4 +10,4 @@" (line 4): body ends at line 9 after 3 of 4 old and 3 of 4 new lines');
});

test('hunk body longer than its header: error at the extra line', () => {
  const e = errorOf([...HEAD, '@@ -10,3 +10,2 @@', ' a', '+B', '+extra', '-b', ' c'].join('\n'));
  assert.equal(e.line, 7);
  assert.equal(e.message, `mm/mmap.c: corrupt hunk 1 "@@ -10,3 +10,2 @@" (line 4): line 7 is one more '+' line than the header allows (after 1 of 3 old and 2 of 2 new lines)`);
  const f = errorOf([...HEAD, '@@ -10,2 +10,2 @@', ' a', '-b', '+B', ' c'].join('\n'));
  assert.equal(f.line, 8);
  assert.equal(f.message, 'mm/mmap.c: corrupt hunk 1 "@@ -10,2 +10,2 @@" (line 4): line 8 is one more line than the header allows');
});

test('a truncated final hunk at the end of the input is an error too', () => {
  const e = errorOf([...HEAD, '@@ -1,5 +1,5 @@', ' a', ' b', '-c'].join('\n') + '\n');
  assert.equal(e.line, 7);
  assert.equal(e.message, 'mm/mmap.c: corrupt hunk 1 "@@ -1,5 +1,5 @@" (line 4): input ends after 3 of 5 old and 2 of 5 new lines');
});

test('a hunk whose body turns into prose is corrupt, not silently padded', () => {
  const e = errorOf([...HEAD, '@@ -1,4 +1,4 @@', ' a', '-b', '+B', 'Thanks for looking at this,', 'Ann', '(sent from a phone)'].join('\n'));
  assert.equal(e.line, 8);
  assert.match(e.message, /line 8 is not a diff line/);
});

test('not a patch: error on line 1', () => {
  for (const text of ['', 'Hello,\n\nthis mail has no patch in it.\n', '@@ -1 +1 @@\n-a\n+b\n']) {
    const e = errorOf(text);
    assert.equal(e.line, 1);
    assert.equal(e.message, 'no patch found: in.patch has no "diff --git" or "---"/"+++" file header');
  }
});

test('paths escaping the tree are refused, naming the header line', () => {
  const up = errorOf(['Subject: x', '', '--- a/../etc/passwd', '+++ b/../etc/passwd', '@@ -1 +1 @@', '-a', '+b'].join('\n'));
  assert.equal(up.line, 3);
  assert.equal(up.message, 'unsafe path "../etc/passwd" in "--- a/../etc/passwd": paths must stay inside the tree');
  const abs = errorOf(['diff --git a/mm/x.c b//etc/shadow', '--- a/mm/x.c', '+++ b//etc/shadow', '@@ -1 +1 @@', '-a', '+b'].join('\n'));
  assert.equal(abs.line, 3);
  assert.match(abs.message, /^unsafe path "\/etc\/shadow"/);
  const ren = errorOf(['diff --git a/mm/x.c b/mm/y.c', 'similarity index 90%', 'rename from mm/x.c', 'rename to mm/../../y.c'].join('\n'));
  assert.equal(ren.line, 4);
  const mid = errorOf(['--- a/mm/x.c', '+++ b/mm/sub/../../../x.c', '@@ -1 +1 @@', '-a', '+b'].join('\n'));
  assert.equal(mid.line, 2);
});

test('malformed hunk header inside a file is an error', () => {
  const e = errorOf([...HEAD, '@@ -x +1 @@', ' a'].join('\n'));
  assert.equal(e.line, 4);
  assert.match(e.message, /^malformed hunk header/);
});
