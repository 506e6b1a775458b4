// The neutralize pass: rewrites the kernel macro idioms that tree-sitter-c cannot parse into plain C
// of exactly the same length, with every newline where it was, so that every offset, line and
// column of the parse tree is also one of the original text. It works on the token stream of
// scanner.ts in linear time. What it does, in order:
//   1. records, then blanks, lock annotations (`__acquires(x)`, `__releases(x)`, `__must_hold(x)`),
//      and blanks attribute macros (`__init`, `__printf(1, 2)`, `__user`...);
//   2. inside function bodies, keeps one branch of `#if/#ifdef ... #else ... #endif` (see preproc.ts);
//   3. `SYSCALL_DEFINEn(name, type, arg, ...)` becomes `long name(type arg, ...)`;
//   4. iterator macros at statement position (`list_for_each_entry(p, h, m) {`), and any
//      `MACRO(args) {` at statement position (`scoped_guard(rcu) {`), become `while (args)`;
//      `do_each_thread(g, t) {` / `} while_each_thread(g, t);` become `do {` / `} while (g, t);`;
//   5. type arguments of macros (`container_of(p, struct foo, m)`, `min_t(unsigned long, a, b)`)
//      become one identifier-shaped token (`struct_foo`, `unsigned_long`);
//   6. GNU case ranges (`case 1 ... 3:`) become a binary expression.
import { ANNOTATIONS, ATTR_BARE, ATTR_CALL, C_KEYWORDS, TAG_WORDS, TYPE_WORDS } from './kernel-macros';
import { selectBranches, type BranchMode } from './preproc';
import { Dir, P_ELLIPSIS, scan, Tok, type Tokens } from './scanner';

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
  kind: 'iterator' | 'block' | 'do-each' | 'while-each';
  /** Offsets of the macro name and of the end of its argument list. */
  start: number;
  end: number;
}

export interface NeutralizeOptions {
  /** Extra iterator macros (from the profile); names containing `for_each` or ending `_foreach` are always known. */
  iteratorMacros?: string[];
  /** How to treat conditionals inside function bodies (default 'first'). */
  preprocBranches?: BranchMode;
}

export interface Neutralized {
  text: string;
  annotations: Annotation[];
  loops: MacroLoop[];
}

interface Edit { s: number; e: number; r: string }

