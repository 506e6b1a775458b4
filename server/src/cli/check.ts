// mmlock check: analyse patches, mbox series or C files and report findings (DESIGN.md contract).
import * as path from 'path';
import { parseArgs, oneOf, UsageError } from './args';
import type { Command } from './io';
import { expandInputs, readInput } from './inputs';
import { formatText, summaryLine } from './format-text';
import { toSarif } from './format-sarif';
import { runWhatIf } from './what-if';
import { analyze, createCache } from '../analysis';
import type { AnalysisResult } from '../analysis-types';
import { runParallel, workerCount } from './check-worker';
import type { Finding } from '../findings';

const FLAGS = {
  tree: 'value', profile: 'value', format: 'value', all: 'bool', 'fail-on': 'value', quiet: 'bool',
  'what-if': 'multi', help: 'bool',
} as const;

export const runCheck: Command = async (argv, io) => {
  const a = parseArgs(argv, { ...FLAGS });
  if (a.flags.help) {
    io.out('usage: mmlock check [--tree DIR] [--profile auto|ID|FILE] [--format text|json|sarif] [--all] [--fail-on error|warning|never] [--quiet] INPUT...\n'
      + 'INPUT is a patch, an mbox series or a C file (a directory stands for its *.c files; - reads stdin).\n'
      + '       mmlock check --what-if EDIT[,EDIT]... [--tree DIR] PATH...   (see: mmlock check --what-if help)\n');
    return 0;
  }
  const format = oneOf('format', a.flags.format, ['text', 'json', 'sarif'] as const, 'text');
  const failOn = oneOf('fail-on', a.flags['fail-on'], ['error', 'warning', 'never'] as const, 'warning');
  if (!a.positional.length) throw new UsageError('no INPUT given (a patch, mbox or C file; - for stdin)');
  const tree = a.flags.tree ? path.resolve(io.cwd, String(a.flags.tree)) : defaultTree(io.cwd);
  const whatIf = a.flags['what-if'] as string[] | undefined;
  if (whatIf?.length) {
    return runWhatIf({ edits: whatIf, tree, profile: a.flags.profile as string | undefined, format, inputs: a.positional, io });
  }
  const started = Date.now();
  const cache = createCache();
  const findings: Finding[] = [];
  let functions = 0;
  let files = 0;
  let profile = '';
  let origin = '';
  const notes: string[] = [];
  const names = expandInputs(a.positional, io.cwd);
  const profileArg = (a.flags.profile as string | undefined) ?? 'auto';
  const workers = names.includes('-') ? 1 : workerCount(names.length);
  // Many files: spread them over the cores (results come back in input order).
  const parallel = workers > 1 ? await runParallel({ inputs: names, tree, profile: profileArg, all: !!a.flags.all, cwd: io.cwd }, workers) : undefined;
  for (const name of names) {
    let r: AnalysisResult;
    const part = parallel?.find((p) => p.name === name);
    if (part?.error) throw Object.assign(new Error(part.error.message), { file: part.error.file, line: part.error.line });
    if (part?.result) r = part.result;
    else {
      const input = await readInput(name, io);
      try {
        r = await analyze({ name: input.name, text: input.text, tree, profile: profileArg, all: !!a.flags.all, cache, cwd: io.cwd, sites: false });
      } catch (e) {
        // The contract's one line names the input: `mmlock check: FILE:LINE: message`.
        const err = e as Error & { file?: string; line?: number };
        if (!err.file && err.line !== undefined) err.file = name;
        throw err;
      }
    }
    findings.push(...r.findings);
    functions += r.stats.functions;
    files += r.stats.files;
    profile = r.profile.id;
    origin = r.profile.origin;
    notes.push(...r.notes.map((n) => `${name}: ${n}`));
  }
  const ms = Date.now() - started;
  if (format === 'json') {
    io.out(JSON.stringify({ version: 1, profile, findings: findings.map(jsonFinding), stats: { files, functions, ms } }, null, 1) + '\n');
  } else if (format === 'sarif') {
    io.out(JSON.stringify(toSarif(findings, profile, { notes, srcRoot: tree, profileOrigin: origin }), null, 1) + '\n');
  } else {
    if (!a.flags.quiet) {
      io.out(formatText(findings));
      for (const n of notes) io.err(`mmlock: note: ${n}\n`);
    }
    io.out(summaryLine(findings, functions, files, `${profile} (${origin})`, ms) + '\n');
  }
  const failing = findings.filter((f) => failOn === 'never' ? false : failOn === 'error' ? f.severity === 'error' : f.severity !== 'info');
  return failing.length ? 1 : 0;
};

/** The current directory when it looks like a kernel tree (Makefile + mm/). */
function defaultTree(cwd: string): string | undefined {
  const fs = require('fs') as typeof import('fs');
  return fs.existsSync(path.join(cwd, 'Makefile')) && fs.existsSync(path.join(cwd, 'mm')) ? cwd : undefined;
}

/** The JSON contract's field order, then the extras. */
function jsonFinding(f: Finding): Record<string, unknown> {
  return {
    code: f.code, severity: f.severity, message: f.message, file: f.file, line: f.line, column: f.column,
    endLine: f.endLine, endColumn: f.endColumn, function: f.function, introduced: f.introduced, locks: f.locks,
    ...(f.input !== undefined ? { input: f.input } : {}), ...(f.inputLine !== undefined ? { inputLine: f.inputLine } : {}),
    related: f.related, classes: f.classes, ...(f.source ? { source: f.source } : {}),
  };
}
