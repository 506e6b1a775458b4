// What-if edits: the command-line syntax, what each edit does to a copy of the linux-2.6.34
// profile, what-if files (ajv), and the errors (one line, naming the edit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, EditError, guessKind, parseEdits } from '../../server/src/model/profile-edit';
import { editFileOps, parseEditFile } from '../../server/src/model/profile-edit-file';
import { editReach } from '../../server/src/model/profile-edit-reach';
import { loadProfile } from '../../server/src/model/profiles';
import { buildOrder } from '../../server/src/model/order';
import { editOps } from '../../server/src/what-if';

const base = loadProfile('linux-2.6.34');
const edit = (...values: string[]) => applyEdits(base, parseEdits(values));
const cls = (p: typeof base, id: string) => p.classes.find((c) => c.id === id)!;

test('syntax: comma lists, repeated values, insert parts continue the insert', () => {
  const ops = parseEdits(['i_mmap_lock=mutex,anon_vma=mutex', 'x_lock:after=mmap_sem,before=anon_vma,kind=mutex,field=mm_struct.x_lock', 'reverse:tasklist_lock>anon_vma->lock']);
  assert.deepEqual(ops.map((o) => o.op), ['kind', 'kind', 'class', 'reverse-edge']);
  assert.deepEqual(ops[2], {
    op: 'class', text: 'x_lock:after=mmap_sem,before=anon_vma,kind=mutex,field=mm_struct.x_lock',
    cls: { name: 'x_lock', after: ['mmap_sem'], before: ['anon_vma'], kind: 'mutex', fields: ['mm_struct.x_lock'], mustBeNew: true },
  });
  // `->` inside a class name is not the edge arrow
  assert.deepEqual(ops[3], { op: 'reverse-edge', outer: 'tasklist_lock', inner: 'anon_vma->lock', text: 'reverse:tasklist_lock>anon_vma->lock' });
});

