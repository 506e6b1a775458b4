// Parse cost and coverage over the 6.12 mm/ tree: the raw tree-sitter-c parse against the
// neutralize + parse + function extraction that mmlock does (DESIGN.md "Parsing").
import * as fs from 'fs';
import * as path from 'path';
import { neutralize } from '../../server/src/c/neutralize';
import { disposeC, initParser, parseC, parseRaw } from '../../server/src/c/parser';

interface Row { name: string; value: number; unit: string; target?: string }

const MM = path.resolve(__dirname, '../../..', '../shared/corpus/linux-6.12/mm');

function ms(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function run(): Promise<Row[]> {
  if (!fs.existsSync(MM)) return [{ name: 'parse: linux-6.12/mm not found (skipped)', value: 0, unit: '' }];
  await initParser();
  const texts = fs.readdirSync(MM).filter((f) => f.endsWith('.c')).sort().map((f) => fs.readFileSync(path.join(MM, f), 'utf8'));
  const raw = () => { for (const t of texts) parseRaw(t).delete(); };
  let functions = 0, withErrors = 0;
  const full = () => {
    functions = 0; withErrors = 0;
    for (const t of texts) {
      const file = parseC(t);
      functions += file.functions.length;
      for (const fn of file.functions) if (fn.hasErrors) withErrors++;
      disposeC(file);
    }
  };
  raw(); full(); // warm up the WASM and JS compilers
  const rawMs = Math.min(ms(raw), ms(raw));
  const fullMs = Math.min(ms(full), ms(full));
  const neutralizeMs = Math.min(ms(() => texts.forEach((t) => neutralize(t))), ms(() => texts.forEach((t) => neutralize(t))));
  const pct = functions ? (100 * withErrors) / functions : 0;
  return [
    { name: 'parse 6.12 mm/: raw tree-sitter-c', value: Math.round(rawMs), unit: 'ms' },
    { name: 'parse 6.12 mm/: neutralize + parse + functions', value: Math.round(fullMs), unit: 'ms', target: `<= ${Math.round(rawMs * 1.3)} ms (1.3x raw)` },
    { name: 'parse 6.12 mm/: neutralize alone', value: Math.round(neutralizeMs), unit: 'ms' },
    { name: 'parse 6.12 mm/: functions found', value: functions, unit: '', target: '>= 5500' },
    { name: 'parse 6.12 mm/: functions with parse errors', value: Number(pct.toFixed(2)), unit: '%', target: '<= 1%' },
    { name: 'parse 6.12 mm/: peak RSS', value: Math.round(process.resourceUsage().maxRSS / 1024), unit: 'MB', target: '< 300 MB' },
  ];
}
