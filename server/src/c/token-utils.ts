// Helpers over the scanner's token arrays shared by the neutralizer's passes. `removed[i]` is
// non-zero for a token already taken out of the C the parser will see (1: to be blanked,
// 2: covered by an explicit edit).
import { Tok, type Tokens } from './scanner';

/** A same-length replacement of text[s, e). */
export interface Edit { s: number; e: number; r: string }

/** What the passes share: the text, its tokens, the removal marks and the edits so far. */
export interface Work {
  text: string;
  t: Tokens;
  removed: Uint8Array;
  edits: Edit[];
}

export const isPunct = (t: Tokens, i: number, c: number): boolean => t.kind[i] === Tok.Punct && t.sub[i] === c;

export const tokText = (w: Work, i: number): string => w.text.slice(w.t.start[i], w.t.end[i]);

/** The next token that is neither removed nor a directive, or -1. */
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

/** Top-level argument ranges [from, to) (token indices) of the list between `open` and `close`. */
export function argRanges(t: Tokens, removed: Uint8Array, match: Int32Array, open: number, close: number): [number, number][] {
  const out: [number, number][] = [];
  let from = open + 1;
  for (let j = open + 1; j < close; j++) {
    if (removed[j] || t.kind[j] !== Tok.Punct) continue;
    const c = t.sub[j];
    if ((c === 40 || c === 91 || c === 123) && match[j] > j) { j = match[j]; continue; }
    if (c === 44) { out.push([from, j]); from = j + 1; }
  }
  out.push([from, close]);
  return out;
}

/** Marks tokens [from, to] removed (blanked). */
export function removeRange(w: Work, from: number, to: number): void {
  for (let k = from; k <= to; k++) if (!w.removed[k]) w.removed[k] = 1;
}

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

export const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - s.length));

/** Does the text between two offsets hold a line break? */
export function hasNewline(text: string, s: number, e: number): boolean {
  // A lone CR is a line break too (for editors and for line splitting): never rewrite one away.
  for (let k = s; k < e; k++) { const c = text.charCodeAt(k); if (c === 10 || c === 13) return true; }
  return false;
}

/** Applies the edits and blanks the removed tokens; the result has the input's length and line breaks. */
export function assemble(w: Work): string {
  const { text, t, removed } = w;
  const edits = w.edits.slice();
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

/** Brace depth at file level, and whether the scan is inside a function body (a `{` right after
 *  a `)` at depth 0). Both scanners follow it the same way. */
export interface BodyDepth { depth: number; inFn: boolean }

/** Follow a `{` or `}` punctuator at token i (other punctuators are left alone). */
export function followBrace(t: Tokens, removed: Uint8Array, i: number, st: BodyDepth): void {
  const c = t.sub[i];
  if (c === 123) {
    if (st.depth === 0) { const p = prevSig(t, removed, i); st.inFn = p >= 0 && isPunct(t, p, 41); }
    st.depth++;
  } else if (c === 125) {
    if (st.depth > 0) st.depth--;
    if (st.depth === 0) st.inFn = false;
  }
}
