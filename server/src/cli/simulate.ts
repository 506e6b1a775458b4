// mmlock simulate [--tree DIR] [--profile ...] [--function NAME]... [--scenario ID]...
//                 [--format text|json] [--max-states N] [--max-ms N] [--cpus 2|3] INPUT
// Explores the interleavings of the touched functions with each other and with the scenario
// library of the profile's era. Exit 0: no deadlock; 1: a deadlock; 2: bad usage or unreadable input.
import * as fs from 'fs';
import * as path from 'path';
import { oneOf, parseArgs, UsageError } from './args';
import type { Command } from './io';
import { collectTraces } from '../analysis';
import { runSimulation } from '../sim/explore-run';
import { renderResultText, simulationJson } from '../sim/lockdep-report';
import { scenarioIds } from '../sim/scenarios';

const SPEC = {
  tree: 'value', profile: 'value', function: 'multi', scenario: 'multi', format: 'value',
  'max-states': 'value', 'max-ms': 'value', cpus: 'value',
} as const;

function positiveInt(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (!/^\d+$/.test(s) || Number(s) < 1) throw new UsageError(`--${name} must be a positive integer (got ${s})`);
  return Number(s);
}

/** Repeatable flags also accept comma lists: --scenario rmap-walk,munmap. */
function list(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.flatMap((x: string) => x.split(',')).map((x) => x.trim()).filter(Boolean);
}

export const runSimulate: Command = async (argv, io) => {
  const a = parseArgs(argv, { ...SPEC });
  const format = oneOf('format', a.flags.format, ['text', 'json'] as const, 'text');
  const maxStates = positiveInt('max-states', a.flags['max-states']);
  const maxMs = positiveInt('max-ms', a.flags['max-ms']);
  const cpus = oneOf('cpus', a.flags.cpus, ['2', '3'] as const, '2') === '3' ? 3 : 2;
  if (a.positional.length === 0) throw new UsageError('missing INPUT (a patch, an mbox, a C file, or - for stdin)');
  if (a.positional.length > 1) throw new UsageError(`simulate takes one INPUT (got ${a.positional.length})`);
  const functions = list(a.flags.function);
  const scenarios = list(a.flags.scenario);
  if (scenarios) {
    const known = scenarioIds();
    const bad = scenarios.filter((s) => !known.includes(s));
    if (bad.length) throw new UsageError(`unknown scenario ${bad.join(', ')} (known: ${known.join(', ')})`);
  }
  const tree = typeof a.flags.tree === 'string' ? path.resolve(io.cwd, a.flags.tree) : undefined;
  if (tree && !fs.existsSync(tree)) {
    io.err(`mmlock simulate: cannot read tree ${a.flags.tree}: no such directory\n`);
    return 2;
  }

  const input = a.positional[0];
  let text: string;
  try {
    text = input === '-' ? await io.readStdin() : fs.readFileSync(path.resolve(io.cwd, input), 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    io.err(`mmlock simulate: cannot read input ${input}: ${why}\n`);
    return 2;
  }

  const collected = await collectTraces({
    name: input, text, ...(tree ? { tree } : {}),
    ...(typeof a.flags.profile === 'string' ? { profile: a.flags.profile } : {}),
    ...(functions ? { functions } : {}),
  });
  const run = runSimulation({
    profile: collected.profile, touched: collected.traces,
    ...(functions ? { functions } : {}), ...(scenarios ? { scenarios } : {}),
    cpus, ...(maxStates ? { maxStates } : {}), ...(maxMs ? { maxMs } : {}),
  });
  const notes = [...collected.notes, ...run.notes];
  if (format === 'json') {
    io.out(JSON.stringify(simulationJson(run.result, {
      profile: collected.profile?.id ?? null,
      combinations: run.result.combinations,
      notes,
    })) + '\n');
  } else {
    let out = renderResultText(run.result, run.explain);
    const who = `${run.touched} function trace${run.touched === 1 ? '' : 's'}, ${run.scenarios} scenario trace${run.scenarios === 1 ? '' : 's'}`;
    out += `(${collected.profile ? `profile ${collected.profile.id}, ` : ''}${who}, ${run.result.combinations} combination${run.result.combinations === 1 ? '' : 's'})\n`;
    for (const n of notes) out += `note: ${n}\n`;
    io.out(out);
  }
  return run.result.deadlocks.length > 0 ? 1 : 0;
};
