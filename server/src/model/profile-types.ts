// The lock profile format (server/profiles/*.json, validated by server/profiles/profile.schema.json).
// A profile describes one kernel era: its lock classes, their order and what each API does.

export type LockKind =
  | 'spinlock' | 'raw_spinlock' | 'rwlock' | 'bit_spinlock'
  | 'mutex' | 'rwsem' | 'page_lock' | 'rcu' | 'srcu' | 'seqcount' | 'pseudo';

export interface LockClass {
  id: string;                // e.g. "mmap_lock", "i_mmap_rwsem", "anon_vma", "pte_ptl"
  kind: LockKind;
  sleeps: boolean;           // acquiring it may sleep (not allowed in atomic context)
  irqSafe?: boolean;         // taken from irq context somewhere: must be taken with irqs disabled
  description: string;       // one line, kernel terms
  source: string;            // where this is documented (file:line of that era, or reference doc section)
  /** Names the ordering comments and kernel text use for this class ("mm->mmap_sem", "anon_vma->lock", "pte_lock"). */
  aliases?: string[];
  /** struct fields that hold a lock of this class: "mm_struct.mmap_lock", "address_space.i_mmap_rwsem". */
  fields?: string[];
  /** global variables of this class: "swap_lock", "tasklist_lock". */
  globals?: string[];
  /** Set by a what-if edit that changed the kind: the class's kind then wins over what the locking
   *  primitive says (`spin_lock(&mapping->i_mmap_lock)` acquires a mutex when i_mmap_lock=mutex). */
  kindOverridesApi?: boolean;
}

export interface OrderEdge {
  outer: string;             // class id taken first
  inner: string;             // class id taken while outer is held
  source: string;            // "mm/rmap.c ordering comment (2.6.34)", "Documentation/mm/process_addrs.rst", ...
  note?: string;             // e.g. "(in filemap_fault)" as the comment says
  /** Documented only for a special case or as switchable ("code doesn't rely on that order so it could
   *  be switched around"; the hugetlbfs stanza): used unless it contradicts the other edges, in which case
   *  the order sets it aside (LockOrder.rejected) instead of reporting a cycle. */
  weak?: boolean;
  /** The edge comes from this lock-ordering comment: refineOrder() replaces such edges by the ones the
   *  tree's own comment gives. */
  comment?: 'rmap' | 'filemap';
  /** On the main hierarchy (the first stanza of the mm/rmap.c comment): chainThrough() prefers these. */
  main?: boolean;
}

/** What one API call does. An API has a list of these, applied in order. */
export type Effect =
  /** Acquire a lock. The class is fixed (`class`) or resolved from the expression in `lockArg`. */
  | { op: 'acquire'; class?: string; lockArg?: number; instanceArg?: number; mode?: 'read' | 'write';
      nestArg?: number; subclassArg?: number; nested?: boolean; kind?: LockKind }
  /** Try to acquire: succeeds when the call's value is non-zero ('nonzero') or zero ('zero', the _killable style). */
  | { op: 'try-acquire'; class?: string; lockArg?: number; instanceArg?: number; mode?: 'read' | 'write';
      success: 'nonzero' | 'zero'; kind?: LockKind }
  /** Acquire through the return value: held when the result is non-NULL (nullable) or always.
   *  `ptlArg` is the argument (a pointer, &ptl) that receives the held lock; without it the returned
   *  value is the lock itself (pmd_lock). */
  | { op: 'acquire-return'; class: string; ptlArg?: number; instanceArg?: number; mode?: 'read' | 'write'; nullable: boolean;
      /** The failure value is an ERR_PTR (test with IS_ERR), not NULL: filemap_lock_folio from 6.4. */
      errPtr?: boolean }
  /** Release a lock, named by `lockArg` or by a fixed class (+ instanceArg). */
  | { op: 'release'; class?: string; lockArg?: number; instanceArg?: number; mode?: 'read' | 'write' | 'any'; kind?: LockKind }
  /** Downgrade a write hold to read (mmap_write_downgrade, downgrade_write). */
  | { op: 'downgrade'; class?: string; lockArg?: number; instanceArg?: number }
  /** Bind the lock pointer argument `ptlArg` to a class without taking it (pte_offset_map_nolock, pte_lockptr returns). */
  | { op: 'bind'; class: string; ptlArg?: number }
  /** The call may sleep; with gfpArg, only when that argument's GFP flags can block. */
  | { op: 'may-sleep'; gfpArg?: number }
  /** Context changes. `onSuccess`: only on the path where the call succeeded (its result is non-zero /
   *  non-NULL): pte_offset_map() from 6.5 holds RCU only when it returns a pte; spin_trylock_irqsave()
   *  leaves irqs disabled only when it took the lock. */
  | { op: 'rcu-lock'; onSuccess?: boolean } | { op: 'rcu-unlock' }
  | { op: 'preempt-disable'; onSuccess?: boolean } | { op: 'preempt-enable' }
  | { op: 'irq-disable'; onSuccess?: boolean } | { op: 'irq-enable' }
  | { op: 'irq-save'; onSuccess?: boolean } | { op: 'irq-restore' }
  /** Assertions: the caller must hold this lock here (lockdep_assert_held, mmap_assert_locked). */
  | { op: 'assert-held'; class?: string; lockArg?: number; instanceArg?: number; mode?: 'read' | 'write' }
  /** Temporarily drop and retake a lock (cond_resched_lock): a sleep point for that lock's context. */
  | { op: 'lock-break'; lockArg: number };

