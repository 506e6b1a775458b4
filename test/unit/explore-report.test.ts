// The lockdep-style report and the `simulate --format json` object, on the seed inversion
// (expand_downwards with Rik's RFC against the 2.6.34 rmap walk of the scenario library).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { explore } from '../../server/src/sim/explore';
import { lockdepName, renderDeadlockText, renderNoDeadlockText, renderResultText, simulationJson } from '../../server/src/sim/lockdep-report';
import { orderExplainer } from '../../server/src/sim/explore-explain';
import { loadScenariosWithNotes } from '../../server/src/sim/scenarios';
import type { Profile } from '../../server/src/model/profile-types';
import type { Trace } from '../../server/src/sim/trace-types';

const FIX = path.resolve(__dirname, '../../../test/fixtures/explore');
const fixture = <T>(f: string): T => JSON.parse(fs.readFileSync(path.join(FIX, f), 'utf8')) as T;
const profile = fixture<Profile>('profile-2.6.34-mini.json');
const seed = fixture<{ trace: Trace; corrected: Trace }>('seed-expand-downwards.json');

/** The 2.6.34 rmap walk with split ptlocks off: its pte lock is mm->page_table_lock. */
function rmapWalkNoSplit(): Trace {
  const { traces } = loadScenariosWithNotes(profile, { ids: ['rmap-walk'] });
  const t = traces.find((x) => x.note);
  assert.ok(t, 'the rmap-walk scenario has a no-split-ptlocks variant for 2.6.34');
  return t;
}

const SEED_TEXT = `CPU0: expand_downwards (mm/mmap.c)
CPU1: rmap walk (try_to_unmap) (scenario rmap-walk, linux-2.6.34)
      with split PTE locks off (NR_CPUS < CONFIG_SPLIT_PTLOCK_CPUS), pte_lockptr() is &mm->page_table_lock

 Possible unsafe locking scenario:

       CPU0                    CPU1
       ----                    ----
  lock(&mm->page_table_lock);   mm/mmap.c:1766
                               lock(&anon_vma->lock);   mm/rmap.c:305
                               lock(&mm->page_table_lock);   mm/rmap.c:392
  lock(&anon_vma->lock);   mm/mmap.c:1767

 *** DEADLOCK ***

Documented lock order:
CPU0 takes &anon_vma->lock while holding &mm->page_table_lock, against the documented order:
    &anon_vma->lock --> &mm->page_table_lock   mm/rmap.c ordering comment (2.6.34)
CPU1 takes &anon_vma->lock then &mm->page_table_lock, as documented:
    &anon_vma->lock --> &mm->page_table_lock   mm/rmap.c ordering comment (2.6.34)

`;

test('seed inversion: the two-CPU schedule printed in lockdep form, with lines and the documented rule', () => {
  const r = explore([seed.trace, rmapWalkNoSplit()]);
  assert.equal(r.deadlocks.length, 1);
  assert.equal(renderDeadlockText(r.deadlocks[0], orderExplainer(profile)), SEED_TEXT);
  assert.equal(renderResultText(r, orderExplainer(profile)), SEED_TEXT + `1 deadlock in ${r.explored} states\n`);
});

test('seed corrected (anon_vma lock, then page_table_lock): no deadlock, and how many states', () => {
  const r = explore([seed.corrected, rmapWalkNoSplit()]);
  assert.equal(r.deadlocks.length, 0);
  assert.equal(renderResultText(r), `no deadlock in ${r.explored} states\n`);
  assert.ok(r.explored > 0);
});

test('the negative result says when a bound hit', () => {
  assert.equal(renderNoDeadlockText({ explored: 100, bounded: true, boundReason: 'state limit 100 reached' }),
    'no deadlock in 100 states (bounded: state limit 100 reached)\n');
});

test('three CPUs extend the table with a CPU2 column and print the chain', () => {
  const { traces } = fixture<{ traces: Trace[] }>('three-cycle.json');
  const r = explore(traces);
  assert.equal(renderDeadlockText(r.deadlocks[0]), `CPU0: f_ab (mm/a.c)
CPU1: f_bc (mm/b.c)
CPU2: f_ca (mm/c.c)

Chain exists of:
  &a->lock --> &b->lock --> c_lock

 Possible unsafe locking scenario:

       CPU0                    CPU1                         CPU2
       ----                    ----                         ----
  lock(&a->lock);   mm/a.c:10
                               lock(&b->lock);   mm/b.c:20
                                                            lock(c_lock);   mm/c.c:30
                                                            lock(&a->lock);   mm/c.c:31
                               lock(c_lock);   mm/b.c:21
  lock(&b->lock);   mm/a.c:11

 *** DEADLOCK ***

`);
});

test('read acquisitions print as rlock(), globals without &', () => {
  assert.equal(lockdepName('mm->mmap_lock'), '&mm->mmap_lock');
  assert.equal(lockdepName('&anon_vma->rwsem'), '&anon_vma->rwsem');
  assert.equal(lockdepName('tasklist_lock'), 'tasklist_lock');
  const ev = (op: 'lock' | 'unlock', lock: string, mode: 'read' | 'write') => ({ op, lock, class: lock, mode, label: lock });
  const f: Trace = { name: 'f', events: [ev('lock', 'tasklist_lock', 'read'), ev('lock', 'anon_vma->lock', 'write')] };
  const g: Trace = { name: 'g', events: [ev('lock', 'anon_vma->lock', 'write'), ev('lock', 'tasklist_lock', 'write')] };
  const text = renderDeadlockText(explore([f, g]).deadlocks[0]);
  assert.match(text, /^ {2}rlock\(tasklist_lock\);$/m);
  assert.match(text, /^ {31}lock\(tasklist_lock\);$/m);
});

test('simulationJson has exactly the DESIGN.md fields', () => {
  const r = explore([seed.trace, rmapWalkNoSplit()]);
  const j = simulationJson(r, { profile: 'linux-2.6.34' });
  assert.equal(j.version, 1);
  assert.equal(j.explored, r.explored);
  assert.equal(j.bounded, false);
  assert.equal(j.profile, 'linux-2.6.34');
  const d = j.deadlocks[0];
  assert.deepEqual(d.threads[0], { name: 'expand_downwards', source: 'mm/mmap.c' });
  assert.equal(d.threads[1].name, 'rmap walk (try_to_unmap)');
  assert.equal(d.threads[1].scenario, 'rmap-walk');
  assert.deepEqual(d.steps[0], { thread: 0, op: 'lock', lock: 'mm->page_table_lock', class: 'page_table_lock', mode: 'write', file: 'mm/mmap.c', line: 1766 });
  assert.deepEqual(d.steps.map((s) => [s.thread, s.lock, s.line, s.blocked ?? false]), [
    [0, 'mm->page_table_lock', 1766, false],
    [1, 'anon_vma->lock', 305, false],
    [1, 'mm->page_table_lock', 392, true],
    [0, 'anon_vma->lock', 1767, true],
  ]);
  assert.deepEqual(d.cycle, ['mm->page_table_lock', 'anon_vma->lock']);
  // Round-trips through JSON with the required keys named exactly.
  const back = JSON.parse(JSON.stringify(j)) as Record<string, unknown>;
  for (const k of ['version', 'explored', 'bounded', 'deadlocks']) assert.ok(k in back, k);
  for (const s of d.steps) for (const k of ['thread', 'op', 'lock', 'file', 'line']) assert.ok(k in s, k);
});
