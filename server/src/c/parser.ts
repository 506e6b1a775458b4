// Loads tree-sitter-c (WASM) once and parses neutralized kernel C. Trees live in WASM memory, which
// the JS garbage collector does not reclaim: every CFile must be released with disposeC().
import * as fs from 'fs';
import * as path from 'path';
import type { Edit, Language as TSLanguage, Parser as TSParser, Tree } from 'web-tree-sitter';
import { extractFunctions } from './functions';
import { neutralize, type NeutralizeOptions } from './neutralize';
import { rememberSource } from './source-text';
import type { CFile } from './types';

export interface ParseOptions extends NeutralizeOptions {
  /** Stop parsing (parseC throws ParseCancelled) when this signal is aborted. */
  signal?: AbortSignal;
  /** Parse from this offset (at the start of line `row`) on: the text before it is only padding
   *  that keeps offsets and lines those of a larger file, and lexing it would cost. */
  parseFrom?: { index: number; row: number };
}

export class ParseCancelled extends Error {
  constructor() { super('parse cancelled'); }
}

let parser: TSParser | undefined;
let loading: Promise<void> | undefined;

/** Where a WASM file is: next to the bundle (server/out), else in node_modules (tsc output, tests). */
function locate(file: string, pkg: string): string {
  const here = path.join(__dirname, file);
  if (fs.existsSync(here)) return here;
  return require.resolve(`${pkg}/${file}`);
}

export function initParser(): Promise<void> {
  if (!loading) {
    loading = (async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Parser, Language } = require('web-tree-sitter') as typeof import('web-tree-sitter');
      const runtime = locate('tree-sitter.wasm', 'web-tree-sitter');
      // Emscripten makes the options object the module: kept for rawCursorOps().
      const module: Record<string, unknown> = { locateFile: () => runtime };
      await Parser.init(module);
      raw = rawOpsOf(module);
      const lang: TSLanguage = await Language.load(locate('tree-sitter-c.wasm', 'tree-sitter-c'));
      const p = new Parser();
      p.setLanguage(lang);
      parser = p;
    })();
    loading.catch(() => { loading = undefined; });
  }
  return loading;
}

/**
 * The WASM exports behind web-tree-sitter's TreeCursor, for walking a tree without its per-call
 * copying: every cursor method writes the cursor's four words into the transfer buffer, calls the
 * export and reads them back (two thirds of converting a body). A walk that uses only these keeps
 * the cursor in the transfer buffer throughout (see sim/ast.ts). Undefined if the runtime does not
 * have them (another web-tree-sitter version): the ordinary cursor is used then.
 */
export interface RawCursorOps {
  buffer: number;
  heap(): Int32Array;
  typeId(tree: number): number; fieldId(tree: number): number;
  startIndex(tree: number): number; endIndex(tree: number): number; isMissing(tree: number): number;
  firstChild(tree: number): number; nextSibling(tree: number): number; parent(tree: number): number;
}
let raw: RawCursorOps | undefined;
export function rawCursorOps(): RawCursorOps | undefined { return raw; }

function rawOpsOf(m: Record<string, unknown>): RawCursorOps | undefined {
  const f = (name: string) => (typeof m[name] === 'function' ? (m[name] as (t: number) => number) : undefined);
  const ops = {
    init: f('_ts_init'), typeId: f('_ts_tree_cursor_current_node_type_id_wasm'), fieldId: f('_ts_tree_cursor_current_field_id_wasm'),
    startIndex: f('_ts_tree_cursor_start_index_wasm'), endIndex: f('_ts_tree_cursor_end_index_wasm'),
    isMissing: f('_ts_tree_cursor_current_node_is_missing_wasm'), firstChild: f('_ts_tree_cursor_goto_first_child_wasm'),
    nextSibling: f('_ts_tree_cursor_goto_next_sibling_wasm'), parent: f('_ts_tree_cursor_goto_parent_wasm'),
  };
  if (Object.values(ops).some((x) => !x) || !(m.HEAP32 instanceof Int32Array)) return undefined;
  // ts_init() only rewrites the buffer's first two words (scratch) and returns its address.
  const buffer = (ops.init as unknown as () => number)();
  return {
    buffer, heap: () => m.HEAP32 as Int32Array,
    typeId: ops.typeId!, fieldId: ops.fieldId!, startIndex: ops.startIndex!, endIndex: ops.endIndex!, isMissing: ops.isMissing!,
    firstChild: ops.firstChild!, nextSibling: ops.nextSibling!, parent: ops.parent!,
  };
}

export function parserReady(): boolean {
  return parser !== undefined;
}

function theParser(): TSParser {
  if (!parser) throw new Error('C parser not initialised: await initParser() first');
  return parser;
}

function runParse(text: string, old: Tree | null, opts: ParseOptions): Tree {
  const p = theParser();
  const signal = opts.signal;
  const from = opts.parseFrom;
  const includedRanges = from ? [{ startIndex: from.index, endIndex: 0xffffffff, startPosition: { row: from.row, column: 0 }, endPosition: { row: 0xffffffff, column: 0xffffffff } }] : undefined;
  const tree = signal || includedRanges
    ? p.parse(text, old, { ...(signal ? { progressCallback: () => signal.aborted } : {}), ...(includedRanges ? { includedRanges } : {}) })
    : p.parse(text, old);
  if (!tree) { p.reset(); throw new ParseCancelled(); }
  return tree;
}

