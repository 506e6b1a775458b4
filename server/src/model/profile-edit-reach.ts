// Which code an edit can affect. An edit changes some classes (kind, names, added or removed) and
// the order between some pairs of classes; a function's findings can differ between the base and
// the edited profile only if a lock of a changed class, or locks of both classes of a changed pair,
// can be named in it or in a callee the analysis sees. The scan below over-approximates that from
// the text alone (no parse): a lock field `X->f` counts when X may have the field's struct type
// (declared so anywhere in the text, or by the profile's conventional names); a fixed-class API or
// a global lock counts by its name. What it cannot bound (APIs, field or name types, GFP lists or
// iterator macros changed by a what-if file) makes every input relevant.
import type { LockClass, Profile } from './profile-types';
import { buildOrder } from './order';
import { definesSyscall } from '../c/macro-rules';
import { typeOfName, type ProfileIndex, type TypeEnv } from './resolve';

export interface EditReach {
  /** the edit changes nothing the analysis uses */
  none: boolean;
  /** the edit changes something a text scan cannot bound: every input is relevant */
  global: boolean;
  /** classes whose own properties changed, or that were added or removed */
  changed: string[];
  /** pairs of classes whose order changed: [a, b] where "a before b" differs */
  pairs: [string, string][];
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** What the analysis sees of a class (its description and source are only shown). */
function classKey(c: LockClass | undefined): string {
  if (!c) return '';
  return JSON.stringify([c.kind, c.sleeps, !!c.irqSafe, !!c.kindOverridesApi, c.aliases ?? [], c.fields ?? [], c.globals ?? []]);
}

export function editReach(base: Profile, edited: Profile): EditReach {
  const global = !sameJson(base.apis, edited.apis) || !sameJson(base.fieldTypes, edited.fieldTypes)
    || !sameJson(base.nameTypes, edited.nameTypes) || !sameJson(base.gfp, edited.gfp) || !sameJson(base.iteratorMacros, edited.iteratorMacros);
  const b = new Map(base.classes.map((c) => [c.id, c] as const));
  const e = new Map(edited.classes.map((c) => [c.id, c] as const));
  const ids = [...new Set([...b.keys(), ...e.keys()])];
  const changed = ids.filter((id) => classKey(b.get(id)) !== classKey(e.get(id)));
  const bo = buildOrder(base);
  const eo = buildOrder(edited);
  const all = [...new Set([...ids, ...bo.classes, ...eo.classes])];
  const pairs: [string, string][] = [];
  for (const x of all) for (const y of all) if (x !== y && bo.before(x, y) !== eo.before(x, y)) pairs.push([x, y]);
  return { none: !global && !changed.length && !pairs.length, global, changed, pairs };
}

/**
 * Whether the edit leaves every walk of the simulator as it is: it changes only what classes are
 * (kind, sleeping, irq safety) and the order between them, not which locks code names (classes'
 * ids, fields, globals, aliases), the APIs, types, GFP flags, iterator macros or guards. Then one
 * walk per function reports under both profiles (InterpretContext.variant).
 */
export function sameWalks(base: Profile, edited: Profile): boolean {
  const walkSide = (p: Profile) => JSON.stringify([
    p.classes.map((c) => [c.id, c.aliases ?? [], c.fields ?? [], c.globals ?? []]),
    p.apis, p.fieldTypes, p.iteratorMacros, p.nameTypes, p.gfp, p.guards ?? [],
  ]);
  return walkSide(base) === walkSide(edited);
}

/** What a text can name: candidate classes (changed or in a changed pair) and the functions it calls. */
export interface TextReach {
  classes: Set<string>;
  calls: Set<string>;
}

/** Declared types by name in one text: `struct anon_vma *av` -> av: {anon_vma}; `pg_data_t *p` -> p: {pg_data_t}. */
export type DeclIndex = Map<string, Set<string>>;

const NO_ENV: TypeEnv = { local: () => undefined, global: () => undefined, bound: () => undefined, param: () => undefined };

export class ReachScanner {
  private readonly candidates: Set<string>;
  private readonly byApi = new Map<string, Set<string>>();
  private readonly byGlobal = new Map<string, Set<string>>();
  private readonly byField = new Map<string, { struct: string; cls: string }[]>();
  private readonly fieldTypes = new Map<string, Set<string>>();
  private readonly profiles: Profile[];

