// "@@ -oldStart[,oldCount] +newStart[,newCount] @@ section" (an omitted count means 1).
import { PatchError } from './types';

export interface HunkHeader {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  section: string;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;
/** Larger line numbers than any source file has; refusing them keeps later stages bounded. */
const MAX_LINE = 10_000_000;

export function isHunkHeader(text: string): boolean {
  return text.startsWith('@@ -');
}

export function parseHunkHeader(text: string, line: number): HunkHeader {
  const m = HUNK.exec(text);
  if (!m) throw new PatchError(`malformed hunk header "${text.slice(0, 80)}"`, line);
  const h: HunkHeader = {
    oldStart: Number(m[1]), oldCount: m[2] === undefined ? 1 : Number(m[2]),
    newStart: Number(m[3]), newCount: m[4] === undefined ? 1 : Number(m[4]),
    section: m[5].replace(/^ /, ''),
  };
  if (Math.max(h.oldStart + h.oldCount, h.newStart + h.newCount) > MAX_LINE) {
    throw new PatchError(`hunk header "${text.slice(0, 80)}" has line numbers beyond ${MAX_LINE}`, line);
  }
  if ((h.oldStart === 0 && h.oldCount > 0) || (h.newStart === 0 && h.newCount > 0)) {
    throw new PatchError(`malformed hunk header "${text.slice(0, 80)}": line 0 with a non-zero count`, line);
  }
  return h;
}

export function formatHunkHeader(h: HunkHeader): string {
  return `@@ -${h.oldStart},${h.oldCount} +${h.newStart},${h.newCount} @@`;
}