export function neutralize(text: string, opts: NeutralizeOptions = {}): Neutralized {
  const t = scan(text);
  const removed = new Uint8Array(t.count);
  const edits: Edit[] = [];
  const annotations: Annotation[] = [];
  const loops: MacroLoop[] = [];
  const iterators = new Set(opts.iteratorMacros ?? []);
  const name = (i: number) => text.slice(t.start[i], t.end[i]);

  // 1. Annotations and attribute macros.
  let match = matchBrackets(t, removed);
  for (let i = 0; i < t.count; i++) {
    if (t.kind[i] !== Tok.Ident) continue;
    if (!ATTR_FIRST_CHARS.has(text.charCodeAt(t.start[i]))) continue; // cheap filter before slicing
    const id = name(i);
    const next = i + 1 < t.count ? i + 1 : -1;
    const callOpen = next >= 0 && isPunct(t, next, 40) ? next : -1;
    const ann = ANNOTATIONS[id];
    if (ann && callOpen >= 0 && match[callOpen] > 0) {
      const close = match[callOpen];
      annotations.push({ kind: ann, expr: text.slice(t.end[callOpen], t.start[close]).trim(), offset: t.start[i] });
      for (let k = i; k <= close; k++) removed[k] = 1;
      i = close;
    } else if (ATTR_CALL.has(id) && callOpen >= 0 && match[callOpen] > 0) {
      const close = match[callOpen];
      for (let k = i; k <= close; k++) removed[k] = 1;
      i = close;
    } else if (ATTR_BARE.has(id) && callOpen < 0) {
      removed[i] = 1;
    }
  }

  // 2. Conditionals inside function bodies.
  selectBranches(text, t, removed, opts.preprocBranches ?? 'first');
  match = matchBrackets(t, removed);

  // 3-6. One walk with the brace depth (branch-aware for the conditionals left in place).
  const depthStack: number[] = [];      // per open #if: depth at the #if, depth after its first branch
  let depth = 0;
  let fnDepth = 0;                       // > 0 while inside a function body (its depth-1 brace)
  let caseLabel = false;                 // between `case` and its ':'
  for (let i = 0; i < t.count; i++) {
    if (removed[i]) continue;
    const k = t.kind[i];
    if (k === Tok.Directive) {
      const d = t.sub[i];
      if (d === Dir.If || d === Dir.Ifdef || d === Dir.Ifndef) depthStack.push(depth, -1);
      else if ((d === Dir.Elif || d === Dir.Else) && depthStack.length) {
        if (depthStack[depthStack.length - 1] < 0) depthStack[depthStack.length - 1] = depth;
        depth = depthStack[depthStack.length - 2];
      } else if (d === Dir.Endif && depthStack.length) {
        const after = depthStack.pop()!; depthStack.pop();
        if (after >= 0) depth = after;
      }
      if (depth === 0) fnDepth = 0;
      continue;
    }
    if (k === Tok.Punct) {
      const c = t.sub[i];
      if (c === 123) { // '{'
        if (depth === 0) fnDepth = opensFunctionBody(t, removed, i) ? 1 : 0;
        depth++;
      } else if (c === 125) { // '}'
        if (depth > 0) depth--;
        if (depth === 0) fnDepth = 0;
      } else if (c === 58) caseLabel = false;
      else if (c === P_ELLIPSIS && caseLabel) edits.push({ s: t.start[i], e: t.end[i], r: ' | ' });
      continue;
    }
    if (k !== Tok.Ident) continue;
    const id = name(i);
    if (id === 'case') { caseLabel = fnDepth > 0; continue; }
    const open = nextSig(t, removed, i);
    if (open < 0 || !isPunct(t, open, 40) || match[open] < 0) continue;
    const close = match[open];
    if (C_KEYWORDS.has(id)) continue;

    if (depth === 0 && isSyscallDefine(id)) {
      rewriteSyscall(text, t, removed, match, i, open, close, edits);
      i = close;
      continue;
    }
    if (fnDepth > 0 && atStatementStart(t, removed, i, text)) {
      const after = nextSig(t, removed, close);
      const afterBrace = after >= 0 && isPunct(t, after, 123);
      if (id.startsWith('do_each_')) {
        edits.push({ s: t.start[i], e: t.end[i], r: pad('do', id.length) });
        for (let j = open; j <= close; j++) removed[j] = 1;
        loops.push({ name: id, kind: 'do-each', start: t.start[i], end: t.end[close] });
        i = close;
        continue;
      }
      if (id.startsWith('while_each_')) {
        edits.push({ s: t.start[i], e: t.end[i], r: pad('while', id.length) });
        loops.push({ name: id, kind: 'while-each', start: t.start[i], end: t.end[close] });
        // arguments stay: `while (g, t);`
      } else if (afterBrace || (isIterator(id, iterators) && after >= 0 && startsStatement(t, after))) {
        if (rewriteToWhile(text, t, removed, i, open, close, edits)) {
          loops.push({ name: id, kind: afterBrace && !isIterator(id, iterators) ? 'block' : 'iterator', start: t.start[i], end: t.end[close] });
        }
      }
    }
    if (depth > 0 || isMacroName(id)) mangleTypeArgs(text, t, removed, match, open, close, edits);
  }

  return { text: assemble(text, t, removed, edits), annotations, loops };
}

// ---------------------------------------------------------------------------------------------

const ATTR_FIRST_CHARS = new Set<number>(
  [...Object.keys(ANNOTATIONS), ...ATTR_BARE, ...ATTR_CALL].map((n) => n.charCodeAt(0)));

const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - s.length));

/** Same length, same line breaks, everything else a space. */
export function blankOut(s: string): string {
  if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return ' '.repeat(s.length);
  let r = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    r += c === '\n' || c === '\r' ? c : ' ';
  }
  return r;
}

function isPunct(t: Tokens, i: number, c: number): boolean {
  return t.kind[i] === Tok.Punct && t.sub[i] === c;
}

/** The next token that is neither removed nor a directive. */
export function nextSig(t: Tokens, removed: Uint8Array, i: number): number {
  for (let j = i + 1; j < t.count; j++) if (!removed[j] && t.kind[j] !== Tok.Directive) return j;
  return -1;
}

export function prevSig(t: Tokens, removed: Uint8Array, i: number): number {
  for (let j = i - 1; j >= 0; j--) if (!removed[j] && t.kind[j] !== Tok.Directive) return j;
  return -1;
}

