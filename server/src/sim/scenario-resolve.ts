// Maps a scenario's lock names onto the profile's class ids, so that a scenario event and a
// touched function's event contend exactly when they name the same class.
// Tried in order, for the event's `lock`, its extra `names`, then its printed label:
// a class id; a class alias ("anon_vma->lock", "mm->mmap_sem"); the profile's orderingAliases;
// a global ("tasklist_lock"); a struct field ("mapping->i_mmap_lock" -> address_space.i_mmap_lock
// through the profile's nameTypes).
import type { LockClass, Profile } from '../model/profile-types';

/** "&mapping->i_mmap_lock" -> "mapping->i_mmap_lock"; "->tasklist_lock" -> "tasklist_lock". */
export function normaliseLockName(s: string): string {
  return s.trim().replace(/^&\s*/, '').replace(/^->\s*/, '').replace(/\s+/g, ' ');
}

export interface ClassResolver {
  (names: string[]): string | null;
}

export function classResolver(profile: Profile): ClassResolver {
  const byId = new Map<string, LockClass>(profile.classes.map((c) => [c.id, c]));
  const byAlias = new Map<string, string>();
  const byGlobal = new Map<string, string>();
  const byField = new Map<string, string>();          // "address_space.i_mmap_lock" -> id
  for (const c of profile.classes) {
    for (const a of c.aliases ?? []) if (!byAlias.has(normaliseLockName(a))) byAlias.set(normaliseLockName(a), c.id);
    for (const g of c.globals ?? []) byGlobal.set(g, c.id);
    for (const f of c.fields ?? []) byField.set(f, c.id);
  }
  const ordering = profile.orderingAliases ?? {};
  const one = (raw: string): string | null => {
    const n = normaliseLockName(raw);
    if (byId.has(n)) return n;
    const a = byAlias.get(n);
    if (a) return a;
    const o = ordering[raw] ?? ordering[n];
    if (o && byId.has(o)) return o;
    const g = byGlobal.get(n);
    if (g) return g;
    // base->field or base.field, the struct named by the profile's naming conventions. (No guess
    // from the field name alone: "vma->vm_lock->lock" must not become anon_vma.lock.)
    const m = /([A-Za-z_]\w*)\s*(?:->|\.)\s*([A-Za-z_]\w*)$/.exec(n);
    if (m) {
      const struct = profile.nameTypes?.[m[1]];
      const f = struct ? byField.get(`${struct}.${m[2]}`) : undefined;
      if (f) return f;
    }
    return null;
  };
  return (names) => {
    for (const n of names) {
      const id = one(n);
      if (id) return id;
    }
    return null;
  };
}
