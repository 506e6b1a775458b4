// Reads the file diffs of one message (or of a quoted reply's stripped lines): git extended
// headers, plain "---"/"+++" headers, binary diffs (noted, no hunks) and hunks whose bodies are
// counted against their headers. Lines that are not part of a file diff (commit messages,
// diffstats, signatures, text between patches) are skipped.
//
// Hunk bodies follow git apply: an empty line inside a hunk is an empty context line. Mail
// archives also collapse whitespace, so a quoted context line can lose its leading space
// ("> \tif (x)" arrives as "> if (x)"); such a line is read as context when the hunk still needs
// context on both sides and the hunk then ends cleanly (next line a header, a blank line, a
// signature or the end). Otherwise a body shorter or longer than its header is a corrupt hunk.
import { PatchError, type FilePatch, type FileStatus, type Hunk, type PatchLine } from './types';
import type { InputLine } from './lines';
import { formatHunkHeader, isHunkHeader, parseHunkHeader, type HunkHeader } from './hunk-header';
import { checkPath, gitHeaderPaths, headerPath, stripPrefix } from './paths';

export type Warnings = { line: number; message: string }[];

const BINARY_DIFFER = /^Binary files (.+) and (.+) differ$/;

export function parseFiles(v: InputLine[], warnings: Warnings): FilePatch[] {
  const files: FilePatch[] = [];
  let i = 0;
  while (i < v.length) {
    const t = v[i].text;
    if (t.startsWith('diff --git ')) {
      const r = readGitFile(v, i, warnings);
      files.push(r.file);
      i = r.next;
    } else if (t.startsWith('diff --cc ') || t.startsWith('diff --combined ')) {
      warnings.push({ line: v[i].no, message: `combined (merge) diff skipped: ${t}` });
      i++;
      while (i < v.length && !v[i].text.startsWith('diff ')) i++;
    } else if (t.startsWith('--- ') && i + 1 < v.length && v[i + 1].text.startsWith('+++ ')) {
      const r = readPlainFile(v, i, warnings);
      if (r.file) files.push(r.file);
      i = r.next;
    } else if (BINARY_DIFFER.test(t)) {
      files.push(plainBinary(v[i]));
      i++;
    } else {
      if (isHunkHeader(t) && /^@@ -\d/.test(t)) {
        warnings.push({ line: v[i].no, message: 'hunk without a file header ignored' });
      }
      i++;
    }
  }
  return files;
}

interface PathAt { path: string | null; line: number; header: string }

function at(path: string | null, l: InputLine): PathAt {
  return { path, line: l.no, header: l.text };
}

function readGitFile(v: InputLine[], i: number, warnings: Warnings): { file: FilePatch; next: number } {
  const head = v[i];
  const pair = gitHeaderPaths(head.text.slice('diff --git '.length));
  let status: FileStatus = 'modified';
  let binary = false;
  let oldP: PathAt | undefined, newP: PathAt | undefined;
  let fromP: PathAt | undefined, toP: PathAt | undefined;
  let j = i + 1;
  for (; j < v.length; j++) {
    const t = v[j].text;
    if (/^(old mode|new mode|index|similarity index|dissimilarity index) /.test(t)) continue;
    if (t.startsWith('deleted file mode ')) { status = 'deleted'; continue; }
    if (t.startsWith('new file mode ')) { status = 'added'; continue; }
    const rc = /^(rename|copy) (from|to|old|new) (.*)$/.exec(t);
    if (rc) {
      status = rc[1] === 'rename' ? 'renamed' : 'copied';
      const p = at(headerPath(rc[3]), v[j]);
      if (rc[2] === 'from' || rc[2] === 'old') fromP = p; else toP = p;
      continue;
    }
    if (BINARY_DIFFER.test(t)) { binary = true; j++; break; }
    if (t === 'GIT binary patch') { binary = true; j = skipBinaryData(v, j + 1); break; }
    if (t.startsWith('--- ') && j + 1 < v.length && v[j + 1].text.startsWith('+++ ')) {
      oldP = at(prefixed(headerPath(t.slice(4))), v[j]);
      newP = at(prefixed(headerPath(v[j + 1].text.slice(4))), v[j + 1]);
      j += 2;
      break;
    }
    break;
  }
  const diffA = pair ? at(stripPrefix(pair[0]), head) : undefined;
  const diffB = pair ? at(stripPrefix(pair[1]), head) : undefined;
  let oldAt = fromP ?? oldP ?? diffA;
  let newAt = toP ?? newP ?? diffB;
  if (oldP && oldP.path === null && status === 'modified') status = 'added';
  if (newP && newP.path === null && status === 'modified') status = 'deleted';
  if (status === 'added') oldAt = undefined;
  if (status === 'deleted') newAt = undefined;
  let oldPath = oldAt?.path ? checkPath(oldAt.path, oldAt.line, oldAt.header) : null;
  let newPath = newAt?.path ? checkPath(newAt.path, newAt.line, newAt.header) : null;
  // A modified file names one path on both sides; a header that lost one (`--- a/`, a one-path
  // `diff --git`) still means the same file.
  if (status === 'modified' || status === 'renamed' || status === 'copied') { oldPath ??= newPath; newPath ??= oldPath; }
  if (oldPath === null && newPath === null) {
    throw new PatchError(`no file name in "${head.text.slice(0, 80)}"`, head.no);
  }
  const file: FilePatch = { oldPath, newPath, status, binary, hunks: [], inputLine: head.no };
  if (binary) warnings.push({ line: head.no, message: `binary diff of ${newPath ?? oldPath} skipped` });
  const next = readHunks(v, j, file, warnings);
  return { file, next };
}

