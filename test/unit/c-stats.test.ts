// collectStats and `mmlock stats`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { collectStats } from '../../server/src/c/stats';
import { main } from '../../server/src/cli';
import type { CliIO } from '../../server/src/cli/io';

const FIX = path.resolve(__dirname, '../../../test/fixtures/c');

function fakeIO(cwd: string) {
  let out = '', err = '';
  const io: CliIO = { out: (s) => { out += s; }, err: (s) => { err += s; }, readStdin: async () => '', cwd };
  return { io, out: () => out, err: () => err };
}

test('collectStats counts files, functions, parse errors and lock calls', async () => {
  const s = await collectStats([
    { name: 'a.c', text: 'void a(void)\n{\n\tspin_lock(&x);\n\tfoo();\n\tspin_unlock(&x);\n}\n' },
    { name: 'b.c', text: 'int b(void)\n{\n\tx = = 1;\n\tmutex_lock(&m);\n}\nvoid c(void) { rcu_read_lock(); }\n' },
  ]);
  assert.equal(s.files, 2);
  assert.equal(s.functions, 3);
  assert.equal(s.functionsWithParseErrors, 1);
  assert.equal(s.lockCalls, 4);
  assert.equal(s.unresolvedLockCalls, 0);
  assert.deepEqual(s.errorFunctions, [{ file: 'b.c', line: 1, function: 'b' }]);
  assert.ok(s.ms >= 0);
});

test('mmlock stats --format json: the contract keys, a directory means its .c files', async () => {
  const f = fakeIO(path.dirname(FIX));
  const code = await main(['stats', '--format', 'json', 'c'], f.io);
  assert.equal(code, 0, f.err());
  const j = JSON.parse(f.out());
  for (const k of ['files', 'functions', 'functionsWithParseErrors', 'lockCalls', 'unresolvedLockCalls', 'ms']) {
    assert.equal(typeof j[k], 'number', k);
  }
  const cFiles = fs.readdirSync(FIX).filter((n) => n.endsWith('.c')).length;
  assert.equal(j.files, cFiles, 'the .h fixture is not counted');
  assert.equal(j.functionsWithParseErrors, 0);
  assert.ok(j.functions >= 15);
});

test('mmlock stats text output, files given one by one', async () => {
  const f = fakeIO(FIX);
  const code = await main(['stats', 'calls.c', 'structs.h'], f.io);
  assert.equal(code, 0, f.err());
  assert.match(f.out(), /^2 files, 1 functions\nparse errors: 0 functions \(0\.00%\)\nlock calls: 3 \(0 unresolved, 0\.0%\) with profile linux-6\.12\ntime: /);
});

test('mmlock stats: a missing path or no path is exit 2 with one line', async () => {
  const f = fakeIO(FIX);
  assert.equal(await main(['stats', 'no-such-dir'], f.io), 2);
  assert.equal(f.err(), 'mmlock stats: no-such-dir: no such file or directory\n');
  const g = fakeIO(FIX);
  assert.equal(await main(['stats'], g.io), 2);
  assert.equal(g.err().split('\n').length, 2);
  const h = fakeIO(FIX);
  assert.equal(await main(['stats', '--format', 'xml', 'calls.c'], h.io), 2);
});

test('mmlock stats does not recurse into subdirectories', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mmlock-stats-'));
  try {
    fs.writeFileSync(path.join(dir, 'top.c'), 'void top(void) { }\n');
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'deep.c'), 'void deep(void) { }\n');
    const f = fakeIO(dir);
    assert.equal(await main(['stats', '--format', 'json', '.'], f.io), 0, f.err());
    const j = JSON.parse(f.out());
    assert.equal(j.files, 1);
    assert.equal(j.functions, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
