// mmlock check --what-if: re-check C files under a lock hierarchy edited to a proposal and report
// what the edit breaks and what it allows (what-if.ts does the work; this is the shell: arguments,
// worker threads, text/JSON/SARIF output, exit status 1 when the edit breaks something).
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './args';
import type { CliIO } from './io';
import { expandInputs, readInput } from './inputs';
import { toSarif } from './format-sarif';
import { runChunk, runParallel, workerCount } from './check-worker';
import type { AnalysisResult } from '../analysis-types';
import type { Finding } from '../findings';
import { EditError } from '../model/profile-edit';
import { parseEditFile, type ProfileEditFile } from '../model/profile-edit-file';
import { whatIf, type NamedEditFile, type WhatIfInput, type WhatIfResult, type WhatIfRunner, type WhatIfSite } from '../what-if';

export interface WhatIfArgs { edits: string[]; tree?: string; profile?: string; format: string; inputs: string[]; io: CliIO }

export const WHAT_IF_USAGE = `usage: mmlock check --what-if EDIT[,EDIT]... [--what-if ...] [--tree DIR] [--profile auto|ID|FILE] [--format text|json|sarif] PATH...
Checks PATH (C files; a directory stands for its *.c files) under the profile and under the profile
edited as below, and lists what only the edited model reports (breaks; exit 1) and what only the
plain model reports (now allowed). Needs a kernel tree (--tree DIR, or run inside one).
EDIT:
  CLASS=KIND                      change a lock class's kind: i_mmap_lock=mutex, anon_vma->lock=rwsem
                                  (KIND: spinlock raw_spinlock rwlock bit_spinlock mutex rwsem page_lock rcu srcu seqcount pseudo)
  NAME:after=A,before=B[,kind=K][,field=STRUCT.FIELD][,global=G][,alias=X]
                                  insert a lock class with edges A -> NAME -> B (after=/before= may repeat;
                                  kind guessed from the name: *_lock spinlock, *mutex mutex, *sem rwsem;
                                  NAME may be VAR->FIELD: mm->anon_vma_chain_lock)
  reverse:A>B                     the documented edge A -> B becomes B -> A
  remove:A>B                      drop the documented edge A -> B
  add:A>B                         add the edge A -> B (A is taken before B)
  FILE.json                       a what-if file: a profile patch (classes, order, removeEdges, reverseEdges,
                                  kinds {"i_mmap_lock": "mutex"}, edits [...])
Classes are named by id, alias or ordering-comment name (mapName). --what-if help prints this.
`;

export async function runWhatIf(a: WhatIfArgs): Promise<number> {
  const { io } = a;
  if (a.edits.some((e) => e.trim() === 'help')) { io.out(WHAT_IF_USAGE); return 0; }
  if (!a.tree) throw new UsageError('--what-if needs a kernel tree: give --tree DIR (or run it inside one)');
  if (!a.inputs.length) throw new UsageError('--what-if needs PATH... (C files, or directories of them)');
  if (!fs.existsSync(path.join(a.tree, 'Makefile')) && !fs.existsSync(path.join(a.tree, 'mm'))) {
    throw new UsageError(`--tree ${a.tree}: not a kernel tree (no Makefile, no mm/)`);
  }
  const edits: (string | NamedEditFile)[] = a.edits.map((e) => (/\.json$/i.test(e.trim()) ? { name: e.trim(), file: readEditFile(e.trim(), io.cwd) } : e));
  const names = expandInputs(a.inputs, io.cwd);
  const inputs: WhatIfInput[] = [];
  for (const n of names) {
    const t = await readInput(n, io);
    inputs.push({ name: t.name, text: t.text });
  }
  const workers = names.includes('-') ? 1 : workerCount(names.length);
  let r: WhatIfResult;
  try {
    r = await whatIf({ edits, inputs, tree: a.tree, profile: a.profile, cwd: io.cwd, runner: workers > 1 ? workerRunner(a.tree, io.cwd) : undefined });
  } catch (e) {
    if (e instanceof EditError) throw new UsageError(e.message);
    throw e;
  }
  if (a.format === 'json') io.out(JSON.stringify(toJson(r), null, 1) + '\n');
  else if (a.format === 'sarif') io.out(JSON.stringify(toWhatIfSarif(r, a.tree), null, 1) + '\n');
  else io.out(formatWhatIfText(r));
  return r.breaks.length ? 1 : 0;
}

