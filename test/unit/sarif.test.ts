// `--format sarif` (server/src/cli/format-sarif.ts): valid SARIF 2.1.0, checked with ajv against the
// OASIS schema (test/fixtures/sarif/, see its README), with rules that carry help links to the
// README's finding sections, results at the same places as the JSON output, related locations
// (the other lock site, the rule's source), well-formed URIs for any path, and a fingerprint that
// survives line shifts.
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, test } from 'node:test';
import Ajv from 'ajv';
import { fingerprint, pathToUri, toSarif } from '../../server/src/cli/format-sarif';
import { DEFAULT_SEVERITY, type Finding, type FindingCode } from '../../server/src/findings';
import { CODE_DOCS } from '../../server/src/finding-docs';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'server/out/cli.js');
const TREE = path.join(ROOT, 'examples/tree');
const EXAMPLE = fs.readFileSync(path.join(ROOT, 'examples/expand-downwards-inversion.patch'), 'utf8');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'mmlock-sarif-'));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));
fs.writeFileSync(path.join(TMP, 'ex.patch'), EXAMPLE);

// RFC 3986 URI / URI-reference, character level (what the schema's formats mean).
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const isUriReference = (s: string) => URI_CHARS.test(s);
const isUri = (s: string) => URI_CHARS.test(s) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s);

/** The draft-04 schema as ajv 8 reads it (draft-07): `id` becomes `$id`, `$schema` goes. */
const validate = (() => {
  const raw = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/sarif/sarif-schema-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
  const { $schema: _draft, id, ...rest } = raw;
  // unicodeRegExp off: the schema's `language` pattern (`...[a-zA-Z]{2}]?$`) is not a valid /u regexp.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', isUri);
  ajv.addFormat('uri-reference', isUriReference);
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s));
  return ajv.compile({ $id: id as string, ...rest });
})();

