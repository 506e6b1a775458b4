// Resolving a call to its lock effects: which class, which instance, in what mode.
// The class comes from the receiver's type (declarations, struct field types from the profile and
// from the tree's headers), then kernel naming conventions; a lock the profile does not know keeps
// its expression as its identity (class null) so balance and double locking still work.
import type { Api, Effect, Guard, LockClass, Profile } from './profile-types';
import { normalizeExpr } from '../c/expr';

export interface LockRef {
  class: string | null;
  instance: string;          // identity within a function: normalised expression
  label: string;             // as shown to the user: "mm->page_table_lock"
}

/** One lock operation with its lock resolved. */
export interface ROp {
  op: Effect['op'];
  lock?: LockRef;
  mode?: 'read' | 'write' | 'any';
  nested?: boolean;
  success?: 'nonzero' | 'zero';
  nullable?: boolean;
  /** acquire-return/bind: the expression receiving the lock (`ptl` of `&ptl`), or undefined when the
   *  returned value is the lock itself (pmd_lock) or the locked object (filemap_lock_folio). */
  ptlVar?: string;
  /** acquire-return: the lock's class is bound to the returned value. */
  returnsLock?: boolean;
  /** may-sleep with a gfp argument: blocking (true), atomic (false) or unknown (null); gfpParam when
   *  the flags come straight from the enclosing function's parameter. */
  gfpBlocking?: boolean | null;
  gfpParam?: number;
  /** for acquire-return with a fixed class and an instance taken from the returned object */
  classOnly?: string;
  /** the effect happens only when the call returns non-NULL (pte_offset_map's rcu_read_lock) */
  onSuccess?: boolean;
}

export interface ProfileIndex {
  profile: Profile;
  apis: Map<string, Api>;
  classes: Map<string, LockClass>;
  byField: Map<string, string>;          // "mm_struct.page_table_lock" -> class
  byFieldName: Map<string, Set<string>>; // "page_table_lock" -> classes
  byGlobal: Map<string, string>;         // "swap_lock" -> class
  fieldTypes: Map<string, string>;       // "vm_area_struct.vm_mm" -> "mm_struct"
  fieldOfClass: Map<string, string>;     // class -> its field name, for labels ("mmap_lock")
  gfpBlocking: Set<string>;
  gfpAtomic: Set<string>;
  lockTypeKinds: Map<string, 'sleeping' | 'spinning'>;
  /** Guard types by name (`guard(mutex)` -> mutex_lock / mutex_unlock). */
  guards: Map<string, Guard>;
}

const LOCK_TYPES: Record<string, 'sleeping' | 'spinning'> = {
  spinlock_t: 'spinning', raw_spinlock_t: 'spinning', rwlock_t: 'spinning',
  mutex: 'sleeping', rw_semaphore: 'sleeping', semaphore: 'sleeping',
};

export function indexProfile(profile: Profile, extraFieldTypes: { struct: string; field: string; type: string }[] = []): ProfileIndex {
  const apis = new Map(profile.apis.map((a) => [a.name, a] as const));
  const classes = new Map(profile.classes.map((c) => [c.id, c] as const));
  const byField = new Map<string, string>();
  const byFieldName = new Map<string, Set<string>>();
  const byGlobal = new Map<string, string>();
  const fieldOfClass = new Map<string, string>();
  for (const c of profile.classes) {
    for (const f of c.fields ?? []) {
      byField.set(f, c.id);
      const name = f.slice(f.indexOf('.') + 1);
      if (!fieldOfClass.has(c.id)) fieldOfClass.set(c.id, name);
      let s = byFieldName.get(name);
      if (!s) byFieldName.set(name, (s = new Set()));
      s.add(c.id);
    }
    for (const g of c.globals ?? []) byGlobal.set(g, c.id);
  }
  const fieldTypes = new Map<string, string>();
  // Header-derived types first, so the profile's hand-checked ones win.
  for (const f of extraFieldTypes) fieldTypes.set(`${f.struct}.${f.field}`, f.type);
  for (const f of profile.fieldTypes) fieldTypes.set(`${f.struct}.${f.field}`, f.type);
  return {
    profile, apis, classes, byField, byFieldName, byGlobal, fieldTypes, fieldOfClass,
    gfpBlocking: new Set(profile.gfp.blocking), gfpAtomic: new Set(profile.gfp.atomic),
    lockTypeKinds: new Map(Object.entries(LOCK_TYPES)),
    guards: new Map((profile.guards ?? []).map((g) => [g.name, g] as const)),
  };
}

/** Strip `&`, casts, outer parentheses and white space: `&(mm)->page_table_lock` -> `mm->page_table_lock`. */
export function normalizeLockExpr(text: string): string {
  return normalizeExpr(text);
}

/** Split an access path `a->b.c[i]->d` into its base and fields (subscripts dropped). */
export function accessPath(expr: string): { base: string; fields: string[] } | null {
  const s = expr.replace(/\[[^\]]*\]/g, '');
  if (!/^[A-Za-z_]\w*((->|\.)[A-Za-z_]\w*)*$/.test(s)) return null;
  const parts = s.split(/->|\./);
  return { base: parts[0], fields: parts.slice(1) };
}

