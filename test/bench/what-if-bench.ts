// What-if figures: the whole 2.6.34 mm/ checked under seed 001's conversion
// (`--what-if i_mmap_lock=mutex,anon_vma=mutex`) against the plain whole-tree check, both through
// the CLI (worker threads included); the what-if should cost no more than the plain check (it
// analyses only the files the edit can reach, and a kind edit in one walk for both profiles).
// Also the same what-if with every file
// analysed (no reach filter), to show what the filter saves. The what-if follows callees into the
// directory's other files and the plain check of whole files does not, so the two do not do the
// same work: the ratio says what the deeper answer costs.
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../server/src/cli';
import type { CliIO } from '../../server/src/cli/io';
import { whatIf } from '../../server/src/what-if';
import type { BenchRow } from './bench';

const repo = path.resolve(__dirname, '../../..');
const corpus = path.resolve(repo, '../shared/corpus');

function quietIO(): CliIO & { text: () => string } {
  let out = '';
  return { out: (s) => { out += s; }, err: () => {}, readStdin: async () => '', cwd: repo, text: () => out };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<BenchRow[]> {
  const tree = path.join(corpus, 'linux-2.6.34');
  if (!fs.existsSync(tree)) return [{ name: 'what-if: corpus missing, skipped', value: 0, unit: '' }];
  const dir = path.join(tree, 'mm');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.c')).map((f) => path.join(dir, f));
  const plain: number[] = [];
  const edited: number[] = [];
  let analysed = 0;
  // Alternate the two, three times each, so both see the same machine load.
  for (let i = 0; i < 3; i++) {
    plain.push(await time(() => main(['check', '--all', '--format', 'json', '--tree', tree, ...files], quietIO())));
    const io = quietIO();
    edited.push(await time(() => main(['check', '--what-if', 'i_mmap_lock=mutex,anon_vma=mutex', '--format', 'json', '--tree', tree, ...files], io)));
    analysed = (JSON.parse(io.text()) as { stats: { analysed: number } }).stats.analysed;
  }
  const p = median(plain);
  const w = median(edited);
  const inputs = files.map((f) => ({ name: f, text: fs.readFileSync(f, 'utf8') }));
  const exhaustive = await time(() => whatIf({ edits: ['i_mmap_lock=mutex,anon_vma=mutex'], inputs, tree, exhaustive: true }));
  return [
    { name: `plain check of 2.6.34 mm/ (${files.length} files), median of 3`, value: Math.round(p), unit: 'ms' },
    { name: `what-if i_mmap_lock=mutex,anon_vma=mutex on 2.6.34 mm/ (${analysed} files reached), median of 3`, value: Math.round(w), unit: 'ms', target: `<= plain check (${Math.round(p)} ms)` },
    { name: 'what-if / plain check', value: w / p, unit: 'x', target: '<= 1.0' },
    { name: 'what-if without the reach filter (every file, one thread)', value: Math.round(exhaustive), unit: 'ms' },
  ];
}
