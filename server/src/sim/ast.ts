// Plain-object copies of tree-sitter subtrees. Reading a web-tree-sitter Node property crosses
// into WASM on every access (~2 µs); the simulator walks bodies many times, so it walks these.

import type { RawCursorOps } from '../c/parser';

export interface Ast {
  type: string;
  start: number;             // UTF-16 offsets into the source text
  end: number;
  row: number;               // 0-based
  col: number;               // 0-based
  endRow: number;
  endCol: number;
  field: string | null;      // the field name of this node in its parent
  named: boolean;
  missing: boolean;
  kids: Ast[];
}

/** Minimal structural view of a web-tree-sitter Node (keeps this module free of the runtime). */
export interface TsNodeLike {
  walk(): TsCursorLike;
  tree: { language: TsLanguageLike };
}
export interface TsLanguageLike {
  types: string[];
  fields: (string | null)[];
  nodeTypeIsNamed(typeId: number): boolean;
}
export interface TsCursorLike {
  nodeTypeId: number;
  currentFieldId: number;
  nodeIsMissing: boolean;
  startIndex: number;
  endIndex: number;
  startPosition: { row: number; column: number };
  endPosition: { row: number; column: number };
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  delete(): void;
}

const SKIP = new Set(['comment']);

/**
 * Every node is made here, its numbers forced to small integers: web-tree-sitter hands offsets
 * over as results of a division, and one such double in a field turned the field's representation
 * into boxed doubles, deprecating the object shape; every node made before was then migrated on
 * its first read, which cost a whole-tree check ~0.6 s in the simulator's first walk of each body.
 */
export function makeAst(type: string, start: number, end: number, row: number, col: number, endRow: number, endCol: number,
  field: string | null, named: boolean, missing: boolean, kids: Ast[] = []): Ast {
  return { type, start: start | 0, end: end | 0, row: row | 0, col: col | 0, endRow: endRow | 0, endCol: endCol | 0, field, named, missing, kids };
}

/**
 * Line starts of a text, for rows and columns from offsets: asking the cursor for positions
 * marshals two objects out of WASM per node, which dominated converting a body.
 */
export function lineStarts(text: string): Int32Array {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  const out = new Int32Array(n);
  let k = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out[k++] = i + 1;
  return out;
}

