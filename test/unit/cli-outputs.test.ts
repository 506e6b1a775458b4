// The command line's outputs for CI and editors (DESIGN.md "Command line (contract)"), from the
// BUILT CLI in a child process: `--format json` keys, order and types; `--format text` lines in gcc
// form, agreeing with the JSON; `--fail-on` exit codes for error-, warning-, info-only and clean
// inputs in every format; `-` reads stdin; `--quiet` prints only the summary line.
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, test } from 'node:test';
import { main } from '../../server/src/cli';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'server/out/cli.js');
const TREE = path.join(ROOT, 'examples/tree');
const HARD = path.join(ROOT, 'test/fixtures/hardening');
const EXAMPLE = fs.readFileSync(path.join(ROOT, 'examples/expand-downwards-inversion.patch'), 'utf8');
const EX_LINES = EXAMPLE.split('\n');
const AVL = EX_LINES.findIndex((l) => l.startsWith('+\tanon_vma_lock(vma, &mm->page_table_lock);')) + 1;
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'mmlock-outputs-'));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));
fs.writeFileSync(path.join(TMP, 'ex.patch'), EXAMPLE);
for (const f of ['warning-only.c', 'info-only.c', 'clean.c']) fs.copyFileSync(path.join(HARD, f), path.join(TMP, f));

