// Bad input to the BUILT command line (`node server/out/cli.js check`, a child process): each class
// of bad input gets its clear one-line message on stderr and exit status 2, or works (CRLF, a
// patch against a file the tree lacks, an mbox with the patch attached); inputs that take a lot of
// work give a bounded, correct partial result or a clear message, never a hang or an out-of-memory;
// and the safety rules hold: profile files refused when untrusted, patch paths never leave the
// tree, nothing in the input is executed.
//
// Known core bugs are `todo` tests (they run and report, but do not fail the suite) naming the
// file at fault; the 50 MB inputs that currently exhaust memory run with MMLOCK_HEAVY=1
// (`node scripts/fuzz-long.js --heavy` sets it).
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, test } from 'node:test';
import { analyze } from '../../server/src/analysis';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'server/out/cli.js');
const TREE = path.join(ROOT, 'examples/tree');
const HARD = path.join(ROOT, 'test/fixtures/hardening');
const EXAMPLE = fs.readFileSync(path.join(ROOT, 'examples/expand-downwards-inversion.patch'), 'utf8');
const EX_LINES = EXAMPLE.split('\n');
/** 1-based line of the example patch that starts with `prefix`. */
const exLine = (prefix: string) => EX_LINES.findIndex((l) => l.startsWith(prefix)) + 1;
const HEAVY = process.env.MMLOCK_HEAVY === '1';
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'mmlock-bad-input-'));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

interface Run { status: number | null; signal: string | null; stdout: string; stderr: string; ms: number }

