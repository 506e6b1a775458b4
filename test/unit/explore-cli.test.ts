// `mmlock simulate` in-process: usage errors and unreadable input exit 2 with one line; a run
// without deadlock exits 0 in text and JSON. (Traces come from collectTraces, which the lead is
// still building; the deadlock paths are covered on hand-made traces in the other explore tests.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runSimulate } from '../../server/src/cli/simulate';
import { commands } from '../../server/src/cli/commands';
import type { CliIO } from '../../server/src/cli/io';
import { UsageError } from '../../server/src/cli/args';

function io(stdin = ''): CliIO & { o: string; e: string } {
  const r = {
    o: '', e: '', cwd: os.tmpdir(),
    out: (s: string) => { r.o += s; },
    err: (s: string) => { r.e += s; },
    readStdin: async () => stdin,
  };
  return r;
}

const PATCH = `--- a/mm/mmap.c\n+++ b/mm/mmap.c\n@@ -1,3 +1,3 @@\n int x;\n-int y;\n+int z;\n int w;\n`;

test('simulate is registered', () => {
  assert.equal(commands.simulate, runSimulate);
});

test('usage errors: missing input, bad format, bad --max-states, unknown scenario', async () => {
  await assert.rejects(runSimulate([], io()), UsageError);
  await assert.rejects(runSimulate(['--format', 'xml', '-'], io()), /--format must be one of text, json/);
  await assert.rejects(runSimulate(['--max-states', '0', '-'], io()), /--max-states must be a positive integer/);
  await assert.rejects(runSimulate(['--scenario', 'no-such', '-'], io()), /unknown scenario no-such \(known: .*rmap-walk/);
  await assert.rejects(runSimulate(['a.patch', 'b.patch'], io()), /one INPUT/);
});

test('unreadable input: exit 2 and one line naming the file', async () => {
  const x = io();
  const code = await runSimulate([path.join(os.tmpdir(), 'mmlock-no-such-file.patch')], x);
  assert.equal(code, 2);
  assert.match(x.e, /^mmlock simulate: cannot read input .*mmlock-no-such-file\.patch: no such file\n$/);
  assert.equal(x.o, '');
});

test('no deadlock: exit 0, text and JSON (stdin input)', async () => {
  const t = io(PATCH);
  assert.equal(await runSimulate(['-'], t), 0);
  assert.match(t.o, /^no deadlock in \d+ states\n/);
  const j = io(PATCH);
  assert.equal(await runSimulate(['--format', 'json', '-'], j), 0);
  const obj = JSON.parse(j.o) as { version: number; explored: number; bounded: boolean; deadlocks: unknown[] };
  assert.equal(obj.version, 1);
  assert.equal(typeof obj.explored, 'number');
  assert.equal(obj.bounded, false);
  assert.deepEqual(obj.deadlocks, []);
});

test('a file input relative to cwd is read', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mmlock-sim-'));
  fs.writeFileSync(path.join(dir, 'x.patch'), PATCH);
  const t = { ...io(), cwd: dir };
  const r = io();
  const wrapped: CliIO = { ...t, out: r.out, err: r.err };
  assert.equal(await runSimulate(['x.patch'], wrapped), 0);
  assert.match(r.o, /no deadlock/);
  fs.rmSync(dir, { recursive: true, force: true });
});
