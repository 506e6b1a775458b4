// The interleaving explorer on hand-made traces: inversions, read/write sharing, trylocks, three
// CPUs, bounds, and the reductions (which must never change whether a deadlock exists).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { explore } from '../../server/src/sim/explore';
import type { Trace, TraceEvent } from '../../server/src/sim/trace-types';

const FIX = path.resolve(__dirname, '../../../test/fixtures/explore');
const fixture = <T>(f: string): T => JSON.parse(fs.readFileSync(path.join(FIX, f), 'utf8')) as T;

const ev = (op: TraceEvent['op'], lock: string, mode: TraceEvent['mode'] = 'write', line?: number): TraceEvent =>
  ({ op, lock, class: lock, mode, label: lock, ...(line ? { file: 'mm/x.c', line } : {}) });
const trace = (name: string, ...events: TraceEvent[]): Trace => ({ name, events });
/** lock a; lock b; unlock b; unlock a */
const nested = (name: string, a: string, b: string, ma: TraceEvent['mode'] = 'write', mb: TraceEvent['mode'] = 'write'): Trace =>
  trace(name, ev('lock', a, ma), ev('lock', b, mb), ev('unlock', b, mb), ev('unlock', a, ma));

test('ABBA: two CPUs taking two locks in opposite orders deadlock, shortest schedule', () => {
  const r = explore([nested('f', 'A', 'B'), nested('g', 'B', 'A')]);
  assert.equal(r.bounded, false);
  assert.equal(r.deadlocks.length, 1);
  const d = r.deadlocks[0];
  assert.deepEqual(d.cycle, ['A', 'B']);
  assert.deepEqual(d.cycleThreads, [0, 1]);
  assert.deepEqual(d.steps.map((s) => [s.thread, s.op, s.lock, !!s.blocked]), [
    [0, 'lock', 'A', false], [1, 'lock', 'B', false], [1, 'lock', 'A', true], [0, 'lock', 'B', true],
  ]);
});

test('the seed inversion deadlocks; the corrected order does not, and says how many states it explored', () => {
  const seed = fixture<{ trace: Trace; corrected: Trace }>('seed-expand-downwards.json');
  // The 2.6.34 rmap walk with the pte lock being mm->page_table_lock (split ptlocks off).
  const rmap = trace('rmap walk (try_to_unmap)',
    ev('trylock', 'folio_lock'), ev('lock', 'anon_vma'), ev('lock', 'page_table_lock'),
    ev('unlock', 'page_table_lock'), ev('unlock', 'anon_vma'), ev('unlock', 'folio_lock'));
  const bad = explore([seed.trace, rmap]);
  assert.equal(bad.deadlocks.length, 1);
  assert.deepEqual(bad.deadlocks[0].cycleClasses, ['page_table_lock', 'anon_vma']);
  const good = explore([seed.corrected, rmap]);
  assert.equal(good.deadlocks.length, 0);
  assert.equal(good.bounded, false);
  assert.ok(good.explored > 1, `explored ${good.explored}`);
});

test('read holds are shared: rlock/rlock never waits', () => {
  const r = explore([nested('f', 'A', 'B', 'read', 'read'), nested('g', 'B', 'A', 'read', 'read')]);
  assert.equal(r.deadlocks.length, 0);
  assert.equal(r.bounded, false);
});

test('read against write deadlocks where it truly does, not where the writer is shared by readers only', () => {
  // f: rlock(A) lock(B); g: lock(B) lock(A) -> the writer of A waits for f's read hold: deadlock.
  const r1 = explore([nested('f', 'A', 'B', 'read', 'write'), nested('g', 'B', 'A', 'write', 'write')]);
  assert.equal(r1.deadlocks.length, 1);
  // f: rlock(A) lock(B); g: lock(B) rlock(A) -> g's read of A is compatible with f's: no deadlock.
  const r2 = explore([nested('f', 'A', 'B', 'read', 'write'), nested('g', 'B', 'A', 'write', 'read')]);
  assert.equal(r2.deadlocks.length, 0);
});

test('a trylock never waits: trylock in the inverted order cannot deadlock', () => {
  const f = nested('f', 'A', 'B');
  const g = trace('g', ev('lock', 'B'), ev('trylock', 'A'), ev('unlock', 'A'), ev('unlock', 'B'));
  const r = explore([f, g]);
  assert.equal(r.deadlocks.length, 0);
  assert.equal(r.bounded, false);
});

test('a failed trylock is shown as failing and its unlock is a no-op', () => {
  // g trylocks A while f holds it, then goes on to take C, which f wants while holding A.
  const f = trace('f', ev('lock', 'A'), ev('lock', 'C'), ev('unlock', 'C'), ev('unlock', 'A'));
  const g = trace('g', ev('lock', 'C'), ev('trylock', 'A'), ev('unlock', 'A'), ev('lock', 'D'), ev('unlock', 'D'), ev('unlock', 'C'));
  const r = explore([f, g], { reduce: false });
  assert.equal(r.deadlocks.length, 0);           // g never waits for A, so f gets C eventually
  // Force the interesting schedule: h holds A forever (finishes holding it? no: finishing releases).
  const h = trace('h', ev('lock', 'A'), ev('lock', 'B'), ev('unlock', 'B'), ev('unlock', 'A'));
  const k = trace('k', ev('lock', 'B'), ev('trylock', 'A'), ev('lock', 'A'), ev('unlock', 'A'), ev('unlock', 'B'));
  const r2 = explore([h, k]);
  assert.equal(r2.deadlocks.length, 1);          // k's second, blocking lock(A) is the inversion
  const failed = r2.deadlocks[0].steps.filter((s) => s.failed);
  assert.equal(failed.length, 1);
  assert.equal(failed[0].op, 'trylock');
});

