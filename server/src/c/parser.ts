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
      await Parser.init({ locateFile: () => runtime });
      const lang: TSLanguage = await Language.load(locate('tree-sitter-c.wasm', 'tree-sitter-c'));
      const p = new Parser();
      p.setLanguage(lang);
      parser = p;
    })();
    loading.catch(() => { loading = undefined; });
  }
  return loading;
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
  const tree = signal
    ? p.parse(text, old, { progressCallback: () => signal.aborted })
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
    const edit = diffEdit(old.file.neutralized, n.text);
    try {
      if (edit) copy.edit(edit);
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
