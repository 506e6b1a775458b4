// Pass 1 of the neutralizer: lock annotations are recorded then blanked; attribute macros
// (`__init`, `__printf(1, 2)`, `__user`) are blanked, as are a file's own macros defined as
// nothing but attributes (`#define __fastpath_inline __always_inline`).
import { ANNOTATIONS, ATTR_BARE, ATTR_CALL, ATTR_CALL_AFTER_DECLARATOR } from './kernel-macros';
import type { Annotation } from './neutralize';
import { Dir, scan, Tok } from './scanner';
import { isPunct, nextSig, prevSig, removeRange, tokText, type Work } from './token-utils';

export function blankAttributes(w: Work, match: Int32Array, annotations: Annotation[]): void {
  const { t, removed, text } = w;
  const learned = learnAttributeDefines(w);
  const first = new Set<number>();
  for (const n of [...Object.keys(ANNOTATIONS), ...ATTR_BARE, ...ATTR_CALL, ...ATTR_CALL_AFTER_DECLARATOR, ...learned]) first.add(n.charCodeAt(0));
  for (let i = 0; i < t.count; i++) {
    if (t.kind[i] !== Tok.Ident || !first.has(text.charCodeAt(t.start[i]))) continue;
    const id = tokText(w, i);
    const open = i + 1 < t.count && isPunct(t, i + 1, 40) ? i + 1 : -1;
    const close = open >= 0 ? match[open] : -1;
    const ann = ANNOTATIONS[id];
    if (ann && close > 0) {
      annotations.push({ kind: ann, expr: text.slice(t.end[open], t.start[close]).trim(), offset: t.start[i] });
      removeRange(w, i, close);
      i = close;
    } else if (ATTR_CALL.has(id) && close > 0) {
      removeRange(w, i, close);
      i = close;
    } else if (ATTR_CALL_AFTER_DECLARATOR.has(id) && close > 0 && afterDeclarator(w, i, close)) {
      removeRange(w, i, close);
      i = close;
    } else if ((ATTR_BARE.has(id) || learned.has(id)) && open < 0) {
      removed[i] = 1;
    }
  }
}

/** `type *name __free(kfree) = ...`: an identifier before, `=`, `;` or `,` after. */
function afterDeclarator(w: Work, i: number, close: number): boolean {
  const { t, removed } = w;
  const p = prevSig(t, removed, i), n = nextSig(t, removed, close);
  return p >= 0 && t.kind[p] === Tok.Ident && tokText(w, p) !== 'return' && n >= 0 &&
    (isPunct(t, n, 61) || isPunct(t, n, 59) || isPunct(t, n, 44));
}

/**
 * Object-like macros of this file whose every definition is empty or made only of attribute
 * macros: expanding them yields nothing the parser needs.
 */
function learnAttributeDefines(w: Work): Set<string> {
  const { t, text } = w;
  const verdict = new Map<string, boolean>();
  for (let i = 0; i < t.count; i++) {
    if (t.kind[i] !== Tok.Directive || t.sub[i] !== Dir.Other) continue;
    const line = text.slice(t.start[i], t.end[i]);
    const m = /^#[ \t]*define[ \t]+([A-Za-z_]\w*)/.exec(line);
    if (!m) continue;
    const name = m[1];
    const rest = line.slice(m[0].length);
    if (rest.startsWith('(')) continue; // function-like
    const ok = isAttributeBody(rest.replace(/\\\r?\n/g, ' '), verdict);
    verdict.set(name, (verdict.get(name) ?? true) && ok);
  }
  const out = new Set<string>();
  for (const [name, ok] of verdict) if (ok) out.add(name);
  return out;
}

/** Allowed in an attribute macro's body (`#define check_canary_attributes inline`); blanking them only loses a hint. */
const FUNCTION_SPECIFIERS = new Set(['inline', '__inline', '__inline__']);

function isAttributeBody(body: string, known: Map<string, boolean>): boolean {
  const bt = scan(body);
  for (let j = 0; j < bt.count; j++) {
    if (bt.kind[j] !== Tok.Ident) return false;
    const id = body.slice(bt.start[j], bt.end[j]);
    if (ATTR_BARE.has(id) || FUNCTION_SPECIFIERS.has(id) || known.get(id) === true) continue;
    if (ATTR_CALL.has(id) && j + 1 < bt.count && bt.kind[j + 1] === Tok.Punct && bt.sub[j + 1] === 40) {
      // skip the balanced argument list
      let d = 0, k = j + 1;
      for (; k < bt.count; k++) {
        if (bt.kind[k] !== Tok.Punct) continue;
        if (bt.sub[k] === 40) d++;
        else if (bt.sub[k] === 41 && --d === 0) break;
      }
      j = k;
      continue;
    }
    return false;
  }
  return true;
}