function assertValid(log: unknown): void {
  const ok = validate(log);
  assert.ok(ok, `not valid SARIF 2.1.0: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
}

interface SarifLog {
  $schema: string; version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: { id: string; name: string; helpUri: string; help: { text: string; markdown: string }; shortDescription: { text: string }; fullDescription: { text: string }; defaultConfiguration: { level: string } }[] } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications?: { level: string; message: { text: string } }[] }[];
    columnKind: string;
    originalUriBaseIds?: Record<string, { uri: string }>;
    properties: { profile: string };
    results: {
      ruleId: string; ruleIndex: number; level: string; message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Record<string, number> }; logicalLocations?: { name: string; kind: string }[] }[];
      relatedLocations?: { id: number; message: { text: string }; physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Record<string, number> } }[];
      partialFingerprints: Record<string, string>;
      properties: Record<string, unknown>;
    }[];
  }[];
}

function mmlock(args: string[]): { status: number | null; stdout: string; stderr: string } {
  assert.ok(fs.existsSync(CLI), 'run `npm run build` first');
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: TMP, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the schema is the real one: it rejects broken logs', () => {
  const good = toSarif([], 'linux-6.12');
  assertValid(good);
  const bad = (mut: (l: Record<string, any>) => void) => { const l = JSON.parse(JSON.stringify(good)); mut(l); return validate(l); };
  assert.equal(bad((l) => { l.version = '2.0.0'; }), false);
  assert.equal(bad((l) => { delete l.runs; }), false);
  assert.equal(bad((l) => { l.runs[0].tool.driver.rules[0].helpUri = 'not a uri'; }), false);
  assert.equal(bad((l) => { l.runs[0].results = [{ ruleId: 'x', message: {}, level: 'fatal' }]; }), false);
  assert.equal(bad((l) => { l.runs[0].results = [{ message: { text: 'x' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a b' }, region: { startLine: 0 } } }] }]; }), false);
});

test('mmlock check --format sarif on the example is valid SARIF 2.1.0 with its rules, result, locations and related locations', () => {
  const r = mmlock(['check', '--tree', TREE, '--format', 'sarif', 'ex.patch']);
  assert.equal(r.status, 1, r.stderr);
  const log = JSON.parse(r.stdout) as SarifLog;
  assertValid(log);
  assert.equal(log.version, '2.1.0');
  assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  const run = log.runs[0];
  assert.equal(log.runs.length, 1);
  assert.equal(run.tool.driver.name, 'mmlock');
  assert.match(run.tool.driver.version, /^\d+\.\d+\.\d+/);
  assert.equal(run.columnKind, 'utf16CodeUnits');
  assert.equal(run.properties.profile, 'linux-2.6.34');
  assert.deepEqual(run.invocations.map((i) => i.executionSuccessful), [true]);
  // One rule per finding code, each with its README section as help.
  const rules = run.tool.driver.rules;
  assert.deepEqual(rules.map((x) => x.id), Object.keys(CODE_DOCS));
  for (const rule of rules) {
    assert.equal(rule.helpUri, `https://github.com/mmlock/mmlock/blob/main/README.md#${rule.id}`);
    assert.ok(README.includes(`\n### ${rule.id}\n`), `README has no section for ${rule.id}`);
    assert.ok(rule.help.text.includes(rule.helpUri) && rule.help.markdown.includes(`](${rule.helpUri})`));
    assert.equal(rule.shortDescription.text, CODE_DOCS[rule.id as FindingCode].title);
    assert.equal(rule.defaultConfiguration.level, { error: 'error', warning: 'warning', info: 'note' }[DEFAULT_SEVERITY[rule.id as FindingCode]]);
    assert.match(rule.name, /^[A-Z][A-Za-z]+$/);
  }
  // The result: where the JSON output puts it.
  const json = JSON.parse(mmlock(['check', '--tree', TREE, '--format', 'json', 'ex.patch']).stdout) as { findings: Finding[] };
  assert.equal(run.results.length, json.findings.length);
  const [res] = run.results;
  const [f] = json.findings;
  assert.equal(res.ruleId, 'lock-order');
  assert.equal(rules[res.ruleIndex].id, res.ruleId);
  assert.equal(res.level, 'error');
  assert.equal(res.message.text, f.message);
  const loc = res.locations[0];
  assert.deepEqual(loc.physicalLocation.artifactLocation, { uri: 'mm/mmap.c', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(loc.physicalLocation.region, { startLine: f.line, startColumn: f.column, endColumn: f.endColumn });
  assert.deepEqual(loc.logicalLocations, [{ name: 'expand_downwards', fullyQualifiedName: 'mm/mmap.c:expand_downwards', kind: 'function' }]);
  // Related: the other lock site, the helper's acquisition, and the documented rule's source.
  const rel = (res.relatedLocations ?? []).map((x) => [x.id, x.physicalLocation.artifactLocation.uri, x.physicalLocation.region.startLine, x.message.text]);
  assert.deepEqual(rel[0], [1, 'mm/mmap.c', 20, 'mm->page_table_lock taken here']);
  assert.ok(rel.some(([, uri, line]) => uri === 'include/linux/rmap.h' && line === 24), JSON.stringify(rel));
  assert.deepEqual(rel.at(-1), [rel.length, 'mm/rmap.c', 11, 'rule documented in mm/rmap.c:11 ordering comment']);
  assert.deepEqual(new Set(rel.map(([id]) => id)).size, rel.length, 'related ids are unique');
  assert.deepEqual(res.properties, { introduced: true, locks: f.locks, classes: f.classes, input: 'ex.patch', inputLine: f.inputLine, source: f.source });
  assert.match(res.partialFingerprints['mmlockFinding/v1'], /^[0-9a-f]{16}$/);
});

test('SARIF for findings of every code and severity, and for awkward paths, stays valid with well-formed URIs', () => {
  const base: Finding = {
    code: 'lock-order', severity: 'error', message: 'm', file: 'mm/mmap.c', line: 3, column: 2, endLine: 3, endColumn: 9, function: 'f',
    introduced: true, locks: ['a', 'b'], classes: ['a', 'b'], related: [],
  };
  const codes = Object.keys(CODE_DOCS) as FindingCode[];
  const findings: Finding[] = [
    ...codes.map((code, i) => ({ ...base, code, severity: DEFAULT_SEVERITY[code], line: i + 1 })),
    { ...base, file: 'mm/my file#1 100%.c', related: [{ file: 'include/linux/ä b.h', line: 4, column: 1, message: 'other site' }] },
    { ...base, file: '/home/dev/linux tree/mm/x.c', related: [{ file: '/tmp/a b.h', line: 1, message: 'x' }] },
    { ...base, file: '-', function: '' },
    { ...base, file: 'mm\\win.c' },
    // Degenerate positions and texts are made valid, not passed through.
    { ...base, line: 0, column: 0, endLine: 0, endColumn: 0, message: '', related: [{ file: 'mm/a.c', line: 0, message: 'dropped: no line' }, { file: '', line: 3, message: 'dropped: no file' }] },
    { ...base, line: 5, column: 9, endLine: 5, endColumn: 3 },
    { ...base, line: 7, column: 4, endLine: 6, endColumn: 1 },
    { ...base, source: '../../etc/passwd:1 not a rule' },
    { ...base, input: '-', inputLine: 12 },
  ];
  const log = toSarif(findings, 'linux-6.12', { notes: ['ex.patch: no kernel tree given: hunk-only mode'], srcRoot: '/home/dev/linux tree', profileOrigin: 'default' }) as unknown as SarifLog;
  assertValid(log);
  const run = log.runs[0];
  assert.deepEqual(run.results.slice(0, codes.length).map((r) => [r.ruleId, r.level]), codes.map((c) => [c, { error: 'error', warning: 'warning', info: 'note' }[DEFAULT_SEVERITY[c]]]));
  const uriOf = (i: number) => run.results[i].locations[0].physicalLocation.artifactLocation;
  const n = codes.length;
  assert.deepEqual(uriOf(n), { uri: 'mm/my%20file%231%20100%25.c', uriBaseId: '%SRCROOT%' });
  assert.equal(run.results[n].relatedLocations![0].physicalLocation.artifactLocation.uri, 'include/linux/%C3%A4%20b.h');
  assert.deepEqual(uriOf(n + 1), { uri: 'file:///home/dev/linux%20tree/mm/x.c' });
  assert.deepEqual(uriOf(n + 2), { uri: '-', uriBaseId: '%SRCROOT%' });
  assert.equal(run.results[n + 2].locations[0].logicalLocations, undefined, 'no function: no logical location');
  assert.deepEqual(uriOf(n + 3), { uri: 'mm/win.c', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(run.results[n + 4].locations[0].physicalLocation.region, { startLine: 1 });
  assert.equal(run.results[n + 4].message.text, CODE_DOCS['lock-order'].title);
  assert.equal(run.results[n + 4].relatedLocations, undefined);
  assert.deepEqual(run.results[n + 5].locations[0].physicalLocation.region, { startLine: 5, startColumn: 9, endColumn: 9 });
  assert.deepEqual(run.results[n + 6].locations[0].physicalLocation.region, { startLine: 7, startColumn: 4, endColumn: 4 });
  assert.equal(run.results[n + 7].relatedLocations, undefined, 'a source outside the tree is no location');
  assert.deepEqual(run.results[n + 8].properties, { introduced: true, locks: ['a', 'b'], classes: ['a', 'b'], input: '-', inputLine: 12 });
  assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///home/dev/linux%20tree/' } });
  assert.deepEqual(run.invocations[0].toolExecutionNotifications, [{ level: 'note', message: { text: 'ex.patch: no kernel tree given: hunk-only mode' } }]);
  for (const r of run.results) for (const l of [...r.locations, ...(r.relatedLocations ?? [])]) assert.ok(isUriReference(l.physicalLocation.artifactLocation.uri));
});

test('paths become URIs segment by segment', () => {
  assert.deepEqual(pathToUri('mm/mmap.c'), { uri: 'mm/mmap.c', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(pathToUri('mm/a?b.c'), { uri: 'mm/a%3Fb.c', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(pathToUri('/abs/x.c'), { uri: 'file:///abs/x.c' });
});

test('the fingerprint follows the finding across line shifts, not across functions, codes or locks', () => {
  const f: Finding = { code: 'lock-order', severity: 'error', message: 'm', file: 'mm/mmap.c', line: 21, column: 2, endLine: 21, endColumn: 42,
    function: 'expand_downwards', introduced: true, locks: ['mm->page_table_lock', 'avc->anon_vma->lock'], classes: ['page_table_lock', 'anon_vma'], related: [] };
  const fp = fingerprint(f);
  assert.equal(fingerprint({ ...f, line: 400, endLine: 400, column: 9, message: 'reworded' }), fp);
  assert.equal(fingerprint({ ...f, classes: ['anon_vma', 'page_table_lock'] }), fp, 'class order does not matter');
  assert.notEqual(fingerprint({ ...f, function: 'expand_upwards' }), fp);
  assert.notEqual(fingerprint({ ...f, code: 'double-lock' }), fp);
  assert.notEqual(fingerprint({ ...f, classes: ['page_table_lock', 'i_mmap'] }), fp);
  assert.notEqual(fingerprint({ ...f, file: 'mm/rmap.c' }), fp);
});

test('no findings: a valid log with an empty results array (code-scanning UIs need it present)', () => {
  fs.writeFileSync(path.join(TMP, 'clean.c'), fs.readFileSync(path.join(ROOT, 'test/fixtures/hardening/clean.c')));
  const r = mmlock(['check', '--format', 'sarif', 'clean.c']);
  assert.equal(r.status, 0, r.stderr);
  const log = JSON.parse(r.stdout) as SarifLog;
  assertValid(log);
  assert.deepEqual(log.runs[0].results, []);
});

test('mmlock check --format sarif passes the run\'s notes and the tree to SARIF', () => {
  const r = mmlock(['check', '--tree', TREE, '--format', 'sarif', 'ex.patch']);
  const run = (JSON.parse(r.stdout) as SarifLog).runs[0];
  assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: `file://${TREE}/` } });
  const hunkOnly = (JSON.parse(mmlock(['check', '--format', 'sarif', 'ex.patch']).stdout) as SarifLog).runs[0];
  assert.ok(hunkOnly.invocations[0].toolExecutionNotifications?.some((n) => /hunk-only mode/.test(n.message.text)));
});
