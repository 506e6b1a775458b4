// The simulate request's mapping: which function the cursor is in, and where each step of a
// deadlock schedule can be opened (tree file or patch line); which step each CPU is stuck on.
import type { Position } from 'vscode-languageserver/node';
import type { FunctionReport } from '../analysis-types';
import type { SimulationOutput } from './deps';
import type { DocContext } from './doc-context';
import { isThisFile, placeFor } from './locate';
import { lineAt } from './patch-lines';
import type { SimDeadlock, SimulateResult } from './protocol';

function sameFile(a: string, b: string): boolean {
  return a === b || a.endsWith('/' + b) || b.endsWith('/' + a);
}

/** The function around the cursor: by post-image line range, else the nearest touched function shown above it. */
export function functionAt(functions: readonly FunctionReport[], ctx: DocContext, pos: Position): FunctionReport | undefined {
  if (ctx.kind === 'c') {
    return functions.find((f) => isThisFile(ctx, f.file) && f.line <= pos.line + 1 && pos.line + 1 <= f.endLine);
  }
  const at = ctx.patch ? lineAt(ctx.patch, pos.line + 1) : undefined;
  if (at) {
    const inside = functions.find((f) => sameFile(f.file, at.file) && f.line <= at.newLine && at.newLine <= f.endLine);
    if (inside) return inside;
  }
  let best: FunctionReport | undefined;
  for (const f of functions) {
    if (f.inputLine && f.inputLine <= pos.line + 1 && (!best || f.inputLine > best.inputLine!)) best = f;
  }
  return best;
}

/** Marks, per CPU, the lock it waits for when the schedule deadlocks: its last lock step. */
function markBlocked(d: SimDeadlock): SimDeadlock {
  const lastLock = new Map<number, number>();
  d.steps.forEach((s, i) => { if (/lock/.test(s.op) && !/unlock/.test(s.op)) lastLock.set(s.thread, i); });
  const lastAny = new Map<number, number>();
  d.steps.forEach((s, i) => lastAny.set(s.thread, i));
  return {
    ...d,
    steps: d.steps.map((s, i) => ({ ...s, blocked: s.blocked ?? (lastLock.get(s.thread) === i && lastAny.get(s.thread) === i) })),
  };
}

export function simulationResult(out: SimulationOutput, ctx: DocContext, fallbackProfile: { id: string; origin: string }): SimulateResult {
  const deadlocks = out.deadlocks.map((d) => markBlocked({
    ...d,
    steps: d.steps.map((s) => {
      // A kernel-path scenario's file:line refer to the scenario's own reference tree, not to the
      // user's: only the patched functions' steps get a place to open.
      const scenario = !!d.threads[s.thread]?.scenario;
      const p = s.file && s.line && !scenario ? placeFor(ctx, s.file, s.line) : null;
      return p ? { ...s, place: { uri: p.uri, line: p.range.start.line, character: p.range.start.character } } : { ...s };
    }),
  }));
  return {
    version: 1, profile: out.profile ?? fallbackProfile, functions: out.functions, explored: out.explored,
    bounded: out.bounded, deadlocks, text: out.text, notes: out.notes,
  };
}
