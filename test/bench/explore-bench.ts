// Explorer figures: states per second on large traces (40 events each, 20 locks, every lock
// contended so nothing is reduced away), the effect of the reductions, and the seed case end to end.
import * as fs from 'fs';
import * as path from 'path';
import { explore } from '../../server/src/sim/explore';
import { runSimulation } from '../../server/src/sim/explore-run';
import type { Profile } from '../../server/src/model/profile-types';
import type { Trace, TraceEvent } from '../../server/src/sim/trace-types';

interface Row { name: string; value: number; unit: string; target?: string }

const ev = (op: TraceEvent['op'], lock: string): TraceEvent => ({ op, lock, class: lock, mode: 'write', label: lock });

/** 40 events: ten nested pairs over 20 locks, all in one global order (so no deadlock: a full search). */
function orderedTrace(name: string, shift: number): Trace {
  const events: TraceEvent[] = [];
  for (let k = 0; k < 10; k++) {
    const a = `L${(k + shift) % 10}`, b = `L${10 + ((k + shift) % 10)}`;
    events.push(ev('lock', a), ev('lock', b), ev('unlock', b), ev('unlock', a));
  }
  return { name, events };
}

function time<T>(f: () => T, reps = 1): { r: T; ms: number } {
  const t0 = process.hrtime.bigint();
  let r = f();
  for (let i = 1; i < reps; i++) r = f();
  return { r, ms: Number(process.hrtime.bigint() - t0) / 1e6 / reps };
}

export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const pair = [orderedTrace('f', 0), orderedTrace('g', 3)];
  const p = time(() => explore(pair, { maxStates: 5_000_000, maxMs: 60_000 }), 20);
  rows.push({ name: 'explore: pair 40x40 events, 20 locks: states', value: p.r.explored, unit: 'states' });
  rows.push({ name: 'explore: pair 40x40 events, 20 locks: states/s', value: Math.round(p.r.explored / (p.ms / 1000)), unit: 'states/s', target: '> 200000' });
  const pn = time(() => explore(pair, { maxStates: 5_000_000, maxMs: 60_000, reduce: false }), 20);
  rows.push({ name: 'explore: pair 40x40, no reduction: states', value: pn.r.explored, unit: 'states' });

  const triple = [orderedTrace('f', 0), orderedTrace('g', 3), orderedTrace('h', 6)];
  const t = time(() => explore(triple, { maxStates: 5_000_000, maxMs: 60_000 }));
  rows.push({ name: 'explore: triple 3x40 events: states', value: t.r.explored, unit: 'states' });
  rows.push({ name: 'explore: triple 3x40 events: states/s', value: Math.round(t.r.explored / (t.ms / 1000)), unit: 'states/s', target: '> 200000' });
  rows.push({ name: 'explore: triple 3x40 events: time', value: t.ms, unit: 'ms', target: '< 2000 (default maxMs)' });
  const tn = time(() => explore(triple, { maxStates: 5_000_000, maxMs: 60_000, reduce: false }));
  rows.push({ name: 'explore: triple 3x40, no reduction: states', value: tn.r.explored, unit: 'states' });
  rows.push({ name: 'explore: triple 3x40, no reduction: time', value: tn.ms, unit: 'ms' });

  // The seed: expand_downwards with the RFC's page_table_lock -> anon_vma against the 2.6.34 library.
  const fix = path.resolve(__dirname, '../../../test/fixtures/explore');
  const seed = JSON.parse(fs.readFileSync(path.join(fix, 'seed-expand-downwards.json'), 'utf8')) as { trace: Trace };
  let profile: Profile;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    profile = (require('../../server/src/model/profiles') as { loadProfile(id: string): Profile }).loadProfile('linux-2.6.34');
  } catch {
    profile = JSON.parse(fs.readFileSync(path.join(fix, 'profile-2.6.34-mini.json'), 'utf8')) as Profile;
  }
  runSimulation({ profile, touched: [seed.trace] });            // warm the library cache
  const s = time(() => runSimulation({ profile, touched: [seed.trace] }), 20);
  rows.push({ name: `simulate seed vs ${profile.id} library: deadlocks`, value: s.r.result.deadlocks.length, unit: 'found' });
  rows.push({ name: `simulate seed vs ${profile.id} library: combinations`, value: s.r.result.combinations, unit: 'runs' });
  rows.push({ name: `simulate seed vs ${profile.id} library: time`, value: s.ms, unit: 'ms', target: '< 20' });
  const walk = s.r.result.deadlocks.find((d) => d.threads[1]?.scenario === 'rmap-walk');
  if (walk) {
    const pairTraces = [seed.trace, { name: walk.threads[1].name, events: walk.steps.filter((x) => x.thread === 1 && !x.blocked)
      .map((x) => ({ op: x.op, lock: x.lock, class: x.class ?? x.lock, mode: x.mode, label: x.label })) }];
    const one = time(() => explore(pairTraces), 200);
    rows.push({ name: 'explore: seed pair (expand_downwards x rmap walk): time', value: one.ms, unit: 'ms', target: '< 1' });
  }
  return rows;
}