  constructor(private readonly reach: EditReach, profiles: Profile[]) {
    this.profiles = profiles;
    this.candidates = new Set([...reach.changed, ...reach.pairs.flat()]);
    const add = <K>(m: Map<K, Set<string>>, k: K, v: string) => { let s = m.get(k); if (!s) m.set(k, (s = new Set())); s.add(v); };
    for (const p of profiles) {
      for (const c of p.classes) {
        if (!this.candidates.has(c.id)) continue;
        for (const g of c.globals ?? []) add(this.byGlobal, g, c.id);
        for (const f of c.fields ?? []) {
          const dot = f.indexOf('.');
          const name = f.slice(dot + 1);
          const l = this.byField.get(name) ?? [];
          l.push({ struct: f.slice(0, dot), cls: c.id });
          this.byField.set(name, l);
        }
      }
      for (const a of p.apis) {
        for (const e of a.effects) {
          const c = (e as { class?: string }).class;
          if (c && this.candidates.has(c)) add(this.byApi, a.name, c);
        }
      }
      for (const f of p.fieldTypes) add(this.fieldTypes, `${f.struct}.${f.field}`, f.type);
    }
  }

  /** The classes the edit touches (changed, or in a pair whose order changed). */
  get classes(): string[] { return [...this.candidates]; }

  /** Whether `text` may name a candidate class: it mentions an API, global or field of one
   *  (without asking what the field's owner is: an over-approximation). */
  mayName(text: string): boolean {
    if (this.reach.global) return true;
    const idRe = /[A-Za-z_]\w*/g;
    for (let m = idRe.exec(text); m; m = idRe.exec(text)) {
      const id = m[0];
      if (this.byApi.has(id) || this.byGlobal.has(id) || this.byField.has(id)) return true;
    }
    return false;
  }

  /** Whether code naming these candidate classes can have different findings under the edit. */
  relevant(classes: Set<string>): boolean {
    if (this.reach.global) return true;
    if (this.reach.changed.some((c) => classes.has(c))) return true;
    return this.reach.pairs.some(([a, b]) => classes.has(a) && classes.has(b));
  }

  /** The candidate classes `text` may name and the functions it calls; `decls` gives the declarations
   *  visible to it (its own are added), asked only when needed. `text` should be stripped (stripC). */
  scan(text: string, decls: () => DeclIndex[]): TextReach {
    const classes = new Set<string>();
    const calls = new Set<string>();
    const ids = new Set<string>();
    const idRe = /[A-Za-z_]\w*/g;
    for (let m = idRe.exec(text); m; m = idRe.exec(text)) {
      const id = m[0];
      ids.add(id);
      let i = idRe.lastIndex;
      while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n')) i++;
      if (text[i] === '(') calls.add(id);
    }
    for (const [api, cs] of this.byApi) if (ids.has(api)) for (const c of cs) classes.add(c);
    for (const [g, cs] of this.byGlobal) if (ids.has(g)) for (const c of cs) classes.add(c);
    const fieldNames = [...this.byField.keys()].filter((f) => ids.has(f));
    if (fieldNames.length) {
      const all = [declIndex(text), ...decls()];
      const re = new RegExp(`(->|\\.)\\s*(${fieldNames.join('|')})\\b`, 'g');
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const owners = this.byField.get(m[2])!;
        if (owners.every((o) => classes.has(o.cls))) continue;
        const types = this.ownerTypes(text, m.index, all);
        for (const o of owners) if (!types || types.has(o.struct)) classes.add(o.cls);
      }
    }
    return { classes, calls };
  }