export interface Api {
  name: string;
  effects: Effect[];
  note?: string;
  source?: string;
}

/** A struct field type, so that `X->field` can be typed: "vm_area_struct.vm_mm" -> "mm_struct". */
export interface FieldType { struct: string; field: string; type: string }

export interface KernelVersion { major: number; minor: number; patch?: number }

export interface Profile {
  id: string;                // "linux-6.12"
  description: string;
  version: { major: number; minor: number; patch?: number };  // the release the profile was written from (patch: 2.6.x sublevel)
  /** The first version of the era this profile covers; auto picks the profile with the greatest
   *  `since` at or below the tree's version (default: `version`). */
  since?: KernelVersion;
  /** A base that era profiles extend (linux-common): not listed, never chosen by auto. */
  abstract?: boolean;
  extends?: string;          // another profile id whose content this one starts from
  /** With extends: drop these from the base (their order edges and any API effects naming them go too). */
  removeClasses?: string[];
  /** With extends: drop these base edges. */
  removeEdges?: { outer: string; inner: string }[];
  /** With extends: drop these base APIs. */
  removeApis?: string[];
  classes: LockClass[];
  order: OrderEdge[];
  apis: Api[];
  fieldTypes: FieldType[];
  /** Iterator macros the C neutralizer rewrites to `while` (list_for_each_entry, for_each_vma, ...). */
  iteratorMacros: string[];
  /** Conventional variable names to struct types, used when no declaration is visible ("vma" -> "vm_area_struct"). */
  nameTypes: Record<string, string>;
  /** GFP flags that can block (GFP_KERNEL...) and that cannot (GFP_ATOMIC, GFP_NOWAIT). */
  gfp: { blocking: string[]; atomic: string[] };
  /** Names of the class ids in the ordering comments of mm/rmap.c and mm/filemap.c of this era (alias -> id). */
  orderingAliases?: Record<string, string>;
  /** Scope-based lock guards of <linux/cleanup.h> (`guard(mutex)(&m)`, `scoped_guard(spinlock, &l) { }`). */
  guards?: Guard[];
}

/**
 * A guard type: the lock API its constructor calls and the unlock API its destructor calls, on the
 * guard's arguments. `cond` marks the conditional variants (`mutex_try`, `rwsem_read_intr`): the
 * scope's body runs only when the lock API succeeded (try: non-zero; intr: zero).
 */
export interface Guard {
  name: string;
  lock: string;
  unlock: string;
  cond?: 'try' | 'intr';
  source: string;
}
