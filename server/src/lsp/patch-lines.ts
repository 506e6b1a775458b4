// A light scan of a patch/mbox document: which input lines show which post-image (and pre-image)
// lines of which file. The server needs it to place things the core reports in post-image terms
// (related locations, simulation steps, the function under the cursor) back onto the document or
// the tree. One pass, no allocation per character: fast enough to redo on every edit.
// (The core's patch/ parser is authoritative for the analysis; this only maps positions.)

export interface ShownLine {
  input: number;              // 1-based line in the document
  kind: ' ' | '+' | '-';
  oldLine?: number;           // 1-based pre-image line (' ' and '-')
  newLine?: number;           // 1-based post-image line (' ' and '+')
}

export interface HunkMap {
  header: number;             // 1-based input line of the @@ header
  oldStart: number; oldCount: number;
  newStart: number; newCount: number;
  prefix: number;             // characters before the code on each body line ("+", or "> +" when quoted)
  section: string;            // text after the second @@ (often the enclosing function's signature)
  lines: ShownLine[];
}

export interface FileMap {
  path: string;               // post-image path (pre-image path for a deletion), without a/ b/
  oldPath: string | null;
  header: number;             // 1-based input line of "diff --git" or "---"
  hunks: HunkMap[];
}

export interface PatchMap { files: FileMap[] }

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;
const QUOTE = /^(?:>[ \t]?)*/;

