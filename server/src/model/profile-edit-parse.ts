// What-if edits of a lock profile, parsed: change a class's kind, insert a class with its place in the
// order, reverse, remove or add an order edge, or apply a what-if file (profile-edit-file.ts).
// This module is the syntax: edits become operations with class names as written; profile-edit.ts
// applies them.
//
// Command-line syntax (one --what-if value is a comma list; the parts of an insert continue it):
//   CLASS=KIND                         i_mmap_lock=mutex, anon_vma->lock=rwsem
//   NAME:after=A,before=B[,kind=K][,field=STRUCT.FIELD][,global=G][,alias=X]
//                                      insert class NAME with edges A -> NAME -> B (after/before may
//                                      repeat); NAME may be VAR->FIELD (mm->anon_vma_chain_lock)
//   reverse:A>B                        the documented edge A -> B becomes B -> A
//   remove:A>B                         drop the documented edge A -> B
//   add:A>B                            add the edge A -> B (A is taken before B)
import type { LockKind, Profile } from './profile-types';

export class EditError extends Error {
  constructor(message: string, readonly edit?: string) {
    super(message);
    this.name = 'EditError';
  }
}

export const KINDS: readonly LockKind[] = [
  'spinlock', 'raw_spinlock', 'rwlock', 'bit_spinlock', 'mutex', 'rwsem', 'page_lock', 'rcu', 'srcu', 'seqcount', 'pseudo',
];
const KIND_SYNONYMS: Record<string, LockKind> = {
  spinlock_t: 'spinlock', raw_spinlock_t: 'raw_spinlock', rwlock_t: 'rwlock', rw_semaphore: 'rwsem', semaphore: 'rwsem',
};
const SLEEPING: ReadonlySet<LockKind> = new Set(['mutex', 'rwsem', 'page_lock']);

/** Whether taking a lock of this kind may sleep. */
export function kindSleeps(kind: LockKind): boolean { return SLEEPING.has(kind); }

/** A class to insert (or, from a what-if file, to patch when the id exists). */
export interface ClassEdit {
  name: string;                 // id, or VAR->FIELD
  kind?: LockKind;
  sleeps?: boolean;
  irqSafe?: boolean;
  description?: string;
  source?: string;
  aliases?: string[];
  fields?: string[];
  globals?: string[];
  after?: string[];             // classes taken before it
  before?: string[];            // classes taken after it
  /** true for the command-line insert: the name must not name a class yet */
  mustBeNew?: boolean;
}

/** One edit operation; `text` is how the user wrote it (for messages), `from` the what-if file it
 *  came from (the run's label names the file once rather than each of its edits). */
export type EditOp = { text: string; from?: string } & (
  | { op: 'kind'; cls: string; kind: LockKind }
  | { op: 'class'; cls: ClassEdit }
  | { op: 'add-edge' | 'remove-edge' | 'reverse-edge'; outer: string; inner: string; source?: string; note?: string }
  | { op: 'remove-class'; cls: string }
  /** Parts of a what-if file that change more than classes and order (APIs, field types...). */
  | { op: 'profile'; patch: ProfilePatch });

export interface ProfilePatch {
  apis?: Profile['apis'];
  removeApis?: string[];
  fieldTypes?: Profile['fieldTypes'];
  nameTypes?: Profile['nameTypes'];
  iteratorMacros?: string[];
  gfp?: Partial<Profile['gfp']>;
}

// ------------------------------------------------------------------ parsing the command-line syntax

const INSERT_KEYS = new Set(['after', 'before', 'kind', 'field', 'global', 'alias']);

/** Parse --what-if values (each may be a comma list) into operations. Throws EditError. */
export function parseEdits(values: string[]): EditOp[] {
  const ops: EditOp[] = [];
  for (const value of values) {
    let insert: Extract<EditOp, { op: 'class' }> | undefined;
    for (const raw of value.split(',')) {
      const part = raw.trim();
      if (!part) throw new EditError(`empty edit in '${value}'`, value);
      const kv = /^([a-z]+)\s*=\s*(.*)$/.exec(part);
      if (kv && INSERT_KEYS.has(kv[1])) {
        if (!insert) {
          throw new EditError(`'${part}' belongs to an insert (NAME:after=A,before=B,...) but no insert comes before it in '${value}'`, part);
        }
        addInsertPart(insert, kv[1], kv[2].trim(), part);
        insert.text += `,${part}`;
        continue;
      }
      insert = undefined;
      const op = parseOne(part);
      if (op.op === 'class') insert = op;
      ops.push(op);
    }
  }
  return ops;
}

