// The neutralize pass: rewrites the kernel macro idioms that tree-sitter-c cannot parse into plain C
// of exactly the same length, with every line break where it was, so that every offset, line and
// column of the parse tree is also one of the original text. It works on the token stream of
// scanner.ts in linear time. In order:
//   1. lock annotations (`__acquires(x)`...) are recorded, then blanked with attribute macros
//      (`__init`, `__printf(1, 2)`, `__user`, a file's `#define __fastpath_inline __always_inline`);
//   2. conditionals: in function bodies one branch is kept; at file scope only when a branch is not
//      made of whole declarations (`#ifndef X\nstatic inline\n#endif\nint f(...)`) — preproc.ts;
//   3. `SYSCALL_DEFINEn(name, type, arg, ...)` becomes `long name(type arg, ...)`;
//   4. at statement position in a function, iterator macros (`list_for_each_entry(p, h, m) {`,
//      `for_each_vma(vmi, vma) stmt;`) and any `MACRO(args) {` (`scoped_guard(rcu) {`) become
//      `while (args)`; `do_each_thread(g, t) {` / `} while_each_thread(g, t);` become `do {` / `} while (g, t);`;
//   5. type arguments of macros (`container_of(p, struct foo, m)`, `min_t(unsigned long, a, b)`)
//      become one identifier-shaped token (`struct_foo`, `unsigned_long`);
//   6. declaration macros with initializers (`DECLARE_BITMAP(m, N) = { 0 };`) become declarations,
//      `static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 10);` in a body loses its `static`;
//   7. at file scope, a macro invocation without `;` (`postcore_initcall(f)`, `INTERVAL_TREE_DEFINE(...)`)
//      is blanked, and so is a `__lowercase` attribute between a return type and a function name;
//   8. `uninitialized_var(x)` in a declaration becomes `x`;
//   9. `typeof(expr) v;` declarations get an identifier-shaped type;
//  10. GNU forms: `case 1 ... 3:` becomes `case 1 | 3:`, `__alignof__(expr)` becomes `sizeof(expr)`,
//      `offsetof(T, a[i])` is parsed as a plain macro call.
import { blankAttributes } from './attributes';
import { C_KEYWORDS, DECLARATOR_WRAPPERS } from './kernel-macros';
import {
  isIterator, isMacroName, isSyscallDefine, learnIteratorDefines, mangleTypeArgs, rewriteDeclMacro, rewriteSyscall, rewriteToWhile,
} from './macro-rules';
import { BranchDepth, selectBranches, type BranchMode } from './preproc';
import { followBrace, type BodyDepth } from './token-utils';
import { P_ELLIPSIS, scan, Tok } from './scanner';
import {
  argRanges, assemble, blankOut, hasNewline, isPunct, matchBrackets, nextSig, pad, prevSig, removeRange, tokText, type Work,
} from './token-utils';

export interface Annotation {
  kind: 'acquires' | 'releases' | 'must_hold';
  /** The annotation's argument as written (`&mm->page_table_lock`). */
  expr: string;
  /** Offset of the annotation macro name in the text. */
  offset: number;
}

/** A macro call rewritten to a loop head: the `while`/`do` node at `start` stands for `name(...)`. */
export interface MacroLoop {
  name: string;
  /** iterator: a `for_each` macro; block: another `MACRO(args) {` (scoped_guard); do-each / while-each. */
  kind: 'iterator' | 'block' | 'do-each' | 'while-each';
  /** Offsets of the macro name and of the end of its argument list. */
  start: number;
  end: number;
}

export interface NeutralizeOptions {
  /** Extra iterator macros (the profile's); names containing `for_each` or ending `_foreach` are always known. */
  iteratorMacros?: string[];
  /** Conditionals inside function bodies (default 'first'; see preproc.ts). */
  preprocBranches?: BranchMode;
}

export interface Neutralized {
  text: string;
  annotations: Annotation[];
  loops: MacroLoop[];
}

const TYPEOF = new Set(['typeof', '__typeof__', '__typeof']);
const ALIGNOF = new Set(['__alignof__', '__alignof', '_Alignof', 'alignof']);
const STATEMENT_AFTER = new Set([59, 123, 125, 41, 58]); // ; { } ) :
const DECL_AFTER = new Set([59, 125]);                    // ; }
const NOT_A_RETURN_TYPE = new Set(['static', 'extern', 'inline', 'const', 'volatile', 'register', 'typedef',
  'struct', 'union', 'enum', 'return', 'else', 'case', 'goto']);