function build(text: string, opts: ParseOptions, old: { file: CFile } | null): CFile {
  const n = neutralize(text, opts);
  let tree: Tree;
  if (old) {
    // tree.edit mutates: work on a copy so the old CFile stays valid until its owner disposes it.
    const copy = old.file.tree.copy();
    try {
      // Highest first: each edit's positions are then still those of the text below it.
      for (const edit of diffEdits(old.file.neutralized, n.text).reverse()) copy.edit(edit);
      tree = runParse(n.text, copy, opts);
    } finally {
      copy.delete();
    }
  } else {
    tree = runParse(n.text, null, opts);
  }
  rememberSource(tree, text);
  const file: CFile = { text, neutralized: n.text, tree, functions: [], annotations: n.annotations, loops: n.loops };
  file.functions = extractFunctions(file);
  return file;
}

/** Neutralize and parse one C file. Synchronous once initParser() has resolved. */
export function parseC(text: string, opts: ParseOptions = {}): CFile {
  return build(text, opts, null);
}

/**
 * Re-parse after an edit, reusing the old tree. The edit is recomputed from the neutralized texts
 * (a change can alter the neutralization elsewhere, e.g. an added `#else`), so `edit` is only a hint
 * and may be omitted. The old CFile stays valid; dispose both.
 */
export function reparseC(old: CFile, newText: string, _edit?: Partial<Edit>, opts: ParseOptions = {}): CFile {
  return build(newText, opts, { file: old });
}

/** tree-sitter-c on the text as is, without the neutralize pass (for comparisons). Delete the tree. */
export function parseRaw(text: string): Tree {
  return runParse(text, null, {});
}

/** Frees the tree's WASM memory. The CFile's nodes must not be used afterwards. */
export function disposeC(file: CFile): void {
  file.tree.delete();
}

/**
 * The changed regions between two texts as tree-sitter edits, in text order, line-aligned: lines
 * are matched greedily and resynchronised after a difference by the nearest run of three equal
 * lines. A patch series or an editor change touches a few places in a long file; one edit from the
 * first change to the last would make the parser redo everything between them.
 */
export function diffEdits(a: string, b: string): Edit[] {
  if (a === b) return [];
  const la = splitLines(a), lb = splitLines(b);
  const edits: Edit[] = [];
  let i = 0, j = 0, offA = 0, offB = 0;
  const WINDOW = 400;
  const same = (x: number, y: number, n: number) => {
    for (let k = 0; k < n; k++) {
      if (x + k >= la.length || y + k >= lb.length) return x + k >= la.length && y + k >= lb.length;
      if (la[x + k] !== lb[y + k]) return false;
    }
    return true;
  };
  while (i < la.length && j < lb.length) {
    if (la[i] === lb[j]) { offA += la[i].length; offB += lb[j].length; i++; j++; continue; }
    // Smallest (da + db) after which three lines agree again.
    let found: [number, number] | null = null;
    for (let d = 1; d <= WINDOW && !found; d++) {
      for (let da = 0; da <= d; da++) {
        const db = d - da;
        if (i + da > la.length || j + db > lb.length) continue;
        if (same(i + da, j + db, 3)) { found = [da, db]; break; }
      }
    }
    if (!found) break;
    const [da, db] = found;
    let lenA = 0, lenB = 0;
    for (let k = 0; k < da; k++) lenA += la[i + k].length;
    for (let k = 0; k < db; k++) lenB += lb[j + k].length;
    edits.push({
      startIndex: offA, oldEndIndex: offA + lenA, newEndIndex: offA + lenB,
      startPosition: { row: i, column: 0 }, oldEndPosition: { row: i + da, column: 0 }, newEndPosition: { row: i + db, column: 0 },
    });
    offA += lenA; offB += lenB; i += da; j += db;
  }
  if (i < la.length || j < lb.length) {
    // The rest differs (or did not resynchronise): one edit to the end, trimmed of a common suffix.
    const rest = diffEdit(a.slice(offA), b.slice(offB));
    if (rest) {
      const shift = (p: { row: number; column: number }) => ({ row: p.row + i, column: p.column }); // the rest starts a line
      edits.push({
        startIndex: rest.startIndex + offA, oldEndIndex: rest.oldEndIndex + offA, newEndIndex: rest.newEndIndex + offA,
        startPosition: shift(rest.startPosition), oldEndPosition: shift(rest.oldEndPosition), newEndPosition: shift(rest.newEndPosition),
      });
    }
  }
  return edits;
}

/** Lines with their terminators (so lengths add up to offsets). */
function splitLines(t: string): string[] {
  const out: string[] = [];
  let s = 0;
  for (let k = t.indexOf('\n'); k >= 0; k = t.indexOf('\n', s)) { out.push(t.slice(s, k + 1)); s = k + 1; }
  if (s < t.length) out.push(t.slice(s));
  return out;
}

/** The single changed region between two texts, as a tree-sitter edit (null when equal). */
export function diffEdit(a: string, b: string): Edit | null {
  if (a === b) return null;
  const min = Math.min(a.length, b.length);
  let s = 0;
  while (s < min && a.charCodeAt(s) === b.charCodeAt(s)) s++;
  let ea = a.length, eb = b.length;
  while (ea > s && eb > s && a.charCodeAt(ea - 1) === b.charCodeAt(eb - 1)) { ea--; eb--; }
  return {
    startIndex: s, oldEndIndex: ea, newEndIndex: eb,
    startPosition: pointAt(a, s), oldEndPosition: pointAt(a, ea), newEndPosition: pointAt(b, eb),
  };
}

function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0, lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) { row++; lineStart = i + 1; }
  return { row, column: index - lineStart };
}
