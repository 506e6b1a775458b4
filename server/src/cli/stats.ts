// mmlock stats [--profile ...] [--format text|json] [--list N] PATH...
// Parse coverage: how many functions of the given files parse without errors once the kernel
// macros are neutralized, and how many lock calls they hold. A directory stands for the *.c files
// directly in it (mm/ means mm/*.c; subdirectories are not searched).
import { oneOf, parseArgs, UsageError } from './args';
import { expandInputs, readInput } from './inputs';
import type { Command } from './io';
import * as fs from 'fs';
import * as path from 'path';
import { chooseProfile } from '../analysis/profile-choice';
import { resolutionStats } from '../analysis/resolution-stats';
import { fsTree } from '../source/tree';
import { includedHeaders } from '../analysis/headers';
import type { CImage } from '../analysis/c-image';
import { collectStats, type ParseStats, type StatsInput } from '../c/stats';

const HELP = `usage: mmlock stats [--profile auto|ID|FILE] [--format text|json] [--list N] PATH...
  Parses each PATH (a C file, or a directory: its *.c files, not recursing) and reports the
  files, functions, functions with parse errors, lock calls and unresolved lock calls.
  --list N   name at most N functions with parse errors (text format; default 20)
  --profile  accepted for symmetry with check; lock calls are counted by name for now
`;

const SPEC = { profile: 'value', format: 'value', list: 'value', help: 'bool' } as const;

/** A reader for the kernel tree that contains `p` (the nearest ancestor with a Makefile and mm/). */
function treeReaderFor(p: string): ((rel: string) => string | undefined) | undefined {
  for (let d = fs.existsSync(p) && fs.statSync(p).isDirectory() ? p : path.dirname(p); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'Makefile')) && fs.existsSync(path.join(d, 'mm'))) {
      const tree = fsTree(d);
      return (rel) => tree.read(rel);
    }
    if (path.dirname(d) === d) return undefined;
  }
}

/** Field and global types from the headers the inputs include (one level), read from their tree. */
async function headerTypes(p: string, inputs: StatsInput[]): Promise<{ fields: Map<string, string>; globals: Map<string, string> }> {
  const fields = new Map<string, string>();
  const globals = new Map<string, string>();
  const read = treeReaderFor(p);
  if (!read) return { fields, globals };
  const cache = new Map<string, CImage | null>();
  const seen = new Set<string>();
  for (const input of inputs) {
    for (const img of includedHeaders(input.name.replace(/^.*?(?=mm\/)/, ''), input.text, (rel) => { const t = read(rel); return t === undefined ? undefined : { text: t, key: rel }; }, cache, [])) {
      if (seen.has(img.path)) continue;
      seen.add(img.path);
      for (const [k, v] of img.fields()) fields.set(k, v);
      for (const [k, v] of img.globals()) globals.set(k, v);
    }
  }
  for (const img of cache.values()) img?.dispose();
  return { fields, globals };
}

export const runStats: Command = async (argv, io) => {
  const started = Date.now();
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
  const inputs: StatsInput[] = [];
  for await (const t of texts()) inputs.push(t);
  const stats = await collectStats(inputs, { maxListed: Math.max(list, 200) });
  // Resolution coverage against the profile (auto: the era of the tree the first path is in).
  const chosen = chooseProfile({
    profile: (a.flags.profile as string | undefined) ?? 'auto', cwd: io.cwd,
    readTreeFile: treeReaderFor(names[0] === '-' ? io.cwd : path.resolve(io.cwd, names[0])),
  });
  // The tree's mm headers give struct field and global types, as in `check`.
  const headers = await headerTypes(names[0] === '-' ? io.cwd : path.resolve(io.cwd, names[0]), inputs);
  const res = await resolutionStats(inputs, chosen.ix, headers.fields, headers.globals);
  Object.assign(stats, { lockCalls: res.lockCalls, unresolvedLockCalls: res.unresolvedLockCalls, resolvedLockCalls: res.resolvedLockCalls,
    topUnresolved: res.topUnresolved, profileClassLockCalls: res.profileClassLockCalls, profile: chosen.profile.id, profileOrigin: chosen.origin });
  stats.ms = Date.now() - started;
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
    `lock calls: ${s.lockCalls} (${s.unresolvedLockCalls} unresolved${s.lockCalls ? `, ${(100 * s.unresolvedLockCalls / s.lockCalls).toFixed(1)}%` : ''})${(s as ParseStats & { profile?: string }).profile ? ` with profile ${(s as ParseStats & { profile?: string }).profile}` : ''}`,
    ...((s as ParseStats & { topUnresolved?: { expr: string; count: number }[] }).topUnresolved ?? []).map((u) => `  unresolved: ${u.expr} (${u.count})`),
    `time: ${(s.ms / 1000).toFixed(2)} s`,
  ];
  for (const e of s.errorFunctions.slice(0, list)) lines.push(`${e.file}:${e.line}: ${e.function}: parse errors`);
  if (s.functionsWithParseErrors > list && list > 0) lines.push(`(${s.functionsWithParseErrors - list} more)`);
  return lines.join('\n') + '\n';
}