function rowOf(starts: Int32Array, offset: number, hint: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  if (hint >= 0 && hint < starts.length && starts[hint] <= offset && (hint + 1 >= starts.length || starts[hint + 1] > offset)) return hint;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** Per language: each node type's name and whether it is named, asked of WASM once per type. */
const typeInfo = new WeakMap<TsLanguageLike, { names: string[]; named: Int8Array }>();
function typesOf(lang: TsLanguageLike): { names: string[]; named: Int8Array } {
  let t = typeInfo.get(lang);
  if (!t) {
    const names = lang.types.map((x) => x ?? 'ERROR');
    const named = new Int8Array(names.length + 1).fill(-1);
    typeInfo.set(lang, (t = { names, named }));
  }
  return t;
}

function namedType(lang: TsLanguageLike, types: { named: Int8Array }, id: number): boolean {
  let v = types.named[id];
  if (v === undefined) return lang.nodeTypeIsNamed(id);
  if (v === -1) types.named[id] = v = lang.nodeTypeIsNamed(id) ? 1 : 0;
  return v === 1;
}

// Every cursor property is a call into WASM (with the cursor copied in each time), so per node this
// asks only for the type id, field id and offsets; names and named-ness come from per-type tables,
// and "missing" is asked only of zero-width nodes (the only kind a missing node can be).
export function toAst(node: TsNodeLike, starts?: Int32Array, raw?: RawCursorOps): Ast {
  if (raw && starts) return toAstRaw(node, starts, raw);
  const c = node.walk();
  const lang = node.tree.language;
  const types = typesOf(lang);
  const fields = lang.fields;
  let hint = 0;
  const typeName = (id: number): string => types.names[id] ?? 'ERROR';
  const isNamed = (id: number): boolean => namedType(lang, types, id);
  const conv = (field: string | null, id: number): Ast => {
    const start = c.startIndex;
    const end = c.endIndex;
    let row: number, col: number, endRow: number, endCol: number;
    if (starts) {
      row = rowOf(starts, start, hint);
      endRow = rowOf(starts, end, row);
      hint = row;
      col = start - starts[row];
      endCol = end - starts[endRow];
    } else {
      const sp = c.startPosition;
      const ep = c.endPosition;
      row = sp.row; col = sp.column; endRow = ep.row; endCol = ep.column;
    }
    const n = makeAst(typeName(id), start, end, row, col, endRow, endCol, field, isNamed(id), start === end && c.nodeIsMissing);
    if (c.gotoFirstChild()) {
      do {
        const kid = c.nodeTypeId;
        if (!SKIP.has(typeName(kid))) { const f = c.currentFieldId; n.kids.push(conv(f ? fields[f] ?? null : null, kid)); }
      } while (c.gotoNextSibling());
      c.gotoParent();
    }
    return n;
  };
  try { return conv(null, c.nodeTypeId); } finally { c.delete(); }
}

/** The same conversion through the runtime's exports (RawCursorOps), the cursor kept in the transfer
 *  buffer from the first call to the last; its words are read back before it is deleted (moving
 *  down may have reallocated its stack). */
function toAstRaw(node: TsNodeLike, starts: Int32Array, raw: RawCursorOps): Ast {
  const c = node.walk() as TsCursorLike & { [k: number]: number; tree: { [k: number]: number } };
  const tree = c.tree[0];
  const lang = node.tree.language;
  const types = typesOf(lang);
  const fields = lang.fields;
  let hint = 0;
  const isNamed = (id: number): boolean => namedType(lang, types, id);
  const conv = (field: string | null, id: number): Ast => {
    const start = raw.startIndex(tree);
    const end = raw.endIndex(tree);
    const row = rowOf(starts, start, hint);
    const endRow = rowOf(starts, end, row);
    hint = row;
    const n = makeAst(types.names[id] ?? 'ERROR', start, end, row, start - starts[row], endRow, end - starts[endRow], field, isNamed(id),
      start === end && raw.isMissing(tree) === 1);
    if (raw.firstChild(tree) === 1) {
      do {
        const kid = raw.typeId(tree);
        if (!SKIP.has(types.names[kid] ?? 'ERROR')) { const f = raw.fieldId(tree); n.kids.push(conv(f ? fields[f] ?? null : null, kid)); }
      } while (raw.nextSibling(tree) === 1);
      raw.parent(tree);
    }
    return n;
  };
  // Asking the cursor for its type id puts it in the transfer buffer (and leaves it there).
  const rootType = c.nodeTypeId;
  try { return conv(null, rootType); } finally {
    const heap = raw.heap();
    const at = raw.buffer >> 2;
    for (let i = 0; i < 4; i++) c[i] = heap[at + i];
    c.delete();
  }
}

export function child(n: Ast, field: string): Ast | undefined {
  for (const k of n.kids) if (k.field === field) return k;
  return undefined;
}

export function children(n: Ast, field: string): Ast[] {
  return n.kids.filter((k) => k.field === field);
}

export function namedKids(n: Ast): Ast[] {
  return n.kids.filter((k) => k.named);
}

export function textOf(src: string, n: Ast): string {
  return src.slice(n.start, n.end);
}

/** Strip parentheses and likely()/unlikely() wrappers around an expression. */
export function unwrap(src: string, n: Ast): Ast {
  for (;;) {
    if (n.type === 'parenthesized_expression') {
      const inner = namedKids(n)[0];
      if (!inner) return n;
      n = inner;
      continue;
    }
    if (n.type === 'call_expression') {
      const fn = child(n, 'function');
      const args = child(n, 'arguments');
      if (fn && fn.type === 'identifier' && args) {
        const name = textOf(src, fn);
        const a = namedKids(args);
        if ((name === 'likely' || name === 'unlikely' || name === 'WARN_ON' || name === 'WARN_ON_ONCE'
          || name === 'READ_ONCE' || name === 'data_race') && a.length === 1) { n = a[0]; continue; }
      }
    }
    return n;
  }
}
