// The scenario library: every file validates, eras select the right entries, every lock resolves
// in the profiles of its eras, and every file:line names the lock call in the corpus tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { readScenarioLibrary, scenarioDir, validateScenarioFile } from '../../server/src/sim/scenario-files';
import { eraMatches, profileVersion } from '../../server/src/sim/scenario-eras';
import { classResolver } from '../../server/src/sim/scenario-resolve';
import { loadScenarios, loadScenariosWithNotes, scenarioIds, scenarioTraces } from '../../server/src/sim/scenarios';
import type { Profile } from '../../server/src/model/profile-types';

const FIX = path.resolve(__dirname, '../../../test/fixtures/explore');
const mini = JSON.parse(fs.readFileSync(path.join(FIX, 'profile-2.6.34-mini.json'), 'utf8')) as Profile;
const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const PROFILE_IDS = ['linux-2.6.26', 'linux-2.6.34', 'linux-3.19', 'linux-5.4', 'linux-6.1', 'linux-6.12'];

test('every scenario file validates against the schema; ids and titles are stable', () => {
  const lib = readScenarioLibrary();
  assert.ok(lib.length >= 30, `${lib.length} scenarios`);
  const files = fs.readdirSync(scenarioDir()).filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json');
  for (const f of files) {
    const data = JSON.parse(fs.readFileSync(path.join(scenarioDir(), f), 'utf8')) as unknown;
    assert.doesNotThrow(() => validateScenarioFile(data, f), f);
  }
  for (const id of ['page-fault', 'munmap', 'rmap-walk', 'rmap-walk-file', 'migration', 'truncate', 'mm-take-all-locks',
    'khugepaged-collapse', 'fork', 'swapoff', 'memory-failure', 'memory-failure-file']) {
    assert.ok(scenarioIds().includes(id), id);
  }
  assert.ok(lib.some((s) => s.id === 'rmap-walk' && s.title === 'rmap walk (try_to_unmap)'));
});

test('bad scenario data is a clear error naming the file and path', () => {
  const bad = { scenarios: [{ id: 'x', title: 't', eras: ['6.1..'], tree: 'linux-6.1', source: { file: 'mm/x.c', function: 'f', line: 1, why: 'a long enough sentence' },
    events: [{ op: 'lock', lock: 'mmap_lock', mode: 'write', file: 'mm/x.c', line: 2, function: 'f', call: 'x' }] }] };
  assert.throws(() => validateScenarioFile(bad, 'bad.json'), /bad\.json: invalid scenario file: \/scenarios\/0\/events\/0 must have required property 'label'/);
  const noLine = { ...bad, scenarios: [{ ...bad.scenarios[0], events: [{ op: 'lock', lock: 'mmap_lock', mode: 'write', label: 'x' }] }] };
  assert.throws(() => validateScenarioFile(noLine, 'b.json'), /b\.json/);   // a lock step needs a source line or a note
});

test('eras: profile ids and version ranges', () => {
  const p = (id: string): Pick<Profile, 'id' | 'version'> => ({ id, version: { major: 0, minor: 0 } });
  assert.deepEqual(profileVersion(p('linux-2.6.34')), [2, 6, 34]);
  assert.ok(eraMatches('2.6.34..2.6.39', p('linux-2.6.34')));
  assert.ok(!eraMatches('2.6.26..2.6.31', p('linux-2.6.34')));
  assert.ok(eraMatches('3.19..6.3', p('linux-6.3.8')));
  assert.ok(eraMatches('3.19..6.3', p('linux-5.4')));
  assert.ok(!eraMatches('3.19..6.3', p('linux-6.12')));
  assert.ok(eraMatches('6.4..', p('linux-6.12')));
  assert.ok(eraMatches('..2.6.31', p('linux-2.6.26')));
  assert.ok(eraMatches('linux-6.1', p('linux-6.1')));
  assert.ok(eraMatches('6.4..', { id: 'my-proposal', version: { major: 6, minor: 12 } }));
  assert.ok(eraMatches('2.6.34..2.6.39', { id: 'what-if', version: { major: 2, minor: 6 }, extends: 'linux-2.6.34' } as Profile));
});

test('every profile era has its canonical paths', () => {
  const lib = readScenarioLibrary();
  for (const id of PROFILE_IDS) {
    const have = new Set(lib.filter((s) => s.eras.some((e) => eraMatches(e, { id, version: { major: 0, minor: 0 } }))).map((s) => s.id));
    for (const must of ['page-fault', 'munmap', 'rmap-walk', 'truncate', 'fork', 'swapoff']) assert.ok(have.has(must), `${id}: ${must}`);
    // No two entries of one id cover the same profile.
    const counts = new Map<string, number>();
    for (const s of lib) if (s.eras.some((e) => eraMatches(e, { id, version: { major: 0, minor: 0 } }))) counts.set(s.id, (counts.get(s.id) ?? 0) + 1);
    for (const [sid, n] of counts) assert.equal(n, 1, `${id}: ${sid} covered ${n} times`);
  }
});