test('a CPU never waits for itself: re-acquiring a held class (nesting, recursion) is not a deadlock', () => {
  const fork = trace('fork', ev('lock', 'pte_ptl'), ev('lock', 'pte_ptl'), ev('unlock', 'pte_ptl'), ev('unlock', 'pte_ptl'));
  const r = explore([fork, fork]);
  assert.equal(r.deadlocks.length, 0);
  const alone = explore([trace('rr', ev('lock', 'A', 'read'), ev('lock', 'A', 'read'), ev('unlock', 'A', 'read'), ev('unlock', 'A', 'read'))]);
  assert.equal(alone.deadlocks.length, 0);
});

test('a CPU that finishes holding a lock releases it (its caller would)', () => {
  const leaves = trace('page_lock_anon_vma', ev('lock', 'anon_vma'));
  const other = nested('g', 'anon_vma', 'page_table_lock');
  const r = explore([leaves, other]);
  assert.equal(r.deadlocks.length, 0);
});

test('three CPUs: a cycle A->B, B->C, C->A that no pair has', () => {
  const { traces } = fixture<{ traces: Trace[] }>('three-cycle.json');
  for (const [i, j] of [[0, 1], [1, 2], [0, 2]]) {
    assert.equal(explore([traces[i], traces[j]]).deadlocks.length, 0, `pair ${i},${j}`);
  }
  const r = explore(traces);
  assert.equal(r.deadlocks.length, 1);
  const d = r.deadlocks[0];
  assert.deepEqual(d.cycleThreads, [0, 1, 2]);
  assert.deepEqual(d.cycle, ['a->lock', 'b->lock', 'c_lock']);
  assert.equal(d.steps.filter((s) => s.blocked).length, 3);
  assert.equal(d.steps.length, 6);
});

test('bounds: two 40-event traces finish within maxStates/maxMs and report bounded honestly', () => {
  // 20 locks each, taken in opposite orders by the two CPUs, with the first lock private so the
  // reduction cannot remove everything: the state space is big enough to hit a small bound.
  const locks = Array.from({ length: 20 }, (_, i) => `L${i}`);
  const mk = (name: string, order: string[]): Trace => trace(name,
    ...order.map((l) => ev('lock', l)), ...[...order].reverse().map((l) => ev('unlock', l)));
  const f = mk('f', locks), g = mk('g', [...locks].reverse());
  const small = explore([f, g], { maxStates: 5 });
  assert.equal(small.bounded, true);
  assert.match(small.boundReason ?? '', /state limit 5/);
  assert.ok(small.explored <= 5);
  // Every neighbouring pair of locks is its own cycle: the default limit of 8 deadlocks is a bound too.
  const capped = explore([f, g], { maxStates: 1_000_000, maxMs: 10_000 });
  assert.equal(capped.deadlocks.length, 8);
  assert.equal(capped.bounded, true);
  assert.match(capped.boundReason ?? '', /deadlock limit 8/);
  const full = explore([f, g], { maxStates: 1_000_000, maxMs: 10_000, maxDeadlocks: 1000 });
  assert.equal(full.bounded, false);
  assert.ok(full.deadlocks.length > 8);
  // Independent locks: 40 events each, every lock contended but always in the same order -> no deadlock.
  const same = explore([mk('f', locks), mk('g', locks)], { maxStates: 1_000_000, maxMs: 10_000 });
  assert.equal(same.deadlocks.length, 0);
  assert.equal(same.bounded, false);
  const t0 = Date.now();
  const timed = explore([mk('f', locks), mk('g', locks), mk('h', locks)], { maxMs: 1, maxStates: 10_000_000 });
  assert.ok(Date.now() - t0 < 2_000);
  if (timed.bounded) assert.match(timed.boundReason ?? '', /time limit|state limit/);
});

test('cancellation: an aborted signal stops the search and says so', () => {
  const ac = new AbortController();
  ac.abort();
  const r = explore([nested('f', 'A', 'B'), nested('g', 'A', 'B')], { signal: ac.signal });
  assert.equal(r.bounded, true);
  assert.equal(r.boundReason, 'cancelled');
});

test('reductions never change whether a deadlock exists (property)', () => {
  const lockArb = fc.constantFrom('A', 'B', 'C', 'D');
  const evArb = fc.record({
    op: fc.constantFrom<TraceEvent['op']>('lock', 'lock', 'unlock', 'trylock'),
    lock: lockArb,
    mode: fc.constantFrom<TraceEvent['mode']>('write', 'write', 'read'),
  }).map((e) => ev(e.op, e.lock, e.mode));
  const traceArb = fc.array(evArb, { minLength: 1, maxLength: 7 }).map((events) => trace('t', ...events));
  fc.assert(fc.property(fc.array(traceArb, { minLength: 2, maxLength: 3 }), (traces) => {
    const a = explore(traces, { reduce: true });
    const b = explore(traces, { reduce: false });
    assert.equal(a.bounded || b.bounded, false);
    assert.equal(a.deadlocks.length > 0, b.deadlocks.length > 0);
    assert.ok(a.explored <= b.explored);
  }), { numRuns: 300 });
});
