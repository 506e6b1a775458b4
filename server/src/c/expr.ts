// Lock expressions as identities: `&(mm)->page_table_lock` and `&mm->page_table_lock` name the same lock.
import { sourceOf } from './source-text';
import type { CNode } from './types';

/** The node's text in the original source. */
export function exprText(node: CNode): string {
  return sourceOf(node);
}

/**
 * Normal form of a lock expression: no whitespace or comments, no leading `&`, no outer
 * parentheses, no casts, no parentheses around an operand of `->`, `.` or `[]`.
 * `&(mm)->page_table_lock` -> `mm->page_table_lock`; `(spinlock_t *)&x->lock` -> `x->lock`.
 */
export function normalizeExpr(text: string): string {
  let s = text.length > 4096 ? text.slice(0, 4096) : text;
  s = s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, (m, off: number, all: string) =>
    isIdChar(all[off - 1]) && isIdChar(all[off + m.length]) ? ' ' : '');
  for (let guard = 0; guard < 32; guard++) {
    const before = s;
    s = stripOuterParens(s);
    if (s.startsWith('&*') || s.startsWith('*&')) s = s.slice(2);
    else if (s.startsWith('&') && !s.startsWith('&&')) s = s.slice(1);
    s = stripCast(s);
    if (s === before) break;
  }
  return unwrapOperands(s);
}

const isIdChar = (c: string | undefined) => !!c && /[A-Za-z0-9_]/.test(c);

/** Index of the parenthesis matching the '(' at i, or -1. */
function closing(s: string, i: number): number {
  let d = 0;
  for (let j = i; j < s.length; j++) {
    if (s[j] === '(') d++;
    else if (s[j] === ')' && --d === 0) return j;
  }
  return -1;
}

function stripOuterParens(s: string): string {
  while (s.startsWith('(') && closing(s, 0) === s.length - 1) s = s.slice(1, -1);
  return s;
}

/** `(type *)x` -> `x` when the parenthesised part looks like a type. */
function stripCast(s: string): string {
  if (!s.startsWith('(')) return s;
  const e = closing(s, 0);
  if (e <= 0 || e === s.length - 1) return s;
  const inner = s.slice(1, e);
  const looksLikeType = /^(const |volatile )?(struct |union |enum )?[A-Za-z_]\w*( [A-Za-z_]\w*)*\**$/.test(inner) &&
    (inner.includes('*') || /^(struct|union|enum|const|volatile|unsigned|signed|long|int|char|void)\b/.test(inner) || /_t\**$/.test(inner));
  return looksLikeType ? s.slice(e + 1) : s;
}

/** Removes parentheses around a postfix operand: `(mm)->x` -> `mm->x`, `(a->b).c` -> `a->b.c`. */
function unwrapOperands(s: string): string {
  let out = s;
  for (let guard = 0; guard < 32; guard++) {
    let changed = false;
    for (let i = 0; i < out.length; i++) {
      if (out[i] !== '(') continue;
      if (i > 0 && /[A-Za-z0-9_\])]/.test(out[i - 1])) continue; // a call's argument list
      const e = closing(out, i);
      if (e < 0) break;
      const inner = out.slice(i + 1, e);
      const next = out.slice(e + 1, e + 3);
      const simple = /^[A-Za-z_][\w]*((->|\.)[A-Za-z_]\w*|\[[^\]]*\])*$/.test(inner);
      if (simple && (next.startsWith('->') || next.startsWith('.') || next.startsWith('[') || e === out.length - 1 || /^[,)]/.test(next))) {
        out = out.slice(0, i) + inner + out.slice(e + 1);
        changed = true;
        break;
      }
    }
    if (!changed) break;
  }
  return out;
}
