// Property-based test of the BUILT language server (`node server/out/server.js --stdio`, the real
// core) on hostile documents: random and mutated patches, mails and C files, opened and edited with
// random incremental changes (some with ranges past the end of the document), interleaved with
// hover, code lens, mmlock/simulate and mmlock/hierarchy requests. Every request must be answered
// (a result or a ResponseError) within a bound, every published diagnostic must lie inside the
// document version it was published for, and the server must stay alive and keep working.
// Fixed seed and few runs here; `node scripts/fuzz-long.js [runs]` runs more with a random seed.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, PublishDiagnosticsParams, Range, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { fileUri, startBuiltServer, type TestClient } from '../lsp/helpers/lsp-client';
import type { ChildProcess } from 'child_process';

const ROOT = path.resolve(__dirname, '../../..');
const SEED = Number(process.env.MMLOCK_FUZZ_SEED ?? 7013);
const FACTOR = Number(process.env.MMLOCK_FUZZ_FACTOR ?? 1);
const EX = path.join(ROOT, 'examples');
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), 'utf8');
const SOURCES: { text: string; lang: 'diff' | 'c' | 'mbox'; ext: string }[] = [
  { text: read('examples/expand-downwards-inversion.patch'), lang: 'diff', ext: 'patch' },
  { text: read('test/fixtures/seeds/a-expand-downwards-page-table-lock.patch'), lang: 'diff', ext: 'patch' },
  { text: read('test/fixtures/patch/series-3.mbox'), lang: 'mbox', ext: 'mbox' },
  { text: read('test/fixtures/patch/quoted-reply.eml'), lang: 'mbox', ext: 'eml' },
  { text: read('examples/tree/mm/mmap.c'), lang: 'c', ext: 'c' },
  { text: read('test/fixtures/c/iterators.c'), lang: 'c', ext: 'c' },
];
const SNIPPETS = [
  '', '\n', '\r\n', '{', '}', '@@ -1 +1 @@\n', '@@ -17,7 +17,99 @@\n', '+\tspin_lock(&mm->page_table_lock);\n', '-\tanon_vma_lock(vma);\n',
  ' \tmutex_lock(&mapping->i_mmap_mutex);\n', 'diff --git a/mm/x.c b/mm/x.c\n--- a/mm/x.c\n+++ b/mm/x.c\n', '--- a/../../etc/passwd\n',
  '\0', '\ufffd', '\u{1f600}', 'é', '\u2028', '#if 0\n', '#endif\n', 'list_for_each_entry(p, h, m) {\n', 'x'.repeat(500), '\t',
];

let client: TestClient;
let child: ChildProcess;
let stderr: () => string;
let docNo = 0;
const answered: number[] = [];
let diagnosticsChecked = 0;

before(async () => {
  assert.ok(fs.existsSync(path.join(ROOT, 'server/out/server.js')), 'run `npm run build` first');
  const s = startBuiltServer();
  client = s.client;
  child = s.child;
  stderr = s.stderr;
  await client.initialize({ folders: [EX] });
});

after(async () => {
  const q = (p: number) => [...answered].sort((a, b) => a - b)[Math.min(answered.length - 1, Math.floor(p * answered.length))] ?? 0;
  console.log(`# lsp requests: ${answered.length}, median ${q(0.5)} ms, max ${q(1)} ms; diagnostics checked: ${diagnosticsChecked} (seed ${SEED})`);
  await client?.dispose();
});

/** A request answered (result or ResponseError) within `ms`; a hang fails. */
async function answers(what: string, p: Promise<unknown>, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    p.then(() => 'result', (e: { code?: unknown; message?: unknown }) => (typeof e?.code === 'number' && typeof e?.message === 'string' ? 'error' : `bad rejection ${String(e)}`)),
    new Promise<string>((res) => { timer = setTimeout(() => res('timeout'), ms); }),
  ]);
  clearTimeout(timer);
  answered.push(Date.now() - t0);
  assert.ok(outcome === 'result' || outcome === 'error', `${what}: ${outcome} after ${Date.now() - t0} ms; server stderr: ${stderr().slice(-2000)}`);
  assert.equal(child.exitCode, null, `server exited (${child.exitCode}) after ${what}; stderr: ${stderr().slice(-2000)}`);
}

function insideDoc(r: Range, doc: TextDocument): boolean {
  const lines = doc.getText().split(/\r\n|\r|\n/);
  const ok = (p: { line: number; character: number }) =>
    Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0
    && p.line < Math.max(1, lines.length) && p.character <= (lines[p.line] ?? '').length;
  const ordered = r.end.line > r.start.line || (r.end.line === r.start.line && r.end.character >= r.start.character);
  return ok(r.start) && ok(r.end) && ordered;
}