  /** The struct types the expression before `->f` / `.f` at `at` may have; undefined when unknown. */
  private ownerTypes(text: string, at: number, decls: DeclIndex[]): Set<string> | undefined {
    const parts = accessPathBefore(text, at);
    if (!parts) return undefined;
    let types = this.typesOfName(parts[0], decls);
    for (const f of parts.slice(1)) {
      if (!types) return undefined;
      const next = new Set<string>();
      for (const t of types) for (const x of this.fieldTypes.get(`${t}.${f}`) ?? []) next.add(x);
      for (const d of decls) for (const x of d.get(f) ?? []) next.add(x);
      for (const p of this.profiles) if (p.nameTypes[f]) next.add(p.nameTypes[f]);
      types = next.size ? next : undefined;
    }
    return types;
  }

  private typesOfName(name: string, decls: DeclIndex[]): Set<string> | undefined {
    const out = new Set<string>();
    for (const d of decls) for (const x of d.get(name) ?? []) out.add(x);
    for (const p of this.profiles) {
      const t = typeOfName(name, NO_ENV, { profile: p } as ProfileIndex);
      if (t) out.add(t);
    }
    return out.size ? out : undefined;
  }
}

/** `a->b.c[i]` before the operator at `at` (which starts `->` or `.`): [a, b, c]; undefined when the
 *  receiver is not a plain access path (a call, a cast, a parenthesised expression). */
export function accessPathBefore(text: string, at: number): string[] | undefined {
  const parts: string[] = [];
  let i = at - 1;
  for (;;) {
    while (i >= 0 && /\s/.test(text[i])) i--;
    while (text[i] === ']') {
      let depth = 0;
      for (; i >= 0; i--) {
        if (text[i] === ']') depth++;
        else if (text[i] === '[' && --depth === 0) break;
      }
      i--;
      while (i >= 0 && /\s/.test(text[i])) i--;
    }
    const end = i + 1;
    while (i >= 0 && /\w/.test(text[i])) i--;
    const id = text.slice(i + 1, end);
    if (!/^[A-Za-z_]\w*$/.test(id)) return undefined;
    parts.unshift(id);
    let j = i;
    while (j >= 0 && /\s/.test(text[j])) j--;
    if (text[j] === '.' && !/\d/.test(text[j - 1] ?? '')) { i = j - 1; continue; }
    if (text[j] === '>' && text[j - 1] === '-') { i = j - 2; continue; }
    return parts;
  }
}

const DECL_START = /\bstruct\s+([A-Za-z_]\w*)|\b([A-Za-z_]\w*_t)\b/g;
const NOT_A_NAME = new Set(['const', 'volatile', 'struct', 'union', 'enum', 'unsigned', 'signed', 'int', 'long', 'char', 'void', 'static', 'extern', 'inline']);

/** Names declared with a struct type or a `*_t` typedef, anywhere in the text (locals, parameters,
 *  struct members, globals, functions returning one). */
export function declIndex(text: string): DeclIndex {
  const out: DeclIndex = new Map();
  DECL_START.lastIndex = 0;
  for (let m = DECL_START.exec(text); m; m = DECL_START.exec(text)) {
    const type = m[1] ?? m[2];
    let i = DECL_START.lastIndex;
    for (;;) {
      while (i < text.length && /[\s*]/.test(text[i])) i++;
      const id = /^[A-Za-z_]\w*/.exec(text.slice(i, i + 128));
      if (!id) break;
      if (id[0] === 'const' || id[0] === 'volatile' || /^__\w+$/.test(id[0])) { i += id[0].length; continue; }
      if (NOT_A_NAME.has(id[0])) break;
      let s = out.get(id[0]);
      if (!s) out.set(id[0], (s = new Set()));
      s.add(type);
      i += id[0].length;
      i = afterDeclarator(text, i);
      if (text[i] !== ',') break;
      i++;
    }
  }
  return out;
}

/** From just after a declarator's name: past array bounds and an initializer; returns the index of
 *  the `,` that starts the next declarator, or of whatever ends the declaration. */
