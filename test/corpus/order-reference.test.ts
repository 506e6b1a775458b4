// The 22 extracted lock-ordering comments (shared/reference/orderings) all parse, and every name in
// them maps to a class of the profile auto would pick for that version, except the few that name
// no mm lock class, which become new classes (listed here on purpose).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { commentEdges, parseOrderingComment } from '../../server/src/model/ordering-comment';
import { listProfiles, loadProfile } from '../../server/src/model/profiles';
import { compareVersions } from '../../server/src/model/kernel-version';
import { orderOf } from '../../server/src/model/order';

const DIR = path.resolve(__dirname, '../../../../shared/reference/orderings');
const VERSIONS = ['2.6.26', '2.6.27', '2.6.32', '2.6.34', '3.0.1', '3.8.13', '3.18.30', '3.19.8', '4.4.155', '4.19', '5.7.14', '5.8.1',
  '5.10.0', '5.11', '5.14-rc5', '5.15.100', '6.1', '6.3.8', '6.4.4', '6.5.0', '6.12', '6.13.7'];

/** Names that stand for no mm lock class of the era: the 2.6 filemap.c comment's procfs/dcache stanza
 *  (task->proc_lock does not exist any more, dcache_lock lives in fs/dcache.c) and 3.0's i_alloc_sem,
 *  which the 3.x profile (written for 3.19, where it is gone) does not have. */
const NEW: Record<string, string[]> = {
  '2.6.26 filemap': ['task->proc_lock', 'dcache_lock'],
  '2.6.27 filemap': ['task->proc_lock', 'dcache_lock'],
  '2.6.32 filemap': ['task->proc_lock', 'dcache_lock'],
  '2.6.34 filemap': ['task->proc_lock', 'dcache_lock'],
  '3.0.1 rmap': ['inode->i_alloc_sem'],
  '3.0.1 filemap': ['i_alloc_sem'],
};

function profileFor(v: string): string {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v)!;
  const ver = { major: +m[1], minor: +m[2], patch: +(m[3] ?? 0) };
  const at = listProfiles().filter((p) => compareVersions(p.since, ver) <= 0);
  return at[at.length - 1].id;
}

test('all 22 reference orderings parse, and map to classes except the listed new ones', (t) => {
  if (!fs.existsSync(DIR)) return t.skip('no ../shared/reference/orderings');
  assert.deepEqual(fs.readdirSync(DIR).filter((f) => f.endsWith('-rmap.txt')).map((f) => f.replace('-rmap.txt', '')).sort(), [...VERSIONS].sort());
  for (const v of VERSIONS) {
    for (const kind of ['rmap', 'filemap'] as const) {
      const text = fs.readFileSync(path.join(DIR, `${v}-${kind}.txt`), 'utf8');
      const parsed = parseOrderingComment(text)!;
      assert.ok(parsed && parsed.nodes.length >= 10 && parsed.edges.length >= 8, `${v} ${kind} parses`);
      assert.ok(parsed.nodes.every((n) => n.names.length > 0 && !/\s\(/.test(n.name) && !n.name.startsWith('->') && !/\t/.test(n.name)), `${v} ${kind} clean names`);
      const r = commentEdges(text, loadProfile(profileFor(v)), kind);
      assert.deepEqual(r.newClasses.map((c) => c.aliases![0]), NEW[`${v} ${kind}`] ?? [], `${v} ${kind} (${profileFor(v)})`);
    }
  }
});

test('the order of every era profile holds every edge of its own era\'s comments (or sets it aside as contradictory)', (t) => {
  if (!fs.existsSync(DIR)) return t.skip('no ../shared/reference/orderings');
  for (const [v, id] of [['2.6.26', 'linux-2.6.26'], ['2.6.34', 'linux-2.6.34'], ['3.19.8', 'linux-3.19'], ['4.19', 'linux-5.4'], ['6.1', 'linux-6.1'], ['6.12', 'linux-6.12']]) {
    const p = loadProfile(id);
    const o = orderOf(p);
    const setAside = new Set(o.rejected().map((r) => `${r.edge.outer}>${r.edge.inner}`));
    for (const kind of ['rmap', 'filemap'] as const) {
      const r = commentEdges(fs.readFileSync(path.join(DIR, `${v}-${kind}.txt`), 'utf8'), p, kind);
      const fresh = new Set(r.newClasses.map((c) => c.id));
      for (const e of r.edges) {
        if (fresh.has(e.outer) || fresh.has(e.inner)) continue;
        assert.ok(o.before(e.outer, e.inner) || setAside.has(`${e.outer}>${e.inner}`), `${id}: ${e.outer} -> ${e.inner} (${v} ${kind}:${e.source})`);
      }
    }
  }
});

test('memory_failure: tasklist_lock comes first in 2.6.32-2.6.34 and under the rmap locks from 3.0', (t) => {
  if (!fs.existsSync(DIR)) return t.skip('no ../shared/reference/orderings');
  const edges = (v: string) => commentEdges(fs.readFileSync(path.join(DIR, `${v}-rmap.txt`), 'utf8'), loadProfile(profileFor(v)), 'rmap').edges
    .filter((e) => e.outer === 'tasklist_lock' || e.inner === 'tasklist_lock').map((e) => `${e.outer}>${e.inner}${e.weak ? ' weak' : ''}`);
  assert.deepEqual(edges('2.6.27'), []);
  assert.deepEqual(edges('2.6.34'), ['tasklist_lock>anon_vma weak']);
  assert.deepEqual(edges('3.0.1'), ['anon_vma>tasklist_lock', 'i_mmap_rwsem>tasklist_lock', 'tasklist_lock>pte_ptl']);
  assert.deepEqual(edges('6.12'), ['anon_vma>tasklist_lock', 'i_mmap_rwsem>tasklist_lock', 'tasklist_lock>pte_ptl']);
});
