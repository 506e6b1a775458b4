// What-if edits of a lock profile: change a class's kind, insert a class with its place in the
// order, reverse, remove or add an order edge, or apply a what-if file (profile-edit-file.ts).
// Edits are parsed into operations (syntax only), then applied to a copy of a base profile, where
// class names are resolved (ids, aliases, ordering-comment names: mapName) and the result is
// checked: unknown classes, clashing names and an order made cyclic are errors naming the edit.
//
// Command-line syntax (one --what-if value is a comma list; the parts of an insert continue it):
//   CLASS=KIND                         i_mmap_lock=mutex, anon_vma->lock=rwsem
//   NAME:after=A,before=B[,kind=K][,field=STRUCT.FIELD][,global=G][,alias=X]
//                                      insert class NAME with edges A -> NAME -> B (after/before may
//                                      repeat); NAME may be VAR->FIELD (mm->anon_vma_chain_lock)
//   reverse:A>B                        the documented edge A -> B becomes B -> A
//   remove:A>B                         drop the documented edge A -> B
//   add:A>B                            add the edge A -> B (A is taken before B)
import type { LockClass, LockKind, OrderEdge, Profile } from './profile-types';
import { mapName } from './class-names';
import { buildOrder } from './order';

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
const SPINNING: ReadonlySet<LockKind> = new Set(['spinlock', 'raw_spinlock', 'rwlock', 'bit_spinlock']);

/** Whether taking a lock of this kind may sleep. */
export function kindSleeps(kind: LockKind): boolean { return SLEEPING.has(kind); }
export function kindSpins(kind: LockKind): boolean { return SPINNING.has(kind); }

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

/** One edit operation; `text` is how the user wrote it (for messages). */
export type EditOp =
  | { op: 'kind'; cls: string; kind: LockKind; text: string }
  | { op: 'class'; cls: ClassEdit; text: string }
  | { op: 'add-edge' | 'remove-edge' | 'reverse-edge'; outer: string; inner: string; source?: string; note?: string; text: string }
  | { op: 'remove-class'; cls: string; text: string }
  /** Parts of a what-if file that change more than classes and order (APIs, field types...). */
  | { op: 'profile'; patch: ProfilePatch; text: string };

export interface ProfilePatch {
  apis?: Profile['apis'];
  removeApis?: string[];
  fieldTypes?: Profile['fieldTypes'];
  nameTypes?: Profile['nameTypes'];
  iteratorMacros?: string[];
  gfp?: Partial<Profile['gfp']>;
}

/** What one edit did, for output: `i_mmap_lock: spinlock -> mutex (now sleeps)`. */
export interface AppliedEdit {
  edit: string;
  description: string;
  /** class ids the edit changed or added */
  classes: string[];
  /** order edges it added or removed, as "outer>inner" */
  edges: string[];
}