/** What the resolver needs to know about the function a call is in. */
export interface TypeEnv {
  /** local variables and parameters -> struct/typedef type name */
  local(name: string): string | undefined;
  /** file-scope and header globals -> type name */
  global(name: string): string | undefined;
  /** the lock class a pointer variable is bound to on this path (ptl = pmd_lock(...)) */
  bound(expr: string): string | undefined;
  /** the index of the enclosing function's parameter with this name */
  param(name: string): number | undefined;
  /** struct field types read from the tree's headers and the file ("compact_control.zone" -> "zone") */
  field?(structField: string): string | undefined;
}

export function typeOfName(name: string, env: TypeEnv, ix: ProfileIndex): string | undefined {
  const t = env.local(name) ?? env.global(name);
  if (t) return t;
  const nt = ix.profile.nameTypes;
  if (nt[name]) return nt[name];
  // src_mm, old_vma, new_folio, vma2: a conventional name with a prefix or suffix
  const m = /^(?:[a-z]+_)?([a-z_]+?)\d*$/.exec(name);
  if (m && nt[m[1]]) return nt[m[1]];
  const tail = name.split('_').pop();
  if (tail && nt[tail]) return nt[tail];
  return undefined;
}

function typeOfPath(base: string, fields: string[], env: TypeEnv, ix: ProfileIndex): string | undefined {
  let t = typeOfName(base, env, ix);
  for (const f of fields) {
    if (!t) return undefined;
    // A field named like a conventional variable (avc->anon_vma, vmf->vma) has that variable's type.
    t = ix.fieldTypes.get(`${t}.${f}`) ?? env.field?.(`${t}.${f}`) ?? ix.profile.nameTypes[f];
  }
  return t;
}

