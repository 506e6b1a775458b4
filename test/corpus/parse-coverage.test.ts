// Parse coverage on the real mm/ trees: at most 1% of functions may hold parse errors after the
// neutralize pass, no function may be lost, and the pass keeps every offset and line break.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { neutralize } from '../../server/src/c/neutralize';
import { collectStats, type StatsInput } from '../../server/src/c/stats';

const CORPUS = path.resolve(__dirname, '../../..', '../shared/corpus');

/** Functions found by this parser when these tests were written (true definitions, not the raw
 *  parser's nested mis-parses of `for_each_x(...) {`); a drop means definitions are being lost. */
const TREES: { tree: string; minFunctions: number }[] = [
  { tree: 'linux-6.12', minFunctions: 5500 },
  { tree: 'linux-6.1', minFunctions: 5150 },
  { tree: 'linux-2.6.34', minFunctions: 2320 },
  { tree: 'linux-2.6.26', minFunctions: 1670 },
];

function mmFiles(tree: string): StatsInput[] {
  const dir = path.join(CORPUS, tree, 'mm');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.c')).sort()
    .map((f) => ({ name: `${tree}/mm/${f}`, text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

for (const { tree, minFunctions } of TREES) {
  test(`${tree}/mm: at most 1% of functions with parse errors`, async (t) => {
    if (!fs.existsSync(path.join(CORPUS, tree, 'mm'))) { t.skip(`no ${tree} in ${CORPUS}`); return; }
    const s = await collectStats(mmFiles(tree));
    const pct = (100 * s.functionsWithParseErrors) / s.functions;
    t.diagnostic(`${s.files} files, ${s.functions} functions, ${s.functionsWithParseErrors} with errors (${pct.toFixed(2)}%), ${s.lockCalls} lock calls, ${s.ms} ms`);
    assert.ok(pct <= 1, `${pct.toFixed(2)}% of functions have parse errors: ` +
      s.errorFunctions.slice(0, 10).map((e) => `${e.file}:${e.line} ${e.function}`).join(', '));
    assert.ok(s.functions >= minFunctions, `only ${s.functions} functions found (expected at least ${minFunctions})`);
  });
}

test('linux-6.12: neutralize keeps the length and every line break of every mm/ and header file', (t) => {
  const root = path.join(CORPUS, 'linux-6.12');
  if (!fs.existsSync(root)) { t.skip(`no linux-6.12 in ${CORPUS}`); return; }
  const files = [...mmFiles('linux-6.12').map((f) => path.join(CORPUS, f.name)),
    ...fs.readdirSync(path.join(root, 'include/linux')).filter((f) => f.endsWith('.h')).map((f) => path.join(root, 'include/linux', f))];
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    const out = neutralize(text).text;
    assert.equal(out.length, text.length, f);
    let a = text.indexOf('\n'), b = out.indexOf('\n');
    while (a >= 0 || b >= 0) {
      assert.equal(b, a, `${f}: line break moved`);
      a = text.indexOf('\n', a + 1); b = out.indexOf('\n', b + 1);
    }
  }
});