/** Runs `mmlock ARGS` in `cwd` (default: the temp dir, so messages name files as given). */
function mmlock(args: string[], opts: { input?: string | Buffer; cwd?: string; timeoutMs?: number; heapMb?: number } = {}): Run {
  assert.ok(fs.existsSync(CLI), 'run `npm run build` first');
  const t0 = Date.now();
  const node = opts.heapMb ? [`--max-old-space-size=${opts.heapMb}`] : [];
  const r = spawnSync(process.execPath, [...node, CLI, ...args], {
    cwd: opts.cwd ?? TMP, input: opts.input ?? '', encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 512 * 1024 * 1024, env: { ...process.env, MMLOCK_WORKERS: '1' },
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: Date.now() - t0 };
}

function write(name: string, content: string | Buffer): string {
  fs.writeFileSync(path.join(TMP, name), content);
  return name;
}

/** Exit 2, nothing on stdout, exactly one line on stderr: `mmlock check: ` + the expected text. */
function refused(r: Run, expected: string | RegExp): void {
  assert.equal(r.status, 2, `exit status ${r.status}; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `not one line on stderr: ${JSON.stringify(r.stderr)}`);
  if (typeof expected === 'string') assert.equal(lines[0], `mmlock check: ${expected}`);
  else assert.match(lines[0], expected);
}

/** The example's finding, as text output prints it for input `name`. */
const exampleFinding = (name: string) =>
  `mm/mmap.c:21:2: error: anon_vma_lock() takes avc->anon_vma->lock (anon_vma, at include/linux/rmap.h:24) while mm->page_table_lock `
  + `(page_table_lock) is held; the documented order is anon_vma before page_table_lock (anon_vma -> page_table_lock) (${name}:${exLine('+\tanon_vma_lock(vma, &mm->page_table_lock);')}) [lock-order]`;

// ------------------------------------------------------------------ not a patch, damaged patches
const TRUNC = EX_LINES.slice(0, 30).join('\n') + '\n';
const WRONG_COUNTS = EXAMPLE.replace('@@ -17,7 +17,8 @@', '@@ -17,7 +17,9 @@');
const mmapHunk = exLine('@@ -17,7 +17,8 @@');
const mmapHunkEnd = exLine('@@ -38,6 +39,7 @@');

test('not a patch: a .patch file without any diff is refused (exit 2, one line)', () => {
  fs.copyFileSync(path.join(HARD, 'not-a-patch.patch'), path.join(TMP, 'not-a-patch.patch'));
  refused(mmlock(['check', 'not-a-patch.patch']), /^mmlock check: .*no patch found: not-a-patch\.patch has no "diff --git" or "---"\/"\+\+\+" file header$/);
  write('empty.patch', '');
  refused(mmlock(['check', 'empty.patch']), /^mmlock check: .*no patch found: empty\.patch has no/);
});

test('a truncated hunk is refused, naming the hunk and where the input ends', () => {
  write('trunc.patch', TRUNC);
  refused(mmlock(['check', '--tree', TREE, 'trunc.patch']),
    /^mmlock check: .*include\/linux\/rmap\.h: corrupt hunk 1 "@@ -15,18 \+15,24 @@" \(line 23\): input ends after 6 of 18 old and 6 of 24 new lines$/);
});

test('wrong hunk counts are refused, naming the line where the body ends', () => {
  write('counts.patch', WRONG_COUNTS);
  refused(mmlock(['check', '--tree', TREE, 'counts.patch']), new RegExp(
    `^mmlock check: .*mm/mmap\\.c: corrupt hunk 1 "@@ -17,7 \\+17,9 @@" \\(line ${mmapHunk}\\): body ends at line ${mmapHunkEnd} after 7 of 7 old and 8 of 9 new lines$`));
});

test('every refused patch names FILE:LINE first, as the contract says (mmlock check: FILE:LINE: ...)', () => {
  write('not-a-patch.patch', fs.readFileSync(path.join(HARD, 'not-a-patch.patch')));
  write('trunc.patch', TRUNC);
  write('counts.patch', WRONG_COUNTS);
  write('dotdot.patch', EXAMPLE.replace(/ a\/mm\/mmap\.c/g, ' a/../mm/mmap.c'));
  assert.match(mmlock(['check', 'not-a-patch.patch']).stderr, /^mmlock check: not-a-patch\.patch:1: no patch found/);
  assert.match(mmlock(['check', '--tree', TREE, 'trunc.patch']).stderr, /^mmlock check: trunc\.patch:30: include\/linux\/rmap\.h: corrupt hunk 1/);
  assert.match(mmlock(['check', '--tree', TREE, 'counts.patch']).stderr, new RegExp(`^mmlock check: counts\\.patch:${mmapHunkEnd}: mm/mmap\\.c: corrupt hunk 1`));
  assert.match(mmlock(['check', '--tree', TREE, 'dotdot.patch']).stderr, /^mmlock check: dotdot\.patch:\d+: unsafe path "\.\.\/mm\/mmap\.c"/);
});

// ------------------------------------------------------------------ binary input, encodings, line ends
test('NUL bytes: binary input is refused naming the line of the first NUL', () => {
  const at = EXAMPLE.indexOf('+\tspin_lock(&mm->page_table_lock);');
  const line = EXAMPLE.slice(0, at).split('\n').length;
  write('nul.patch', Buffer.concat([Buffer.from(EXAMPLE.slice(0, at)), Buffer.from([0, 0, 0xff]), Buffer.from(EXAMPLE.slice(at))]));
  refused(mmlock(['check', '--tree', TREE, 'nul.patch']), `nul.patch:${line}: binary data (NUL byte) in input`);
  // A binary file (an ELF header) given by mistake, and the same on stdin.
  const elf = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0xde, 0xad]);
  write('a.out', elf);
  refused(mmlock(['check', 'a.out']), 'a.out:1: binary data (NUL byte) in input');
  refused(mmlock(['check', '-'], { input: elf }), '-:1: binary data (NUL byte) in input');
});

test('invalid UTF-8 does not crash: outside the code it changes nothing; in a code line the function is said to be not fully analysed', () => {
  // Latin-1 bytes in the From: line and stray 0xff 0xfe after the signature.
  const name = EXAMPLE.indexOf('Developer');
  write('latin1.patch', Buffer.concat([Buffer.from(EXAMPLE.slice(0, name)), Buffer.from([0xe9, 0xe8, 0x20]), Buffer.from(EXAMPLE.slice(name)), Buffer.from([0xff, 0xfe, 0x0a])]));
  const a = mmlock(['check', '--tree', TREE, 'latin1.patch']);
  assert.equal(a.status, 1, a.stderr);
  assert.equal(a.stdout.split('\n')[0], exampleFinding('latin1.patch'));
  // Invalid bytes in the code become U+FFFD, which C does not allow: the function is reported as not
  // fully analysed (never silently passed). After the statement, the lock-order finding survives;
  // inside the spin_lock argument the call may no longer resolve (today: only the analysis-limit is left).
  const cases: [string, string, number[], boolean | 'either'][] = [
    ['after-unlock.patch', '+\tspin_unlock(&mm->page_table_lock);', [0xe9], true],
    ['in-nest-arg.patch', '+\tanon_vma_lock(vma, &mm', [0xff, 0xfe], true],
    ['in-lock-arg.patch', '+\tspin_lock(&mm->page_', [0xff], 'either'],
  ];
  for (const [file, after, bytes, keepsFinding] of cases) {
    const at = EXAMPLE.indexOf(after) + after.length;
    write(file, Buffer.concat([Buffer.from(EXAMPLE.slice(0, at)), Buffer.from(bytes), Buffer.from(EXAMPLE.slice(at))]));
    const r = mmlock(['check', '--tree', TREE, '--format', 'json', file]);
    const j = JSON.parse(r.stdout) as { findings: { code: string; line: number; function: string; message: string }[] };
    assert.ok(j.findings.some((f) => f.code === 'analysis-limit' && f.function === 'expand_downwards' && /did not parse/.test(f.message)), `${file}: ${r.stdout}`);
    const found = j.findings.some((f) => f.code === 'lock-order' && f.line === 21);
    if (keepsFinding !== 'either') assert.equal(found, keepsFinding, `${file}: ${r.stdout}`);
    assert.equal(r.status, found ? 1 : 0, r.stderr);
    console.log(`# ${file}: ${j.findings.map((f) => `${f.code}@${f.line}`).join(', ')}`);
  }
});