function stripPath(p: string): string | null {
  const t = p.trim().split('\t')[0].replace(/^"|"$/g, '');
  if (t === '/dev/null') return null;
  return t.replace(/^[abciwo12]\//, '');
}

export function scanPatch(text: string): PatchMap {
  const lines = text.split(/\r?\n/);
  const files: FileMap[] = [];
  let file: FileMap | null = null;
  let pendingOld: { path: string | null; line: number } | null = null;
  let gitHeader: { a: string | null; b: string | null; line: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const quote = QUOTE.exec(lines[i])![0];
    const l = quote ? lines[i].slice(quote.length) : lines[i];
    if (l.startsWith('diff --git ')) {
      const m = /^diff --git (\S+) (\S+)/.exec(l);
      gitHeader = { a: m ? stripPath(m[1]) : null, b: m ? stripPath(m[2]) : null, line: i + 1 };
      file = null;
      continue;
    }
    if (l.startsWith('--- ') && i + 1 < lines.length && lines[i + 1].slice(quote.length).startsWith('+++ ')) {
      pendingOld = { path: stripPath(l.slice(4)), line: gitHeader?.line ?? i + 1 };
      continue;
    }
    if (l.startsWith('+++ ') && pendingOld) {
      const newPath = stripPath(l.slice(4));
      file = { path: newPath ?? pendingOld.path ?? '', oldPath: pendingOld.path, header: pendingOld.line, hunks: [] };
      files.push(file);
      pendingOld = null;
      gitHeader = null;
      continue;
    }
    const h = HUNK.exec(l);
    if (!h) continue;
    if (!file) {
      // A hunk without ---/+++ (e.g. a git diff of a mode change, or a fragment): keep it under the git header's name.
      file = { path: gitHeader?.b ?? gitHeader?.a ?? '', oldPath: gitHeader?.a ?? null, header: gitHeader?.line ?? i + 1, hunks: [] };
      files.push(file);
    }
    const hunk: HunkMap = {
      header: i + 1,
      oldStart: +h[1], oldCount: h[2] === undefined ? 1 : +h[2],
      newStart: +h[3], newCount: h[4] === undefined ? 1 : +h[4],
      prefix: quote.length + 1, section: h[5] ?? '', lines: [],
    };
    file.hunks.push(hunk);
    let oldLeft = hunk.oldCount, newLeft = hunk.newCount;
    let oldLine = hunk.oldStart, newLine = hunk.newStart;
    while ((oldLeft > 0 || newLeft > 0) && i + 1 < lines.length) {
      const raw = lines[i + 1];
      if (!raw.startsWith(quote)) break;
      const b = raw.slice(quote.length);
      const c = b === '' ? ' ' : b[0];       // mailers drop the space of an empty context line
      if (c === '\\') { i++; continue; }     // "\ No newline at end of file"
      if (c === ' ' && oldLeft > 0 && newLeft > 0) {
        hunk.lines.push({ input: i + 2, kind: ' ', oldLine: oldLine++, newLine: newLine++ });
        oldLeft--; newLeft--;
      } else if (c === '-' && oldLeft > 0) {
        hunk.lines.push({ input: i + 2, kind: '-', oldLine: oldLine++ });
        oldLeft--;
      } else if (c === '+' && newLeft > 0) {
        hunk.lines.push({ input: i + 2, kind: '+', newLine: newLine++ });
        newLeft--;
      } else break;                          // truncated hunk: keep what was shown
      i++;
    }
  }
  return { files };
}

function filesNamed(map: PatchMap, file: string): FileMap[] {
  const f = file.replace(/^\.\//, '');
  // Later patches of a series show the newest post-image: search them first.
  return map.files.filter((x) => x.path === f || x.path.endsWith('/' + f) || f.endsWith('/' + x.path)).reverse();
}

/** The document line (1-based) showing post-image line `newLine` of `file`, if a hunk shows it. */
export function shownLine(map: PatchMap, file: string, newLine: number): { input: number; prefix: number; kind: ' ' | '+' } | undefined {
  for (const f of filesNamed(map, file)) {
    for (const h of f.hunks) {
      if (newLine < h.newStart || newLine >= h.newStart + h.newCount) continue;
      const s = h.lines.find((x) => x.newLine === newLine);
      if (s) return { input: s.input, prefix: h.prefix, kind: s.kind as ' ' | '+' };
    }
  }
  return undefined;
}

/** The pre-image line of post-image line `newLine`: null for an added line, shifted by the hunks before it otherwise. */
export function preImageLine(map: PatchMap, file: string, newLine: number): number | null {
  const f = filesNamed(map, file)[0];
  if (!f) return newLine;
  let delta = 0;
  for (const h of f.hunks) {
    if (newLine >= h.newStart + h.newCount) { delta = (h.oldStart + h.oldCount) - (h.newStart + h.newCount); continue; }
    if (newLine < h.newStart) break;
    const s = h.lines.find((x) => x.newLine === newLine);
    return s && s.oldLine !== undefined ? s.oldLine : null;
  }
  return newLine + delta;
}

/** What document line `input` shows: the file and its post-image line (for '-' lines, the post-image line after it). */
export function lineAt(map: PatchMap, input: number): { file: string; newLine: number; kind: ' ' | '+' | '-' | '@' } | undefined {
  for (const f of map.files) {
    for (const h of f.hunks) {
      if (input === h.header) return { file: f.path, newLine: h.newStart, kind: '@' };
      const last = h.lines[h.lines.length - 1];
      if (!last || input < h.header || input > last.input) continue;
      const idx = h.lines.findIndex((x) => x.input === input);
      if (idx < 0) continue;
      const s = h.lines[idx];
      if (s.newLine !== undefined) return { file: f.path, newLine: s.newLine, kind: s.kind };
      const next = h.lines.slice(idx).find((x) => x.newLine !== undefined);
      return { file: f.path, newLine: next?.newLine ?? h.newStart + h.newCount, kind: '-' };
    }
  }
  return undefined;
}

/** The @@ header line of the hunk nearest before post-image line `newLine` of `file` (for findings the patch does not show). */
export function nearestHunk(map: PatchMap, file: string, newLine: number): number | undefined {
  const f = filesNamed(map, file)[0];
  if (!f || !f.hunks.length) return f?.header;
  let best = f.hunks[0];
  for (const h of f.hunks) if (h.newStart <= newLine) best = h;
  return best.header;
}
