// What a hover says about a lock class: kind, whether it sleeps, its one-line description and source,
// and where it sits in the hierarchy.
import type { LockKind, Profile } from './profile-types';
import { orderOf } from './order';

export interface ClassInfo {
  id: string;
  kind: LockKind;
  sleeps: boolean;
  irqSafe: boolean;
  description: string;
  source: string;
  aliases: string[];
  /** outermost -> innermost through this class: ["mmap_lock", "folio_lock", "i_mmap_rwsem", ...] */
  chain: string[];
}

export function classInfo(profile: Profile, id: string): ClassInfo | undefined {
  const c = profile.classes.find((k) => k.id === id);
  if (!c) return undefined;
  return {
    id: c.id, kind: c.kind, sleeps: c.sleeps, irqSafe: !!c.irqSafe, description: c.description, source: c.source,
    aliases: c.aliases ?? [], chain: orderOf(profile).chainThrough(id),
  };
}