test('a CRLF patch (and a mixed CRLF/LF one) gives exactly the LF result', () => {
  write('lf.patch', EXAMPLE);
  write('crlf.patch', EXAMPLE.replace(/\n/g, '\r\n'));
  write('mixed.patch', EXAMPLE.split('\n').map((l, i) => l + (i % 3 === 0 ? '\r\n' : '\n')).join('').slice(0, -1));
  const lf = mmlock(['check', '--tree', TREE, '--format', 'json', 'lf.patch']);
  assert.equal(lf.status, 1);
  const strip = (s: string) => JSON.stringify({ ...JSON.parse(s), stats: null }).replace(/"input":"[a-z]+\.patch"/g, '');
  for (const name of ['crlf.patch', 'mixed.patch']) {
    const r = mmlock(['check', '--tree', TREE, '--format', 'json', name]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(strip(r.stdout), strip(lf.stdout), name);
  }
});

test('a binary diff inside a patch is skipped with a note; the rest is checked', {
}, () => {
  const bin = ['diff --git a/mm/logo.png b/mm/logo.png', 'index 1111111..2222222 100644', 'GIT binary patch', 'literal 4', 'LcmZ?wbhEHbRA6vm', '', 'literal 0', 'HcmV?d00001', ''].join('\n');
  write('with-binary.patch', EXAMPLE.replace('diff --git a/mm/mmap.c', bin + 'diff --git a/mm/mmap.c'));
  const r = mmlock(['check', '--tree', TREE, 'with-binary.patch']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /\[lock-order\]/);
  assert.match(r.stderr, /binary diff of mm\/logo\.png skipped/);
});

// ------------------------------------------------------------------ mail forms
test('an mbox with the patch as a MIME attachment (8bit) is checked; findings point into the attachment', () => {
  fs.copyFileSync(path.join(HARD, 'mime-attachment.mbox'), path.join(TMP, 'mime-attachment.mbox'));
  const r = mmlock(['check', '--tree', TREE, 'mime-attachment.mbox']);
  assert.equal(r.status, 1, r.stderr);
  const mbox = fs.readFileSync(path.join(TMP, 'mime-attachment.mbox'), 'utf8').split('\n');
  const shown = mbox.findIndex((l) => l === '+\tanon_vma_lock(vma, &mm->page_table_lock);') + 1;
  assert.ok(r.stdout.startsWith(exampleFinding('mime-attachment.mbox').replace(/:\d+\) \[lock-order\]$/, `:${shown}) [lock-order]`)), r.stdout);
});

