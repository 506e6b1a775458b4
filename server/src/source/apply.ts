// Applies a file's hunks to its pre-image text the way patch(1) does without fuzz: every
// context and '-' line must match (trailing whitespace and CR aside), at the line the header
// states plus the offset the previous hunk needed, else at the nearest line searching outward
// (after first, then before), never before the end of the previous hunk. Mail-damaged patches
// (whitespace runs collapsed, leading tabs lost) get a second try that ignores whitespace
// altogether; a hunk placed that way is flagged so the caller can say so.
import type { Hunk } from '../patch/types';
import type { HunkPlacement } from './types';

export interface ApplyResult {
  ok: boolean;                        // every hunk applied
  post: string;                       // post-image text (meaningful when ok)
  placements: HunkPlacement[];
  failed: number[];                   // indexes of the hunks that did not apply
  changedPost: Set<number>;
  changedPre: Set<number>;
  postInputLine: Map<number, number>;
  preInputLine: Map<number, number>;
}

export interface TextLines { lines: string[]; finalNewline: boolean }

/** Splits file text on '\n' (a CR stays on its line: files are compared modulo trailing space). */
export function toLines(text: string): TextLines {
  if (text === '') return { lines: [], finalNewline: true };
  const lines = text.split('\n');
  const finalNewline = lines[lines.length - 1] === '';
  if (finalNewline) lines.pop();
  return { lines, finalNewline };
}

export function fromLines(lines: string[], finalNewline: boolean): string {
  if (!lines.length) return '';
  return lines.join('\n') + (finalNewline ? '\n' : '');
}

const exactKey = (s: string) => s.replace(/\s+$/, '');
const looseKey = (s: string) => s.replace(/\s+/g, ' ').trim();

export function applyHunks(pre: string, hunks: Hunk[]): ApplyResult {
  const { lines, finalNewline } = toLines(pre);
  const n = lines.length;
  const exact = lines.map(exactKey);
  let loose: string[] | undefined;
  const out: string[] = [];
  const r: ApplyResult = {
    ok: true, post: '', placements: [], failed: [],
    changedPost: new Set(), changedPre: new Set(), postInputLine: new Map(), preInputLine: new Map(),
  };
  let cursor = 0;       // pre lines [0, cursor) are settled
  let offset = 0;
  let endsAtEof = false;
  let lastHunk: Hunk | undefined;
  hunks.forEach((h, k) => {
    const old = h.lines.filter((l) => l.kind !== '+').map((l) => l.text);
    const stated = h.oldCount === 0 ? h.oldStart : h.oldStart - 1;
    let pos = -1;
    let ignoredWhitespace = false;
    if (old.length === 0) {
      pos = Math.min(Math.max(stated + offset, cursor), n);
    } else {
      pos = locate(exact, old.map(exactKey), stated + offset, cursor);
      if (pos < 0) {
        loose ??= lines.map(looseKey);
        pos = locate(loose, old.map(looseKey), stated + offset, cursor);
        ignoredWhitespace = pos >= 0;
      }
    }
    if (pos < 0) {
      r.ok = false;
      r.failed.push(k);
      r.placements.push({ applied: false, preStart: h.oldStart, postStart: h.newStart, offset: 0, ignoredWhitespace: false });
      return;
    }
    for (let i = cursor; i < pos; i++) out.push(lines[i]);
    const postStart = out.length + 1;
    let p = pos;
    for (const l of h.lines) {
      if (l.kind === '+') {
        out.push(l.text);
        r.changedPost.add(out.length);
        r.postInputLine.set(out.length, l.inputLine);
      } else if (l.kind === '-') {
        p++;
        r.changedPre.add(p);
        r.preInputLine.set(p, l.inputLine);
      } else {
        out.push(lines[p]);
        p++;
        r.preInputLine.set(p, l.inputLine);
        r.postInputLine.set(out.length, l.inputLine);
      }
    }
    r.placements.push({ applied: true, preStart: pos + 1, postStart, offset: pos - stated, ignoredWhitespace });
    offset = pos - stated;
    cursor = p;
    endsAtEof = p === n;
    lastHunk = h;
  });
  for (let i = cursor; i < n; i++) out.push(lines[i]);
  if (cursor < n) endsAtEof = false;
  let nl = finalNewline;
  if (endsAtEof && lastHunk) {
    if (lastHunk.noNewlineAtEndNew) nl = false;
    else if (lastHunk.noNewlineAtEndOld) nl = true;
  }
  r.post = fromLines(out, nl);
  return r;
}

/** First match of pat in keys at or around `expected`, searching outward, not before `lo`. */
function locate(keys: string[], pat: string[], expected: number, lo: number): number {
  const maxStart = keys.length - pat.length;
  if (maxStart < lo) return -1;
  const e = Math.min(Math.max(expected, lo), maxStart);
  const matchAt = (s: number) => {
    for (let i = 0; i < pat.length; i++) if (keys[s + i] !== pat[i]) return false;
    return true;
  };
  for (let d = 0; ; d++) {
    const a = e + d, b = e - d;
    const canA = a <= maxStart, canB = d > 0 && b >= lo;
    if (!canA && !canB) return -1;
    if (canA && matchAt(a)) return a;
    if (canB && matchAt(b)) return b;
  }
}