export function neutralize(text: string, opts: NeutralizeOptions = {}): Neutralized {
  const t = scan(text);
  const w: Work = { text, t, removed: new Uint8Array(t.count), edits: [] };
  const { removed } = w;
  const annotations: Annotation[] = [];
  const loops: MacroLoop[] = [];
  const iterators = new Set(opts.iteratorMacros ?? []);
  learnIteratorDefines(w, iterators);

  blankAttributes(w, matchBrackets(t, removed), annotations);
  selectBranches(w, opts.preprocBranches ?? 'first');
  const match = matchBrackets(t, removed);

  const prevIs = (i: number, set: Set<number>): boolean => {
    const p = prevSig(t, removed, i);
    return p < 0 || (t.kind[p] === Tok.Punct && set.has(t.sub[p]));
  };
  const atStatementStart = (i: number): boolean => {
    const p = prevSig(t, removed, i);
    if (p < 0) return true;
    if (t.kind[p] === Tok.Punct) return STATEMENT_AFTER.has(t.sub[p]);
    const word = t.kind[p] === Tok.Ident ? tokText(w, p) : '';
    return word === 'else' || word === 'do';
  };

  // One walk with the brace depth (branch-aware for the conditionals still in place).
  const branches = new BranchDepth(w);
  const st: BodyDepth = { depth: 0, inFn: false };
  let caseLabel = false;      // between `case` and its ':'
  for (let i = 0; i < t.count; i++) {
    if (removed[i]) continue;
    const k = t.kind[i];
    if (k === Tok.Directive) {
      st.depth = branches.at(i, st.depth);
      if (st.depth === 0) st.inFn = false;
      continue;
    }
    if (k === Tok.Punct) {
      const c = t.sub[i];
      if (c === 123 || c === 125) followBrace(t, removed, i, st); else if (c === 58) caseLabel = false;
      else if (c === P_ELLIPSIS && caseLabel) { w.edits.push({ s: t.start[i], e: t.end[i], r: ' | ' }); removed[i] = 2; }
      continue;
    }
    if (k !== Tok.Ident) continue;
    const id = tokText(w, i);
    const open = nextSig(t, removed, i);
    const isCall = open >= 0 && isPunct(t, open, 40) && match[open] > open;

    if (!isCall) {
      if (id === 'case') caseLabel = st.inFn;
      else if (id === 'static' && st.inFn) staticDeclMacro(i, open);
      else if (st.depth === 0) fileScopeAttribute(i, id, open);
      continue;
    }
    const close = match[open];
    if (TYPEOF.has(id) && st.inFn && atStatementStart(i) && typeofDeclaration(i, close)) { i = close; continue; }
    if (DECLARATOR_WRAPPERS.has(id)) { removed[i] = 1; removed[open] = 1; removed[close] = 1; continue; }
    if (ALIGNOF.has(id)) { w.edits.push({ s: t.start[i], e: t.end[i], r: pad('sizeof', id.length) }); removed[i] = 2; continue; }
    if (id === 'offsetof') offsetofAsMacro(i, open, close);
    else if (C_KEYWORDS.has(id)) continue;

    if (st.depth === 0) {
      if (isSyscallDefine(id)) { rewriteSyscall(w, match, i, open, close); i = close; continue; }
      if (prevIs(i, DECL_AFTER) && invocationWithoutSemicolon(close)) { removeRange(w, i, close); i = close; continue; }
    } else if (st.inFn && atStatementStart(i)) {
      if (statementMacro(i, id, open, close)) continue;
    }
    if (st.depth > 0 || isMacroName(id)) mangleTypeArgs(w, match, open, close);
  }

  return { text: assemble(w), annotations, loops };

  /** Rules 4 and 6 at statement position; true when the call was consumed. */
  function statementMacro(i: number, id: string, open: number, close: number): boolean {
    const after = nextSig(t, removed, close);
    if (id.startsWith('do_each_')) {
      w.edits.push({ s: t.start[i], e: t.end[i], r: pad('do', id.length) });
      removed[i] = 2;
      removeRange(w, open, close);
      loops.push({ name: id, kind: 'do-each', start: t.start[i], end: t.end[close] });
      return true;
    }
    if (id.startsWith('while_each_')) {
      w.edits.push({ s: t.start[i], e: t.end[i], r: pad('while', id.length) });
      removed[i] = 2;
      loops.push({ name: id, kind: 'while-each', start: t.start[i], end: t.end[close] });
      return false; // `while (g, t);` keeps its arguments
    }
    if (after < 0) return false;
    // scoped_guard(type, args) stmt is a `for` in <linux/cleanup.h>: a loop head like an iterator.
    const scopedGuard = id === 'scoped_guard' || id === 'scoped_cond_guard';
    if (id === 'scoped_cond_guard') blankFailArgument(open, close);
    const iterator = scopedGuard || isIterator(id, iterators);
    if (isPunct(t, after, 123) || (iterator && startsStatement(after))) {
      if (rewriteToWhile(w, i, open, close)) {
        loops.push({ name: id, kind: iterator && !scopedGuard ? 'iterator' : 'block', start: t.start[i], end: t.end[close] });
      }
      return false;
    }
    if (isMacroName(id) && isPunct(t, after, 61)) {
      const value = nextSig(t, removed, after);
      if (value >= 0 && isPunct(t, value, 123)) { rewriteDeclMacro(w, match, id, open, close); return true; }
    }
    return false;
  }

  /** scoped_cond_guard(type, fail, args): `fail` is a statement (`return -EINTR`), not an
   *  expression: it becomes `0` so the head parses (the simulator skips the body on failure). */
  function blankFailArgument(open: number, close: number): void {
    const args = argRanges(t, removed, match, open, close);
    if (args.length < 3 || args[1][1] <= args[1][0]) return;
    const s = t.start[args[1][0]], e = t.end[args[1][1] - 1];
    w.edits.push({ s, e, r: '0' + blankOut(text.slice(s + 1, e)) });
    for (let j = args[1][0]; j < args[1][1]; j++) removed[j] = 2;
  }

  /** `static MACRO(args);` in a body: drop `static` (a call parses); with `= value`, make a declaration. */
  function staticDeclMacro(i: number, next: number): void {
    if (next < 0 || t.kind[next] !== Tok.Ident) return;
    const id = tokText(w, next);
    const open = nextSig(t, removed, next);
    if (!isMacroName(id) || open < 0 || !isPunct(t, open, 40) || match[open] < 0) return;
    const after = nextSig(t, removed, match[open]);
    if (after >= 0 && isPunct(t, after, 59)) removed[i] = 1;
    else if (after >= 0 && isPunct(t, after, 61)) rewriteDeclMacro(w, match, id, open, match[open]);
  }

  /** A file-scope call-like line with no `;` after it, followed by a new line of declarations. */
  function invocationWithoutSemicolon(close: number): boolean {
    const after = nextSig(t, removed, close);
    if (after < 0) return true;
    if (t.kind[after] !== Tok.Ident) return false;
    if (hasNewline(text, t.end[close], t.start[after])) return true;
    // `PAGEFLAG(Reclaim, reclaim) TESTCLEARFLAG(Reclaim, reclaim)`: another invocation on the line.
    const open = nextSig(t, removed, after);
    return isMacroName(tokText(w, after)) && open >= 0 && isPunct(t, open, 40);
  }

  /** `void __paginginit f(` / `int __weak f(`: a `__lowercase` word between a return type and a function name. */
  function fileScopeAttribute(i: number, id: string, next: number): void {
    if (!/^__[a-z0-9_]+$/.test(id) || next < 0 || t.kind[next] !== Tok.Ident) return;
    const call = nextSig(t, removed, next);
    if (call < 0 || !isPunct(t, call, 40)) return;
    const p = prevSig(t, removed, i);
    if (p < 0) return;
    const typeBefore = isPunct(t, p, 42) || (t.kind[p] === Tok.Ident && !NOT_A_RETURN_TYPE.has(tokText(w, p)));
    if (typeBefore) removed[i] = 1;
  }

  /** `typeof(x.y) v;` starting a declaration: the type becomes one identifier (`typeof_x_y_ v;`). */
  function typeofDeclaration(i: number, close: number): boolean {
    const after = nextSig(t, removed, close);
    if (after < 0 || !(t.kind[after] === Tok.Ident || isPunct(t, after, 42))) return false;
    const s = t.start[i], e = t.end[close];
    if (hasNewline(text, s, e)) return false;
    w.edits.push({ s, e, r: text.slice(s, e).replace(/[^A-Za-z0-9_]/g, '_') });
    for (let j = i; j <= close; j++) removed[j] = 2;
    return true;
  }

  /** tree-sitter's offsetof takes a field name only; `offsetof(T, a[i])` is parsed as a call instead. */
  function offsetofAsMacro(i: number, open: number, close: number): void {
    const args = argRanges(t, removed, match, open, close);
    if (args.length !== 2) return;
    const [a, b] = args[1];
    let n = 0, last = -1;
    for (let j = a; j < b; j++) if (!removed[j] && t.kind[j] !== Tok.Directive) { n++; last = j; }
    if (n === 1 && t.kind[last] === Tok.Ident) return; // a plain field name: tree-sitter's offsetof is fine
    w.edits.push({ s: t.start[i], e: t.end[i], r: '_ffsetof' });
    removed[i] = 2;
    mangleTypeArgs(w, match, open, close);
  }

  /** Tokens that can begin the statement an iterator macro governs. */
  function startsStatement(i: number): boolean {
    if (t.kind[i] === Tok.Ident) return true;
    return t.kind[i] === Tok.Punct && (t.sub[i] === 123 || t.sub[i] === 40 || t.sub[i] === 42); // { ( *
  }
}
