// One walk, two profiles: a what-if edit that changes only lock kinds and the order is evaluated
// in the same simulation as the base profile (InterpretContext.variant). Its answer must be the
// answer of two separate runs, site for site and word for word; an edit that changes which locks
// code names (an inserted class) still takes two runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { whatIf, editedProfiles } from '../../server/src/what-if';
import { analyze, createCache } from '../../server/src/analysis';
import { sameWalks } from '../../server/src/model/profile-edit-reach';
import { inputsOf, shown, twoRuns } from './what-if-runs';

const repo = path.resolve(__dirname, '../../..');
const fixture = (...p: string[]) => path.join(repo, 'test/fixtures/what-if', ...p);

test('sameWalks: kinds and the order only; not an inserted class, an alias or an API', () => {
  const tree = fixture('reverse');
  const walks = (edit: string) => { const { base, edited } = editedProfiles({ edits: [edit], tree }); return sameWalks(base.profile, edited.profile); };
  assert.equal(walks('i_mmap_lock=mutex,anon_vma=mutex'), true);
  assert.equal(walks('reverse:tasklist_lock>anon_vma'), true);
  assert.equal(walks('remove:mmap_sem>i_mmap_lock'), true);
  assert.equal(walks('add:i_mmap_lock>tasklist_lock'), true);
  assert.equal(walks('anon_vma_chain_lock:after=mmap_sem,before=anon_vma,field=mm_struct.anon_vma_chain_lock'), false);
  const { base } = editedProfiles({ edits: ['i_mmap_lock=mutex'], tree });
  const apis = { ...base.profile, apis: base.profile.apis.slice(1) };
  assert.equal(sameWalks(base.profile, apis), false);
  const fields = { ...base.profile, classes: base.profile.classes.map((c) => (c.id === 'anon_vma' ? { ...c, fields: [...(c.fields ?? []), 'foo.bar'] } : c)) };
  assert.equal(sameWalks(base.profile, fields), false);
});

test('one walk gives what two runs give: kind edits, order edits and both, on the fixture trees', async () => {
  const cases: [string, string[]][] = [
    ['reverse', ['i_mmap_lock=mutex,anon_vma=mutex']],
    ['reverse', ['reverse:tasklist_lock>anon_vma,reverse:tasklist_lock>i_mmap_lock']],
    ['reverse', ['i_mmap_lock=mutex', 'reverse:tasklist_lock>i_mmap_lock']],
    ['insert', ['anon_vma=mutex']],
    ['insert', ['page_table_lock=mutex']],
    ['insert', ['reverse:anon_vma>page_table_lock']],
  ];
  let differing = 0;
  for (const [name, edits] of cases) {
    const tree = fixture(name);
    const one = await whatIf({ edits, inputs: inputsOf(tree), tree });
    const two = await whatIf({ edits, inputs: inputsOf(tree), tree, runner: twoRuns(tree) });
    assert.deepEqual(shown(one), shown(two), `${name}: ${edits.join(' ')}`);
    if (one.breaks.length || one.allowed.length) differing++;
  }
  // The comparison is not between empty answers.
  assert.ok(differing >= 4, `only ${differing} of ${cases.length} edits changed anything`);
});

test('a one-walk C-file analysis reports under both profiles what each reports alone', async () => {
  const tree = fixture('reverse');
  const { base, edited } = editedProfiles({ edits: ['i_mmap_lock=mutex,anon_vma=mutex,reverse:tasklist_lock>anon_vma'], tree });
  for (const input of inputsOf(tree)) {
    const common = { name: input.name, text: input.text, tree, all: true, sites: false, crossFile: true };
    const both = await analyze({ ...common, cache: createCache(), profileObject: base.profile, profileOrigin: base.origin,
      variant: { profileObject: edited.profile, profileOrigin: edited.origin } });
    const alone = await analyze({ ...common, cache: createCache(), profileObject: edited.profile, profileOrigin: edited.origin });
    const plain = await analyze({ ...common, cache: createCache(), profileObject: base.profile, profileOrigin: base.origin });
    assert.deepEqual(both.findings, plain.findings, input.name);
    assert.ok(both.variant, input.name);
    assert.deepEqual(both.variant.findings, alone.findings, input.name);
    assert.equal(both.variant.profile.origin, edited.origin);
  }
  // memory-failure.c's rmap locks under tasklist_lock are what the edit turns into findings.
  const mf = inputsOf(tree).find((i) => i.name.endsWith('memory-failure.c'))!;
  const r = await analyze({ name: mf.name, text: mf.text, tree, all: true, sites: false, crossFile: true, cache: createCache(),
    profileObject: base.profile, profileOrigin: base.origin, variant: { profileObject: edited.profile, profileOrigin: edited.origin } });
  assert.ok(r.variant!.findings.length > r.findings.length, 'the edited profile reports more in memory-failure.c');
});