interface Run { status: number | null; stdout: string; stderr: string }
/** The built CLI in a child process (what CI runs: exit status, stdin, streams). */
function mmlock(args: string[], input = ''): Run {
  assert.ok(fs.existsSync(CLI), 'run `npm run build` first');
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: TMP, input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, MMLOCK_WORKERS: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same CLI entry in this process (main() from cli.ts): the bulk of the matrix, without a start-up per run. */
async function inProcess(args: string[], input = ''): Promise<Run> {
  let stdout = '', stderr = '';
  const status = await main(args, { out: (x) => { stdout += x; }, err: (x) => { stderr += x; }, readStdin: async () => input, cwd: TMP });
  return { status, stdout, stderr };
}

const CODES = ['lock-order', 'sleep-in-atomic', 'double-lock', 'unbalanced-lock', 'unlock-unheld', 'irq-state', 'analysis-limit'];
const CONTRACT = ['code', 'severity', 'message', 'file', 'line', 'column', 'endLine', 'endColumn', 'function', 'introduced', 'locks', 'input', 'inputLine', 'related'];
/** Keys beyond the contract that the CLI adds (after the contract's): a new one must be added here on purpose. */
const EXTRAS = ['classes', 'source'];

const posInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;

function checkFindingShape(f: Record<string, unknown>): void {
  const keys = Object.keys(f);
  const contract = keys.filter((k) => CONTRACT.includes(k));
  assert.deepEqual(contract, CONTRACT.filter((k) => keys.includes(k)), 'contract keys in the contract\'s order');
  assert.deepEqual(keys.slice(0, contract.length), contract, 'contract keys first, extras after');
  for (const k of keys) assert.ok(CONTRACT.includes(k) || EXTRAS.includes(k), `unexpected key ${k}`);
  for (const k of CONTRACT) if (k !== 'input' && k !== 'inputLine') assert.ok(k in f, `missing ${k}`);
  assert.equal('input' in f, 'inputLine' in f, 'input and inputLine come together');
  assert.ok(CODES.includes(f.code as string));
  assert.ok(['error', 'warning', 'info'].includes(f.severity as string));
  assert.ok(typeof f.message === 'string' && f.message.length > 0 && !/\n/.test(f.message));
  assert.ok(typeof f.file === 'string' && (f.file as string).length > 0);
  for (const k of ['line', 'column', 'endLine', 'endColumn']) assert.ok(posInt(f[k]), `${k} = ${f[k]}`);
  assert.ok((f.endLine as number) > (f.line as number) || ((f.endLine === f.line) && (f.endColumn as number) >= (f.column as number)), 'end after start');
  assert.ok(typeof f.function === 'string');
  assert.equal(typeof f.introduced, 'boolean');
  assert.ok(Array.isArray(f.locks) && (f.locks as unknown[]).every((l) => typeof l === 'string'));
  if ('input' in f) { assert.equal(typeof f.input, 'string'); assert.ok(posInt(f.inputLine)); }
  assert.ok(Array.isArray(f.related));
  for (const r of f.related as Record<string, unknown>[]) {
    for (const k of Object.keys(r)) assert.ok(['file', 'line', 'column', 'message'].includes(k), `related key ${k}`);
    assert.equal(typeof r.file, 'string');
    assert.ok(Number.isInteger(r.line));
    assert.equal(typeof r.message, 'string');
    if ('column' in r) assert.ok(posInt(r.column));
  }
  if ('classes' in f) assert.ok(Array.isArray(f.classes) && (f.classes as unknown[]).every((c) => typeof c === 'string'));
  if ('source' in f) assert.equal(typeof f.source, 'string');
}

function checkTopShape(j: Record<string, unknown>): void {
  assert.deepEqual(Object.keys(j), ['version', 'profile', 'findings', 'stats']);
  assert.equal(j.version, 1);
  assert.equal(typeof j.profile, 'string');
  assert.ok(Array.isArray(j.findings));
  assert.deepEqual(Object.keys(j.stats as object), ['files', 'functions', 'ms']);
  for (const v of Object.values(j.stats as object)) assert.ok(Number.isInteger(v) && v >= 0);
  for (const f of j.findings as Record<string, unknown>[]) checkFindingShape(f);
}

test('--format json: exactly the contract\'s keys, order and types, and the example\'s values', () => {
  const r = mmlock(['check', '--tree', TREE, '--format', 'json', 'ex.patch']);
  assert.equal(r.status, 1, r.stderr);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  checkTopShape(j);
  assert.equal(j.profile, 'linux-2.6.34');
  const [f] = j.findings as Record<string, unknown>[];
  assert.equal((j.findings as unknown[]).length, 1);
  assert.deepEqual(
    { ...f, message: undefined, related: undefined, classes: undefined, source: undefined },
    { code: 'lock-order', severity: 'error', message: undefined, file: 'mm/mmap.c', line: 21, column: 2, endLine: 21, endColumn: 42,
      function: 'expand_downwards', introduced: true, locks: ['mm->page_table_lock', 'avc->anon_vma->lock'], input: 'ex.patch', inputLine: AVL,
      related: undefined, classes: undefined, source: undefined });
  assert.deepEqual((f.related as unknown[])[0], { file: 'mm/mmap.c', line: 20, column: 2, message: 'mm->page_table_lock taken here' });
  // column..endColumn (1-based, end exclusive) is the call on the line the patch shows.
  assert.equal(EX_LINES[AVL - 1].slice(1).slice((f.column as number) - 1, (f.endColumn as number) - 1), 'anon_vma_lock(vma, &mm->page_table_lock)');
  assert.deepEqual(Object.keys(j.stats as object), ['files', 'functions', 'ms']);
  assert.equal((j.stats as { files: number }).files, 2);
});

test('--format json for C files and several inputs: no input/inputLine for C, findings of every input, stats summed', async () => {
  const r = await inProcess(['check', '--format', 'json', 'warning-only.c', 'info-only.c', 'clean.c']);
  assert.equal(r.status, 1, r.stderr);
  const j = JSON.parse(r.stdout) as { findings: Record<string, unknown>[]; stats: { files: number; functions: number } };
  checkTopShape(j as unknown as Record<string, unknown>);
  assert.deepEqual(j.findings.map((f) => [f.file, f.code, f.severity, f.line, f.function]), [
    ['warning-only.c', 'unbalanced-lock', 'warning', 9, 'count_ptes'],
    ['info-only.c', 'analysis-limit', 'info', 5, 'odd_function'],
  ]);
  for (const f of j.findings) assert.ok(!('input' in f) && !('inputLine' in f));
  assert.deepEqual([j.stats.files, j.stats.functions], [3, 3]);
});

const FINDING_LINE = new RegExp(`^([^\\s:][^:]*):(\\d+):(\\d+): (error|warning|info): (.+) \\[(${CODES.join('|')})\\]$`);
const NOTE_LINE = /^([^\s:][^:]*):(\d+):(\d+): note: .+$/;
const SUMMARY = /^mmlock: (\d+) findings? \((\d+) errors, (\d+) warnings, (\d+) info\) in \d+ functions of \d+ files, profile \S+ \(.+\), \d+ ms$/;

test('--format text: FILE:LINE:COL: severity: message [code] lines (notes in the same form), a summary last, agreeing with the JSON', async () => {
  for (const args of [['--tree', TREE, 'ex.patch'], ['warning-only.c', 'info-only.c'], ['ex.patch']]) {
    const t = await inProcess(['check', ...args]);
    const j = JSON.parse((await inProcess(['check', '--format', 'json', ...args])).stdout) as { findings: Record<string, unknown>[] };
    const lines = t.stdout.split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    const summary = lines.pop()!;
    const m = SUMMARY.exec(summary);
    assert.ok(m, `summary: ${summary}`);
    const found: string[][] = [];
    for (const l of lines) {
      const f = FINDING_LINE.exec(l);
      if (f) { found.push([f[1], f[2], f[3], f[4], f[6]]); continue; }
      assert.match(l, NOTE_LINE, `neither a finding nor a note line: ${l}`);
    }
    assert.deepEqual(found, j.findings.map((f) => [f.file, String(f.line), String(f.column), f.severity, f.code]));
    assert.equal(Number(m[1]), j.findings.length);
    assert.deepEqual([Number(m[2]), Number(m[3]), Number(m[4])], ['error', 'warning', 'info'].map((s) => j.findings.filter((f) => f.severity === s).length));
    // The message is the JSON message, followed by the patch line that shows it when there is one.
    for (const f of j.findings) {
      const where = f.inputLine ? ` (${f.input}:${f.inputLine})` : '';
      assert.ok(lines.includes(`${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message}${where} [${f.code}]`), `${f.code} line`);
    }
  }
});

test('--fail-on error|warning|never: exit codes for error, warning-only, info-only and clean inputs, the same in every format', async () => {
  // [input args, default (warning), error, warning, never]
  const cases: [string[], number, number, number, number][] = [
    [['--tree', TREE, 'ex.patch'], 1, 1, 1, 0],
    [['warning-only.c'], 1, 0, 1, 0],
    [['info-only.c'], 0, 0, 0, 0],
    [['clean.c'], 0, 0, 0, 0],
    [['clean.c', 'warning-only.c'], 1, 0, 1, 0],
  ];
  for (const format of ['text', 'json', 'sarif']) {
    for (const [args, dflt, onError, onWarning, never] of cases) {
      const run = async (extra: string[]) => (await inProcess(['check', '--format', format, ...extra, ...args])).status;
      assert.deepEqual([await run([]), await run(['--fail-on', 'error']), await run(['--fail-on=warning']), await run(['--fail-on', 'never'])],
        [dflt, onError, onWarning, never], `${args.join(' ')} --format ${format}`);
    }
  }
  // And the built binary's process exit status.
  assert.deepEqual([mmlock(['check', '--fail-on', 'error', 'warning-only.c']).status, mmlock(['check', '--fail-on', 'warning', 'warning-only.c']).status], [0, 1]);
});

test('"-" reads the patch from stdin: the same findings as the file, named "-"', () => {
  const file = mmlock(['check', '--tree', TREE, 'ex.patch']);
  const stdin = mmlock(['check', '--tree', TREE, '-'], EXAMPLE);
  assert.equal(stdin.status, 1, stdin.stderr);
  const body = (s: string, name: string) => s.split('\n').slice(0, -2).join('\n').split(`(${name}:`).join('(INPUT:');
  assert.equal(body(stdin.stdout, '-'), body(file.stdout, 'ex.patch'));
  assert.match(stdin.stdout, new RegExp(`\\(-:${AVL}\\) \\[lock-order\\]`));
  const j = JSON.parse(mmlock(['check', '--tree', TREE, '--format', 'json', '-'], EXAMPLE).stdout) as { findings: { input: string; inputLine: number }[] };
  assert.deepEqual(j.findings.map((f) => [f.input, f.inputLine]), [['-', AVL]]);
  // A C file on stdin.
  const c = mmlock(['check', '--format', 'json', '-'], fs.readFileSync(path.join(HARD, 'warning-only.c'), 'utf8'));
  assert.equal(c.status, 1);
  assert.deepEqual((JSON.parse(c.stdout) as { findings: { code: string; line: number }[] }).findings.map((f) => [f.code, f.line]), [['unbalanced-lock', 9]]);
});

test('--quiet prints only the summary line (no findings, no notes)', () => {
  for (const [args, status, counts] of [
    [['--tree', TREE, 'ex.patch'], 1, '1 finding (1 errors, 0 warnings, 0 info)'],
    [['ex.patch'], 1, '1 finding (1 errors, 0 warnings, 0 info)'],          // hunk-only: its note is not printed either
    [['clean.c'], 0, '0 findings (0 errors, 0 warnings, 0 info)'],
  ] as [string[], number, string][]) {
    const r = mmlock(['check', '--quiet', ...args]);
    assert.equal(r.status, status);
    assert.equal(r.stderr, '');
    const lines = r.stdout.split('\n');
    assert.equal(lines.length, 2, r.stdout);
    assert.equal(lines[1], '');
    assert.match(lines[0], SUMMARY);
    assert.ok(lines[0].startsWith(`mmlock: ${counts} in `), lines[0]);
  }
  // Without --quiet the hunk-only note goes to stderr, never to stdout.
  const loud = mmlock(['check', 'ex.patch']);
  assert.match(loud.stderr, /^mmlock: note: ex\.patch: no kernel tree given: hunk-only mode/m);
  assert.doesNotMatch(loud.stdout, /mmlock: note:/);
});
