// File paths in diff headers: unquoting, dropping the "a/" "b/" (or other leading) directory,
// and refusing any path that could escape a tree ("..", absolute, empty).
import { PatchError } from './types';

/** Top-level directories of a kernel tree: a path starting with one of these has no prefix to strip. */
const KERNEL_TOP = new Set([
  'arch', 'block', 'certs', 'crypto', 'Documentation', 'drivers', 'fs', 'include', 'init', 'io_uring',
  'ipc', 'kernel', 'lib', 'LICENSES', 'mm', 'net', 'rust', 'samples', 'scripts', 'security', 'sound',
  'tools', 'usr', 'virt',
]);

/** Unquotes a C-style quoted git path ("a/f\303\266o") or returns the text unchanged. */
export function unquotePath(s: string): string {
  if (!(s.length >= 2 && s.startsWith('"') && s.endsWith('"'))) return s;
  const bytes: number[] = [];
  const esc: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, '"': 34 };
  for (let i = 1; i < s.length - 1; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length - 1) {
      const d = s[i + 1];
      if (/[0-7]/.test(d)) { bytes.push(parseInt(s.slice(i + 1, i + 4), 8)); i += 3; continue; }
      bytes.push(esc[d] ?? d.charCodeAt(0)); i++; continue;
    }
    bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The path of a "---"/"+++" line: timestamp and trailing spaces removed; null for /dev/null. */
export function headerPath(rest: string): string | null {
  let p = rest;
  if (p.startsWith('"')) {
    const end = closingQuote(p);
    p = end > 0 ? p.slice(0, end + 1) : p;
  } else {
    const tab = p.indexOf('\t');
    if (tab >= 0) p = p.slice(0, tab);
    p = p.replace(/\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [+-]\d{4})?$/, '').replace(/\s+$/, '');
  }
  p = unquotePath(p);
  return p === '/dev/null' ? null : p;
}

function closingQuote(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') { i++; continue; }
    if (s[i] === '"') return i;
  }
  return -1;
}

/** Splits the two paths of "diff --git A B" (either may be quoted; unquoted paths may hold spaces). */
export function gitHeaderPaths(rest: string): [string, string] | null {
  if (rest.startsWith('"')) {
    const end = closingQuote(rest);
    if (end < 0) return null;
    const a = unquotePath(rest.slice(0, end + 1));
    const b = rest.slice(end + 1).trim();
    return [a, unquotePath(b)];
  }
  const q = rest.indexOf(' "');
  if (q >= 0) return [rest.slice(0, q), unquotePath(rest.slice(q + 1))];
  // Same name on both sides: split where the halves match after their first component.
  const parts = rest.split(' ');
  for (let k = 1; k < parts.length; k++) {
    const a = parts.slice(0, k).join(' '), b = parts.slice(k).join(' ');
    if (a === b || dropFirst(a) === dropFirst(b)) return [a, b];
  }
  const sp = rest.indexOf(' b/');
  if (sp >= 0) return [rest.slice(0, sp), rest.slice(sp + 1)];
  if (parts.length === 2) return [parts[0], parts[1]];
  return null;
}

function dropFirst(p: string): string {
  const i = p.indexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/**
 * Drops the leading directory a diff tool put in front of tree paths: git's a/ b/ (and its
 * mnemonic i/ w/ c/ o/), quilt's "linux-2.6.orig/" and "linux-2.6/", "diff -urN old/ new/".
 * A path that already starts with a kernel top-level directory (mm/, include/, ...) is kept,
 * so "--no-prefix" diffs read right. Paths of one component are kept as they are.
 */
export function stripPrefix(p: string): string {
  const i = p.indexOf('/');
  if (i <= 0) return p;
  const first = p.slice(0, i);
  if (KERNEL_TOP.has(first)) return p;
  return p.slice(i + 1);
}

/** Throws unless p is a relative path that stays inside a tree. */
export function checkPath(p: string, line: number, header: string): string {
  const segs = p.split(/[\\/]/);
  if (p === '' || p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:/.test(p) ||
      segs.includes('..') || p.includes('\0')) {
    throw new PatchError(`unsafe path "${p}" in "${header}": paths must stay inside the tree`, line);
  }
  return segs.filter((s) => s !== '' && s !== '.').join('/');
}