function readEditFile(name: string, cwd: string): ProfileEditFile {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, name), 'utf8');
  } catch (e) {
    throw new UsageError(`${name}: cannot read the what-if file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return parseEditFile(text, name);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The relevant inputs over worker threads, both profiles per input in the same worker. */
function workerRunner(tree: string, cwd: string): WhatIfRunner {
  return async (inputs, variants) => {
    const n = workerCount(inputs.length);
    const job = {
      inputs: inputs.map((i) => i.name), tree, profile: 'auto', all: true, cwd,
      variants: variants.map((v) => ({ profileObject: v.profile, profileOrigin: v.origin })),
      skip: Object.fromEntries(inputs.filter((i) => i.skip).map((i) => [i.name, i.skip!])),
    };
    const parts = n > 1 ? await runParallel(job, n) : await runChunk(job);
    return parts.map((p) => {
      if (p.error) throw Object.assign(new Error(p.error.message), { file: p.error.file, line: p.error.line });
      return p.results as AnalysisResult[];
    });
  };
}

// ------------------------------------------------------------------ output

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

function siteLines(s: WhatIfSite): string {
  const f = s.finding;
  const sev = s.change === 'breaks' ? f.severity : 'note';
  const bound = s.bounded ? ` (${f.function}() was not fully analysed: ${s.bounded})` : '';
  let out = `    ${f.file}:${f.line}:${f.column}: ${sev}: ${s.change === 'allowed' ? 'now allowed: ' : ''}${s.explanation}${bound} [${f.code}]\n`;
  for (const r of f.related) if (r.line > 0) out += `    ${r.file}:${r.line}:${r.column ?? 1}: note: ${r.message}\n`;
  return out;
}

function section(r: WhatIfResult, change: 'breaks' | 'allowed'): string {
  const sites = r[change];
  const files = r.files.filter((f) => f[change]);
  const fns = files.reduce((n, f) => n + f.functions.filter((x) => x[change]).length, 0);
  const title = change === 'breaks' ? 'breaks' : 'now allowed';
  if (!sites.length) return `${title}: nothing\n`;
  let out = `${title}: ${plural(sites.length, 'site')} in ${plural(fns, 'function')} of ${plural(files.length, 'file')}\n`;
  for (const file of files) {
    out += `${file.file}: ${change === 'breaks' ? plural(file.breaks, 'break') : `${file.allowed} now allowed`}\n`;
    for (const fn of file.functions) {
      const mine = fn.sites.filter((s) => s.change === change);
      if (!mine.length) continue;
      out += `  ${fn.name}():\n`;
      for (const s of mine) out += siteLines(s);
    }
  }
  return out;
}

export function formatWhatIfText(r: WhatIfResult): string {
  let out = `mmlock what-if: ${r.profile.origin}\n`;
  for (const e of r.edited.edits) out += `edit ${e.edit}: ${e.description}\n`;
  for (const n of r.notes) out += `note: ${n}\n`;
  out += '\n' + section(r, 'breaks') + '\n' + section(r, 'allowed');
  if (r.causes.length) {
    out += `\nby cause: ${r.causes.map((c) => `${c.text} ${[c.breaks ? plural(c.breaks, 'break') : '', c.allowed ? `${c.allowed} now allowed` : ''].filter(Boolean).join(', ')}`).join('; ')}\n`;
  }
  const st = r.stats;
  out += `mmlock: what-if ${r.edited.label || '(no edit)'}: ${plural(r.breaks.length, 'break')}, ${r.allowed.length} now allowed; `
    + `${st.analysed} of ${plural(st.inputs, 'file')} analysed${st.skipped ? ` (${st.skipped} cannot be affected by the edit)` : ''}, ${st.functions} functions, profile ${r.edited.id}, ${st.ms} ms\n`;
  return out;
}

function jsonFinding(f: Finding): Record<string, unknown> {
  return {
    code: f.code, severity: f.severity, message: f.message, file: f.file, line: f.line, column: f.column,
    endLine: f.endLine, endColumn: f.endColumn, function: f.function, locks: f.locks, classes: f.classes, related: f.related,
    ...(f.source ? { source: f.source } : {}),
  };
}

function jsonSite(s: WhatIfSite): Record<string, unknown> {
  return { ...jsonFinding(s.finding), cause: s.cause, causeText: s.causeText, explanation: s.explanation, ...(s.bounded ? { bounded: s.bounded } : {}) };
}

export function toJson(r: WhatIfResult): Record<string, unknown> {
  return {
    version: 1, profile: r.profile.id, origin: r.profile.origin,
    edited: { id: r.edited.id, origin: r.edited.origin, edits: r.edited.edits.map((e) => ({ edit: e.edit, description: e.description })) },
    breaks: r.breaks.map(jsonSite), allowed: r.allowed.map(jsonSite),
    files: r.files.map((f) => ({ file: f.file, breaks: f.breaks, allowed: f.allowed, functions: f.functions.map((fn) => ({ name: fn.name, line: fn.line, breaks: fn.breaks, allowed: fn.allowed })) })),
    causes: r.causes, notes: r.notes, stats: r.stats,
  };
}

/** SARIF: the breaks as results (message: the explanation), the now-allowed sites as run properties. */
export function toWhatIfSarif(r: WhatIfResult, tree?: string): Record<string, unknown> {
  const findings = r.breaks.map((s) => ({ ...s.finding, message: s.explanation }));
  const sarif = toSarif(findings, r.edited.id, { notes: r.notes, srcRoot: tree, profileOrigin: r.edited.origin }) as { runs: { properties: Record<string, unknown>; results: { properties: Record<string, unknown> }[] }[] };
  const run = sarif.runs[0];
  run.results.forEach((res, i) => {
    const b = r.breaks[i];
    res.properties = { ...res.properties, cause: b.cause, causeText: b.causeText, ...(b.bounded ? { bounded: b.bounded } : {}) };
  });
  run.properties = {
    ...run.properties, baseProfile: r.profile.id, origin: r.edited.origin,
    edits: r.edited.edits.map((e) => ({ edit: e.edit, description: e.description })),
    nowAllowed: r.allowed.map((s) => ({ file: s.finding.file, line: s.finding.line, function: s.finding.function, code: s.finding.code, cause: s.cause, explanation: s.explanation })),
  };
  return sarif;
}
