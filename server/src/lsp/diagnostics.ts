// Findings -> LSP diagnostics on the open document: on the patch line that shows the problem (or
// the C line), with the code linking to its documentation, the other lock site as related
// information, and the documented rule's source.
import * as path from 'path';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver/node';
import type { FunctionReport } from '../analysis-types';
import type { Finding } from '../findings';
import type { DocContext } from './doc-context';
import { pathToUri } from './doc-context';
import { CODE_DOCS } from '../finding-docs';
import { docRange, placeFor } from './locate';
import { nearestHunk } from './patch-lines';
import type { SeverityOverride } from './settings';

export interface DiagnosticOptions {
  severity: Partial<Record<string, SeverityOverride>>;
  /** The client shows relatedInformation (else related sites go into the message). */
  relatedInformation: boolean;
  functions?: FunctionReport[];
}

const SEVERITY: Record<string, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint,
};

export const SOURCE = 'mmlock';

function lineStart(ctx: DocContext, line0: number): Range {
  const text = ctx.lines[line0] ?? '';
  const ind = /^[ +-]?\s*/.exec(text)?.[0].length ?? 0;
  return { start: { line: line0, character: Math.min(ind, text.length) }, end: { line: line0, character: text.length } };
}

/** Where a finding the document does not show goes: its function's first shown line, else the
 *  hunk before it, else the top. The message then says the real file:line. */
function fallbackRange(ctx: DocContext, f: Finding, functions: FunctionReport[] | undefined): Range {
  if (ctx.kind === 'patch') {
    const fn = functions?.find((x) => x.name === f.function && x.inputLine);
    const line = fn?.inputLine ?? (ctx.patch && nearestHunk(ctx.patch, f.file, f.line)) ?? 1;
    return lineStart(ctx, line - 1);
  }
  return lineStart(ctx, 0);
}

/** "mm/rmap.c:20" style sources can be opened; others ("mm/rmap.c ordering comment (2.6.34)") are text. */
function sourcePlace(ctx: DocContext, source: string): { uri: string; range: Range } | null {
  const m = /^([\w./+-]+\.(?:[ch]|rst|txt)):(\d+)\b/.exec(source);
  if (!m || !ctx.tree) return null;
  const line0 = Math.max(0, +m[2] - 1);
  return { uri: pathToUri(path.join(ctx.tree, m[1])), range: { start: { line: line0, character: 0 }, end: { line: line0, character: 0 } } };
}

export function findingToDiagnostic(f: Finding, ctx: DocContext, opts: DiagnosticOptions): Diagnostic | null {
  const override = opts.severity[f.code];
  if (override === 'off') return null;
  const severity = SEVERITY[override ?? f.severity] ?? DiagnosticSeverity.Warning;
  let range = docRange(ctx, f.file, f.line, f.column, f.endLine, f.endColumn, ctx.kind === 'patch' ? f.inputLine : undefined);
  let message = f.message;
  if (!range) {
    range = fallbackRange(ctx, f, opts.functions);
    message = `${f.file}:${f.line}: ${message}`;
  }
  const related: DiagnosticRelatedInformation[] = [];
  const unplaced: string[] = [];
  for (const r of f.related) {
    const place = placeFor(ctx, r.file, r.line, r.column);
    if (place && opts.relatedInformation) related.push({ location: place, message: r.message });
    else unplaced.push(`${r.file}:${r.line}: ${r.message}`);
  }
  if (f.source) {
    const place = sourcePlace(ctx, f.source);
    if (place && opts.relatedInformation) related.push({ location: place, message: `documented rule: ${f.source}` });
    else message += `\nDocumented rule: ${f.source}`;
  }
  if (unplaced.length) message += '\n' + unplaced.join('\n');
  const d: Diagnostic = {
    range, severity, message, source: SOURCE, code: f.code,
    ...(CODE_DOCS[f.code] ? { codeDescription: { href: CODE_DOCS[f.code].url } } : {}),
    data: { function: f.function, introduced: f.introduced, locks: f.locks, file: f.file, line: f.line },
  };
  if (related.length) d.relatedInformation = related;
  return d;
}

export function findingsToDiagnostics(findings: Finding[], ctx: DocContext, opts: DiagnosticOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const f of findings) {
    const d = findingToDiagnostic(f, ctx, opts);
    if (d) out.push(d);
  }
  return out;
}

/** Input the core cannot read (not a patch, corrupt hunk): one diagnostic at the line it names. */
export function inputErrorDiagnostic(ctx: DocContext, message: string, line: number | undefined): Diagnostic {
  const line0 = Math.min(Math.max((line ?? 1) - 1, 0), Math.max(ctx.lines.length - 1, 0));
  const text = ctx.lines[line0] ?? '';
  return {
    range: { start: { line: line0, character: 0 }, end: { line: line0, character: text.length } },
    severity: DiagnosticSeverity.Error, source: SOURCE, code: 'bad-input',
    message: `mmlock cannot read this ${ctx.kind === 'patch' ? 'patch' : 'file'}: ${message}`,
  };
}
