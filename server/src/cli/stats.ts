// mmlock stats [--profile ...] [--format text|json] [--list N] PATH...
// Parse coverage: how many functions of the given files parse without errors once the kernel
// macros are neutralized, and how many lock calls they hold. A directory stands for the *.c files
// directly in it (mm/ means mm/*.c; subdirectories are not searched).
import { oneOf, parseArgs, UsageError } from './args';
import { expandInputs, readInput } from './inputs';
import type { Command } from './io';
import { collectStats, type ParseStats, type StatsInput } from '../c/stats';

const HELP = `usage: mmlock stats [--profile auto|ID|FILE] [--format text|json] [--list N] PATH...
  Parses each PATH (a C file, or a directory: its *.c files, not recursing) and reports the
  files, functions, functions with parse errors, lock calls and unresolved lock calls.
  --list N   name at most N functions with parse errors (text format; default 20)
  --profile  accepted for symmetry with check; lock calls are counted by name for now
`;

const SPEC = { profile: 'value', format: 'value', list: 'value', help: 'bool' } as const;

export const runStats: Command = async (argv, io) => {
  const a = parseArgs(argv, { ...SPEC });
  if (a.flags.help) { io.out(HELP); return 0; }
  const format = oneOf('format', a.flags.format, ['text', 'json'] as const, 'text');
  const list = a.flags.list === undefined ? 20 : Number(a.flags.list);
  if (!Number.isInteger(list) || list < 0) throw new UsageError(`--list must be a non-negative integer (got ${String(a.flags.list)})`);
  if (!a.positional.length) throw new UsageError('missing PATH (a C file or a directory of .c files)');
  // Fails early, with the path, when one does not exist.
  const names = expandInputs(a.positional, io.cwd);
  async function* texts(): AsyncGenerator<StatsInput> {
    for (const name of names) {
      const input = await readInput(name, io);
      yield { name: input.name, text: input.text };
    }
  }
  const stats = await collectStats(texts(), { maxListed: Math.max(list, 200) });
  if (format === 'json') {
    io.out(JSON.stringify(stats) + '\n');
  } else {
    io.out(renderText(stats, list));
  }
  return 0;
};

function renderText(s: ParseStats, list: number): string {
  const pct = s.functions ? (100 * s.functionsWithParseErrors / s.functions).toFixed(2) : '0.00';
  const lines = [
    `${s.files} file${s.files === 1 ? '' : 's'}, ${s.functions} functions`,
    `parse errors: ${s.functionsWithParseErrors} functions (${pct}%)`,
    `lock calls: ${s.lockCalls} (${s.unresolvedLockCalls} unresolved)`,
    `time: ${(s.ms / 1000).toFixed(2)} s`,
  ];
  for (const e of s.errorFunctions.slice(0, list)) lines.push(`${e.file}:${e.line}: ${e.function}: parse errors`);
  if (s.functionsWithParseErrors > list && list > 0) lines.push(`(${s.functionsWithParseErrors - list} more)`);
  return lines.join('\n') + '\n';
}