function checkDiagnostics(p: PublishDiagnosticsParams, doc: TextDocument, uri: string): void {
  for (const d of p.diagnostics as Diagnostic[]) {
    diagnosticsChecked++;
    assert.ok(insideDoc(d.range, doc), `diagnostic ${JSON.stringify(d.range)} "${String(d.message).slice(0, 80)}" outside version ${doc.version} (${doc.lineCount} lines)`);
    assert.ok(typeof d.message === 'string' && d.message.length > 0);
    for (const rel of d.relatedInformation ?? []) {
      if (rel.location.uri === uri) assert.ok(insideDoc(rel.location.range, doc), `related ${JSON.stringify(rel.location.range)} outside the document`);
    }
  }
}

type Step =
  | { k: 'edit'; at: number; len: number; text: string; past: boolean }
  | { k: 'hover'; line: number; character: number }
  | { k: 'lens' } | { k: 'simulate'; line: number } | { k: 'hierarchy' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('edit' as const), at: fc.nat({ max: 100_000 }), len: fc.nat({ max: 200 }), text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 12 })), past: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('hover' as const), line: fc.nat({ max: 120 }), character: fc.nat({ max: 90 }) }) },
  fc.record({ k: fc.constant('lens' as const) }),
  fc.record({ k: fc.constant('simulate' as const), line: fc.nat({ max: 120 }) }),
  fc.record({ k: fc.constant('hierarchy' as const) }),
);

const docArb = fc.record({
  src: fc.nat({ max: SOURCES.length - 1 }),
  inTree: fc.boolean(),
  cut: fc.option(fc.nat({ max: 100_000 })),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 8 }),
});

test('language server: random documents, edits and requests are all answered; diagnostics stay inside the document; the server stays up', async () => {
  await fc.assert(fc.asyncProperty(docArb, async ({ src, inTree, cut, steps }) => {
    const s = SOURCES[src];
    const text = cut === null ? s.text : s.text.slice(0, cut % (s.text.length + 1));
    // Inside examples/ the server finds examples/tree; elsewhere it works in hunk-only mode.
    const dir = inTree ? EX : os.tmpdir();
    const uri = fileUri(path.join(dir, `fuzz-${process.pid}-${docNo++}.${s.ext}`));
    let doc = TextDocument.create(uri, s.lang, 1, text);
    const versions = new Map<number, TextDocument>([[1, doc]]);
    await client.open(uri, s.lang, text);
    for (const st of steps) {
      if (st.k === 'edit') {
        const n = doc.getText().length;
        const start = doc.positionAt(st.at % (n + 1));
        const end = st.past ? { line: doc.lineCount + 3, character: 7 } : doc.positionAt(Math.min(n, doc.offsetAt(start) + st.len));
        const change: TextDocumentContentChangeEvent = { range: { start, end }, text: st.text };
        doc = TextDocument.update(doc, [change], doc.version + 1);
        versions.set(doc.version, doc);
        await client.change(uri, [change], doc.getText());
      } else if (st.k === 'hover') {
        await answers(`hover ${st.line}:${st.character}`, client.hover(uri, { line: st.line, character: st.character }));
      } else if (st.k === 'lens') {
        await answers('codeLens', client.codeLens(uri));
      } else if (st.k === 'simulate') {
        await answers('mmlock/simulate', client.request('mmlock/simulate', { textDocument: { uri }, position: { line: st.line, character: 1 } }), 60_000);
      } else {
        await answers('mmlock/hierarchy', client.request('mmlock/hierarchy', { textDocument: { uri } }));
      }
    }
    const p = await client.waitVersion(uri, doc.version, 60_000);
    const shown = versions.get(p.version ?? -1);
    assert.ok(shown, `diagnostics for unknown version ${p.version}`);
    checkDiagnostics(p, shown, uri);
    await client.close(uri);
    assert.equal(child.exitCode, null, `server exited: ${stderr().slice(-2000)}`);
  }), {
    seed: SEED, numRuns: Math.max(1, Math.round(12 * FACTOR)),
    reporter: (d) => {
      if (!d.failed) return;
      const file = path.join(os.tmpdir(), `mmlock-fuzz-lsp-${d.seed}-${String(d.counterexamplePath).replace(/:/g, '.')}.json`);
      fs.writeFileSync(file, JSON.stringify(d.counterexample, null, 1));
      throw new Error(`property failed (seed ${d.seed}, path "${d.counterexamplePath}"): ${(d.errorInstance as Error)?.message ?? d.errorInstance}\ncounterexample: ${file}`);
    },
  });
});

test('language server: still analyses the example correctly after the fuzzing', async () => {
  const patch = path.join(EX, 'expand-downwards-inversion.patch');
  const uri = fileUri(patch);
  const text = fs.readFileSync(patch, 'utf8');
  await client.open(uri, 'diff', text);
  const p = await client.waitDiagnostics(uri, (x) => x.diagnostics.length > 0, 60_000);
  const line = text.split('\n').findIndex((l) => l.startsWith('+\tanon_vma_lock(vma, &mm->page_table_lock);'));
  assert.ok(p.diagnostics.some((d) => d.code === 'lock-order' && d.range.start.line === line), JSON.stringify(p.diagnostics));
  await client.close(uri);
  assert.equal(child.exitCode, null);
  assert.doesNotMatch(stderr(), /Unhandled|uncaught|FATAL|Aborted/i, stderr().slice(-2000));
});
