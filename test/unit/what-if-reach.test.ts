// Which text an edit can reach (model/profile-edit-reach.ts): the text scan that lets a what-if
// skip files whose findings cannot change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accessPathBefore, declIndex, editReach, functionBodies, ReachScanner, stripC,
} from '../../server/src/model/profile-edit-reach';
import { applyEdits, parseEdits } from '../../server/src/model/profile-edit';
import { loadProfile } from '../../server/src/model/profiles';

const base = loadProfile('linux-2.6.34');
function scanner(...edits: string[]) {
  const edited = applyEdits(base, parseEdits(edits)).profile;
  const reach = editReach(base, edited);
  return { reach, s: new ReachScanner(reach, [base, edited]) };
}
const classesOf = (s: ReachScanner, text: string, decls: string[] = []) =>
  [...s.scan(stripC(text), () => decls.map((d) => declIndex(stripC(d)))).classes].sort();

test('stripC blanks comments, strings and preprocessor lines, keeping offsets and lines', () => {
  const t = '#define X(a) \\\n  spin_lock(a)\nint f(void) /* i_mmap_lock */ { return g("anon_vma->lock"); } // x\n';
  const s = stripC(t);
  assert.equal(s.length, t.length);
  assert.equal(s.split('\n').length, t.split('\n').length);
  assert.ok(!/spin_lock|i_mmap_lock|anon_vma|define/.test(s), s);
  assert.match(s, /int f\(void\) +\{ return g\(" +"\); \}/);
});

test('declIndex: struct and *_t declarations, declarator lists, parameters, initialisers', () => {
  const d = declIndex(stripC('static int f(struct anon_vma *av, struct page *page)\n{\n\tstruct address_space *a = page->mapping, *b;\n\tpgoff_t idx = 0;\n\tspinlock_t *ptl;\n}\n'));
  assert.deepEqual([...(d.get('av') ?? [])], ['anon_vma']);
  assert.deepEqual([...(d.get('page') ?? [])], ['page']);
  assert.deepEqual([...(d.get('a') ?? [])], ['address_space']);
  assert.deepEqual([...(d.get('b') ?? [])], ['address_space']);
  assert.deepEqual([...(d.get('idx') ?? [])], ['pgoff_t']);
  assert.deepEqual([...(d.get('ptl') ?? [])], ['spinlock_t']);
});

test('accessPathBefore: the receiver path of ->f / .f, or undefined for calls and casts', () => {
  const at = (t: string) => accessPathBefore(t, t.lastIndexOf('->lock') >= 0 ? t.lastIndexOf('->lock') : t.lastIndexOf('.lock'));
  assert.deepEqual(at('spin_lock(&vma->anon_vma->lock)'), ['vma', 'anon_vma']);
  assert.deepEqual(at('spin_lock(&avc[i].anon_vma->lock)'), ['avc', 'anon_vma']);
  assert.deepEqual(at('spin_lock(&init_mm.lock)'), ['init_mm']);
  assert.equal(at('spin_lock(&page_anon_vma(page)->lock)'), undefined);
  assert.equal(at('spin_lock(&((struct anon_vma *)p)->lock)'), undefined);
});

test('functionBodies: top-level definitions in a header, not structs, initialisers or prototypes', () => {
  const h = stripC('struct anon_vma { spinlock_t lock; };\nstatic struct x y = { 1 };\nvoid proto(int);\nstatic inline void anon_vma_lock(struct vm_area_struct *vma)\n{\n\tif (vma->anon_vma) { spin_lock(&vma->anon_vma->lock); }\n}\nstatic inline int f2(void) __acquires(x)\n{ return 0; }\n');
  assert.deepEqual(functionBodies(h).map((f) => f.name), ['anon_vma_lock', 'f2']);
});

test('a changed field class counts where the receiver may have its struct type', () => {
  const { s } = scanner('anon_vma=mutex');
  assert.deepEqual(classesOf(s, 'void f(struct anon_vma *av) { spin_lock(&av->lock); }'), ['anon_vma']);
  // by the profile's conventional names (vma -> vm_area_struct, .anon_vma -> anon_vma)
  assert.deepEqual(classesOf(s, 'void f(void) { spin_lock(&vma->anon_vma->lock); }'), ['anon_vma']);
  // zone->lock is another struct's lock field of the same name
  assert.deepEqual(classesOf(s, 'void f(struct zone *z) { spin_lock(&z->lock); spin_lock(&zone->lock); }'), []);
  // a receiver of unknown type may be anything
  assert.deepEqual(classesOf(s, 'void f(void) { spin_lock(&qq->lock); }'), ['anon_vma']);
  // a declaration in an included header types it
  assert.deepEqual(classesOf(s, 'void f(void) { spin_lock(&qq->lock); }', ['extern struct zone *qq;']), []);
  // fixed-class APIs count by name
  assert.deepEqual(classesOf(s, 'void f(struct page *p) { x = page_lock_anon_vma(p); }'), ['anon_vma']);
  // comments name nothing
  assert.deepEqual(classesOf(s, 'void f(void) { /* spin_lock(&anon_vma->lock) */ }'), []);
});

test('relevant: a changed class, or both classes of a pair whose order changed', () => {
  const k = scanner('i_mmap_lock=mutex').s;
  assert.equal(k.relevant(new Set(['i_mmap_lock'])), true);
  assert.equal(k.relevant(new Set(['anon_vma'])), false);
  const r = scanner('reverse:tasklist_lock>anon_vma').s;
  assert.equal(r.relevant(new Set(['tasklist_lock'])), false);
  assert.equal(r.relevant(new Set(['tasklist_lock', 'anon_vma'])), true);
  assert.deepEqual(classesOf(r, 'void f(struct anon_vma *av) { read_lock(&tasklist_lock); spin_lock(&av->lock); }'), ['anon_vma', 'tasklist_lock']);
});