test('loader: locks map to the profile\'s class ids through ids, aliases, globals and fields', () => {
  const resolve = classResolver(mini);
  assert.equal(resolve(['i_mmap_rwsem', '&mapping->i_mmap_lock']), 'i_mmap_lock');   // alias
  assert.equal(resolve(['anon_vma']), 'anon_vma');                                    // id
  assert.equal(resolve(['nope', 'tasklist_lock']), 'tasklist_lock');                 // global
  assert.equal(resolve(['&mm->page_table_lock']), 'page_table_lock');                // field via nameTypes
  assert.equal(resolve(['vma_lock', '&vma->vm_lock->lock']), null);
  const { traces, notes } = loadScenariosWithNotes(mini);
  const ids = new Set(traces.map((t) => t.scenario));
  for (const id of ['page-fault', 'rmap-walk', 'munmap', 'truncate', 'memory-failure', 'mm-take-all-locks']) assert.ok(ids.has(id), id);
  assert.ok(!ids.has('khugepaged-collapse'), 'no 2.6.34 entry');
  // Optional steps the fixture lacks are dropped with a note; the scenario stays.
  assert.ok(notes.some((n) => /truncate: optional steps \(i_alloc_sem\)/.test(n)), notes.join('\n'));
  for (const t of traces) for (const e of t.events) assert.ok(mini.classes.some((c) => c.id === e.lock), `${t.scenario}: ${e.lock}`);
  // The rmap walk: base (split pte lock) + variant (pte lock = page_table_lock).
  const rw = traces.filter((t) => t.scenario === 'rmap-walk');
  assert.equal(rw.length, 2);
  assert.deepEqual(rw[0].events.filter((e) => e.op === 'lock').map((e) => e.lock), ['anon_vma', 'pte_ptl']);
  assert.deepEqual(rw[1].events.filter((e) => e.op === 'lock').map((e) => e.lock), ['anon_vma', 'page_table_lock']);
  assert.match(rw[1].note ?? '', /split PTE locks off/);
  assert.equal(loadScenarios(mini).length, traces.length);
});

test('loader: a scenario whose lock the profile lacks is skipped with a note', () => {
  const noTasklist: Profile = { ...mini, classes: mini.classes.filter((c) => c.id !== 'tasklist_lock') };
  const { traces, notes } = loadScenariosWithNotes(noTasklist);
  assert.ok(!traces.some((t) => t.scenario === 'memory-failure'));
  assert.ok(notes.some((n) => /scenario memory-failure \(linux-2\.6\.34\) skipped: profile linux-2\.6\.34 has no lock class for tasklist_lock/.test(n)), notes.join('\n'));
  const sc = readScenarioLibrary().find((s) => s.id === 'memory-failure');
  assert.ok(sc);
  assert.equal(scenarioTraces(sc, noTasklist, classResolver(noTasklist)).traces.length, 0);
});

test('every scenario step points at its lock call in the corpus tree of its era', { skip: !fs.existsSync(CORPUS) && 'no corpus' }, () => {
  const cache = new Map<string, string[]>();
  const lines = (tree: string, file: string): string[] => {
    const k = `${tree}/${file}`;
    let l = cache.get(k);
    if (!l) { l = fs.readFileSync(path.join(CORPUS, tree, file), 'utf8').split('\n'); cache.set(k, l); }
    return l;
  };
  let checked = 0;
  for (const s of readScenarioLibrary()) {
    const src = lines(s.tree, s.source.file)[s.source.line - 1] ?? '';
    assert.ok(src.includes(s.source.function), `${s.id} ${s.tree}: source ${s.source.file}:${s.source.line} is not ${s.source.function}: ${src}`);
    for (const e of s.events) {
      if (e.line === undefined || !e.file) continue;
      const text = lines(s.tree, e.file);
      const at = text[e.line - 1] ?? '';
      assert.ok(e.call && at.includes(e.call), `${s.id} ${s.tree}: ${e.file}:${e.line} does not contain ${e.call}: ${at.trim()}`);
      // The enclosing function (nearest definition above, labels skipped) is the one named.
      let i = e.line - 1;
      while (i >= 0 && !(/^[A-Za-z_][\w\s*]*\(/.test(text[i]) && !/^\w+:/.test(text[i]))) i--;
      assert.ok(i >= 0 && e.function && text[i].includes(e.function), `${s.id} ${s.tree}: ${e.file}:${e.line} is not in ${e.function} (${(text[i] ?? '').trim()})`);
      checked++;
    }
  }
  assert.ok(checked > 200, `${checked} steps checked`);
});

test('every scenario\'s locks resolve in the real profiles of its eras (when they exist)', async (t) => {
  let loadProfile: ((id: string) => Profile | Promise<Profile>) | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loadProfile = (require('../../server/src/model/profiles') as { loadProfile?: typeof loadProfile }).loadProfile;
  } catch { /* not written yet */ }
  if (!loadProfile) { t.skip('server/src/model/profiles.ts not available yet'); return; }
  for (const id of PROFILE_IDS) {
    let p: Profile;
    try { p = await loadProfile(id); } catch { t.diagnostic(`profile ${id} not available`); continue; }
    const { traces, notes } = loadScenariosWithNotes(p);
    const skipped = notes.filter((n) => / skipped: /.test(n) && !/ variant /.test(n));
    assert.deepEqual(skipped, [], `${id}:\n${skipped.join('\n')}`);
    assert.ok(traces.length > 0, id);
  }
});