test('a base64-encoded patch attachment is not decoded: refused as "no patch found" (exit 2), not crashed on', () => {
  fs.copyFileSync(path.join(HARD, 'mime-base64.mbox'), path.join(TMP, 'mime-base64.mbox'));
  refused(mmlock(['check', '--tree', TREE, 'mime-base64.mbox']), /no patch found: mime-base64\.mbox has no "diff --git"/);
});

test('text without a patch or a C function on stdin is not reported as a successful check', {
}, () => {
  const r = mmlock(['check', '-'], { input: 'Hi,\n\nplease have a look at the attached series.\n\nThanks\n' });
  assert.ok(r.status === 2 || /no (patch|function)/i.test(r.stderr), `exit ${r.status}; stdout ${r.stdout}; stderr ${r.stderr}`);
});

test('empty stdin (an empty `git diff | mmlock check -`) passes with exit 0 and a 0-findings summary', () => {
  const r = mmlock(['check', '-'], { input: '' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^mmlock: 0 findings \(0 errors, 0 warnings, 0 info\) in 0 functions of \d+ files, profile /);
});

// ------------------------------------------------------------------ trees and paths
test('a patch against a file missing from the tree works in hunk-only mode, with a note naming the file and line', () => {
  write('missing.patch', EXAMPLE.replace(/mm\/mmap\.c/g, 'mm/nosuch.c'));
  const r = mmlock(['check', '--tree', TREE, 'missing.patch']);
  assert.equal(r.status, 1, r.stderr);
  assert.ok(r.stdout.startsWith('mm/nosuch.c:21:2: error: anon_vma_lock() takes avc->anon_vma->lock'), r.stdout);
  assert.match(r.stderr, new RegExp(`^mmlock: note: missing\\.patch: mm/nosuch\\.c: not in the tree; hunk-only mode \\(line ${exLine('diff --git a/mm/mmap.c')}\\)$`, 'm'));
});

test('"../" in a patch path is refused, naming the path and the header', () => {
  write('dotdot.patch', EXAMPLE.replace(/ a\/mm\/mmap\.c/g, ' a/../mm/mmap.c'));
  refused(mmlock(['check', '--tree', TREE, 'dotdot.patch']), /unsafe path "\.\.\/mm\/mmap\.c" in "(--- a\/\.\.\/mm\/mmap\.c|diff --git a\/\.\.\/mm\/mmap\.c b\/mm\/mmap\.c)": paths must stay inside the tree$/);
  write('abs.patch', EXAMPLE.replace(/\+\+\+ b\/mm\/mmap\.c/, '+++ b//etc/passwd'));
  refused(mmlock(['check', '--tree', TREE, 'abs.patch']), /unsafe path "\/etc\/passwd"/);
});

test('"--- a/" (an empty path) in a git diff still means the file the diff --git header names', () => {
  write('nopath.patch', EXAMPLE.replace('--- a/mm/mmap.c', '--- a/'));
  const r = mmlock(['check', '--tree', TREE, 'nopath.patch']);
  assert.doesNotMatch(r.stderr, /Cannot read properties|TypeError/);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^mm\/mmap\.c:21:2: error: .*\[lock-order\]$/m);
});

// ------------------------------------------------------------------ usage errors, profiles
test('usage errors: unknown option, bad option value, missing value, unknown command, no input', () => {
  refused(mmlock(['check', '--bogus', 'x.patch']), 'unknown option --bogus');
  refused(mmlock(['check', '--format', 'xml', 'x.patch']), '--format must be one of text, json, sarif (got xml)');
  refused(mmlock(['check', '--fail-on', 'info', 'x.patch']), '--fail-on must be one of error, warning, never (got info)');
  refused(mmlock(['check', 'x.patch', '--tree']), '--tree needs a value');
  refused(mmlock(['check', '--quiet=yes', 'x.patch']), '--quiet takes no value');
  refused(mmlock(['check']), 'no INPUT given (a patch, mbox or C file; - for stdin)');
  const u = mmlock(['chekc', 'x.patch']);
  assert.equal(u.status, 2);
  assert.equal(u.stdout, '');
  assert.match(u.stderr, /^mmlock: unknown command 'chekc'\nusage:\n/);
});

