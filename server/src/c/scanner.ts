// A single-pass C token scanner for the neutralizer. It is deliberately not a full lexer: it only
// needs to know identifiers, punctuation, literals and whole preprocessor lines, skipping comments,
// in linear time and without regular expressions (inputs can be tens of megabytes).
// Tokens are stored in typed arrays to keep large inputs cheap.

export enum Tok { Ident = 1, Number = 2, String = 3, Punct = 4, Directive = 5 }

/** What a preprocessor line is; only conditionals matter to the neutralizer. */
export enum Dir { Other = 0, If = 1, Ifdef = 2, Ifndef = 3, Elif = 4, Else = 5, Endif = 6 }

/** `sub` values of the two multi-character punctuators the scanner keeps whole. */
export const P_ELLIPSIS = 0x2026;
export const P_ARROW = 0x2192;

export interface Tokens {
  count: number;
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  /** For Punct: the char code of the (first) character; for Directive: a Dir value. */
  sub: Int32Array;
}

const isIdStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
const isIdPart = (c: number) => isIdStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number) => c >= 48 && c <= 57;

export function scan(text: string): Tokens {
  let cap = (text.length >> 2) + 64;
  let kind = new Uint8Array(cap), start = new Int32Array(cap), end = new Int32Array(cap), sub = new Int32Array(cap);
  let n = 0;
  const push = (k: number, s: number, e: number, x: number) => {
    if (n === cap) {
      cap *= 2;
      const k2 = new Uint8Array(cap); k2.set(kind); kind = k2;
      const s2 = new Int32Array(cap); s2.set(start); start = s2;
      const e2 = new Int32Array(cap); e2.set(end); end = e2;
      const x2 = new Int32Array(cap); x2.set(sub); sub = x2;
    }
    kind[n] = k; start[n] = s; end[n] = e; sub[n] = x; n++;
  };

  const len = text.length;
  let i = 0;
  let lineStart = true; // only whitespace (or comments) seen since the last newline
  while (i < len) {
    const c = text.charCodeAt(i);
    if (c === 10) { lineStart = true; i++; continue; }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) { i++; continue; }
    if (c === 92 && text.charCodeAt(i + 1) === 10) { i += 2; continue; }           // stray line splice
    if (c === 47 && text.charCodeAt(i + 1) === 47) { i = skipLineComment(text, i); continue; }
    if (c === 47 && text.charCodeAt(i + 1) === 42) { i = skipBlockComment(text, i); continue; }
    if (c === 35 && lineStart) {                                                     // '#' directive line
      const e = directiveEnd(text, i);
      push(Tok.Directive, i, e, directiveKind(text, i + 1, e));
      i = e;
      continue;
    }
    lineStart = false;
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < len && isIdPart(text.charCodeAt(j))) j++;
      // String and char literal prefixes (L"", u8"", U'') belong to the literal.
      const q = text.charCodeAt(j);
      if ((q === 34 || q === 39) && j - i <= 2 && isLiteralPrefix(text, i, j)) {
        const e = skipQuoted(text, j, q);
        push(Tok.String, i, e, q);
        i = e;
        continue;
      }
      push(Tok.Ident, i, j, 0);
      i = j;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < len) {
        const d = text.charCodeAt(j);
        if (isIdPart(d) || d === 46) { j++; continue; }
        // exponent signs: 1e+5, 0x1p-3
        const prev = text.charCodeAt(j - 1) | 32;
        if ((d === 43 || d === 45) && (prev === 101 || prev === 112)) { j++; continue; }
        break;
      }
      push(Tok.Number, i, j, 0);
      i = j;
      continue;
    }
    if (c === 34 || c === 39) {
      const e = skipQuoted(text, i, c);
      push(Tok.String, i, e, c);
      i = e;
      continue;
    }
    // Punctuation: '...' and '->' are kept whole (the neutralizer looks for them), the rest is single.
    if (c === 46 && text.charCodeAt(i + 1) === 46 && text.charCodeAt(i + 2) === 46) { push(Tok.Punct, i, i + 3, P_ELLIPSIS); i += 3; continue; }
    if (c === 45 && text.charCodeAt(i + 1) === 62) { push(Tok.Punct, i, i + 2, P_ARROW); i += 2; continue; }
    push(Tok.Punct, i, i + 1, c);
    i++;
  }
  return { count: n, kind, start, end, sub };
}

function isLiteralPrefix(text: string, s: number, e: number): boolean {
  const p = text.slice(s, e);
  return p === 'L' || p === 'u' || p === 'U' || p === 'u8';
}

function skipLineComment(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

function skipBlockComment(text: string, i: number): number {
  const e = text.indexOf('*/', i + 2);
  return e < 0 ? text.length : e + 2;
}

/** A string or char literal; an unterminated one stops at the end of the line. */
function skipQuoted(text: string, i: number, q: number): number {
  const len = text.length;
  let j = i + 1;
  while (j < len) {
    const c = text.charCodeAt(j);
    if (c === q) return j + 1;
    if (c === 92) { j += 2; continue; }
    if (c === 10) return j;
    j++;
  }
  return len;
}

/** End of a directive: the end of its last line, following backslash splices and block comments. */
function directiveEnd(text: string, i: number): number {
  const len = text.length;
  let j = i + 1;
  while (j < len) {
    const c = text.charCodeAt(j);
    if (c === 10) {
      let k = j - 1;
      if (text.charCodeAt(k) === 13) k--;
      if (text.charCodeAt(k) === 92) { j++; continue; }
      return j;
    }
    if (c === 47 && text.charCodeAt(j + 1) === 42) { j = skipBlockComment(text, j); continue; }
    if (c === 47 && text.charCodeAt(j + 1) === 47) { const nl = text.indexOf('\n', j); return nl < 0 ? len : nl; }
    if (c === 34 || c === 39) { j = skipQuoted(text, j, c); continue; }
    j++;
  }
  return len;
}

function directiveKind(text: string, i: number, e: number): number {
  while (i < e && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  let j = i;
  while (j < e && isIdPart(text.charCodeAt(j))) j++;
  switch (text.slice(i, j)) {
    case 'if': return Dir.If;
    case 'ifdef': return Dir.Ifdef;
    case 'ifndef': return Dir.Ifndef;
    case 'elif': case 'elifdef': case 'elifndef': return Dir.Elif;
    case 'else': return Dir.Else;
    case 'endif': return Dir.Endif;
    default: return Dir.Other;
  }
}

/** The condition text of an #if/#elif directive (after the keyword), comments not removed. */
export function directiveCondition(text: string, s: number, e: number): string {
  let i = s + 1;
  while (i < e && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  while (i < e && isIdPart(text.charCodeAt(i))) i++;
  return text.slice(i, e).trim();
}
