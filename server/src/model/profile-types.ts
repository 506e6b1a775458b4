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
}

export interface OrderEdge {
  outer: string;             // class id taken first
  inner: string;             // class id taken while outer is held
  source: string;            // "mm/rmap.c ordering comment (2.6.34)", "Documentation/mm/process_addrs.rst", ...
  note?: string;             // e.g. "(in filemap_fault)" as the comment says
}

/** What one API call does. An API has a list of these, applied in order. */
export type Effect =
  /** Acquire a lock. The class is fixed (`class`) or resolved from the expression in `lockArg`. */
  | { op: 'acquire'; class?: string; lockArg?: number; instanceArg?: number; mode?: 'read' | 'write';
      nestArg?: number; subclassArg?: number; nested?: boolean }
  /** Try to acquire: succeeds when the call's value is non-zero ('nonzero') or zero ('zero', the _killable style). */
  | { op: 'try-acquire'; class?: string; lockArg?: number; instanceArg?: number; mode?: 'read' | 'write';
      success: 'nonzero' | 'zero' }
  /** Acquire through the return value: held when the result is non-NULL (nullable) or always.
   *  `ptlArg` is the argument (a pointer, &ptl) that receives the held lock; without it the returned
   *  value is the lock itself (pmd_lock). */
  | { op: 'acquire-return'; class: string; ptlArg?: number; instanceArg?: number; mode?: 'read' | 'write'; nullable: boolean }
  /** Release a lock, named by `lockArg` or by a fixed class (+ instanceArg). */
  | { op: 'release'; class?: string; lockArg?: number; instanceArg?: number; mode?: 'read' | 'write' | 'any' }
  /** Downgrade a write hold to read (mmap_write_downgrade, downgrade_write). */
  | { op: 'downgrade'; class?: string; lockArg?: number; instanceArg?: number }
  /** Bind the lock pointer argument `ptlArg` to a class without taking it (pte_offset_map_nolock, pte_lockptr returns). */
  | { op: 'bind'; class: string; ptlArg?: number }
  /** The call may sleep; with gfpArg, only when that argument's GFP flags can block. */
  | { op: 'may-sleep'; gfpArg?: number }
  /** Context changes. */
  | { op: 'rcu-lock' } | { op: 'rcu-unlock' }
  | { op: 'preempt-disable' } | { op: 'preempt-enable' }
  | { op: 'irq-disable' } | { op: 'irq-enable' } | { op: 'irq-save' } | { op: 'irq-restore' }
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

export interface Profile {
  id: string;                // "linux-6.12"
  description: string;
  version: { major: number; minor: number };  // the era's first version; auto picks the nearest at or below
  extends?: string;          // another profile id whose content this one starts from
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
}