test('a missing input file or an empty directory is refused, naming it', () => {
  refused(mmlock(['check', 'nosuch.patch']), 'nosuch.patch: no such file or directory');
  fs.mkdirSync(path.join(TMP, 'emptydir'), { recursive: true });
  refused(mmlock(['check', 'emptydir']), 'emptydir: directory has no .c files');
});

test('unknown --profile id, unreadable profile file, profile with bad JSON: one line each', () => {
  write('ex.patch', EXAMPLE);
  refused(mmlock(['check', '--profile', 'linux-9.99', 'ex.patch']),
    /^mmlock check: unknown profile 'linux-9\.99' \(built-in: linux-2\.6\.26, linux-2\.6\.34, .*linux-6\.12; or a \.json file\)$/);
  refused(mmlock(['check', '--profile', 'nosuch.json', 'ex.patch']), 'nosuch.json: cannot read the profile (ENOENT)');
  write('syntax1.json', '{ not json');
  refused(mmlock(['check', '--profile', 'syntax1.json', 'ex.patch']), /^mmlock check: syntax1\.json:1:3: not valid JSON \(.+\)$/);
});

test('a profile with a JSON syntax error on a later line: one line naming FILE:LINE:COL', () => {
  write('ex.patch', EXAMPLE);
  write('syntax.json', '{ "id": "x",\n  "description": oops }\n');
  refused(mmlock(['check', '--profile', 'syntax.json', 'ex.patch']), /^mmlock check: syntax\.json:2:18: not valid JSON \(.+\)$/);
  write('syntax2.json', '{ "id": "x",\n  "classes": [\n    { "id": "a", }\n  ]\n}\n');
  refused(mmlock(['check', '--profile', 'syntax2.json', 'ex.patch']), /^mmlock check: syntax2\.json:3:18: not valid JSON \(.+\)$/);
});

test('a bad profile file: the error names the file and the field (a JSON pointer) and the allowed values', () => {
  fs.copyFileSync(path.join(HARD, 'bad-profile.json'), path.join(TMP, 'bad-profile.json'));
  write('ex.patch', EXAMPLE);
  refused(mmlock(['check', '--profile', 'bad-profile.json', 'ex.patch']),
    'bad-profile.json: /classes/0/kind must be one of spinlock, raw_spinlock, rwlock, bit_spinlock, mutex, rwsem, page_lock, rcu, srcu, seqcount, pseudo');
});

// ------------------------------------------------------------------ bounded work
const timings: string[] = [];
after(() => { if (timings.length) console.log(`# bounded-work timings: ${timings.join('; ')}`); });

/** Runs a heavy input with a 2 GB heap and a 60 s limit: it must end on its own, without a crash. */
function bounded(label: string, args: string[], input?: string): Run {
  const r = mmlock(args, { timeoutMs: 60_000, heapMb: 2048, input });
  timings.push(`${label} ${(r.ms / 1000).toFixed(1)} s (exit ${r.status ?? r.signal})`);
  assert.notEqual(r.signal, 'SIGTERM', `${label}: still running after 60 s (killed)`);
  assert.doesNotMatch(r.stderr, /heap out of memory|FATAL ERROR|Aborted\(\)|RangeError|TypeError/, `${label}: ${r.stderr.slice(0, 500)}`);
  assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `${label}: exit ${r.status} / ${r.signal}; ${r.stderr.slice(0, 500)}`);
  if (r.status === 2) assert.match(r.stderr, /^mmlock check: \S.*\n$/, `${label}: not one clear line: ${r.stderr.slice(0, 500)}`);
  return r;
}

