// Names of lock classes as kernel text writes them ("mm->mmap_sem", "anon_vma->rwsem",
// "page->flags PG_locked", "i_pages lock", "zone_lru_lock(zone)") mapped to a profile's class ids:
// the profile's orderingAliases, then class aliases and ids, then `var->field` through the profile's
// conventional names and struct fields (as the resolver would type it), then globals, then looser
// spellings (call arguments dropped, a trailing " lock" dropped, the last word, the last field).
import type { LockClass, Profile } from './profile-types';

export interface NameIndex {
  exact: Map<string, string>;       // orderingAliases, aliases, ids
  field: Map<string, string>;       // "mm_struct.mmap_sem" -> class
  fieldName: Map<string, Set<string>>; // "mmap_sem" -> classes with a field of that name
  global: Map<string, string>;
  nameTypes: Record<string, string>;
  fieldTypes: Map<string, string>;  // "anon_vma.root" -> "anon_vma"
}

const cache = new WeakMap<Profile, NameIndex>();

export function nameIndex(profile: Profile): NameIndex {
  let ix = cache.get(profile);
  if (!ix) {
    ix = {
      exact: new Map(), field: new Map(), fieldName: new Map(), global: new Map(),
      nameTypes: profile.nameTypes,
      fieldTypes: new Map(profile.fieldTypes.map((f) => [`${f.struct}.${f.field}`, f.type] as const)),
    };
    for (const c of profile.classes) addClass(ix, c);
    // orderingAliases win over class aliases: they say what a name means in this era's comments
    // ("vma_lock" there is hugetlb's lock, not the per-VMA lock).
    for (const [k, v] of Object.entries(profile.orderingAliases ?? {})) ix.exact.set(clean(k), v);
    cache.set(profile, ix);
  }
  return ix;
}

/** Adds a class to an index (refineOrder adds the classes it creates as it goes). */
export function addClass(ix: NameIndex, c: LockClass): void {
  const setIfNew = (k: string) => { if (!ix.exact.has(k)) ix.exact.set(k, c.id); };
  setIfNew(c.id);
  for (const a of c.aliases ?? []) setIfNew(clean(a));
  for (const f of c.fields ?? []) {
    ix.field.set(f, c.id);
    const name = f.slice(f.indexOf('.') + 1);
    let s = ix.fieldName.get(name);
    if (!s) ix.fieldName.set(name, (s = new Set()));
    s.add(c.id);
  }
  for (const g of c.globals ?? []) ix.global.set(g, c.id);
}

/** The class a name in kernel text stands for, or undefined. */
export function mapName(name: string, profile: Profile): string | undefined {
  return lookupName(name, nameIndex(profile));
}

export function lookupName(name: string, ix: NameIndex): string | undefined {
  const n = clean(name);
  if (!n) return undefined;
  const direct = lookupOne(n, ix);
  if (direct) return direct;
  const variants = [
    n.replace(/\([^()]*\)$/, ''),                 // zone_lru_lock(zone)
    n.replace(/\s+lock$/, ''),                    // i_pages lock
    n.split(' ').pop() ?? '',                     // lock_page_memcg move_lock, page->flags PG_locked
    n.split(' ')[0],
  ];
  for (const v of variants) {
    if (v && v !== n) {
      const hit = lookupOne(v, ix);
      if (hit) return hit;
    }
  }
  // The last field alone ("mapping->private_lock" -> private_lock), when one class has such a field
  // or it is itself a name the index knows.
  const lastField = /(?:->|\.)([A-Za-z_]\w*)$/.exec(n)?.[1];
  if (lastField) {
    const hit = ix.exact.get(lastField) ?? ix.global.get(lastField);
    if (hit) return hit;
    const owners = ix.fieldName.get(lastField);
    if (owners && owners.size === 1) return [...owners][0];
  }
  return undefined;
}

function lookupOne(n: string, ix: NameIndex): string | undefined {
  const exact = ix.exact.get(n);
  if (exact) return exact;
  const path = /^([A-Za-z_]\w*)((?:(?:->|\.)[A-Za-z_]\w*)+)$/.exec(n);
  if (path) {
    const fields = path[2].split(/->|\./).filter(Boolean);
    let t: string | undefined = ix.nameTypes[path[1]];
    for (const f of fields.slice(0, -1)) t = t ? ix.fieldTypes.get(`${t}.${f}`) : undefined;
    if (t) {
      const hit = ix.field.get(`${t}.${fields[fields.length - 1]}`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (/^[A-Za-z_]\w*$/.test(n)) return ix.global.get(n);
  return undefined;
}

/** Trim, drop a leading "->" or "&", collapse white space. */
export function clean(name: string): string {
  return name.trim().replace(/^(?:->|&)\s*/, '').replace(/\s+/g, ' ');
}
