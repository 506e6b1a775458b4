#!/usr/bin/env node
// The longer fuzzing run for local use: the same fast-check properties as `npm test`
// (test/unit/fuzz-core.test.ts: patch reader, neutralize, analysis, cache independence;
// test/unit/fuzz-lsp.test.ts: the built language server) with many more runs and a random seed.
//
//   npm run build && node scripts/fuzz-long.js [runs] [--heavy]
//
// runs     runs of the patch-reader property (default 12000); every property scales by the same
//          factor (runs / 600): e.g. 12000 gives 1200 analysis runs and 240 language-server sessions.
// --heavy  also run test/unit/cli-bad-input.test.ts with MMLOCK_HEAVY=1 (the 50 MB inputs).
// MMLOCK_FUZZ_SEED=N replays a seed. A failure prints the seed, the fast-check path and a file
// holding the shrunk counterexample (in the system temp directory).
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const heavy = args.includes('--heavy');
const runsArg = args.find((a) => /^\d+$/.test(a));
if (args.some((a) => a !== '--heavy' && !/^\d+$/.test(a))) {
  console.error('usage: node scripts/fuzz-long.js [runs] [--heavy]');
  process.exit(2);
}
const runs = Number(runsArg ?? 12000);
const factor = runs / 600;
const seed = process.env.MMLOCK_FUZZ_SEED !== undefined ? Number(process.env.MMLOCK_FUZZ_SEED) : crypto.randomInt(0, 2 ** 31 - 1);

const root = path.resolve(__dirname, '..');
const files = ['fuzz-core.test.js', 'fuzz-lsp.test.js'].map((f) => path.join(root, 'build/test/unit', f));
if (heavy) files.push(path.join(root, 'build/test/unit/cli-bad-input.test.js'));
for (const f of files) {
  if (!fs.existsSync(f)) { console.error(`${path.relative(root, f)} is missing: run \`npm run build\` first`); process.exit(2); }
}
if (!fs.existsSync(path.join(root, 'server/out/server.js'))) { console.error('server/out/server.js is missing: run `npm run build` first'); process.exit(2); }

console.log(`mmlock fuzz: seed ${seed}, factor ${factor} (${runs} patch-reader runs, ${Math.round(60 * factor)} analysis runs, ${Math.round(12 * factor)} language-server sessions)${heavy ? ', heavy inputs' : ''}`);
const started = Date.now();
const env = { ...process.env, MMLOCK_FUZZ_SEED: String(seed), MMLOCK_FUZZ_FACTOR: String(factor), ...(heavy ? { MMLOCK_HEAVY: '1' } : {}) };
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit', env });
const minutes = ((Date.now() - started) / 60000).toFixed(1);
const status = r.status ?? 1;
console.log(`mmlock fuzz: ${status === 0 ? 'passed' : 'FAILED'} in ${minutes} min; seed ${seed}`);
if (status !== 0) {
  console.log(`replay: MMLOCK_FUZZ_SEED=${seed} MMLOCK_FUZZ_FACTOR=${factor} node --test ${files.map((f) => path.relative(root, f)).join(' ')}`);
}
process.exit(status);