interface JsonOut { findings: { code: string; severity: string; line: number; function: string; message: string }[] }

test('60 independent if-statements around lock calls (2^60 paths): bounded, no false finding, the bug after them found or the limit said', () => {
  let body = '';
  for (let i = 0; i < 60; i++) body += `\tif (c[${i}]) {\n\t\tspin_lock(&mm->page_table_lock);\n\t\tn += c[${i}];\n\t\tspin_unlock(&mm->page_table_lock);\n\t}\n`;
  const bugLine = 3 + 60 * 5 + 2;
  write('ifs60.c', `#include <linux/mm.h>\nstatic int many_ifs(struct mm_struct *mm, int *c, size_t n)\n{\n${body}\tspin_lock(&mm->page_table_lock);\n\tc = kmalloc(n, GFP_KERNEL);\n\tspin_unlock(&mm->page_table_lock);\n\treturn n;\n}\n`);
  const r = bounded('60 ifs', ['check', '--format', 'json', 'ifs60.c']);
  const j = JSON.parse(r.stdout) as JsonOut;
  const wrong = j.findings.filter((f) => f.severity !== 'info' && !(f.code === 'sleep-in-atomic' && f.line === bugLine));
  assert.deepEqual(wrong, [], 'no finding but the kmalloc under the spinlock');
  const found = j.findings.some((f) => f.code === 'sleep-in-atomic' && f.line === bugLine);
  const limit = j.findings.some((f) => f.code === 'analysis-limit' && f.function === 'many_ifs');
  assert.ok(found || limit, `neither the bug nor an analysis-limit: ${r.stdout}`);
  timings.push(`60 ifs: ${found ? 'bug found' : 'not found'}${limit ? ', analysis-limit' : ''}`);
});

test('10,000-deep nesting of ifs and of bare braces: bounded, an analysis-limit info naming the function', () => {
  const N = 10_000;
  write('deep-if.c', `static void deep_if(struct mm_struct *mm, int x)\n{\n${'if (x) {\n'.repeat(N)}spin_lock(&mm->page_table_lock);\n${'}\n'.repeat(N)}}\n`);
  write('deep-brace.c', `static void deep_brace(struct mm_struct *mm)\n{\n${'{'.repeat(N)}spin_lock(&mm->page_table_lock);${'}'.repeat(N)}\n}\n`);
  for (const [file, fn] of [['deep-if.c', 'deep_if'], ['deep-brace.c', 'deep_brace']]) {
    const r = bounded(file, ['check', '--format', 'json', file]);
    const j = JSON.parse(r.stdout) as JsonOut;
    const lim = j.findings.find((f) => f.code === 'analysis-limit' && f.function === fn);
    assert.ok(lim, `${file}: ${r.stdout.slice(0, 500)}`);
    timings.push(`${file}: "${lim.message}"`);
  }
});

test('a 100,000-line function: bounded, a result or an analysis-limit info', () => {
  let body = '';
  for (let i = 0; i < 100_000; i++) body += i % 1000 === 0 ? '\tspin_lock(&mm->page_table_lock);\n' : i % 1000 === 1 ? '\tspin_unlock(&mm->page_table_lock);\n' : `\tc[${i % 50}] += ${i};\n`;
  write('long.c', `static void long_function(struct mm_struct *mm, int *c)\n{\n${body}}\n`);
  const r = bounded('100k-line function', ['check', '--format', 'json', 'long.c']);
  const j = JSON.parse(r.stdout) as JsonOut;
  assert.deepEqual(j.findings.filter((f) => f.severity !== 'info'), [], 'balanced locking: no error or warning');
});

test('a 50 MB mail: a patch followed by 50 MB of prose is checked quickly and correctly', () => {
  const prose = 'This is not a patch, just a long mail body line of text for testing.\n';
  write('bigmail.patch', EXAMPLE + prose.repeat(Math.ceil(50e6 / prose.length)));
  const r = bounded('50 MB mail with one patch', ['check', '--tree', TREE, 'bigmail.patch']);
  assert.equal(r.status, 1);
  assert.equal(r.stdout.split('\n')[0], exampleFinding('bigmail.patch'));
});

