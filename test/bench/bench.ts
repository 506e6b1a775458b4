// npm run bench: runs every test/bench/*-bench module and prints each figure beside its target.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface BenchRow { name: string; value: number; unit: string; target?: string }

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  console.log(`mmlock bench — node ${process.version}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);
  const mods = fs.readdirSync(__dirname).filter((f) => f.endsWith('-bench.js')).sort();
  for (const m of mods) {
    if (only.length && !only.some((o) => m.includes(o))) continue;
    const mod = require(path.join(__dirname, m)) as { run(): Promise<BenchRow[]> };
    let rows: BenchRow[];
    try { rows = await mod.run(); } catch (e) { console.log(`${m}: failed: ${(e as Error).message}`); continue; }
    for (const r of rows) {
      const v = Number.isInteger(r.value) ? String(r.value) : r.value.toFixed(2);
      console.log(`${r.name.padEnd(58)} ${(v + ' ' + r.unit).padStart(16)}   ${r.target ? 'target ' + r.target : ''}`);
    }
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
