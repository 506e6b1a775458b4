// Mapping post-image positions (what the core reports) onto things an editor can show: a range
// in the open document (the patch line that shows it, or the C file itself), or a place to open
// (the tree's file at the pre-image line, or the patch line).
import * as fs from 'fs';
import * as path from 'path';
import type { Range } from 'vscode-languageserver/node';
import type { DocContext } from './doc-context';
import { pathToUri } from './doc-context';
import { preImageLine, shownLine } from './patch-lines';

/** Whether post-image path `file` names this (C) document. */
export function isThisFile(ctx: DocContext, file: string): boolean {
  if (!ctx.path) return false;
  if (path.isAbsolute(file)) return path.resolve(file) === ctx.path;
  if (ctx.tree && path.resolve(ctx.tree, file) === ctx.path) return true;
  return ctx.path === file || ctx.path.endsWith(path.sep + file.replace(/^\.\//, ''));
}

function lineRange(ctx: DocContext, line0: number, prefix: number, col?: number, endCol?: number): Range {
  const text = ctx.lines[line0] ?? '';
  let start = col && col > 0 ? prefix + col - 1 : -1;
  if (start < prefix || start > text.length) {
    // No usable column: the code on the line, without its indentation.
    start = prefix + (/^\s*/.exec(text.slice(prefix))?.[0].length ?? 0);
  }
  let end = endCol && endCol > 0 ? prefix + endCol - 1 : text.length;
  if (end <= start || end > text.length) end = text.length;
  if (end <= start) end = start;
  return { start: { line: line0, character: Math.min(start, text.length) }, end: { line: line0, character: end } };
}

/** Where a post-image span shows in the document, or null when the document does not show it.
 *  `inputLine` (from the core) wins over our own mapping for patches. Multi-line spans are cut to
 *  their first line: in a patch the next lines may be interleaved with removed ones. */
export function docRange(ctx: DocContext, file: string, line: number, column?: number,
  endLine?: number, endColumn?: number, inputLine?: number): Range | null {
  const endCol = endLine === undefined || endLine === line ? endColumn : undefined;
  if (ctx.kind === 'c') {
    if (!isThisFile(ctx, file) || line < 1 || line > ctx.lines.length) return null;
    return lineRange(ctx, line - 1, 0, column, endCol);
  }
  if (!ctx.patch) return null;
  let input = inputLine;
  let prefix = 1;
  const shown = shownLine(ctx.patch, file, line);
  if (shown && (input === undefined || input === shown.input)) { input = shown.input; prefix = shown.prefix; }
  else if (input !== undefined) prefix = /^(?:>[ \t]?)*[ +-]?/.exec(ctx.lines[input - 1] ?? '')?.[0].length ?? 1;
  if (input === undefined || input < 1 || input > ctx.lines.length) return null;
  return lineRange(ctx, input - 1, prefix, column, endCol);
}

export interface PlaceRange { uri: string; range: Range }

/** A place to open for post-image (file, line): the tree's file at the matching pre-image line when
 *  a tree is known and the line exists there; else the document line that shows it; else null. */
export function placeFor(ctx: DocContext, file: string, line: number, column?: number): PlaceRange | null {
  if (ctx.kind === 'c' && isThisFile(ctx, file)) {
    const r = docRange(ctx, file, line, column);
    return r && { uri: ctx.uri, range: r };
  }
  if (ctx.tree) {
    const abs = path.isAbsolute(file) ? file : path.join(ctx.tree, file);
    const pre = ctx.patch ? preImageLine(ctx.patch, file, line) : line;
    if (pre !== null && fileExists(abs)) {
      const ch = column && column > 0 ? column - 1 : 0;
      return { uri: pathToUri(abs), range: { start: { line: pre - 1, character: ch }, end: { line: pre - 1, character: ch } } };
    }
  }
  if (ctx.kind === 'patch') {
    const r = docRange(ctx, file, line, column);
    if (r) return { uri: ctx.uri, range: r };
  }
  return null;
}

const existsCache = new Map<string, { at: number; ok: boolean }>();

/** fs.existsSync, remembered for a few seconds: placeFor runs for every related location. */
function fileExists(p: string): boolean {
  const now = Date.now();
  const c = existsCache.get(p);
  if (c && now - c.at < 5000) return c.ok;
  const ok = fs.existsSync(p);
  if (existsCache.size > 5000) existsCache.clear();
  existsCache.set(p, { at: now, ok });
  return ok;
}