test('a 50 MB file that is not a patch is refused quickly', () => {
  const prose = 'This is not a patch, just a long mail body line of text for testing.\n';
  write('prose50.patch', prose.repeat(Math.ceil(50e6 / prose.length)));
  const r = bounded('50 MB prose .patch', ['check', 'prose50.patch']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no patch found: prose50\.patch/);
});

// One file's text is analysed up to 4 MB (analysis.ts MAX_TEXT); the rest is reported as an
// analysis-limit at the first line left out.
test('a 50 MB C file: the first 4 MB analysed, the rest reported as an analysis limit, within 60 s', () => {
  const fn = (i: number) => `static void f${i}(struct mm_struct *mm, int *c)\n{\n\tspin_lock(&mm->page_table_lock);\n\tc[${i % 7}]++;\n\tspin_unlock(&mm->page_table_lock);\n}\n\n`;
  const parts: string[] = [];
  for (let i = 0, n = 0; n < 50e6; i++) { const s = fn(i); parts.push(s); n += s.length; }
  write('big50.c', parts.join(''));
  const r = bounded('50 MB C file', ['check', 'big50.c']);
  assert.equal(r.status, 0, r.stderr);
  const m = /^big50\.c:(\d+):1: info: big50\.c is larger than 4 MB: only lines 1-(\d+) were analysed; findings after them may be missing \[analysis-limit\]$/m.exec(r.stdout);
  assert.ok(m, r.stdout.slice(0, 500));
  assert.equal(Number(m[2]), Number(m[1]) - 1);
  // The cut falls right after a function's closing brace (each function is 6 lines and a blank one).
  assert.equal((Number(m[1]) - 1) % 7, 6);
});

test('a 50 MB patch (300,000 hunks, hunk-only): findings in the first 4 MB of the file, the rest an analysis limit, within 60 s', { skip: HEAVY ? false : 'MMLOCK_HEAVY=1 to run (about 40 s and 1.8 GB)' }, () => {
  const parts = ['diff --git a/mm/big.c b/mm/big.c\n--- a/mm/big.c\n+++ b/mm/big.c\n'];
  for (let i = 0, n = 0, ln = 1; n < 50e6; i++, ln += 10) {
    const h = `@@ -${ln},5 +${ln + i},6 @@\n static void f${i}(struct mm_struct *mm)\n {\n \tspin_lock(&mm->page_table_lock);\n+\tcond_resched();\n \tspin_unlock(&mm->page_table_lock);\n }\n`;
    parts.push(h); n += h.length;
  }
  write('big50.patch', parts.join(''));
  const r = bounded('50 MB patch', ['check', 'big50.patch']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^mm\/big\.c:4:2: error: cond_resched\(\) may sleep while mm->page_table_lock is held \(page_table_lock, a spinning lock\) \(big50\.patch:8\) \[sleep-in-atomic\]$/m);
  assert.match(r.stdout, /^mm\/big\.c:\d+:1: info: mm\/big\.c is larger than 4 MB: only lines 1-\d+ were analysed; findings after them may be missing \[analysis-limit\]$/m);
});

test('50 MB of prose on stdin: refused quickly as no patch', () => {
  const prose = 'This is not a patch, just a long mail body line of text for testing.\n';
  const r = bounded('50 MB prose on stdin', ['check', '-'], prose.repeat(Math.ceil(50e6 / prose.length)));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no patch found/);
});

// ------------------------------------------------------------------ safety
test('safety: a profile file is refused in untrusted mode; built-in ids still work', async () => {
  const profile = path.join(HARD, 'bad-profile.json');
  await assert.rejects(analyze({ name: 'x.patch', text: EXAMPLE, tree: TREE, profile, untrusted: true }), (e: Error) => {
    assert.equal(e.name, 'ProfileError');
    assert.equal(e.message, `${profile}: profile files are not loaded in an untrusted workspace (use a built-in profile)`);
    return true;
  });
  // The same with a relative path and a cwd (what a workspace setting gives).
  await assert.rejects(analyze({ name: 'x.patch', text: EXAMPLE, profile: 'test/fixtures/hardening/bad-profile.json', cwd: ROOT, untrusted: true }),
    /profile files are not loaded in an untrusted workspace/);
  const ok = await analyze({ name: 'x.patch', text: EXAMPLE, tree: TREE, profile: 'linux-2.6.34', untrusted: true });
  assert.equal(ok.profile.id, 'linux-2.6.34');
  assert.deepEqual(ok.findings.map((f) => [f.code, f.file, f.line]), [['lock-order', 'mm/mmap.c', 21]]);
});

