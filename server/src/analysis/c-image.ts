// One C text (a pre- or post-image, a header, a .c file) parsed once, with its functions turned
// into simulator inputs on demand (converting a body to plain objects costs, so only when used).
import { parseC, disposeC, reparseC, rawCursorOps } from '../c/parser';
import { globalTypes, structFields } from '../c/declarations';
import { replaceDefinitions, topLevelIndex, type TopLevelIndex } from '../c/top-level';
import { iteratorMacrosDefinedIn } from '../c/macro-rules';
import type { CFile, CFunction } from '../c/types';
import { toAst, Ast, lineStarts } from '../sim/ast';
import type { FunctionInput } from '../sim/interpret';
import { baseType, localTypes } from '../sim/locals';
import type { FunctionSource } from './summaries';

export interface CImage extends FunctionSource {
  /** Whether the text may declare `name` at file scope (indexed once; a superset, never a miss). */
  declares(name: string): boolean;
  definesStruct(tag: string): boolean;
  /** File-scope variables' types (DEFINE_SPINLOCK(x) -> spinlock_t), computed on first use. */
  globals(): Map<string, string>;
  /** Struct field types declared in this text ("anon_vma_chain.anon_vma" -> "anon_vma"). */
  fields(): Map<string, string>;
  path: string;
  text: string;
  file: CFile;
  byName: Map<string, CFunction>;
  input(fn: CFunction): FunctionInput;
  dispose(): void;
  /** Lazy images: the file's functions in text order (first definition of each name), each parsed
   *  alone when asked for with `definition`. */
  definitions?: { names(): string[]; definition(name: string): { fn: CFunction; input: FunctionInput } | undefined };
}

export interface ImageOptions {
  iteratorMacros?: string[];
  /** See ParseOptions.parseFrom. */
  parseFrom?: { index: number; row: number };
  /** Lines that hunk-only synthesis made up: functions containing them are fragments. */
  syntheticLines?: number[];
  /** An earlier version of the same file: parsed incrementally from its tree (a series, an edit). */
  base?: CFile;
}

/**
 * An image whose text is parsed only when a lookup may find something in it: a header included
 * by a patched file is mostly never needed (the callee or struct is not in it), and parsing all of
 * them would dominate a small check. A function is parsed alone (definitionsIn); globals and
 * struct fields need the whole text parsed.
 */
export function makeLazyImage(path: string, text: string, opts: ImageOptions = {}, defs: Definitions = definitionsIn(path, text, opts)): CImage {
  let img: CImage | undefined;
  const get = (): CImage => img ?? (img = makeImage(path, text, opts));
  const ix = textIndex(text, defs.index);
  const lazy: CImage = {
    path, text, declares: ix.declares, definesStruct: ix.definesStruct,
    get file() { return get().file; },
    get byName() { return get().byName; },
    input: (fn) => get().input(fn),
    lookup: (name) => (ix.definesFunction(name) ? defs.input(defs.definition(name)) : undefined),
    // File-scope declarations need no function body: parsed with the definitions blanked unless
    // the whole file is parsed anyway.
    globals: () => (img ?? defs.declarations()).globals(),
    fields: () => (img ?? defs.declarations()).fields(),
    dispose: () => { img?.dispose(); defs.dispose(); },
    definitions: {
      names: () => [...defs.index().spans].sort((a, b) => a[1].start - b[1].start).map(([n]) => n),
      definition: (name) => { const fn = defs.definition(name); const input = defs.input(fn); return fn && input ? { fn, input } : undefined; },
    },
  };
  return lazy;
}

/**
 * The definitions of a text's functions, each parsed alone when first asked for, behind as many
 * newlines as precede it (lines and columns are those of the file; the parser starts at the
 * definition, so the padding costs nothing). Iterator macros the text defines are known to each.
 */
type Definitions = ReturnType<typeof definitionsIn>;

/** A definition blanked with its line breaks kept (lines and offsets stay the file's). */
const blankLines = (definition: string): string => definition.replace(/[^\n]/g, ' ');

