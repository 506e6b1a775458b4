// Code lenses over each touched function: "Simulate <fn>" (runs the simulation for it) and its
// finding count. The commands are the client's (mmlock.simulateFunction, mmlock.showProblems); any
// LSP client can bind them to the mmlock/simulate request.
import type { CodeLens } from 'vscode-languageserver/node';
import type { FunctionReport } from '../analysis-types';
import type { DocContext } from './doc-context';
import { isThisFile } from './locate';
import { shownLine } from './patch-lines';

export const LENS_COMMANDS = { simulate: 'mmlock.simulateFunction', problems: 'mmlock.showProblems' } as const;

function lensLine(ctx: DocContext, f: FunctionReport): number | null {
  if (ctx.kind === 'c') return isThisFile(ctx, f.file) ? f.line - 1 : null;
  if (f.inputLine) {
    // The first line of a hunk: put the lens on its @@ header, which names the function.
    for (const file of ctx.patch?.files ?? []) for (const h of file.hunks) if (h.lines[0]?.input === f.inputLine) return h.header - 1;
    return f.inputLine - 1;
  }
  const s = ctx.patch && shownLine(ctx.patch, f.file, f.line);
  return s ? s.input - 1 : null;
}

export function codeLenses(functions: readonly FunctionReport[], ctx: DocContext, cFile: boolean): CodeLens[] {
  const out: CodeLens[] = [];
  for (const f of functions) {
    if (!f.touched && !cFile) continue;
    const line = lensLine(ctx, f);
    if (line === null || line < 0 || line >= ctx.lines.length) continue;
    const range = { start: { line, character: 0 }, end: { line, character: 0 } };
    out.push({ range, command: { title: `▶ Simulate ${f.name}()`, command: LENS_COMMANDS.simulate, arguments: [{ uri: ctx.uri, function: f.name }] } });
    const n = f.findings;
    out.push({ range, command: { title: n === 0 ? 'no findings' : n === 1 ? '1 finding' : `${n} findings`, command: LENS_COMMANDS.problems, arguments: [{ uri: ctx.uri, function: f.name }] } });
  }
  return out;
}
