// A callee's summary computed on the tree is reused in a patch series only while everything it
// was computed from reads the same in the series' version of the files (analysis/changed-files.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedFiles } from '../../server/src/analysis/changed-files';
import { DECLARATIONS, type Uses } from '../../server/src/analysis/summaries';

const tree = `static DEFINE_SPINLOCK(a_lock);

void used(void)
{
	spin_lock(&a_lock);
	spin_unlock(&a_lock);
}

void other(void)
{
	cond_resched();
}
`;
const read = (files: Record<string, string>) => (f: string) => files[f];

test('a change to another function of the file keeps the result', () => {
  const now = tree.replace('\tcond_resched();', '\tcond_resched();\n\tcond_resched();');
  const c = changedFiles(new Set(['mm/a.c']), read({ 'mm/a.c': now }), read({ 'mm/a.c': tree }));
  assert.equal(c.same(new Map([['mm/a.c', new Set([DECLARATIONS, 'used'])]]) as Uses), true);
  assert.equal(c.same(new Map([['mm/a.c', new Set(['other'])]]) as Uses), false);
});

test('a change to a used function, to the file-scope declarations, or a deleted file drops it', () => {
  const uses: Uses = new Map([['mm/a.c', new Set([DECLARATIONS, 'used'])]]);
  const body = tree.replace('\tspin_unlock(&a_lock);', '\tcond_resched();\n\tspin_unlock(&a_lock);');
  const decl = tree.replace('DEFINE_SPINLOCK(a_lock)', 'DEFINE_MUTEX(a_lock)');
  for (const now of [body, decl]) {
    assert.equal(changedFiles(new Set(['mm/a.c']), read({ 'mm/a.c': now }), read({ 'mm/a.c': tree })).same(uses), false);
  }
  assert.equal(changedFiles(new Set(['mm/a.c']), read({}), read({ 'mm/a.c': tree })).same(uses), false);
});

test('files the series did not change are not compared', () => {
  const c = changedFiles(new Set(['mm/b.c']), read({ 'mm/b.c': 'x' }), read({ 'mm/a.c': tree, 'mm/b.c': 'y' }));
  assert.equal(c.same(new Map([['mm/a.c', new Set([DECLARATIONS, 'used'])]]) as Uses), true);
  assert.equal(c.has('mm/b.c'), true);
  assert.equal(c.has('mm/a.c'), false);
});
