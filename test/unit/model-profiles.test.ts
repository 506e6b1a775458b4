// Loading profiles: schema errors name the file and the field, extends merges, built-ins are valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import * as fs from 'fs';
import Ajv from 'ajv';
import { loadProfile, listProfiles, profileFromText, ProfileError, builtinIds } from '../../server/src/model/profiles';
import { jsonErrorOffset } from '../../server/src/model/json-error';

const FIX = path.resolve(__dirname, '../../../test/fixtures/model');

function errorOf(fn: () => unknown): ProfileError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ProfileError, `expected a ProfileError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a ProfileError');
}

test('a bad kind names the file and the field', () => {
  const e = errorOf(() => loadProfile('bad-kind.json', { cwd: FIX }));
  assert.equal(e.message,
    'bad-kind.json: /classes/3/kind must be one of spinlock, raw_spinlock, rwlock, bit_spinlock, mutex, rwsem, page_lock, rcu, srcu, seqcount, pseudo');
  assert.equal(e.pointer, '/classes/3/kind');
  assert.equal(e.profileFile, 'bad-kind.json');
});

test('an edge naming an unknown class is refused, naming the class', () => {
  const e = errorOf(() => loadProfile('./unknown-class.json', { cwd: FIX }));
  assert.equal(e.message, "./unknown-class.json: /order/1/inner names unknown class 'no_such_lock'");
  assert.equal(e.pointer, '/order/1/inner');
});

test('a missing field is named', () => {
  const e = errorOf(() => loadProfile('missing-field.json', { cwd: FIX }));
  assert.equal(e.message, 'missing-field.json: /classes/0/source is required');
});

test('an effect naming an unknown class, an unknown effect field and an effect without its lock are refused', () => {
  const base = { id: 'x', description: 'x', extends: 'linux-common' };
  assert.equal(errorOf(() => profileFromText(JSON.stringify({ ...base, apis: [{ name: 'f', effects: [{ op: 'acquire', class: 'nope' }] }] }), 'x.json')).message,
    "x.json: /apis/0/effects/0/class names unknown class 'nope'");
  assert.equal(errorOf(() => profileFromText(JSON.stringify({ ...base, apis: [{ name: 'f', effects: [{ op: 'release', lockArg: 0, ptlArg: 1 }] }] }), 'x.json')).message,
    'x.json: /apis/0/effects/0/ptlArg is not a known field');
  assert.equal(errorOf(() => profileFromText(JSON.stringify({ ...base, apis: [{ name: 'f', effects: [{ op: 'acquire', mode: 'read' }] }] }), 'x.json')).message,
    'x.json: /apis/0/effects/0 needs class or lockArg');
  assert.equal(errorOf(() => profileFromText(JSON.stringify({ ...base, apis: [{ name: 'f', effects: [{ op: 'grab' }] }] }), 'x.json')).message.split(' (also')[0],
    'x.json: /apis/0/effects/0/op must be one of acquire, try-acquire, acquire-return, release, downgrade, bind, may-sleep, rcu-lock, rcu-unlock, preempt-disable, preempt-enable, irq-disable, irq-enable, irq-save, irq-restore, assert-held, lock-break');
});

test('a root profile must have every list; duplicates, self edges and alias clashes are refused', () => {
  assert.equal(errorOf(() => profileFromText(JSON.stringify({ id: 'r', description: 'r', version: { major: 1, minor: 0 } }), 'r.json')).message.split(' (also')[0],
    'r.json: /classes is required');
  const base = { id: 'x', description: 'x', extends: 'linux-common' };
  const cls = (id: string, aliases?: string[]) => ({ id, kind: 'spinlock', sleeps: false, description: id, source: 's', ...(aliases ? { aliases } : {}) });
  assert.equal(errorOf(() => profileFromText(JSON.stringify({ ...base, classes: [cls('a'), cls('a')] }), 'x.json')).message,
    "x.json: /classes/1/id duplicates class 'a' (also /classes/0)");
  assert.equal(errorOf(() => profileFromText(JSON.stringify({ ...base, classes: [cls('a')], order: [{ outer: 'a', inner: 'a', source: 's' }] }), 'x.json')).message,
    "x.json: /order/0 has the same class 'a' as outer and inner");
  assert.equal(errorOf(() => profileFromText(JSON.stringify({ ...base, classes: [cls('a', ['x->l']), cls('b', ['x->l'])] }), 'x.json')).message,
    "x.json: /classes/1/aliases/0 'x->l' is also an alias or id of class 'a'");
  assert.equal(errorOf(() => profileFromText(JSON.stringify({ ...base, removeClasses: ['nope'] }), 'x.json')).message,
    "x.json: /removeClasses/0 names unknown class 'nope' (not in the base profile)");
});

test('JSON syntax errors give the line and column', () => {
  const e = errorOf(() => loadProfile('syntax.json', { cwd: FIX }));
  assert.match(e.message, /^syntax\.json:4:1: not valid JSON \(/);
});

test('extends loops, unknown bases and unknown ids are refused clearly', () => {
  assert.equal(errorOf(() => loadProfile('loop-a.json', { cwd: FIX })).message, 'loop-a.json: /extends makes a loop (loop-a -> loop-b -> loop-a)');
  assert.equal(errorOf(() => profileFromText('{"id":"x","description":"x","extends":"linux-9.9"}', 'x.json')).message,
    `x.json: /extends names unknown profile 'linux-9.9' (built-in: ${builtinIds().join(', ')})`);
  assert.match(errorOf(() => loadProfile('linux-9.9')).message, /^unknown profile 'linux-9\.9' \(built-in: linux-2\.6\.26, /);
  assert.match(errorOf(() => loadProfile('nope.json', { cwd: FIX })).message, /^nope\.json: cannot read the profile \(ENOENT\)$/);
});

test('profile files are refused in an untrusted workspace; built-ins still load', () => {
  const e = errorOf(() => loadProfile('child.json', { cwd: FIX, untrusted: true }));
  assert.equal(e.message, 'child.json: profile files are not loaded in an untrusted workspace (use a built-in profile)');
  assert.equal(loadProfile('linux-6.12', { untrusted: true }).id, 'linux-6.12');
});

test('extends: classes and APIs override by id/name, edges and field types append, maps merge, removeClasses cascades', () => {
  const p = loadProfile('child.json', { cwd: FIX });
  assert.equal(p.id, 'fixture-child');
  assert.deepEqual(p.version, { major: 9, minor: 0 });
  assert.deepEqual(p.classes.map((c) => `${c.id}:${c.kind}`), ['outer_mutex:mutex', 'mid_lock:mutex', 'leaf_lock:spinlock']);
  assert.deepEqual(p.order.map((e) => `${e.outer}>${e.inner}`), ['outer_mutex>mid_lock', 'mid_lock>leaf_lock']);
  // inner_take named the removed class: it goes with it; foo_lock is the child's
  assert.deepEqual(p.apis.map((a) => a.name), ['foo_lock', 'foo_unlock']);
  assert.deepEqual(p.apis[0].effects, [{ op: 'acquire', class: 'mid_lock', instanceArg: 0, mode: 'write' }]);
  assert.deepEqual(p.fieldTypes, [{ struct: 'bar', field: 'foo', type: 'foo2' }]);
  assert.deepEqual(p.nameTypes, { foo: 'foo', bar: 'bar2', baz: 'baz' });
  assert.deepEqual(p.iteratorMacros, ['for_each_foo', 'for_each_bar']);
  assert.deepEqual(p.gfp, { blocking: ['GFP_KERNEL', 'GFP_NOFS'], atomic: ['GFP_ATOMIC'] });
  assert.equal(p.extends, 'base.json');
});

test('a user profile can extend a built-in and edit it (what-if i_mmap_lock were a mutex)', () => {
  const p = loadProfile('on-builtin.json', { cwd: FIX });
  const base = loadProfile('linux-2.6.34');
  const c = p.classes.find((k) => k.id === 'i_mmap_lock')!;
  assert.equal(c.kind, 'mutex');
  assert.equal(c.sleeps, true);
  assert.equal(p.classes.length, base.classes.length);
  assert.equal(p.order.length, base.order.length - 1);
  assert.ok(!p.order.some((e) => e.outer === 'tasklist_lock' && e.inner === 'i_mmap_lock'));
  assert.equal(p.apis.length, base.apis.length);
});

test('every built-in profile loads, is cached and frozen, and extends linux-common', () => {
  for (const id of builtinIds()) {
    const p = loadProfile(id);
    assert.equal(p.id, id);
    assert.equal(loadProfile(id), p, 'cached');
    assert.ok(Object.isFrozen(p) && Object.isFrozen(p.classes[0]), 'frozen');
    if (id !== 'linux-common') {
      assert.equal(p.extends, 'linux-common');
      assert.ok(p.apis.some((a) => a.name === 'spin_lock'), `${id} has the common APIs`);
      assert.ok(p.classes.every((c) => c.source.length > 0 && c.description.length > 0));
      assert.ok(p.order.every((e) => e.source.length > 0));
    }
  }
});

test('listProfiles gives the selectable era profiles, oldest first, with their eras', () => {
  assert.deepEqual(listProfiles().map((p) => `${p.id} [${p.era}]`), [
    'linux-2.6.26 [2.6.0 – before 2.6.27]',
    'linux-2.6.34 [2.6.27 – before 3.0]',
    'linux-3.19 [3.0 – before 4.0]',
    'linux-5.4 [4.0 – before 5.8]',
    'linux-6.1 [5.8 – before 6.4]',
    'linux-6.12 [6.4 onwards]',
  ]);
});

test('the built-in JSON files are valid against the schema file itself (ajv, draft-07)', () => {
  const dir = path.resolve(__dirname, '../../../server/profiles');
  const schema = JSON.parse(fs.readFileSync(path.join(dir, 'profile.schema.json'), 'utf8'));
  const validate = new Ajv({ strict: false }).compile(schema);
  for (const f of fs.readdirSync(dir).filter((n) => n.startsWith('linux-') && n.endsWith('.json'))) {
    assert.ok(validate(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))), `${f}: ${JSON.stringify(validate.errors)}`);
  }
});

test('jsonErrorOffset: the first offending character, or -1 for valid JSON', () => {
  assert.equal(jsonErrorOffset('{"a": [1, 2.5e3, true, null, "x\\u00e9"]}'), -1);
  assert.equal(jsonErrorOffset('{ "id": "x",\n  "d": oops }'), 20);
  assert.equal(jsonErrorOffset('[1, 2,]'), 6);
  assert.equal(jsonErrorOffset('{"a": 1'), 7);
  assert.equal(jsonErrorOffset('{"a": 1} x'), 9);
  assert.equal(jsonErrorOffset('"tab\there"'), 4);
});

test('a guard naming an unknown API or with a bad cond is refused; a good one overrides the base by name', () => {
  const base = { id: 'x', description: 'x', extends: 'linux-common' };
  assert.equal(errorOf(() => profileFromText(JSON.stringify({ ...base, guards: [{ name: 'g', lock: 'grab_it', unlock: 'spin_unlock', source: 's' }] }), 'x.json')).message,
    "x.json: /guards/0/lock names unknown API 'grab_it'");
  assert.match(errorOf(() => profileFromText(JSON.stringify({ ...base, guards: [{ name: 'g', lock: 'spin_lock', unlock: 'spin_unlock', cond: 'maybe', source: 's' }] }), 'x.json')).message,
    /^x\.json: \/guards\/0\/cond must be one of try, intr/);
  const p = profileFromText(JSON.stringify({ ...base, guards: [{ name: 'mutex', lock: 'mutex_lock_killable', unlock: 'mutex_unlock', cond: 'intr', source: 's' }] }), 'x.json');
  assert.equal(p.guards!.filter((g) => g.name === 'mutex').length, 1);
  assert.equal(p.guards!.find((g) => g.name === 'mutex')!.lock, 'mutex_lock_killable');
  assert.ok(p.guards!.some((g) => g.name === 'spinlock_irqsave'));
});
