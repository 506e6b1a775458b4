// Moving a stored function result to where the same function now stands: an edit above a function
// (a line inserted in an open patch, an earlier hunk of a series) shifts it without changing it.
// Every position in a result is a structured `line`/`endLine` field; a result whose text mentions
// one of the function's own lines (a message saying "at line 120") is not moved, it is recomputed.
import type { FunctionResult } from '../sim/interpret';

/** Whether some string in `v` names a line in [from, to] (`:N` or `line N`). */
function mentionsLines(v: unknown, from: number, to: number): boolean {
  if (typeof v === 'string') {
    for (const m of v.matchAll(/(?::|\bline )(\d+)/g)) { const n = Number(m[1]); if (n >= from && n <= to) return true; }
    return false;
  }
  if (Array.isArray(v)) return v.some((x) => mentionsLines(x, from, to));
  if (v instanceof Map) return [...v.values()].some((x) => mentionsLines(x, from, to));
  if (v && typeof v === 'object') return Object.values(v).some((x) => mentionsLines(x, from, to));
  return false;
}

/** A copy with every line of `file` (or of no named file: the function's own) moved by `delta`. */
function shifted<T>(v: T, delta: number, file: string): T {
  if (Array.isArray(v)) return v.map((x) => shifted(x, delta, file)) as T;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, shifted(x, delta, file)])) as T;
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const own = o.file === undefined || o.file === file;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    out[k] = (k === 'line' || k === 'endLine') && typeof x === 'number' && own ? x + delta : shifted(x, delta, file);
  }
  return out as T;
}

/**
 * The result of the function that stood at lines [line, endLine] of `file`, moved by `delta`; or
 * undefined when its text names one of those lines (then only a new analysis is right).
 */
export function shiftResult(r: FunctionResult, file: string, line: number, endLine: number, delta: number): FunctionResult | undefined {
  if (delta === 0) return r;
  if (mentionsLines(r, line, endLine)) return undefined;
  return shifted(r, delta, file);
}