/** Matching bracket indices for ( [ { over the tokens not removed; -1 when unmatched. */
export function matchBrackets(t: Tokens, removed: Uint8Array): Int32Array {
  const m = new Int32Array(t.count).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < t.count; i++) {
    if (removed[i] || t.kind[i] !== Tok.Punct) continue;
    const c = t.sub[i];
    if (c === 40 || c === 91 || c === 123) { stack.push(i); continue; }
    const want = c === 41 ? 40 : c === 93 ? 91 : c === 125 ? 123 : 0;
    if (!want) continue;
    // Pop to the nearest opener of the same kind, if there is one; otherwise ignore this closer.
    let k = stack.length - 1;
    while (k >= 0 && t.sub[stack[k]] !== want) k--;
    if (k < 0) continue;
    m[stack[k]] = i; m[i] = stack[k];
    stack.length = k;
  }
  return m;
}

/** A `{` at file scope opens a function body when it follows a parameter list's `)`. */
export function opensFunctionBody(t: Tokens, removed: Uint8Array, i: number): boolean {
  const p = prevSig(t, removed, i);
  return p >= 0 && isPunct(t, p, 41);
}

const STATEMENT_AFTER = new Set([59, 123, 125, 41, 58]); // ; { } ) :

function atStatementStart(t: Tokens, removed: Uint8Array, i: number, text: string): boolean {
  const p = prevSig(t, removed, i);
  if (p < 0) return true;
  if (t.kind[p] === Tok.Punct) return STATEMENT_AFTER.has(t.sub[p]);
  if (t.kind[p] === Tok.Ident) {
    const w = text.slice(t.start[p], t.end[p]);
    return w === 'else' || w === 'do';
  }
  return false;
}

/** Tokens that can begin the statement governed by an iterator macro. */
function startsStatement(t: Tokens, i: number): boolean {
  if (t.kind[i] === Tok.Ident) return true;
  if (t.kind[i] !== Tok.Punct) return false;
  const c = t.sub[i];
  return c === 123 || c === 40 || c === 42; // { ( *
}

function isIterator(id: string, extra: Set<string>): boolean {
  return id.includes('for_each') || id.endsWith('_foreach') || extra.has(id);
}

const isMacroName = (id: string) => id.length > 1 && id.toUpperCase() === id && /[A-Z]/.test(id[0]);

function isSyscallDefine(id: string): boolean {
  return (id.startsWith('SYSCALL_DEFINE') || id.startsWith('COMPAT_SYSCALL_DEFINE')) &&
    id.length <= 'COMPAT_SYSCALL_DEFINE'.length + 1 && /[0-6]$/.test(id);
}

/** `name(args)` -> `while(args)` padded; empty args become `while(1)`. */
function rewriteToWhile(text: string, t: Tokens, removed: Uint8Array, i: number, open: number, close: number, edits: Edit[]): boolean {
  const id = text.slice(t.start[i], t.end[i]);
  if (id.length < 5) return false;
  if (nextSig(t, removed, open) === close) {
    const region = text.slice(t.start[i], t.end[close]);
    if (region.length < 8 || region.includes('\n')) return false;
    edits.push({ s: t.start[i], e: t.end[close], r: pad('while(1)', region.length) });
    for (let j = open; j <= close; j++) removed[j] = 2; // replaced by the edit above (2: not blanked)
    return true;
  }
  edits.push({ s: t.start[i], e: t.end[i], r: pad('while', id.length) });
  return true;
}

/** Top-level argument ranges [from, to) of a call's argument list (token indices). */
function argRanges(t: Tokens, removed: Uint8Array, match: Int32Array, open: number, close: number): [number, number][] {
  const out: [number, number][] = [];
  let from = open + 1;
  for (let j = open + 1; j < close; j++) {
    if (removed[j]) continue;
    if (t.kind[j] === Tok.Punct) {
      const c = t.sub[j];
      if ((c === 40 || c === 91 || c === 123) && match[j] > j) { j = match[j]; continue; }
      if (c === 44) { out.push([from, j]); from = j + 1; }
    }
  }
  out.push([from, close]);
  return out;
}

