// What a C text declares at file scope, from the token scanner alone (no parse): the functions it
// defines, the names it declares and the struct/union tags it defines. Headers are asked "do you
// define f()?" thousands of times per run; answering from this index means a header is parsed
// only when it can hold the answer.
import { isMacroName, definesSyscall } from './macro-rules';
import { scan, Tok } from './scanner';

export interface TopLevelIndex {
  /** Names of functions with a body at file scope (static inline wrappers in headers). */
  functions: Set<string>;
  /** Every identifier outside braces and outside parentheses other than a macro's (variables,
   *  prototypes, macro-declared globals): a superset of the file-scope names. */
  names: Set<string>;
  /** struct/union tags defined here with a member list. */
  structs: Set<string>;
  /** Functions of `functions` defined `static` (not callable from another file). */
  statics: Set<string>;
  /** Where each function's definition stands (first definition): from its first token to its `}`. */
  spans: Map<string, { start: number; end: number }>;
}

const TAGS = new Set(['struct', 'union', 'enum']);
const ATTRIBUTE = /^__attribute(__)?$/;
const LPAREN = 40, RPAREN = 41, LBRACE = 123, RBRACE = 125, SEMI = 59, COMMA = 44, EQ = 61;

export function topLevelIndex(text: string): TopLevelIndex {
  const t = scan(text);
  const functions = new Set<string>();
  const names = new Set<string>();
  const structs = new Set<string>();
  const statics = new Set<string>();
  let sawStatic = false;
  const spans = new Map<string, { start: number; end: number }>();
  let declStart = -1;       // first token of the current file-scope declaration
  let bodyOf: string | null = null;
  const word = (k: number) => text.slice(t.start[k], t.end[k]);
  let brace = 0;
  let paren = 0;
  // The identifier before the current declaration's first parameter list, and whether that list
  // has closed (then only attributes may come before a body).
  let cand: string | null = null;
  let afterParams = false;
  let inMacro = false;
  for (let k = 0; k < t.count; k++) {
    const kind = t.kind[k];
    if (kind === Tok.Directive) continue;
    if (brace > 0) {
      if (kind === Tok.Punct) {
        if (t.sub[k] === LBRACE) brace++;
        else if (t.sub[k] === RBRACE && --brace === 0) {
          if (bodyOf !== null && declStart >= 0 && !spans.has(bodyOf)) spans.set(bodyOf, { start: declStart, end: t.end[k] });
          bodyOf = null; declStart = -1;
        }
      }
      continue;
    }
    if (declStart < 0) declStart = t.start[k];
    if (kind === Tok.Ident) {
      // Inside parentheses only those of a macro (`static DEFINE_SPINLOCK(swap_lock);` declares
      // swap_lock), not a prototype's parameter names.
      // A tag (`struct folio *f(...)`, `struct page;`) names a type, not a variable.
      const tagged = k > 0 && t.kind[k - 1] === Tok.Ident && TAGS.has(word(k - 1));
      if (paren === 0 && !afterParams && word(k) === 'static') sawStatic = true;
      if ((paren === 0 || inMacro) && !tagged) names.add(word(k));
      continue;
    }
    if (kind !== Tok.Punct) continue;
    const c = t.sub[k];
    if (c === LPAREN) {
      if (paren === 0) inMacro = k > 0 && t.kind[k - 1] === Tok.Ident && isMacroName(word(k - 1));
      // `bool __init __attribute((weak)) arch_hugetlb_valid_size(...)`: an attribute, not the name.
      if (paren === 0 && k > 0 && t.kind[k - 1] === Tok.Ident && !ATTRIBUTE.test(word(k - 1))) {
        // After a parameter list, `ident(` right after `)` is an attribute (__acquires(x)); after
        // another word or a `*` it starts a new declaration (a macro invocation had no `;`).
        const before = k > 1 ? t.kind[k - 2] : 0;
        const newDecl = before === Tok.Ident || (before === Tok.Punct && t.sub[k - 2] === 42);
        if (!afterParams || newDecl) {
          cand = word(k - 1);
          afterParams = false;
          // `SYSCALL_DEFINE3(madvise, ...)` defines madvise() (as the parser sees it: neutralize.ts).
          if (definesSyscall(cand) && t.kind[k + 1] === Tok.Ident) cand = word(k + 1);
        }
      }
      paren++;
    } else if (c === RPAREN) {
      if (paren > 0) paren--;
      if (paren === 0 && cand !== null) afterParams = true;
    } else if (c === LBRACE) {
      if (paren > 0) { paren = 0; }
      if (afterParams && cand) { functions.add(cand); if (sawStatic) statics.add(cand); bodyOf = cand; }
      else if (k >= 2 && t.kind[k - 1] === Tok.Ident && t.kind[k - 2] === Tok.Ident) {
        const tag = word(k - 2);
        if (tag === 'struct' || tag === 'union') structs.add(word(k - 1));
      }
      cand = null; afterParams = false; sawStatic = false;
      brace = 1;
    } else if (paren === 0 && (c === SEMI || c === COMMA || c === EQ || c === RBRACE)) {
      cand = null; afterParams = false;
      if (c !== COMMA) { sawStatic = false; declStart = -1; }
    }
  }
  if (brace !== 0) {
    // Braces did not balance (both arms of an #if opened one): every identifier may be anything.
    const all = new Set<string>();
    for (let k = 0; k < t.count; k++) if (t.kind[k] === Tok.Ident) all.add(word(k));
    return { functions: all, names: all, structs, statics: new Set(), spans: new Map() };
  }
  return { functions, names, structs, statics, spans };
}


/** The text with each function definition of `spans` replaced by `by(definition)` (the spans in
 *  text order; a span inside an earlier one is left to it). */
export function replaceDefinitions(text: string, spans: TopLevelIndex['spans'], by: (definition: string) => string): string {
  const sorted = [...spans.values()].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of sorted) {
    if (s.start < at) continue;
    out += text.slice(at, s.start) + by(text.slice(s.start, s.end));
    at = s.end;
  }
  return out + text.slice(at);
}
/**
 * The longest prefix of a C text, at most `max` characters, that ends after a complete file-scope
 * declaration or definition (a line whose `}` or `;` returns to brace depth 0). Beyond it mmlock
 * does not analyse: one text that large is generated code or an attack, and parsing it whole
 * would exhaust memory. Returns the text itself when it fits, with `cutLine` undefined.
 */
export function capText(text: string, max: number): { text: string; cutLine?: number } {
  if (text.length <= max) return { text };
  const head = text.slice(0, max);
  const t = scan(head);
  let depth = 0;
  let lastEnd = 0;
  for (let k = 0; k < t.count; k++) {
    if (t.kind[k] !== Tok.Punct) continue;
    const c = t.sub[k];
    if (c === LBRACE) depth++;
    else if (c === RBRACE) { if (depth > 0) depth--; if (depth === 0) lastEnd = t.end[k]; }
    else if (c === SEMI && depth === 0) lastEnd = t.end[k];
  }
  // End the kept part at its line's end (a `}` of a definition ends its line in kernel style).
  let cut = lastEnd > 0 ? head.indexOf('\n', lastEnd) : head.lastIndexOf('\n');
  if (cut < 0) cut = lastEnd > 0 ? lastEnd : head.length;
  else cut += 1;
  let cutLine = 1;
  for (let i = head.indexOf('\n'); i >= 0 && i < cut; i = head.indexOf('\n', i + 1)) cutLine++;
  return { text: text.slice(0, cut), cutLine };
}