function prefixed(p: string | null): string | null {
  return p === null ? null : stripPrefix(p);
}

/** Skips the base85 body of a "GIT binary patch" (literal/delta blocks, blank-line separated). */
function skipBinaryData(v: InputLine[], j: number): number {
  while (j < v.length) {
    const t = v[j].text;
    if (t === '' || /^(literal|delta) \d+$/.test(t) || /^[A-Za-z][0-9A-Za-z!#$%&()*+;<=>?@^_`{|}~-]*$/.test(t)) j++;
    else break;
  }
  return j;
}

function readPlainFile(v: InputLine[], i: number, warnings: Warnings): { file: FilePatch | null; next: number } {
  const oldRaw = headerPath(v[i].text.slice(4));
  const newRaw = headerPath(v[i + 1].text.slice(4));
  const file: FilePatch = { oldPath: null, newPath: null, status: 'modified', binary: false, hunks: [], inputLine: v[i].no };
  const next = readHunks(v, i + 2, file, warnings);
  if (!file.hunks.length) {
    warnings.push({ line: v[i].no, message: '"---"/"+++" header without hunks ignored' });
    return { file: null, next };
  }
  const only = file.hunks.length === 1 ? file.hunks[0] : undefined;
  const added = oldRaw === null || (only !== undefined && only.oldStart === 0 && only.oldCount === 0);
  const deleted = newRaw === null || (only !== undefined && only.newStart === 0 && only.newCount === 0);
  const oldPath = oldRaw === null ? null : checkPath(stripPrefix(oldRaw), v[i].no, v[i].text);
  const newPath = newRaw === null ? null : checkPath(stripPrefix(newRaw), v[i + 1].no, v[i + 1].text);
  if (added && newPath !== null) { file.status = 'added'; file.newPath = newPath; }
  else if (deleted && oldPath !== null) { file.status = 'deleted'; file.oldPath = oldPath; }
  else {
    // patch(1) patches one file: the new name (a plain diff has no renames).
    file.newPath = newPath ?? oldPath;
    file.oldPath = file.newPath;
  }
  return { file, next };
}

function plainBinary(l: InputLine): FilePatch {
  const m = BINARY_DIFFER.exec(l.text)!;
  const a = headerPath(m[1]), b = headerPath(m[2]);
  const oldPath = a === null ? null : checkPath(stripPrefix(a), l.no, l.text);
  const newPath = b === null ? null : checkPath(stripPrefix(b), l.no, l.text);
  const status: FileStatus = oldPath === null ? 'added' : newPath === null ? 'deleted' : 'modified';
  return { oldPath, newPath, status, binary: true, hunks: [], inputLine: l.no };
}

function readHunks(v: InputLine[], j: number, file: FilePatch, warnings: Warnings): number {
  let damaged = 0, first = 0;
  while (j < v.length && isHunkHeader(v[j].text)) {
    const r = readHunk(v, j, file);
    file.hunks.push(r.hunk);
    if (r.damaged.length && !damaged) first = r.damaged[0].no;
    damaged += r.damaged.length;
    j = r.next;
  }
  if (damaged) {
    warnings.push({ line: first, message: `${fileLabel(file)}: ${damaged} hunk line(s) without a leading space read as context (whitespace-damaged mail)` });
  }
  return j;
}

function fileLabel(file: FilePatch): string {
  return file.newPath ?? file.oldPath ?? '(unnamed file)';
}

/** Lines that may follow a hunk without being read as more of its body. */
function isBoundary(t: string | undefined): boolean {
  if (t === undefined || t.trim() === '' || isHunkHeader(t)) return true;
  if (/^(diff |--- |\+\+\+ |Index: |\\)/.test(t)) return true;
  return /^(-+|\++)\s*$/.test(t);      // "-- " signature, "---" separator
}

function readHunk(v: InputLine[], i: number, file: FilePatch): { hunk: Hunk; next: number; damaged: InputLine[] } {
  const headLine = v[i];
  const hdr: HunkHeader = parseHunkHeader(headLine.text, headLine.no);
  const hunk: Hunk = { ...hdr, inputLine: headLine.no, lines: [] };
  const label = () => `${fileLabel(file)}: corrupt hunk ${file.hunks.length + 1} "${formatHunkHeader(hdr)}" (line ${headLine.no})`;
  let oldLine = hdr.oldStart, newLine = hdr.newStart;
  let oldLeft = hdr.oldCount, newLeft = hdr.newCount;
  const seen = () => `${hdr.oldCount - oldLeft} of ${hdr.oldCount} old and ${hdr.newCount - newLeft} of ${hdr.newCount} new lines`;
  const damaged: InputLine[] = [];
  let j = i + 1;
  const push = (kind: PatchLine['kind'], text: string, no: number) => {
    const l: PatchLine = { kind, text, inputLine: no };
    if (kind !== '+') { l.oldLine = oldLine++; oldLeft--; }
    if (kind !== '-') { l.newLine = newLine++; newLeft--; }
    hunk.lines.push(l);
  };
  while (oldLeft > 0 || newLeft > 0) {
    if (j >= v.length) {
      throw new PatchError(`${label()}: input ends after ${seen()}`, v[j - 1].no);
    }
    const { text: t, no } = v[j];
    const c = t[0];
    if (c === '\\') { markNoNewline(hunk); j++; continue; }
    if (c === '-' && oldLeft > 0) push('-', t.slice(1), no);
    else if (c === '+' && newLeft > 0) push('+', t.slice(1), no);
    else if ((c === ' ' || t === '') && oldLeft > 0 && newLeft > 0) push(' ', t.slice(1), no);
    else if (c !== '-' && c !== '+' && c !== ' ' && t !== '' && !isHunkHeader(t) && !t.startsWith('diff ') &&
             oldLeft > 0 && newLeft > 0) {
      damaged.push(v[j]);
      push(' ', t, no);
    } else if (c === '-' || c === '+' || c === ' ') {
      throw new PatchError(`${label()}: line ${no} is one more ${c === '+' ? "'+'" : c === '-' ? "'-'" : 'context'} line than the header allows (after ${seen()})`, no);
    } else {
      throw new PatchError(`${label()}: body ends at line ${no} after ${seen()}`, no);
    }
    j++;
  }
  while (j < v.length && v[j].text.startsWith('\\')) { markNoNewline(hunk); j++; }
  const after = v[j]?.text;
  if (damaged.length) {
    if (!isBoundary(after)) {
      throw new PatchError(`${label()}: line ${damaged[0].no} is not a diff line (body ends there after fewer lines than the header says)`, damaged[0].no);
    }
  }
  if (after !== undefined && /^[-+ ]/.test(after) && !isBoundary(after)) {
    throw new PatchError(`${label()}: line ${v[j].no} is one more line than the header allows`, v[j].no);
  }
  return { hunk, next: j, damaged };
}

function markNoNewline(hunk: Hunk): void {
  const last = hunk.lines[hunk.lines.length - 1];
  if (!last) return;
  if (last.kind !== '+') hunk.noNewlineAtEndOld = true;
  if (last.kind !== '-') hunk.noNewlineAtEndNew = true;
}
