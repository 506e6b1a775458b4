// The neutralizer's rewrites of macro calls into plain C of the same length (see neutralize.ts).
import { DECL_MACROS, TAG_WORDS, TYPE_WORDS } from './kernel-macros';
import { Dir, scan, Tok } from './scanner';
import { argRanges, hasNewline, nextSig, pad, type Work } from './token-utils';

/** Kernel convention: macros are upper case (`PAGEFLAG`, `__CLEARPAGEFLAG`, `DEFINE_PER_CPU`). */
export const isMacroName = (id: string): boolean => /^_*[A-Z][A-Z0-9_]*$/.test(id);

export function isSyscallDefine(id: string): boolean {
  return /^(COMPAT_)?SYSCALL_DEFINE[0-6]$/.test(id);
}

/** A macro whose first argument names the function it defines: `SYSCALL_DEFINE3(madvise, ...)`,
 *  and 2.6-era `SYSCALL_DEFINE(readahead)(int fd, ...)`. */
export function definesSyscall(id: string): boolean {
  return /^(COMPAT_)?SYSCALL_DEFINE[0-6]?$/.test(id);
}

export function isIterator(id: string, extra: Set<string>): boolean {
  return id.includes('for_each') || id.endsWith('_foreach') || extra.has(id);
}

/**
 * Iterator macros this file defines itself: function-like macros whose body is a `for (` head or
 * another iterator (`#define for_next_zone_zonelist_nodemask(...) for (...)`).
 */
export function learnIteratorDefines(w: Work, known: Set<string>): void {
  const { t, text } = w;
  for (let i = 0; i < t.count; i++) {
    if (t.kind[i] !== Tok.Directive || t.sub[i] !== Dir.Other) continue;
    const m = /^#[ \t]*define[ \t]+([A-Za-z_]\w*)\([^)]*\)[ \t]*(?:\\\r?\n[ \t]*)*([A-Za-z_]\w*)[ \t]*\(/.exec(text.slice(t.start[i], Math.min(t.end[i], t.start[i] + 400)));
    if (m && (m[2] === 'for' || isIterator(m[2], known))) known.add(m[1]);
  }
}

/** The iterator macros a text defines (learnIteratorDefines), for parsing one of its functions alone. */
export function iteratorMacrosDefinedIn(text: string, known: string[]): string[] {
  if (!text.includes('#')) return [];
  const t = scan(text);
  const set = new Set(known);
  learnIteratorDefines({ text, t, removed: new Uint8Array(t.count), edits: [] }, set);
  return [...set].filter((x) => !known.includes(x));
}

/** `name(args)` -> `while(args)` padded; empty args become `while(1)`. */
export function rewriteToWhile(w: Work, i: number, open: number, close: number): boolean {
  const { t, text, removed } = w;
  const len = t.end[i] - t.start[i];
  if (len < 5) return false;
  if (nextSig(t, removed, open) === close) {
    const s = t.start[i], e = t.end[close];
    if (e - s < 8 || hasNewline(text, s, e)) return false;
    w.edits.push({ s, e, r: pad('while(1)', e - s) });
    for (let j = i; j <= close; j++) removed[j] = 2;
    return true;
  }
  w.edits.push({ s: t.start[i], e: t.end[i], r: pad('while', len) });
  removed[i] = 2;
  return true;
}

/** `SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3)` -> `long name(t1 a1, t2 a2, t3 a3)`. */
export function rewriteSyscall(w: Work, match: Int32Array, i: number, open: number, close: number): void {
  const { t, text, removed } = w;
  const args = argRanges(t, removed, match, open, close);
  const nameTok = nextSig(t, removed, open);
  if (nameTok < 0 || t.kind[nameTok] !== Tok.Ident) return;
  if (args.length === 1) {
    // No parameters: the name moves left to make room for `(void)`.
    const s = t.start[i], e = t.end[close];
    const fname = text.slice(t.start[nameTok], t.end[nameTok]);
    const r = `long ${fname}(void`;
    if (hasNewline(text, s, e) || r.length + 1 > e - s) return;
    w.edits.push({ s, e, r: pad(r, e - s - 1) + ')' });
    for (let j = i; j <= close; j++) removed[j] = 2;
    return;
  }
  w.edits.push({ s: t.start[i], e: t.end[i], r: pad('long', t.end[i] - t.start[i]) });
  w.edits.push({ s: t.start[open], e: t.end[open], r: ' ' });
  removed[i] = 2; removed[open] = 2;
  // args[0] ends at the comma after the name; then type, name, type, name...
  for (let k = 0; k < args.length - 1; k++) {
    const comma = args[k][1];
    w.edits.push({ s: t.start[comma], e: t.end[comma], r: k === 0 ? '(' : k % 2 === 1 ? ' ' : ',' });
    removed[comma] = 2;
  }
}

