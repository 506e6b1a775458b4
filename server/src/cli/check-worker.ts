// Checking many inputs on more than one core: the inputs are split into chunks of similar size and
// all but the first run in worker threads started from the same CLI entry.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { analyze, analyzeUnderEach, createCache } from '../analysis';
import { sameWalks } from '../model/profile-edit-reach';
import type { AnalysisResult } from '../analysis-types';
import type { Profile } from '../model/profile-types';

/** A profile object to analyse with instead of `profile` (what-if: the base and the edited profile). */
export interface CheckVariant { profileObject: Profile; profileOrigin: string }

export interface CheckJob {
  inputs: string[]; tree?: string; profile: string; all: boolean; cwd: string;
  /** Analyse every input once per variant (in this order), sharing the parsed headers; two
   *  variants that differ only in kinds and the order share one walk (model/profile-edit-reach.ts). */
  variants?: CheckVariant[];
  /** With variants: functions of an input left out (the what-if reach filter), by input name. */
  skip?: Record<string, string[]>;
}
export interface CheckPart {
  name: string; result?: AnalysisResult; error?: { message: string; file?: string; line?: number };
  /** With variants: one result per variant (`result` is the first). */
  results?: AnalysisResult[];
}

/** Analyse inputs in this thread (also what a worker runs). */
export async function runChunk(job: CheckJob): Promise<CheckPart[]> {
  const cache = createCache();
  const out: CheckPart[] = [];
  const oneWalk = job.variants?.length === 2 && sameWalks(job.variants[0].profileObject, job.variants[1].profileObject);
  for (const name of job.inputs) {
    try {
      const text = fs.readFileSync(path.resolve(job.cwd, name), 'utf8');
      if (job.variants) {
        const results = await analyzeUnderEach({
          name, text, tree: job.tree, all: job.all, cache, cwd: job.cwd, sites: false,
          // Variants are what-if runs: callees in the tree's other files count (see what-if.ts).
          crossFile: true, skipFunctions: job.skip?.[name],
        }, job.variants, oneWalk);
        out.push({ name, result: results[0], results });
        continue;
      }
      const result = await analyze({ name, text, tree: job.tree, profile: job.profile, all: job.all, cache, cwd: job.cwd, sites: false });
      out.push({ name, result });
    } catch (e) {
      const err = e as Error & { line?: number };
      out.push({ name, error: { message: err.message, file: name, line: err.line } });
    }
  }
  return out;
}

export function workerCount(inputs: number): number {
  if (process.env.MMLOCK_WORKERS !== undefined) return Math.max(1, Number(process.env.MMLOCK_WORKERS) || 1);
  // V8 compiles and collects on a second core; with two cores (often SMT siblings) a worker thread
  // only competes with that and adds a heap (measured on 6.12 mm/: 1 thread 5.4-5.7 s and 215 MB,
  // 2 threads 5.3-5.8 s and 300 MB). Workers pay from four cores up, one core left to V8.
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return inputs >= 6 && cores >= 4 ? Math.min(cores - 1, 4) : 1;
}

/** Split by size so the chunks take about as long; keep each chunk in input order. */
export function chunks(inputs: string[], n: number, cwd: string): string[][] {
  const sized = inputs.map((f, i) => ({ f, i, size: safeSize(path.resolve(cwd, f)) })).sort((a, b) => b.size - a.size);
  const parts = Array.from({ length: n }, () => ({ size: 0, items: [] as { f: string; i: number }[] }));
  for (const s of sized) { const p = parts.reduce((a, b) => (b.size < a.size ? b : a)); p.items.push(s); p.size += s.size; }
  return parts.map((p) => p.items.sort((a, b) => a.i - b.i).map((x) => x.f)).filter((c) => c.length);
}

function safeSize(p: string): number { try { return fs.statSync(p).size; } catch { return 0; } }

export async function runParallel(job: CheckJob, n: number): Promise<CheckPart[]> {
  const parts = chunks(job.inputs, n, job.cwd);
  const entry = fs.existsSync(path.join(__dirname, 'cli.js')) ? path.join(__dirname, 'cli.js') : path.join(__dirname, '..', 'cli.js');
  const others = parts.slice(1).map((inputs) => new Promise<CheckPart[]>((resolve, reject) => {
    const w = new Worker(entry, { workerData: { mmlockCheck: { ...job, inputs } } });
    w.once('message', (m: CheckPart[]) => resolve(m));
    w.once('error', reject);
    w.once('exit', (code) => { if (code !== 0) reject(new Error(`worker exited with ${code}`)); });
  }));
  const mine = await runChunk({ ...job, inputs: parts[0] ?? [] });
  const rest = await Promise.all(others);
  const byName = new Map([...mine, ...rest.flat()].map((p) => [p.name, p] as const));
  return job.inputs.map((n2) => byName.get(n2)!).filter(Boolean);
}