export interface EditedProfile {
  profile: Profile;
  applied: AppliedEdit[];
  /** e.g. a documented weak edge the edited order sets aside, an edge still implied after remove */
  notes: string[];
  /** the edits in one line, for origins: "i_mmap_lock=mutex,anon_vma=mutex" */
  label: string;
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

// ------------------------------------------------------------------ applying

/** A deep, unfrozen copy of a profile (built-ins are frozen). */
function copyProfile(p: Profile): Profile {
  return JSON.parse(JSON.stringify(p)) as Profile;
}

/** Apply edits to a copy of `base`. Throws EditError for unknown classes, clashes and cycles. */
export function applyEdits(base: Profile, ops: EditOp[]): EditedProfile {
  const p = copyProfile(base);
  p.id = `${base.id}+what-if`;
  const applied: AppliedEdit[] = [];
  const notes: string[] = [];
  const whatIfEdges = new Map<string, string>(); // "outer>inner" -> edit text
  const removedPairs: { outer: string; inner: string; text: string }[] = [];

  const lookup = (name: string, text: string): string => {
    const id = p.classes.some((c) => c.id === name) ? name : mapName(name, { ...p, classes: [...p.classes] });
    if (!id || !p.classes.some((c) => c.id === id)) {
      throw new EditError(`unknown lock class '${name}' in edit '${text}' (${base.id} has ${p.classes.map((c) => c.id).join(', ')})`, text);
    }
    return id;
  };
  const addEdge = (outer: string, inner: string, text: string, source: string, note?: string): void => {
    if (outer === inner) throw new EditError(`edit '${text}' orders ${outer} against itself`, text);
    p.order.push({ outer, inner, source, ...(note ? { note } : {}) });
    whatIfEdges.set(`${outer}>${inner}`, text);
  };

  for (const op of ops) {
    switch (op.op) {
      case 'kind': {
        const id = lookup(op.cls, op.text);
        const at = p.classes.findIndex((c) => c.id === id);
        const c = p.classes[at];
        if (c.kind === op.kind) {
          applied.push({ edit: op.text, description: `${id} is already a ${op.kind}: no change`, classes: [], edges: [] });
          break;
        }
        p.classes[at] = withKind(c, op.kind, op.text);
        applied.push({
          edit: op.text, classes: [id], edges: [],
          description: `${id}: ${c.kind} -> ${op.kind}${c.sleeps !== kindSleeps(op.kind) ? (kindSleeps(op.kind) ? ' (now sleeps)' : ' (no longer sleeps)') : ''}`,
        });
        break;
      }
      case 'class': applyClass(op, p, lookup, addEdge, applied); break;
      case 'add-edge': {
        const outer = lookup(op.outer, op.text);
        const inner = lookup(op.inner, op.text);
        if (p.order.some((e) => e.outer === outer && e.inner === inner)) {
          applied.push({ edit: op.text, description: `${outer} -> ${inner} is already documented: no change`, classes: [], edges: [] });
          break;
        }
        addEdge(outer, inner, op.text, op.source ?? 'what-if', op.note);
        applied.push({ edit: op.text, description: `added ${outer} -> ${inner}`, classes: [], edges: [`${outer}>${inner}`] });
        break;
      }
      case 'remove-edge': case 'reverse-edge': {
        const outer = lookup(op.outer, op.text);
        const inner = lookup(op.inner, op.text);
        const gone = p.order.filter((e) => e.outer === outer && e.inner === inner);
        if (!gone.length) throw new EditError(noEdge(p, outer, inner, op.text), op.text);
        p.order = p.order.filter((e) => !(e.outer === outer && e.inner === inner));
        whatIfEdges.delete(`${outer}>${inner}`);
        const sources = [...new Set(gone.map((e) => e.source))].join('; ');
        if (op.op === 'reverse-edge') {
          addEdge(inner, outer, op.text, `what-if: reversed (${sources})`);
          applied.push({ edit: op.text, description: `reversed ${outer} -> ${inner} (${sources}): now ${inner} -> ${outer}`, classes: [], edges: [`${outer}>${inner}`, `${inner}>${outer}`] });
        } else {
          removedPairs.push({ outer, inner, text: op.text });
          applied.push({ edit: op.text, description: `removed ${outer} -> ${inner} (${sources})`, classes: [], edges: [`${outer}>${inner}`] });
        }
        break;
      }
      case 'remove-class': {
        const id = lookup(op.cls, op.text);
        p.classes = p.classes.filter((c) => c.id !== id);
        p.order = p.order.filter((e) => e.outer !== id && e.inner !== id);
        p.apis = p.apis.filter((a) => !a.effects.some((e) => (e as { class?: string }).class === id));
        if (p.orderingAliases) p.orderingAliases = Object.fromEntries(Object.entries(p.orderingAliases).filter(([, v]) => v !== id));
        applied.push({ edit: op.text, description: `removed class ${id} with its order edges and APIs`, classes: [id], edges: [] });
        break;
      }
      case 'profile': applyProfilePatch(p, op.patch, lookup, op.text); applied.push({ edit: op.text, description: describePatch(op.patch), classes: [], edges: [] }); break;
    }
  }

  // The edited order must stay acyclic: a cycle of documented (strong) edges is an error.
  const before = buildOrder(base);
  const after = buildOrder(p);
  const known = new Set(before.cycles().map((c) => c.join('>')));
  const fresh = after.cycles().filter((c) => !known.has(c.join('>')));
  if (fresh.length) {
    const cyc = fresh[0];
    const mine = cyc.slice(0, -1).map((x, i) => whatIfEdges.get(`${x}>${cyc[i + 1]}`)).filter((x): x is string => !!x);
    const by = [...new Set(mine)];
    throw new EditError(`the edits make the lock order cyclic: ${cyc.join(' -> ')}${by.length ? ` (from ${by.join(', ')})` : ''}`, by[0]);
  }
  // Weak (switchable) edges the edited order now contradicts are set aside, as buildOrder does.
  const wasRejected = new Set(before.rejected().map((r) => `${r.edge.outer}>${r.edge.inner}>${r.edge.source}`));
  for (const r of after.rejected()) {
    if (!r.edge.weak || wasRejected.has(`${r.edge.outer}>${r.edge.inner}>${r.edge.source}`)) continue;
    notes.push(`the switchable edge ${r.edge.outer} -> ${r.edge.inner} (${r.edge.source}) is set aside: it contradicts the edited order (${r.cycle.join(' -> ')})`);
  }
  for (const r of removedPairs) {
    const chain = after.explain(r.outer, r.inner);
    if (chain) notes.push(`after ${r.text}, ${r.outer} is still before ${r.inner}: ${chainText(chain)}`);
  }
  return { profile: p, applied, notes, label: ops.map((o) => o.text).join(',') };
}

function chainText(chain: OrderEdge[]): string {
  return [chain[0].outer, ...chain.map((e) => e.inner)].join(' -> ');
}

function noEdge(p: Profile, outer: string, inner: string, text: string): string {
  const o = buildOrder(p);
  const fwd = o.explain(outer, inner);
  if (fwd) return `edit '${text}': there is no documented edge ${outer} -> ${inner}; ${outer} comes before ${inner} through ${chainText(fwd)} (edit one of those edges)`;
  const back = o.explain(inner, outer);
  if (back) return `edit '${text}': there is no edge ${outer} -> ${inner}; the order has ${inner} before ${outer} (${chainText(back)})`;
  return `edit '${text}': there is no edge ${outer} -> ${inner} (the two are not ordered)`;
}

function withKind(c: LockClass, kind: LockKind, text: string): LockClass {
  return { ...c, kind, sleeps: kindSleeps(kind), kindOverridesApi: true, description: `${c.description} [what-if ${text}: a ${kind}]` };
}

function applyClass(
  op: Extract<EditOp, { op: 'class' }>, p: Profile, lookup: (n: string, t: string) => string,
  addEdge: (o: string, i: string, t: string, s: string, n?: string) => void, applied: AppliedEdit[],
): void {
  const e = op.cls;
  let id = e.name;
  const aliases = [...(e.aliases ?? [])];
  const fields = [...(e.fields ?? [])];
  const path = /^([A-Za-z_]\w*)\s*(->|\.)\s*([A-Za-z_]\w*)$/.exec(e.name);
  if (path) {
    // mm->anon_vma_chain_lock: class anon_vma_chain_lock, field of mm's conventional type
    id = path[3];
    const t = p.nameTypes[path[1]];
    if (!t) throw new EditError(`edit '${op.text}': '${path[1]}' is not a conventional variable name (${Object.keys(p.nameTypes).join(', ')}); write NAME:...,field=STRUCT.FIELD`, op.text);
    if (!fields.includes(`${t}.${id}`)) fields.push(`${t}.${id}`);
    if (!aliases.includes(e.name)) aliases.push(e.name.replace(/\s+/g, ''));
  }
  if (!/^[A-Za-z_]\w*$/.test(id)) throw new EditError(`edit '${op.text}': a class name must be a C identifier or VAR->FIELD (got '${e.name}')`, op.text);
  const existingAt = p.classes.findIndex((c) => c.id === id);
  const mapped = existingAt < 0 ? mapName(id, { ...p, classes: [...p.classes] }) : id;
  if (e.mustBeNew && mapped && p.classes.some((c) => c.id === mapped)) {
    throw new EditError(`edit '${op.text}': '${id}' already names class ${mapped} (to change its kind: ${mapped}=KIND)`, op.text);
  }
  for (const f of fields) {
    const owner = p.classes.find((c) => c.id !== id && (c.fields ?? []).includes(f));
    if (owner) throw new EditError(`edit '${op.text}': field ${f} already belongs to class ${owner.id}`, op.text);
  }
  for (const g of e.globals ?? []) {
    const owner = p.classes.find((c) => c.id !== id && (c.globals ?? []).includes(g));
    if (owner) throw new EditError(`edit '${op.text}': global ${g} already belongs to class ${owner.id}`, op.text);
  }
  for (const a of aliases) {
    const owner = p.classes.find((c) => c.id !== id && (c.id === a || (c.aliases ?? []).includes(a)));
    if (owner) throw new EditError(`edit '${op.text}': alias '${a}' already names class ${owner.id}`, op.text);
  }
  const after = (e.after ?? []).map((n) => lookup(n, op.text));
  const before = (e.before ?? []).map((n) => lookup(n, op.text));
  if (after.includes(id) || before.includes(id)) throw new EditError(`edit '${op.text}' orders ${id} against itself`, op.text);
  let description: string;
  const classes = [id];
  if (existingAt >= 0) {
    const old = p.classes[existingAt];
    const kind = e.kind ?? old.kind;
    const next: LockClass = {
      ...old, kind,
      sleeps: e.sleeps ?? (e.kind ? kindSleeps(kind) : old.sleeps),
      ...(e.irqSafe !== undefined ? { irqSafe: e.irqSafe } : {}),
      ...(e.description ? { description: e.description } : {}),
      ...(e.source ? { source: e.source } : {}),
      ...(aliases.length ? { aliases: [...new Set([...(old.aliases ?? []), ...aliases])] } : {}),
      ...(fields.length ? { fields: [...new Set([...(old.fields ?? []), ...fields])] } : {}),
      ...(e.globals?.length ? { globals: [...new Set([...(old.globals ?? []), ...e.globals])] } : {}),
    };
    if (kind !== old.kind) next.kindOverridesApi = true;
    p.classes[existingAt] = next;
    const bits = [kind !== old.kind ? `${old.kind} -> ${kind}` : '', next.sleeps !== old.sleeps ? (next.sleeps ? 'now sleeps' : 'no longer sleeps') : '',
      fields.length ? `fields ${fields.join(', ')}` : '', aliases.length ? `aliases ${aliases.join(', ')}` : ''].filter(Boolean);
    description = `${id}: ${bits.length ? bits.join(', ') : 'unchanged'}`;
  } else {
    const kind = e.kind ?? guessKind(id);
    if (!kind) throw new EditError(`edit '${op.text}': cannot tell the kind of '${id}' from its name: add kind=spinlock|mutex|rwsem|...`, op.text);
    const c: LockClass = {
      id, kind, sleeps: e.sleeps ?? kindSleeps(kind),
      description: e.description ?? `${id}: a ${kind} inserted by what-if '${op.text}'`,
      source: e.source ?? 'what-if',
      ...(e.irqSafe !== undefined ? { irqSafe: e.irqSafe } : {}),
      ...(aliases.length ? { aliases } : {}),
      ...(fields.length ? { fields } : {}),
      ...(e.globals?.length ? { globals: [...e.globals] } : {}),
    };
    p.classes.push(c);
    const where = [...after.map((a) => `${a} -> ${id}`), ...before.map((b) => `${id} -> ${b}`)];
    description = `inserted ${id} (${kind}${fields.length ? `, ${fields.join(', ')}` : ''})${where.length ? `: ${where.join(', ')}` : ''}`;
  }
  const edges: string[] = [];
  for (const a of after) { addEdge(a, id, op.text, 'what-if', `(inserted by ${op.text})`); edges.push(`${a}>${id}`); }
  for (const b of before) { addEdge(id, b, op.text, 'what-if', `(inserted by ${op.text})`); edges.push(`${id}>${b}`); }
  applied.push({ edit: op.text, description, classes, edges });
}

function applyProfilePatch(p: Profile, patch: ProfilePatch, lookup: (n: string, t: string) => string, text: string): void {
  const drop = new Set(patch.removeApis ?? []);
  for (const name of drop) if (!p.apis.some((a) => a.name === name)) throw new EditError(`edit '${text}': removeApis names unknown API '${name}'`, text);
  p.apis = p.apis.filter((a) => !drop.has(a.name));
  for (const a of patch.apis ?? []) {
    for (const e of a.effects) {
      const c = (e as { class?: string }).class;
      if (c !== undefined) (e as { class?: string }).class = lookup(c, text);
    }
    const at = p.apis.findIndex((b) => b.name === a.name);
    if (at >= 0) p.apis[at] = a; else p.apis.push(a);
  }
  const key = (f: { struct: string; field: string }) => `${f.struct}.${f.field}`;
  const mine = new Set((patch.fieldTypes ?? []).map(key));
  p.fieldTypes = p.fieldTypes.filter((f) => !mine.has(key(f))).concat(patch.fieldTypes ?? []);
  if (patch.nameTypes) p.nameTypes = { ...p.nameTypes, ...patch.nameTypes };
  if (patch.iteratorMacros) p.iteratorMacros = [...new Set([...p.iteratorMacros, ...patch.iteratorMacros])];
  if (patch.gfp) {
    p.gfp = {
      blocking: [...new Set([...p.gfp.blocking, ...(patch.gfp.blocking ?? [])])],
      atomic: [...new Set([...p.gfp.atomic, ...(patch.gfp.atomic ?? [])])],
    };
  }
}

function describePatch(patch: ProfilePatch): string {
  const parts: string[] = [];
  if (patch.apis?.length) parts.push(`APIs ${patch.apis.map((a) => a.name).join(', ')}`);
  if (patch.removeApis?.length) parts.push(`removed APIs ${patch.removeApis.join(', ')}`);
  if (patch.fieldTypes?.length) parts.push(`${patch.fieldTypes.length} field types`);
  if (patch.nameTypes) parts.push(`name types ${Object.keys(patch.nameTypes).join(', ')}`);
  if (patch.iteratorMacros?.length) parts.push(`iterator macros ${patch.iteratorMacros.join(', ')}`);
  if (patch.gfp) parts.push('GFP lists');
  return parts.length ? `changed ${parts.join('; ')}` : 'no change';
}