/**
 * A declaration macro with an initializer (`DECLARE_BITMAP(map, N) = { 0 };`,
 * `static DEFINE_PER_CPU(unsigned long, x) = 0;`) becomes a declaration: `DECLARE_BITMAP map = { 0 };`.
 * The argument kept is the declared name (the second for DEFINE_PER_CPU(type, name), else the first).
 */
export function rewriteDeclMacro(w: Work, match: Int32Array, id: string, open: number, close: number): void {
  const { t, removed } = w;
  const args = argRanges(t, removed, match, open, close);
  const keep = DECL_MACROS[id] === '' && args.length > 1 ? args[1] : args[0];
  w.edits.push({ s: t.start[open], e: t.end[open], r: ' ' });
  removed[open] = 2;
  for (let j = open + 1; j <= close; j++) if (j < keep[0] || j >= keep[1]) removed[j] = removed[j] || 1;
}

/** Each argument written as a type (`struct foo`, `unsigned long`, `const struct x *`) becomes one identifier. */
export function mangleTypeArgs(w: Work, match: Int32Array, open: number, close: number): void {
  const { t, text, removed } = w;
  // One pass over the top-level tokens (nested brackets are jumped over, so nesting stays linear).
  let toks: number[] = [], plain = true, typeWord = false;
  for (let j = open + 1; j <= close; j++) {
    if (removed[j] || t.kind[j] === Tok.Directive) continue;
    if (t.kind[j] === Tok.Punct) {
      const c = t.sub[j];
      if (c === 44 || j === close) {
        if (plain && typeWord && toks.length >= 2 && isTypeArg(w, toks)) mangle(w, toks);
        toks = []; plain = true; typeWord = false;
        continue;
      }
      if ((c === 40 || c === 91 || c === 123) && match[j] > j) { plain = false; j = match[j]; continue; }
    } else if (t.kind[j] === Tok.Ident && !typeWord && TYPE_WORDS.has(text.slice(t.start[j], t.end[j]))) {
      typeWord = true;
    }
    if (plain) toks.push(j);
  }
}

function mangle(w: Work, toks: number[]): void {
  const { t, text, removed } = w;
  const s = t.start[toks[0]], e = t.end[toks[toks.length - 1]];
  const region = text.slice(s, e);
  if (/^[A-Za-z0-9_ \t*]*$/.test(region)) {
    w.edits.push({ s, e, r: region.replace(/[ \t*]/g, '_') });
    for (const j of toks) removed[j] = 2;
  } else {
    // Line breaks or comments inside: keep the first word (made a non-keyword), blank the others.
    for (const j of toks.slice(1)) removed[j] = 1;
    const first = text.slice(t.start[toks[0]], t.end[toks[0]]);
    w.edits.push({ s: t.start[toks[0]], e: t.end[toks[0]], r: '_' + first.slice(1) });
    removed[toks[0]] = 2;
  }
}

function isTypeArg(w: Work, toks: number[]): boolean {
  const { t, text } = w;
  let sawType = false, afterTag = false, qualifier = false, stars = false;
  for (const j of toks) {
    if (t.kind[j] === Tok.Punct) {
      if (t.sub[j] !== 42 || afterTag) return false;
      stars = true;
      continue;
    }
    if (t.kind[j] !== Tok.Ident) return false;
    const word = text.slice(t.start[j], t.end[j]);
    if (stars && word !== 'const' && word !== 'volatile') return false;
    if (afterTag) { afterTag = false; sawType = true; continue; }
    if (TAG_WORDS.has(word)) { afterTag = true; continue; }
    if (word === 'const' || word === 'volatile') { qualifier = true; continue; }
    if (TYPE_WORDS.has(word)) { sawType = true; continue; }
    if (qualifier && !sawType) { sawType = true; continue; } // `const u64`: a typedef after a qualifier
    return false;
  }
  return sawType && !afterTag;
}
