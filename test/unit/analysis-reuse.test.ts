// Reuse between runs (analysis.ts AnalysisCache): an edited patch, analysed with the cache of the
// previous version, must give exactly what a fresh analysis gives — findings, lock sites, lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { analyze, createCache } from '../../server/src/analysis';

const ROOT = path.resolve(__dirname, '../../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus/linux-6.12');

/** A patch adding `file` with these lines (hunk-only: no tree needed). */
function newFilePatch(file: string, lines: string[]): string {
  return [`diff --git a/${file} b/${file}`, 'new file mode 100644', '--- /dev/null', `+++ b/${file}`,
    `@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => '+' + l), ''].join('\n');
}

function source(): string[] {
  const p = path.join(CORPUS, 'mm/mmap.c');
  if (fs.existsSync(p)) return fs.readFileSync(p, 'utf8').split('\n').slice(0, 1200);
  const out: string[] = [];
  for (let i = 0; i < 40; i++) {
    out.push(`static int f${i}(struct vm_area_struct *vma)`, '{', '\tstruct mm_struct *mm = vma->vm_mm;', '',
      `\tspin_lock(&mm->page_table_lock);`, i % 3 ? '\tanon_vma_lock(vma);' : '\tcond_resched();',
      i % 3 ? '\tanon_vma_unlock(vma);' : '', '\tspin_unlock(&mm->page_table_lock);', `\treturn f${(i + 1) % 40}(vma);`, '}', '');
  }
  return out;
}

const view = (r: Awaited<ReturnType<typeof analyze>>) => ({
  findings: r.findings.map((f) => ({ ...f })),
  sites: r.sites.map((s) => ({ ...s, held: [...s.held].map((h) => ({ ...h })) })),
  functions: r.functions,
});

test('an edit that inserts, deletes and changes lines: the cached analysis equals a fresh one', async () => {
  const base = source();
  const cache = createCache();
  const opts = (text: string) => ({ name: 'edit.patch', text, cache, all: true, cwd: ROOT });
  await analyze(opts(newFilePatch('mm/edited.c', base)));
  let lines = base;
  let seed = 11;
  const rand = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  for (let round = 0; round < 6; round++) {
    lines = lines.slice();
    const at = Math.floor(rand() * lines.length);
    const r = rand();
    if (r < 0.4) lines.splice(at, 0, '');                         // a blank line: everything below moves
    else if (r < 0.6 && lines[at] === '') lines.splice(at, 1);    // one removed
    else if (r < 0.8) lines.splice(at, 0, '/* a comment */');
    else lines[at] = lines[at] + ' ';                             // in place
    const text = newFilePatch('mm/edited.c', lines);
    const cached = await analyze(opts(text));
    const fresh = await analyze({ name: 'edit.patch', text, all: true, cwd: ROOT });
    assert.deepEqual(view(cached), view(fresh), `round ${round}`);
  }
  assert.ok(cache.results.size > 0);
});

test('against the 6.12 tree: a series of versions of mm/mmap.c with lines moved, cached equals fresh', { skip: !fs.existsSync(CORPUS) }, async () => {
  const pre = fs.readFileSync(path.join(CORPUS, 'mm/mmap.c'), 'utf8').replace(/\n$/, '').split('\n');
  // Every line replaced: every function is touched, pre-images and callers included.
  const patch = (post: string[]) => ['diff --git a/mm/mmap.c b/mm/mmap.c', '--- a/mm/mmap.c', '+++ b/mm/mmap.c',
    `@@ -1,${pre.length} +1,${post.length} @@`, ...pre.map((l) => '-' + l), ...post.map((l) => '+' + l), ''].join('\n');
  const cache = createCache();
  const opts = (text: string, c = cache) => ({ name: 'mmap.patch', text, tree: CORPUS, cache: c, all: true, cwd: ROOT });
  let post = pre.slice();
  post.splice(400, 0, '\tspin_lock(&mm->page_table_lock);', '\tcond_resched();', '\tspin_unlock(&mm->page_table_lock);');
  await analyze(opts(patch(post)));
  for (const at of [120, 900, 1700]) {
    post = post.slice();
    post.splice(at, 0, '');
    const cached = await analyze(opts(patch(post)));
    const fresh = await analyze(opts(patch(post), createCache()));
    assert.deepEqual(view(cached), view(fresh), `blank line at ${at}`);
    assert.ok(cached.findings.some((f) => f.code === 'sleep-in-atomic'));
  }
});

test('deadlock schedules found for the old lines are moved with their functions, equal to a fresh search', async () => {
  const fn = (i: number): string[] => {
    const inverted = i % 4 === 0;
    const a = inverted ? 'spin_lock(&mm->page_table_lock);' : 'anon_vma_lock(vma);';
    const b = inverted ? 'anon_vma_lock(vma);' : 'spin_lock(&mm->page_table_lock);';
    return [`static int grow_${i}(struct vm_area_struct *vma, unsigned long address)`, '{', '\tstruct mm_struct *mm = vma->vm_mm;',
      '', `\t${a}`, `\t${b}`, '\tif (address < vma->vm_start)', '\t\taddress = vma->vm_start;',
      `\t${b.replace('anon_vma_lock', 'anon_vma_unlock').replace('spin_lock', 'spin_unlock')}`,
      `\t${a.replace('anon_vma_lock', 'anon_vma_unlock').replace('spin_lock', 'spin_unlock')}`, '\treturn 0;', '}', ''];
  };
  let lines: string[] = ['#include <linux/mm.h>', ''];
  for (let i = 0; i < 16; i++) lines.push(...fn(i));
  const cache = createCache();
  const opts = (text: string, c = cache) => ({ name: 'grow.patch', text, cache: c, all: true, cwd: ROOT });
  await analyze(opts(newFilePatch('mm/grow.c', lines)));
  for (const at of [3, 60, 120, 3]) {
    lines = lines.slice();
    lines.splice(at, 0, '/* moved */');
    const text = newFilePatch('mm/grow.c', lines);
    const cached = await analyze(opts(text));
    const fresh = await analyze(opts(text, createCache()));
    assert.deepEqual(view(cached), view(fresh), `line inserted at ${at}`);
    assert.ok(cached.findings.some((f) => f.code === 'lock-order' && /Deadlock schedule: .*mm\/grow\.c:\d+/.test(f.message)), 'a schedule with lines');
  }
});

test('a C file edited in the editor (sites wanted): its image and unchanged results are reused, and equal a fresh analysis', async () => {
  const base = source();
  const cache = createCache();
  const name = path.join(ROOT, 'mm-edited.c');
  const opts = (text: string, c = cache) => ({ name, text, cache: c, all: true, cwd: ROOT, profile: 'linux-6.12' });
  await analyze(opts(base.join('\n')));
  let lines = base;
  for (const [k, at] of [[0, 30], [1, 400], [2, 900], [0, 5]] as const) {
    lines = lines.slice();
    if (k === 0) lines.splice(at, 0, '');
    else if (k === 1) lines.splice(at, 0, '\tcond_resched();');
    else lines.splice(at, 1);
    const text = lines.join('\n');
    const cached = await analyze(opts(text));
    const fresh = await analyze(opts(text, createCache()));
    assert.deepEqual(view(cached), view(fresh), `edit ${k} at ${at}`);
  }
  assert.ok(cache.results.size > 0, 'results were stored');
  assert.ok(cache.images.size >= 1 && cache.images.size <= 2, `images kept: ${cache.images.size}`);
});