function definitionsIn(path: string, text: string, opts: ImageOptions) {
  let top: TopLevelIndex | undefined;
  let macros: string[] | undefined;
  let starts: Int32Array | undefined;
  const parsed = new Map<string, CImage | null>();
  /** The 0-based line that starts at `offset` (a line start). */
  const rowAt = (offset: number): number => {
    starts ??= lineStarts(text);
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid] <= offset) lo = mid; else hi = mid - 1; }
    return lo;
  };
  const definition = (name: string): CFunction | undefined => {
    top ??= topLevelIndex(text);
    if (!top.functions.has(name)) return undefined;
    let img = parsed.get(name);
    if (img === undefined) {
      const span = top.spans.get(name);
      img = null;
      if (span) {
        const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
        const rows = rowAt(lineStart);
        macros ??= [...(opts.iteratorMacros ?? []), ...iteratorMacrosDefinedIn(text, opts.iteratorMacros ?? [])];
        img = makeImage(path, '\n'.repeat(rows) + text.slice(lineStart, span.end) + '\n', { ...opts, iteratorMacros: macros, parseFrom: { index: rows, row: rows } });
      }
      parsed.set(name, img);
    }
    return img?.byName.get(name);
  };
  // File-scope declarations (globals, struct fields) need no function body: the text parsed with
  // its definitions blanked, a few ms against the whole file's tens.
  let decls: CImage | undefined;
  return {
    definition,
    declarations: (): CImage => (decls ??= makeImage(path, replaceDefinitions(text, (top ??= topLevelIndex(text)).spans, blankLines), opts)),
    index: () => (top ??= topLevelIndex(text)),
    indexed: () => top !== undefined,
    input: (fn: CFunction | undefined) => (fn ? parsed.get(fn.name)?.input(fn) : undefined),
    dispose: () => { for (const i of parsed.values()) i?.dispose(); parsed.clear(); decls?.dispose(); decls = undefined; },
  };
}

/**
 * Another .c file of the tree, asked only for its non-static functions (a callee defined in
 * mm/rmap.c called from mm/mmap.c), and, from its own functions, for its static ones. Parsing all
 * of it for one callee would double the cost of a whole-tree check: definitions are parsed alone.
 */
export type SiblingSource = FunctionSource & { dispose(): void; heads(): Set<string>; sibling: NonNullable<FunctionSource['sibling']> };

export function makeSiblingSource(path: string, text: string, opts: ImageOptions = {}, defs: Definitions = definitionsIn(path, text, opts)): SiblingSource {
  let heads: Set<string> | undefined;
  // Kernel style starts a definition's line at column 0 (`static int foo(`, `foo(` under its
  // return type): one regex pass rules a file out for most names before it is tokenised, and
  // tells a directory's index which files to ask (directorySource).
  const headsOf = (): Set<string> => (heads ??= definitionHeads(text));
  const definition = (name: string): CFunction | undefined => (headsOf().has(name) ? defs.definition(name) : undefined);
  // File-scope variables and struct fields, asked only for names the file declares: from a parse
  // of the file with its function definitions blanked (a few ms, against the whole file's tens).
  const tix = textIndex(text, defs.index);
  return {
    lookup: (name) => {
      if (defs.indexed() && (!defs.index().functions.has(name) || defs.index().statics.has(name))) return undefined;
      const fn = definition(name);
      return fn && !fn.isStatic ? defs.input(fn) : undefined;
    },
    sibling: {
      path, lookupLocal: (name) => defs.input(definition(name)),
      globalType: (name) => (tix.declares(name) ? defs.declarations().globals().get(name) : undefined),
      fieldType: (key) => (tix.definesStruct(key.slice(0, key.indexOf('.'))) ? defs.declarations().fields().get(key) : undefined),
    },
    heads: headsOf,
    dispose: defs.dispose,
  };
}

/** A file of the tree in both roles, its definitions parsed once for both: another file's source
 *  of callees, and (lazily) the file analysed in its own right (a whole-tree what-if). */
export function makeTreeFile(path: string, text: string, opts: ImageOptions = {}): { image: CImage; sibling: SiblingSource } {
  const defs = definitionsIn(path, text, opts);
  return { image: makeLazyImage(path, text, opts, defs), sibling: makeSiblingSource(path, text, opts, defs) };
}

/**
 * The other files of a directory as one source: a name is asked only of the files with a
 * definition line for it, in directory order. (Asking each of mm/'s 125 files in turn for every
 * callee name of every provider took 2 s of a 100-patch series.) `skip`: the files a patch
 * touches, which are looked up in their patched versions instead.
 */