function afterDeclarator(text: string, i: number): number {
  const skipWs = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  skipWs();
  while (text[i] === '[') {
    let d = 0;
    for (; i < text.length; i++) { if (text[i] === '[') d++; else if (text[i] === ']' && --d === 0) { i++; break; } }
    skipWs();
  }
  if (text[i] === '=' && text[i + 1] !== '=') {
    let d = 0;
    for (i++; i < text.length; i++) {
      const ch = text[i];
      if (ch === '(' || ch === '[' || ch === '{') d++;
      else if (ch === ')' || ch === ']' || ch === '}') { if (d === 0) break; d--; }
      else if ((ch === ',' || ch === ';') && d === 0) break;
    }
  }
  return i;
}

/** Comments, string and character literals and preprocessor lines blanked (same length, same lines):
 *  the analysis does not expand macros, and text in comments names nothing. */
export function stripC(text: string): string {
  // The kept text between blanked ranges is copied as slices (a character array of a whole file
  // cost more than the scan).
  const parts: string[] = [];
  let copied = 0;
  const blank = (from: number, to: number) => {
    if (from >= to) return;
    parts.push(text.slice(copied, from), text.slice(from, to).replace(/[^\n]/g, ' '));
    copied = to;
  };
  let i = 0;
  let lineStart = true;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\n') { lineStart = true; i++; continue; }
    if (lineStart && (ch === ' ' || ch === '\t')) { i++; continue; }
    if (lineStart && ch === '#') {
      let j = i;
      for (;;) {
        const nl = text.indexOf('\n', j);
        const end = nl < 0 ? text.length : nl;
        // a comment that starts on a directive line may run on
        const c = text.indexOf('/*', j);
        if (c >= 0 && c < end) {
          const ce = text.indexOf('*/', c + 2);
          j = ce < 0 ? text.length : ce + 2;
          if (j > end) continue;
        }
        if (nl < 0) { j = text.length; break; }
        if (text[nl - 1] === '\\' || (nl > 0 && text[nl - 1] === '\r' && text[nl - 2] === '\\')) { j = nl + 1; continue; }
        j = nl;
        break;
      }
      blank(i, j);
      i = j;
      continue;
    }
    lineStart = false;
    if (ch === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      const j = e < 0 ? text.length : e + 2;
      blank(i, j);
      i = j;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      const e = text.indexOf('\n', i);
      const j = e < 0 ? text.length : e;
      blank(i, j);
      i = j;
      continue;
    }
    if (ch === '"' || ch === '\'') {
      let j = i + 1;
      while (j < text.length && text[j] !== ch && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      blank(i + 1, Math.min(j, text.length));
      i = j + 1;
      continue;
    }
    i++;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

/** Top-level function definitions of a (stripped) text: name and body range. */
export function functionBodies(text: string): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  let depth = 0;
  let headStart = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') {
      if (depth === 0) {
        const head = text.slice(headStart, i);
        const name = functionName(head);
        // find the matching brace
        let d = 0;
        let j = i;
        for (; j < text.length; j++) {
          if (text[j] === '{') d++;
          else if (text[j] === '}' && --d === 0) break;
        }
        if (name) out.push({ name, start: i, end: j + 1 });
        i = j;
        headStart = j + 1;
        continue;
      }
      depth++;
    } else if (ch === '}') {
      if (depth > 0) depth--;
      headStart = i + 1;
    } else if (ch === ';' && depth === 0) headStart = i + 1;
  }
  return out;
}

/** The function a definition head declares (`static inline void anon_vma_lock(struct vm_area_struct *vma)`). */
function functionName(head: string): string | undefined {
  const h = head.replace(/__attribute(?:__)?\s*\(\((?:[^()]|\([^()]*\))*\)\)/g, ' ');
  if (/=\s*$/.test(h) || !/\)\s*(?:[A-Za-z_]\w*(?:\s*\([^()]*\))?\s*)*$/.test(h)) return undefined;
  const m = /([A-Za-z_]\w*)\s*\(\s*([A-Za-z_]\w*)?/.exec(h);
  if (!m || /^(?:struct|union|enum|if|while|for|switch|return|sizeof)$/.test(m[1])) return undefined;
  // `SYSCALL_DEFINE3(madvise, ...)` defines madvise().
  return definesSyscall(m[1]) && m[2] ? m[2] : m[1];
}