/** The class of a lock expression (`&mm->page_table_lock`, `ptl`, `&swap_lock`, `&anon_vma->root->rwsem`). */
export function resolveLockExpr(text: string, env: TypeEnv, ix: ProfileIndex): LockRef {
  const inst = normalizeLockExpr(text);
  const label = inst;
  const bound = env.bound(inst);
  if (bound) return { class: bound, instance: inst, label };
  // a lock pointer returned by a binding API: spin_lock(pte_lockptr(mm, pmd))
  const call = /^([A-Za-z_]\w*)\(/.exec(inst);
  if (call) {
    const api = ix.apis.get(call[1]);
    const bind = api?.effects.find((e) => e.op === 'bind' || e.op === 'acquire-return') as { class?: string } | undefined;
    if (bind?.class) return { class: bind.class, instance: inst, label };
    return { class: null, instance: inst, label };
  }
  const path = accessPath(inst);
  if (!path) return { class: null, instance: inst, label };
  if (path.fields.length === 0) {
    const g = ix.byGlobal.get(path.base);
    if (g) return { class: g, instance: inst, label };
    // A lock the profile does not document but the tree declares (static DEFINE_SPINLOCK(pcpu_lock)):
    // its own class, named after it, as lockdep names it by its static key.
    const gt = env.global(path.base);
    if (gt && isLockType(gt) && !env.local(path.base)) return { class: ix.classes.has(path.base) ? `global:${path.base}` : path.base, instance: inst, label };
    return { class: null, instance: inst, label };
  }
  const field = path.fields[path.fields.length - 1];
  const owner = typeOfPath(path.base, path.fields.slice(0, -1), env, ix);
  if (owner) {
    const c = ix.byField.get(`${owner}.${field}`);
    if (c) return { class: c, instance: inst, label };
  }
  // Unknown owner type (or a field the profile lists under another struct): the field name alone,
  // when only one class uses it.
  const byName = ix.byFieldName.get(field);
  if (byName && byName.size === 1 && !owner) {
    return { class: [...byName][0], instance: inst, label };
  }
  // A lock field of a known struct the profile does not document (spool->lock in a
  // hugepage_subpool): the class is the struct field, lockdep's key for it.
  if (owner) return { class: `${owner}.${field}`, instance: inst, label };
  return { class: null, instance: inst, label };
}

const LOCK_TYPE_RE = /^(spinlock_t|raw_spinlock_t|rwlock_t|mutex|rw_semaphore|semaphore|seqlock_t|seqcount_t|local_lock_t|percpu_rw_semaphore|srcu_struct|wait_queue_head_t)$/;
function isLockType(t: string): boolean { return LOCK_TYPE_RE.test(t.replace(/^(struct|static|const)\s+/, '').trim()) || /lock|mutex|sem/.test(t); }

/** The lock of a fixed-class API acting on an object: mmap_read_lock(mm) -> mm->mmap_lock. */
export function classOnObject(cls: string, objText: string | undefined, ix: ProfileIndex): LockRef {
  const field = ix.fieldOfClass.get(cls);
  if (objText === undefined) return { class: cls, instance: cls, label: cls };
  const obj = normalizeLockExpr(objText);
  if (field && /^[A-Za-z_][\w\->.\[\]]*$/.test(obj)) {
    const inst = `${obj}->${field}`;
    return { class: cls, instance: inst, label: inst };
  }
  return { class: cls, instance: `${obj}#${cls}`, label: `${cls}(${obj})` };
}

export interface CallLike {
  name: string;
  argTexts: string[];
}

/** The lock operations of one call, or null when the call is not a known API. */
export function resolveCall(call: CallLike, env: TypeEnv, ix: ProfileIndex): ROp[] | null {
  const api = ix.apis.get(call.name);
  if (!api) return null;
  const args = call.argTexts;
  const out: ROp[] = [];
  for (const e of api.effects) {
    switch (e.op) {
      case 'acquire': case 'try-acquire': case 'release': case 'downgrade': case 'assert-held': {
        const lock = lockOf(e, args, env, ix);
        if (!lock) break;
        const op: ROp = { op: e.op, lock };
        if ('mode' in e && e.mode) op.mode = e.mode;
        if (e.op === 'acquire') op.nested = !!(e.nested || (e.nestArg !== undefined && args[e.nestArg] !== undefined)
          || (e.subclassArg !== undefined && args[e.subclassArg] !== undefined && !/^0$/.test(args[e.subclassArg].trim())));
        if (e.op === 'try-acquire') op.success = e.success;
        out.push(op);
        break;
      }
      case 'acquire-return': {
        const op: ROp = { op: 'acquire-return', nullable: e.nullable, mode: e.mode, classOnly: e.class };
        if (e.ptlArg !== undefined) {
          const a = args[e.ptlArg];
          if (a === undefined) break;
          const v = normalizeLockExpr(a);
          op.ptlVar = v;
          op.lock = { class: e.class, instance: v, label: v };
        } else if (e.instanceArg !== undefined && args[e.instanceArg] !== undefined) {
          op.lock = classOnObject(e.class, args[e.instanceArg], ix);
        } else {
          op.returnsLock = true; // the instance is the assigned variable; filled in by the simulator
        }
        out.push(op);
        break;
      }
      case 'bind': {
        const op: ROp = { op: 'bind', lock: { class: e.class, instance: e.class, label: e.class } };
        if (e.ptlArg !== undefined && args[e.ptlArg] !== undefined) op.ptlVar = normalizeLockExpr(args[e.ptlArg]);
        out.push(op);
        break;
      }
      case 'may-sleep': {
        const op: ROp = { op: 'may-sleep' };
        if (e.gfpArg !== undefined) {
          const g = args[e.gfpArg];
          if (g === undefined) op.gfpBlocking = null;
          else {
            const p = /^[A-Za-z_]\w*$/.test(g.trim()) ? env.param(g.trim()) : undefined;
            if (p !== undefined) op.gfpParam = p;
            op.gfpBlocking = gfpBlocks(g, ix);
          }
        }
        out.push(op);
        break;
      }
      case 'lock-break': {
        const a = args[e.lockArg];
        if (a !== undefined) out.push({ op: 'lock-break', lock: resolveLockExpr(a, env, ix) });
        break;
      }
      default:
        out.push({ op: e.op, ...((e as { onSuccess?: boolean }).onSuccess ? { onSuccess: true } : {}) });
    }
  }
  return out;
}

function lockOf(e: { class?: string; lockArg?: number; instanceArg?: number }, args: string[], env: TypeEnv, ix: ProfileIndex): LockRef | null {
  if (e.lockArg !== undefined) {
    const a = args[e.lockArg];
    if (a === undefined) return null;
    const r = resolveLockExpr(a, env, ix);
    // A fixed class wins over what the expression says (down_write_nest_lock(&x->rwsem...) with a class).
    if (e.class) return { ...r, class: e.class };
    return r;
  }
  if (e.class) return classOnObject(e.class, e.instanceArg !== undefined ? args[e.instanceArg] : undefined, ix);
  return null;
}

/** Whether GFP flags can block: true, false, or null when it cannot be told from the text. */
export function gfpBlocks(text: string, ix: ProfileIndex): boolean | null {
  const ids = text.match(/[A-Za-z_]\w*/g) ?? [];
  let blocking = false;
  let atomic = false;
  for (const id of ids) {
    if (ix.gfpAtomic.has(id)) atomic = true;
    else if (ix.gfpBlocking.has(id)) blocking = true;
  }
  // `GFP_KERNEL & ~__GFP_DIRECT_RECLAIM` and `gfp & ~__GFP_RECLAIM` clear the blocking bits.
  if (/~\s*\(?\s*__GFP_(DIRECT_)?RECLAIM/.test(text)) return false;
  if (atomic) return false;
  if (blocking) return true;
  return null;
}

/** The kind of a lock a class names, or that an unknown lock's declared type says. */
export function classSleeps(cls: string | null, ix: ProfileIndex): boolean | undefined {
  if (!cls) return undefined;
  return ix.classes.get(cls)?.sleeps;
}

export function classIsSpinning(cls: string | null, ix: ProfileIndex): boolean | undefined {
  if (!cls) return undefined;
  const k = ix.classes.get(cls)?.kind;
  if (!k) return undefined;
  return k === 'spinlock' || k === 'raw_spinlock' || k === 'rwlock' || k === 'bit_spinlock';
}