function parseOne(part: string): EditOp {
  const edge = /^(reverse|remove|add)\s*:\s*(.+)$/.exec(part);
  if (edge) {
    const sides = edge[2].split(/(?<!-)>/);
    if (sides.length !== 2 || !sides[0].trim() || !sides[1].trim()) {
      throw new EditError(`malformed edit '${part}': expected ${edge[1]}:OUTER>INNER (e.g. ${edge[1]}:tasklist_lock>anon_vma)`, part);
    }
    return { op: `${edge[1]}-edge` as 'add-edge', outer: sides[0].trim(), inner: sides[1].trim(), text: part };
  }
  const ins = /^([^:=]+?)\s*:\s*(.*)$/.exec(part);
  if (ins) {
    const op: Extract<EditOp, { op: 'class' }> = { op: 'class', cls: { name: ins[1].trim(), after: [], before: [], mustBeNew: true }, text: part };
    const rest = ins[2].trim();
    if (rest) {
      const kv = /^([a-z]+)\s*=\s*(.*)$/.exec(rest);
      if (!kv || !INSERT_KEYS.has(kv[1])) {
        throw new EditError(`malformed insert '${part}': expected NAME:after=A,before=B[,kind=K][,field=STRUCT.FIELD]`, part);
      }
      addInsertPart(op, kv[1], kv[2].trim(), part);
    }
    return op;
  }
  const eq = part.lastIndexOf('=');
  if (eq > 0) {
    const name = part.slice(0, eq).trim();
    const kind = parseKind(part.slice(eq + 1).trim(), part);
    if (!name) throw new EditError(`malformed edit '${part}': expected CLASS=KIND`, part);
    return { op: 'kind', cls: name, kind, text: part };
  }
  throw new EditError(`malformed edit '${part}': expected CLASS=KIND, NAME:after=A,before=B, reverse:A>B, remove:A>B or add:A>B`, part);
}

function addInsertPart(op: Extract<EditOp, { op: 'class' }>, key: string, value: string, part: string): void {
  if (!value) throw new EditError(`'${part}' has no value`, part);
  const c = op.cls;
  switch (key) {
    case 'after': (c.after ??= []).push(value); break;
    case 'before': (c.before ??= []).push(value); break;
    case 'kind':
      if (c.kind) throw new EditError(`insert ${c.name} gives kind= twice`, part);
      c.kind = parseKind(value, part);
      break;
    case 'field':
      if (!/^[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(value)) throw new EditError(`'${part}': field must be STRUCT.FIELD (e.g. field=mm_struct.anon_vma_chain_lock)`, part);
      (c.fields ??= []).push(value);
      break;
    case 'global':
      if (!/^[A-Za-z_]\w*$/.test(value)) throw new EditError(`'${part}': global must be a C identifier`, part);
      (c.globals ??= []).push(value);
      break;
    case 'alias': (c.aliases ??= []).push(value); break;
  }
}

export function parseKind(text: string, edit: string): LockKind {
  const k = (KINDS as readonly string[]).includes(text) ? text as LockKind : KIND_SYNONYMS[text];
  if (!k) throw new EditError(`unknown lock kind '${text}' in '${edit}' (one of ${KINDS.join(', ')})`, edit);
  return k;
}

/** The kind a new lock's name suggests: *_lock spinlock, *mutex mutex, *sem / *rwsem rwsem. */
export function guessKind(name: string): LockKind | undefined {
  if (/rwsem$|_sem$|^sem$|semaphore$/.test(name)) return 'rwsem';
  if (/mutex$/.test(name)) return 'mutex';
  if (/rwlock$/.test(name)) return 'rwlock';
  if (/lock$/.test(name)) return 'spinlock';
  return undefined;
}