test('syntax errors: one message naming the edit', () => {
  const bad: [string, RegExp][] = [
    ['before=x', /^'before=x' belongs to an insert \(NAME:after=A,before=B,\.\.\.\) but no insert comes before it in 'before=x'$/],
    ['reverse:a', /^malformed edit 'reverse:a': expected reverse:OUTER>INNER/],
    ['i_mmap_lock=mutexx', /^unknown lock kind 'mutexx' in 'i_mmap_lock=mutexx' \(one of spinlock, raw_spinlock, rwlock, bit_spinlock, mutex, rwsem/],
    ['i_mmap_lock', /^malformed edit 'i_mmap_lock': expected CLASS=KIND, NAME:after=A,before=B, reverse:A>B, remove:A>B or add:A>B$/],
    ['i_mmap_lock=mutex,,anon_vma=mutex', /^empty edit in 'i_mmap_lock=mutex,,anon_vma=mutex'$/],
    ['x_lock:after=a,field=nodot', /field must be STRUCT\.FIELD/],
    ['x_lock:kind=mutex,kind=rwsem', /gives kind= twice/],
  ];
  for (const [v, re] of bad) assert.throws(() => parseEdits([v]), (e: Error) => e instanceof EditError && re.test(e.message), v);
});

test('kind change: by id or alias; sleeps follows the kind; the class kind then wins over the primitive', () => {
  for (const name of ['i_mmap_lock', 'mapping->i_mmap_lock', 'i_mmap_mutex']) {
    const r = edit(`${name}=mutex`);
    const c = cls(r.profile, 'i_mmap_lock');
    assert.deepEqual([c.kind, c.sleeps, c.kindOverridesApi], ['mutex', true, true], name);
    assert.deepEqual(r.applied.map((a) => a.description), ['i_mmap_lock: spinlock -> mutex (now sleeps)']);
  }
  const r = edit('anon_vma->lock=rwsem', 'mmap_sem=spinlock');
  assert.deepEqual([cls(r.profile, 'anon_vma').kind, cls(r.profile, 'mmap_sem').kind, cls(r.profile, 'mmap_sem').sleeps], ['rwsem', 'spinlock', false]);
  assert.equal(r.applied[1].description, 'mmap_sem: rwsem -> spinlock (no longer sleeps)');
  // the base profile is untouched (built-ins are frozen and shared)
  assert.equal(cls(base, 'i_mmap_lock').kind, 'spinlock');
  assert.equal(r.profile.id, 'linux-2.6.34+what-if');
  assert.equal(r.label, 'anon_vma->lock=rwsem,mmap_sem=spinlock');
});

test('a kind edit to the kind a class already has changes nothing', () => {
  const r = edit('mmap_sem=rwsem');
  assert.deepEqual(r.applied.map((a) => a.description), ['mmap_sem is already a rwsem: no change']);
  assert.equal(cls(r.profile, 'mmap_sem').kindOverridesApi, undefined);
  assert.deepEqual(editReach(base, r.profile), { none: true, global: false, changed: [], pairs: [] });
});

test('insert: edges outer -> new -> inner with source what-if; kind from kind= or the name; VAR->FIELD names the field', () => {
  const r = edit('anon_vma_chain_lock:after=mmap_sem,before=anon_vma,field=mm_struct.anon_vma_chain_lock');
  const c = cls(r.profile, 'anon_vma_chain_lock');
  assert.deepEqual([c.kind, c.sleeps, c.fields], ['spinlock', false, ['mm_struct.anon_vma_chain_lock']]);
  assert.deepEqual(r.profile.order.filter((e) => e.source === 'what-if').map((e) => `${e.outer}>${e.inner}`), ['mmap_sem>anon_vma_chain_lock', 'anon_vma_chain_lock>anon_vma']);
  assert.equal(r.applied[0].description, 'inserted anon_vma_chain_lock (spinlock, mm_struct.anon_vma_chain_lock): mmap_sem -> anon_vma_chain_lock, anon_vma_chain_lock -> anon_vma');
  const o = buildOrder(r.profile);
  assert.ok(o.before('mmap_sem', 'anon_vma_chain_lock') && o.before('anon_vma_chain_lock', 'page_table_lock'));
  const v = edit('mm->anon_vma_chain_lock:after=mmap_sem,before=anon_vma');
  assert.deepEqual(cls(v.profile, 'anon_vma_chain_lock').fields, ['mm_struct.anon_vma_chain_lock']);
  assert.deepEqual(cls(v.profile, 'anon_vma_chain_lock').aliases, ['mm->anon_vma_chain_lock']);
  const m = edit('vma_list_mutex:after=mmap_sem,before=page_lock');
  assert.deepEqual([cls(m.profile, 'vma_list_mutex').kind, cls(m.profile, 'vma_list_mutex').sleeps], ['mutex', true]);
  assert.equal(cls(edit('x_thing:kind=rwsem').profile, 'x_thing').kind, 'rwsem');
  // inserting only changes the order of pairs that involve the new class
  const reach = editReach(base, r.profile);
  assert.deepEqual(reach.changed, ['anon_vma_chain_lock']);
  assert.ok(reach.pairs.every((p) => p.includes('anon_vma_chain_lock')));
});

test('guessKind: *_lock spinlock, *mutex mutex, *sem/*rwsem rwsem, *rwlock rwlock', () => {
  assert.deepEqual(['a_lock', 'big_mutex', 'x_sem', 'x_rwsem', 'x_rwlock', 'thing'].map(guessKind), ['spinlock', 'mutex', 'rwsem', 'rwsem', 'rwlock', undefined]);
});

test('reverse and remove: the documented edge(s), with their sources', () => {
  const r = edit('reverse:tasklist_lock>anon_vma');
  assert.equal(r.applied[0].description, 'reversed tasklist_lock -> anon_vma (mm/rmap.c:42 ordering comment (2.6.34)): now anon_vma -> tasklist_lock');
  const o = buildOrder(r.profile);
  assert.ok(o.before('anon_vma', 'tasklist_lock') && !o.before('tasklist_lock', 'anon_vma'));
  // the reversed edge is strong: a contradiction is a cycle, not a silently dropped weak edge
  assert.equal(r.profile.order.find((e) => e.outer === 'anon_vma' && e.inner === 'tasklist_lock')!.weak, undefined);
  // every class before anon_vma is now before tasklist_lock too; only pairs with tasklist_lock change
  const pairs = editReach(base, r.profile).pairs.map((p) => p.join('>'));
  assert.ok(pairs.includes('anon_vma>tasklist_lock') && pairs.includes('tasklist_lock>anon_vma') && pairs.includes('mmap_sem>tasklist_lock'), pairs.join(' '));
  assert.ok(pairs.every((p) => p.split('>').includes('tasklist_lock')), pairs.join(' '));
  const both = edit('reverse:i_mmap_lock>anon_vma');
  assert.match(both.applied[0].description, /^reversed i_mmap_lock -> anon_vma \(mm\/rmap\.c:28 ordering comment \(2\.6\.34\); mm\/filemap\.c:88 ordering comment \(2\.6\.34\)\): now anon_vma -> i_mmap_lock$/);
  const rm = edit('remove:tasklist_lock>i_mmap_lock');
  assert.equal(rm.applied[0].description, 'removed tasklist_lock -> i_mmap_lock (mm/filemap.c:110 ordering comment (2.6.34))');
  assert.deepEqual(editReach(base, rm.profile).pairs, [['tasklist_lock', 'i_mmap_lock']]);
  // removing an edge that stays implied says so
  assert.deepEqual(edit('remove:mmap_sem>i_mmap_lock').notes, ['after remove:mmap_sem>i_mmap_lock, mmap_sem is still before i_mmap_lock: mmap_sem -> page_lock -> i_mmap_lock']);
});

test('errors: unknown class, missing edge, clashing insert, a cyclic order (naming the cycle)', () => {
  const bad: [string, RegExp][] = [
    ['foo=mutex', /^unknown lock class 'foo' in edit 'foo=mutex' \(linux-2\.6\.34 has .*\bi_mmap_lock\b.*\)$/],
    ['reverse:mmap_sem>anon_vma', /^edit 'reverse:mmap_sem>anon_vma': there is no documented edge mmap_sem -> anon_vma; mmap_sem comes before anon_vma through mmap_sem -> i_mmap_lock -> anon_vma \(edit one of those edges\)$/],
    ['remove:anon_vma>i_mmap_lock', /^edit 'remove:anon_vma>i_mmap_lock': there is no edge anon_vma -> i_mmap_lock; the order has i_mmap_lock before anon_vma \(i_mmap_lock -> anon_vma\)$/],
    ['i_mmap_lock:after=mmap_sem', /^edit 'i_mmap_lock:after=mmap_sem': 'i_mmap_lock' already names class i_mmap_lock \(to change its kind: i_mmap_lock=KIND\)$/],
    ['x_lock:after=mmap_sem,field=address_space.i_mmap_lock', /field address_space\.i_mmap_lock already belongs to class i_mmap_lock/],
    ['x_thing:after=mmap_sem', /cannot tell the kind of 'x_thing' from its name: add kind=/],
    ['add:page_table_lock>mmap_sem', /^the edits make the lock order cyclic: page_table_lock -> mmap_sem -> i_mmap_lock -> page_table_lock \(from add:page_table_lock>mmap_sem\)$/],
  ];
  for (const [v, re] of bad) assert.throws(() => edit(v), (e: Error) => e instanceof EditError && re.test(e.message) && !e.message.includes('\n'), v);
  assert.throws(() => edit('reverse:tasklist_lock>anon_vma,reverse:tasklist_lock>i_mmap_lock,add:anon_vma>i_mmap_lock'),
    (e: Error) => e.message === 'the edits make the lock order cyclic: anon_vma -> i_mmap_lock -> anon_vma (from add:anon_vma>i_mmap_lock)');
});

test('a switchable edge the edited order contradicts is set aside, with a note', () => {
  // i_mmap_lock -> tasklist_lock contradicts the switchable tasklist_lock -> i_mmap_lock
  const r = edit('add:i_mmap_lock>tasklist_lock');
  assert.deepEqual(r.notes, ['the switchable edge tasklist_lock -> i_mmap_lock (mm/filemap.c:110 ordering comment (2.6.34)) is set aside: it contradicts the edited order (tasklist_lock -> i_mmap_lock -> tasklist_lock)']);
});

test('what-if file: schema-checked, same edits as the command line', () => {
  const text = JSON.stringify({
    description: 'seed 001 and the 3.0 memory-failure order',
    kinds: { 'mapping->i_mmap_lock': 'mutex', 'anon_vma->lock': 'mutex' },
    classes: [{ id: 'mm->anon_vma_chain_lock', after: ['mmap_sem'], before: ['anon_vma'] }],
    reverseEdges: [{ outer: 'tasklist_lock', inner: 'anon_vma' }],
    removeEdges: [{ outer: 'tasklist_lock', inner: 'i_mmap_lock' }],
    order: [{ outer: 'i_mmap_lock', inner: 'tasklist_lock', note: '(collect_procs_file, 3.0)' }],
  });
  const f = parseEditFile(text, 'x.json');
  const ops = editFileOps(f, 'x.json');
  assert.deepEqual(ops.map((o) => o.text), [
    'x.json /classes/0 (mm->anon_vma_chain_lock)', 'x.json /kinds/mapping->i_mmap_lock=mutex', 'x.json /kinds/anon_vma->lock=mutex',
    'x.json /removeEdges/0 (tasklist_lock>i_mmap_lock)', 'x.json /reverseEdges/0 (tasklist_lock>anon_vma)', 'x.json /order/0 (i_mmap_lock>tasklist_lock)',
  ]);
  const r = applyEdits(base, ops);
  assert.deepEqual([cls(r.profile, 'i_mmap_lock').kind, cls(r.profile, 'anon_vma').kind, cls(r.profile, 'anon_vma_chain_lock').kind], ['mutex', 'mutex', 'spinlock']);
  const o = buildOrder(r.profile);
  assert.ok(o.before('i_mmap_lock', 'tasklist_lock') && o.before('anon_vma', 'tasklist_lock') && !o.before('tasklist_lock', 'i_mmap_lock'));
  assert.equal(r.profile.order.find((e) => e.outer === 'i_mmap_lock' && e.inner === 'tasklist_lock')!.source, 'what-if x.json');
  // mixing a file and command-line edits (editOps validates the object too)
  const mixed = applyEdits(base, editOps([f, 'page_table_lock=mutex']));
  assert.equal(cls(mixed.profile, 'page_table_lock').kind, 'mutex');
});

test('what-if file errors name the file and the field', () => {
  const bad: [string, RegExp][] = [
    ['{', /^x\.json: not valid JSON/],
    ['{"kinds": {"i_mmap_lock": "mutexx"}}', /^x\.json: \/kinds\/i_mmap_lock must be one of spinlock, raw_spinlock/],
    ['{"classes": [{"kind": "mutex"}]}', /^x\.json: \/classes\/0\/id is required$/],
    ['{"reverse": []}', /^x\.json: \/reverse is not a known field$/],
    ['{"order": [{"outer": "a"}]}', /^x\.json: \/order\/0\/inner is required$/],
  ];
  for (const [t, re] of bad) assert.throws(() => parseEditFile(t, 'x.json'), (e: Error) => e instanceof EditError && re.test(e.message), t);
  assert.throws(() => applyEdits(base, editFileOps(parseEditFile('{"kinds": {"nope": "mutex"}}', 'x.json'), 'x.json')),
    (e: Error) => e.message.startsWith("unknown lock class 'nope' in edit 'x.json /kinds/nope=mutex' (linux-2.6.34 has "));
});

test('editReach: a kind change is a changed class; APIs or types changed by a file reach everything', () => {
  assert.deepEqual(editReach(base, edit('i_mmap_lock=mutex', 'anon_vma=mutex').profile), { none: false, global: false, changed: ['i_mmap_lock', 'anon_vma'], pairs: [] });
  const r = applyEdits(base, editFileOps(parseEditFile('{"nameTypes": {"av": "anon_vma"}}', 'x.json'), 'x.json'));
  assert.equal(editReach(base, r.profile).global, true);
});
