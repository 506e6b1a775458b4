// What-if edits applied to a copy of a base profile: class names are resolved (ids, aliases,
// ordering-comment names: mapName) and the result is checked: unknown classes, clashing names and
// an order made cyclic are errors naming the edit. The syntax is profile-edit-parse.ts.
import type { LockClass, LockKind, OrderEdge, Profile } from './profile-types';
import { mapName } from './class-names';
import { buildOrder } from './order';
import { EditError, guessKind, kindSleeps, type EditOp, type ProfilePatch } from './profile-edit-parse';

export {
  EditError, guessKind, kindSleeps, KINDS, parseEdits, parseKind, type ClassEdit, type EditOp, type ProfilePatch,
} from './profile-edit-parse';

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
  return { profile: p, applied, notes, label: [...new Set(ops.map((o) => o.from ?? o.text))].join(',') };
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
