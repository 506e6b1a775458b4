// Checker figures: all of 6.12 mm/ checked (time and peak memory, worker threads included), and
// the median time of a single-file patch check (the seed patch (a) against 2.6.34).
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../server/src/cli';
import { parseRaw } from '../../server/src/c/parser';
import type { CliIO } from '../../server/src/cli/io';
import type { BenchRow } from './bench';

const repo = path.resolve(__dirname, '../../..');
const corpus = path.resolve(repo, '../shared/corpus');

function quietIO(): CliIO & { text: () => string } {
  let out = '';
  return { out: (s) => { out += s; }, err: () => {}, readStdin: async () => '', cwd: repo, text: () => out };
}

async function measure(fn: () => Promise<unknown>): Promise<{ ms: number; peakMB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
  const t0 = process.hrtime.bigint();
  try { await fn(); } finally { clearInterval(timer); }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, peakMB: peak / 2 ** 20 };
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  if (!fs.existsSync(corpus)) return [{ name: 'check: corpus missing, skipped', value: 0, unit: '' }];
  const dir = path.join(corpus, 'linux-6.12/mm');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.c')).map((f) => path.join(dir, f));
  const io = quietIO();
  const whole = await measure(() => main(['check', '--all', '--format', 'json', '--tree', path.join(corpus, 'linux-6.12'), ...files], io));
  const j = JSON.parse(io.text());
  // This machine's speed changes by half from hour to hour (other guests): the raw parse of the same
  // files, timed right after, is the yardstick (the target assumes it takes about 1 s).
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  const t0 = process.hrtime.bigint();
  for (const t of texts) parseRaw(t).delete();
  const rawMs = Number(process.hrtime.bigint() - t0) / 1e6;
  rows.push({ name: `check all of 6.12 mm/ (${files.length} files, ${j.stats.functions} functions)`, value: Math.round(whole.ms), unit: 'ms', target: '< 3000 ms' });
  rows.push({ name: 'check all of 6.12 mm/: peak RSS (incl. workers)', value: Math.round(whole.peakMB), unit: 'MB', target: '< 300 MB' });
  rows.push({ name: `check all of 6.12 mm/ / raw parse of it (${Math.round(rawMs)} ms, same run)`, value: whole.ms / rawMs, unit: 'x', target: '< 3.0 (3 s at a 1 s raw parse)' });
  const patch = path.join(repo, 'test/fixtures/seeds/a-expand-downwards-page-table-lock.patch');
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = await measure(() => main(['check', '--format', 'json', '--tree', path.join(corpus, 'linux-2.6.34'), patch], quietIO()));
    times.push(t.ms);
  }
  times.sort((a, b) => a - b);
  rows.push({ name: 'check a single-file patch (seed (a) vs 2.6.34), median of 7', value: Math.round(times[3]), unit: 'ms', target: '< 100 ms (typical patch)' });
  return rows;
}