test('safety: a symlink in the tree pointing outside it is not followed; the file is checked in hunk-only mode', () => {
  const tree = path.join(TMP, 'symtree');
  fs.cpSync(TREE, tree, { recursive: true });
  // Outside the tree: a file with a lock bug that must never be read.
  fs.writeFileSync(path.join(TMP, 'outside.c'), 'static void outside_secret(struct mm_struct *mm)\n{\n\tspin_lock(&mm->page_table_lock);\n\tcond_resched();\n}\n' + fs.readFileSync(path.join(TREE, 'mm/mmap.c'), 'utf8'));
  fs.rmSync(path.join(tree, 'mm/mmap.c'));
  fs.symlinkSync(path.join(TMP, 'outside.c'), path.join(tree, 'mm/mmap.c'));
  write('ex.patch', EXAMPLE);
  const r = mmlock(['check', '--tree', tree, '--all', 'ex.patch']);
  assert.equal(r.status, 1, r.stderr);
  assert.doesNotMatch(r.stdout, /outside_secret/);
  assert.match(r.stderr, /mm\/mmap\.c: not in the tree; hunk-only mode/);
});

test('safety: nothing in the input, the tree or the arguments is executed, and nothing is written', () => {
  const tree = path.join(TMP, 'shelltree');
  fs.cpSync(TREE, tree, { recursive: true });
  const marker = (n: string) => path.join(TMP, `executed-${n}`);
  // A Makefile `auto` reads VERSION/PATCHLEVEL from, with shell in it; shell in the patch's paths,
  // subject, code and in the input's own name; a profile argument that looks like shell.
  const mk = fs.readFileSync(path.join(tree, 'Makefile'), 'utf8');
  fs.writeFileSync(path.join(tree, 'Makefile'), `EXTRAVERSION = $(shell touch ${marker('make')})\n${mk}\nall:\n\ttouch ${marker('target')}\n`);
  const evil = EXAMPLE
    .replace('Subject: [PATCH RFC]', `Subject: [PATCH RFC] $(touch ${marker('subject')}) \`touch ${marker('backtick')}\``)
    .replace('+\tspin_lock(&mm->page_table_lock);', `+\tspin_lock(&mm->page_table_lock); /* $(touch ${marker('code')}) */`)
    + `diff --git "a/mm/$(touch ${marker('path')}).c" "b/mm/$(touch ${marker('path')}).c"\nnew file mode 100644\n--- /dev/null\n+++ "b/mm/$(touch ${marker('path')}).c"\n@@ -0,0 +1 @@\n+int x;\n`;
  const name = `$(touch ${path.basename(marker('name'))}); echo.patch`;
  write(name, evil);
  const before = fs.readdirSync(TMP).sort();
  const treeBefore = fs.readdirSync(tree, { recursive: true }).map(String).sort();
  const r = mmlock(['check', '--tree', tree, name]);
  assert.ok(r.status === 1 || r.status === 2, `${r.status}: ${r.stderr}`);
  mmlock(['check', '--profile', `$(touch ${marker('profile')})`, name]);
  for (const n of ['make', 'target', 'subject', 'backtick', 'code', 'path', 'name', 'profile']) assert.ok(!fs.existsSync(marker(n)), `${n} was executed`);
  assert.deepEqual(fs.readdirSync(TMP).sort(), before, 'files appeared next to the input');
  assert.deepEqual(fs.readdirSync(tree, { recursive: true }).map(String).sort(), treeBefore, 'files appeared in the tree');
});