export function directorySource(files: SiblingSource[], byName: Map<string, SiblingSource[]>, skip: ReadonlySet<string>): FunctionSource {
  const byPath = new Map(files.filter((f) => !skip.has(f.sibling.path)).map((f) => [f.sibling.path, f.sibling] as const));
  return {
    lookup: (name) => {
      for (const f of byName.get(name) ?? []) {
        if (skip.has(f.sibling.path)) continue;
        const hit = f.lookup(name);
        if (hit) return hit;
      }
      return undefined;
    },
    siblingFor: (file) => byPath.get(file),
  };
}

/** Which of `files` have a definition line for each name (in their order). */
export function headsIndex(files: SiblingSource[]): Map<string, SiblingSource[]> {
  const out = new Map<string, SiblingSource[]>();
  for (const f of files) for (const h of f.heads()) { const l = out.get(h); if (l) l.push(f); else out.set(h, [f]); }
  return out;
}

/** The last identifier before the first '(' of every line that starts at column 0 with a word. */
function definitionHeads(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^[A-Za-z_][^\n;=(]*\(/gm)) {
    const id = /([A-Za-z_]\w*)\s*\($/.exec(m[0]);
    if (id) out.add(id[1]);
  }
  return out;
}

/** Lazily built: what the text declares and defines at file scope, and its `struct X {` tags.
 *  `index`: the text's top-level index when another part already builds it (one scan, not two). */
function textIndex(text: string, index?: () => TopLevelIndex): { declares(name: string): boolean; definesFunction(name: string): boolean; definesStruct(tag: string): boolean } {
  let top: TopLevelIndex | undefined;
  const get = index ?? (() => (top ??= topLevelIndex(text)));
  let tags: Set<string> | undefined;
  return {
    declares: (name) => get().names.has(name),
    definesFunction: (name) => get().functions.has(name),
    definesStruct: (tag) => {
      if (!tags) { tags = new Set(); for (const m of text.matchAll(/\b(?:struct|union)\s+([A-Za-z_]\w*)\s*\{/g)) tags.add(m[1]); }
      return tags.has(tag);
    },
  };
}

export function makeImage(path: string, text: string, opts: ImageOptions = {}): CImage {
  const file = opts.base
    ? reparseC(opts.base, text, undefined, { iteratorMacros: opts.iteratorMacros })
    : parseC(text, { iteratorMacros: opts.iteratorMacros, parseFrom: opts.parseFrom });
  const byName = new Map<string, CFunction>();
  for (const f of file.functions) if (!byName.has(f.name)) byName.set(f.name, f);
  const inputs = new Map<CFunction, FunctionInput>();
  let starts: Int32Array | undefined;
  const synthetic = opts.syntheticLines ?? [];
  const input = (fn: CFunction): FunctionInput => {
    let fi = inputs.get(fn);
    if (fi) return fi;
    const params = fn.params.map((p) => ({ name: p.name, type: baseType(p.type) }));
    // The body is converted to plain objects only when the function is simulated.
    let body: Ast | undefined;
    let locals: Map<string, string> | undefined;
    const node = fn.body;
    fi = {
      name: fn.name, file: path, src: text, params,
      get body() { return body ?? (body = toAst(node, starts ?? (starts = lineStarts(text)), rawCursorOps())); },
      get locals() { return locals ?? (locals = localTypes(this.body, text, params)); },
      bodyText: text.slice(fn.body.startIndex, fn.body.endIndex),
      bodyLine: fn.body.startPosition.row + 1,
      annotations: fn.annotations, line: fn.startLine, endLine: fn.endLine,
      partial: synthetic.some((l) => l >= fn.startLine && l <= fn.endLine),
      returnsPointer: /\*\s*$/.test(fn.returnType),
    };
    inputs.set(fn, fi);
    return fi;
  };
  let globals: Map<string, string> | undefined;
  let fields: Map<string, string> | undefined;
  const tix = textIndex(text);
  return {
    // Globals and struct fields need a walk of the tree (WASM calls per node): the cheap file-scope
    // and tag indexes decide whether a name can be there at all.
    declares: tix.declares, definesStruct: tix.definesStruct,
    globals: () => globals ?? (globals = globalTypes(file)),
    fields: () => fields ?? (fields = new Map(structFields(file).map((f) => [`${f.struct}.${f.field}`, f.type] as const))),
    path, text, file, byName, input,
    lookup: (name) => { const f = byName.get(name); return f ? input(f) : undefined; },
    dispose: () => disposeC(file),
  };
}
