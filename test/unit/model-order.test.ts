// The order graph: transitive before(), shortest documented chains, display chains, and how
// contradictions are handled (strong cycles reported, weak edges set aside).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderEdge, Profile } from '../../server/src/model/profile-types';
import { buildOrder, orderOf } from '../../server/src/model/order';
import { hierarchyLines, reducedEdges } from '../../server/src/model/order-text';
import { classInfo } from '../../server/src/model/class-info';
import { loadProfile } from '../../server/src/model/profiles';

function profile(edges: (string | OrderEdge)[], extra: string[] = []): Profile {
  const order = edges.map((e, i) => {
    if (typeof e !== 'string') return e;
    const [outer, inner, flag] = e.split(/\s+/);
    const edge: OrderEdge = { outer, inner, source: `s${i}` };
    if (flag === 'weak') edge.weak = true;
    if (flag === 'main') edge.main = true;
    return edge;
  });
  const ids = [...new Set([...order.flatMap((e) => [e.outer, e.inner]), ...extra])];
  return {
    id: 't', description: 't', version: { major: 1, minor: 0 },
    classes: ids.map((id) => ({ id, kind: 'spinlock', sleeps: false, description: `${id} lock`, source: `src:${id}` })),
    order, apis: [], fieldTypes: [], iteratorMacros: [], nameTypes: {}, gfp: { blocking: [], atomic: [] },
  };
}

test('before() is transitive and false for unrelated or unknown classes', () => {
  const o = buildOrder(profile(['a b', 'b c', 'c d', 'x y'], ['lonely']));
  assert.equal(o.before('a', 'd'), true);
  assert.equal(o.before('b', 'd'), true);
  assert.equal(o.before('d', 'a'), false);
  assert.equal(o.before('a', 'a'), false);
  assert.equal(o.before('a', 'y'), false);
  assert.equal(o.before('a', 'nope'), false);
  assert.equal(o.before('lonely', 'a'), false);
  assert.deepEqual(o.cycles(), []);
});

test('explain() gives the shortest chain of documented edges, ties to the edge listed first', () => {
  const o = buildOrder(profile(['a b', 'b c', 'c d', 'a x', 'x d', 'a d2', 'd2 d']));
  assert.deepEqual(o.explain('a', 'd')!.map((e) => `${e.outer}>${e.inner}:${e.source}`), ['a>x:s3', 'x>d:s4']);
  assert.deepEqual(o.explain('b', 'd')!.map((e) => e.source), ['s1', 's2']);
  assert.equal(o.explain('d', 'a'), null);
  assert.equal(o.explain('a', 'a'), null);
  assert.equal(o.explain('a', 'unknown'), null);
});

test('a strong cycle is reported and its closing edge left out, so the rest stays usable', () => {
  const o = buildOrder(profile(['a b', 'b c', 'c a', 'c d']));
  assert.deepEqual(o.cycles(), [['c', 'a', 'b', 'c']]);
  assert.equal(o.rejected().length, 1);
  assert.equal(o.rejected()[0].edge.source, 's2');
  assert.equal(o.before('a', 'c'), true);
  assert.equal(o.before('c', 'a'), false);
  assert.equal(o.before('a', 'd'), true);
});

test('weak edges are added after the strong ones and set aside, not reported, when they contradict them', () => {
  // the switchable stanza lists t -> a first; a strong a -> t elsewhere wins
  const o = buildOrder(profile(['t a weak', 'a b', 'b t', 't c weak']));
  assert.deepEqual(o.cycles(), []);
  assert.deepEqual(o.rejected().map((r) => [r.edge.source, r.cycle]), [['s0', ['t', 'a', 'b', 't']]]);
  assert.equal(o.before('a', 't'), true);
  assert.equal(o.before('t', 'c'), true);   // a weak edge that contradicts nothing is used
  assert.equal(o.before('a', 'c'), true);
  assert.equal(o.edges.map((e) => e.source).join(','), 's1,s2,s3');
});

test('a self edge counts as a cycle', () => {
  const o = buildOrder(profile([{ outer: 'a', inner: 'a', source: 'oops' }, 'a b']));
  assert.deepEqual(o.cycles(), [['a', 'a']]);
  assert.equal(o.before('a', 'b'), true);
});

test('chainThrough() shows the longest chain through a class, preferring the main hierarchy', () => {
  const o = buildOrder(profile(['top mid main', 'mid low main', 'low bottom main', 'mid side', 'side side2', 'side2 low']));
  assert.deepEqual(o.chainThrough('low'), ['top', 'mid', 'low', 'bottom']);
  assert.deepEqual(o.chainThrough('side'), ['top', 'mid', 'side', 'side2', 'low', 'bottom']);
  assert.deepEqual(o.chainThrough('unknown'), ['unknown']);
  const plain = buildOrder(profile(['a b', 'b c', 'a c']));
  assert.deepEqual(plain.chainThrough('c'), ['a', 'b', 'c']);
});

test('orderOf() caches per profile object', () => {
  const p = profile(['a b']);
  assert.equal(orderOf(p), orderOf(p));
});

test('the hierarchy is drawn from the edges no other chain implies', () => {
  const o = buildOrder(profile(['a b', 'b c', 'a c', 'b d']));
  assert.deepEqual(reducedEdges(o).map((e) => `${e.outer}>${e.inner}`), ['a>b', 'b>c', 'b>d']);
  assert.deepEqual(hierarchyLines(o, '  '), ['a', '  b', '    c', '    d']);
  const dag = buildOrder(profile(['a c', 'b c', 'c d']));
  assert.deepEqual(hierarchyLines(dag, '-'), ['a', '-c', '--d', 'b', '-c ...']);
});

test('classInfo() gives what a hover shows', () => {
  const p = profile(['a b main', 'b c main']);
  assert.deepEqual(classInfo(p, 'b'), {
    id: 'b', kind: 'spinlock', sleeps: false, irqSafe: false, description: 'b lock', source: 'src:b', aliases: [], chain: ['a', 'b', 'c'],
  });
  assert.equal(classInfo(p, 'zzz'), undefined);
  const info = classInfo(loadProfile('linux-6.12'), 'pte_ptl')!;
  assert.equal(info.kind, 'spinlock');
  assert.deepEqual(info.chain, ['i_rwsem', 'mmap_lock', 'invalidate_lock', 'folio_lock', 'hugetlbfs_i_mmap_rwsem', 'vma_lock',
    'i_mmap_rwsem', 'anon_vma', 'pte_ptl', 'swap_lock', 'private_lock', 'move_lock', 'i_pages', 'lru_lock']);
});

test('60 classes and their closure are fast to build and query', () => {
  const edges: string[] = [];
  for (let i = 0; i < 59; i++) edges.push(`c${i} c${i + 1}`);
  for (let i = 0; i < 50; i++) edges.push(`c${i} c${i + 7}`);
  const t0 = process.hrtime.bigint();
  const o = buildOrder(profile(edges));
  for (let i = 0; i < 10000; i++) o.before(`c${i % 60}`, `c${(i * 7) % 60}`);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.equal(o.before('c0', 'c59'), true);
  assert.equal(o.explain('c0', 'c59')!.length, 11); // 8 steps of 7, then 3 of 1
  assert.ok(ms < 200, `took ${ms} ms`);
});
