// exploreAll: which combinations run, three-way search on request, de-duplication.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { combinations, exploreAll } from '../../server/src/sim/explore-all';
import { runSimulation } from '../../server/src/sim/explore-run';
import type { Profile } from '../../server/src/model/profile-types';
import type { Trace, TraceEvent } from '../../server/src/sim/trace-types';

const FIX = path.resolve(__dirname, '../../../test/fixtures/explore');
const fixture = <T>(f: string): T => JSON.parse(fs.readFileSync(path.join(FIX, f), 'utf8')) as T;
const ev = (op: TraceEvent['op'], lock: string, mode: TraceEvent['mode'] = 'write'): TraceEvent => ({ op, lock, class: lock, mode, label: lock });
const nested = (name: string, a: string, b: string): Trace =>
  ({ name, events: [ev('lock', a), ev('lock', b), ev('unlock', b), ev('unlock', a)] });

test('pairs: touched x touched (with itself) and touched x scenario only when they share a contended class', () => {
  const t = [nested('f', 'A', 'B')];
  const s: Trace[] = [
    { name: 'shares B', scenario: 's1', events: [ev('lock', 'B'), ev('unlock', 'B')] },
    { name: 'reads B only', scenario: 's2', events: [ev('lock', 'C'), ev('unlock', 'C')] },
  ];
  assert.deepEqual(combinations(t, s), [[0, 0], [0, 1]]);
  assert.deepEqual(combinations(t, s, { selfPairs: false }), [[0, 1]]);
});

test('three-CPU cycles are found only when asked, and pairwise findings are not repeated', () => {
  const { traces } = fixture<{ traces: Trace[] }>('three-cycle.json');
  const two = exploreAll([traces[0]], traces.slice(1));
  assert.equal(two.deadlocks.length, 0);
  const three = exploreAll([traces[0]], traces.slice(1), { cpus: 3 });
  assert.equal(three.deadlocks.length, 1);
  assert.equal(three.deadlocks[0].cycle.length, 3);
  // Pairs that deadlock on their own (f/g, and g/h) are reported once each, not again inside the triple.
  const abba = exploreAll([nested('f', 'A', 'B')], [nested('g', 'B', 'A'), nested('h', 'A', 'B')], { cpus: 3 });
  assert.deepEqual(abba.deadlocks.map((d) => d.cycleThreads?.map((i) => d.threads[i].name).join('/')), ['f/g']);
  const both = exploreAll([nested('f', 'A', 'B'), nested('h', 'A', 'B')], [nested('g', 'B', 'A')], { cpus: 3 });
  assert.deepEqual(both.deadlocks.map((d) => d.cycleThreads?.map((i) => d.threads[i].name).sort().join('/')).sort(), ['f/g', 'g/h']);
});

test('the seed patch against the 2.6.34 library: page fault (direct) first, then the no-split-ptlock walks', () => {
  const profile = fixture<Profile>('profile-2.6.34-mini.json');
  const seed = fixture<{ trace: Trace; corrected: Trace }>('seed-expand-downwards.json');
  const bad = runSimulation({ profile, touched: [seed.trace] });
  assert.equal(bad.result.bounded, false);
  const names = bad.result.deadlocks.map((d) => `${d.threads[1].scenario}${d.threads[1].note ? ' (variant)' : ''}`);
  assert.equal(names[0], 'page-fault');
  assert.ok(names.includes('rmap-walk (variant)'), names.join(', '));
  assert.ok(!names.includes('rmap-walk'), 'with split ptlocks the rmap walk takes another class');
  const good = runSimulation({ profile, touched: [seed.corrected] });
  assert.equal(good.result.deadlocks.length, 0);
  assert.ok(good.result.explored > 0);
  const only = runSimulation({ profile, touched: [seed.trace], scenarios: ['rmap-walk'] });
  assert.deepEqual(only.result.deadlocks.map((d) => d.threads[1].scenario), ['rmap-walk']);
});