/** `SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3)` -> `long name(t1 a1, t2 a2, t3 a3)`. */
function rewriteSyscall(text: string, t: Tokens, removed: Uint8Array, match: Int32Array,
  i: number, open: number, close: number, edits: Edit[]): void {
  const id = text.slice(t.start[i], t.end[i]);
  const args = argRanges(t, removed, match, open, close);
  const nameTok = nextSig(t, removed, open);
  if (nameTok < 0 || t.kind[nameTok] !== Tok.Ident) return;
  const fname = text.slice(t.start[nameTok], t.end[nameTok]);
  if (args.length === 1) {
    // No parameters: the name has to move left to make room for `(void)`.
    const region = text.slice(t.start[i], t.end[close]);
    if (region.includes('\n') || region.includes('/')) return;
    edits.push({ s: t.start[i], e: t.end[close], r: pad(`long ${fname}(void`, region.length - 1) + ')' });
    for (let j = open; j <= close; j++) removed[j] = 2;
    return;
  }
  edits.push({ s: t.start[i], e: t.end[i], r: pad('long', id.length) });
  edits.push({ s: t.start[open], e: t.end[open], r: ' ' });
  // args[0] ends at the comma after the name; args[k] (k odd) is a type, args[k+1] its parameter name.
  for (let k = 0; k < args.length - 1; k++) {
    const comma = args[k][1];
    edits.push({ s: t.start[comma], e: t.end[comma], r: k === 0 ? '(' : k % 2 === 1 ? ' ' : ',' });
    removed[comma] = 2;
  }
  removed[open] = 2;
}

/** Each argument written as a type (`struct foo`, `unsigned long`, `const struct x *`) becomes one identifier. */
function mangleTypeArgs(text: string, t: Tokens, removed: Uint8Array, match: Int32Array,
  open: number, close: number, edits: Edit[]): void {
  // Cheap pre-check: is there any type word at all in the list?
  let any = false;
  for (let j = open + 1; j < close && !any; j++) {
    if (t.kind[j] === Tok.Ident && !removed[j] && TYPE_WORDS.has(text.slice(t.start[j], t.end[j]))) any = true;
  }
  if (!any) return;
  for (const [a, b] of argRanges(t, removed, match, open, close)) {
    const toks: number[] = [];
    for (let j = a; j < b; j++) if (!removed[j] && t.kind[j] !== Tok.Directive) toks.push(j);
    if (toks.length < 2 || !isTypeArg(text, t, toks)) continue;
    const s = t.start[toks[0]], e = t.end[toks[toks.length - 1]];
    const region = text.slice(s, e);
    if (/^[A-Za-z0-9_ \t*]*$/.test(region)) {
      edits.push({ s, e, r: region.replace(/[ \t*]/g, '_') });
      for (const j of toks) removed[j] = 2;
    } else {
      // Line breaks or comments inside: keep the first word, blank the others.
      for (const j of toks.slice(1)) removed[j] = 1;
      const first = text.slice(t.start[toks[0]], t.end[toks[0]]);
      edits.push({ s: t.start[toks[0]], e: t.end[toks[0]], r: '_' + first.slice(1) });
      removed[toks[0]] = 2;
    }
  }
}

function isTypeArg(text: string, t: Tokens, toks: number[]): boolean {
  let sawType = false, afterTag = false, qualifier = false, stars = false;
  for (const j of toks) {
    if (t.kind[j] === Tok.Punct) {
      if (t.sub[j] !== 42 || afterTag) return false;
      stars = true;
      continue;
    }
    if (t.kind[j] !== Tok.Ident) return false;
    const w = text.slice(t.start[j], t.end[j]);
    if (stars && w !== 'const' && w !== 'volatile') return false;
    if (afterTag) { afterTag = false; sawType = true; continue; }
    if (TAG_WORDS.has(w)) { afterTag = true; continue; }
    if (w === 'const' || w === 'volatile') { qualifier = true; continue; }
    if (TYPE_WORDS.has(w)) { sawType = true; continue; }
    if (qualifier && !sawType) { sawType = true; continue; } // `const u64`: a typedef after a qualifier
    return false;
  }
  return sawType && !afterTag;
}

/** Applies the edits and blanks the removed tokens; the result has the input's length and line breaks. */
function assemble(text: string, t: Tokens, removed: Uint8Array, edits: Edit[]): string {
  for (let i = 0; i < t.count; i++) {
    if (removed[i] === 1) edits.push({ s: t.start[i], e: t.end[i], r: blankOut(text.slice(t.start[i], t.end[i])) });
  }
  if (!edits.length) return text;
  edits.sort((x, y) => x.s - y.s || x.e - y.e);
  const parts: string[] = [];
  let pos = 0;
  for (const ed of edits) {
    if (ed.s < pos || ed.r.length !== ed.e - ed.s) continue; // defensive: never overlap, never resize
    parts.push(text.slice(pos, ed.s), ed.r);
    pos = ed.e;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}
