// Patch reader + source materialisation speed: a 100-patch mbox series (3 files and 5 hunks a
// patch) made in memory from real linux-6.12 mm/*.c text (synthetic C when the corpus is absent),
// read with parsePatchSet and materialised against the tree with materializeSeries.
import * as fs from 'fs';
import * as path from 'path';
import { parsePatchSet } from '../../server/src/patch';
import { fsTree, materializeSeries, memoryTree, type TreeReader } from '../../server/src/source';

interface Row { name: string; value: number; unit: string; target?: string }

/** shared/corpus/linux-6.12 beside the project (looked for above the compiled bench). */
function corpusDir(): string | undefined {
  for (let d = __dirname; d !== path.dirname(d); d = path.dirname(d)) {
    const c = path.join(d, 'shared', 'corpus', 'linux-6.12');
    if (fs.existsSync(path.join(c, 'mm'))) return c;
  }
  return undefined;
}
const PATCHES = 100, FILES_PER_PATCH = 3, HUNKS_PER_FILE = 5;

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sources(): { files: Map<string, string>; tree: TreeReader; real: boolean } {
  const files = new Map<string, string>();
  const corpus = corpusDir();
  if (corpus) {
    const mm = path.join(corpus, 'mm');
    for (const f of fs.readdirSync(mm).filter((n) => n.endsWith('.c')).sort()) {
      files.set(`mm/${f}`, fs.readFileSync(path.join(mm, f), 'utf8'));
    }
    return { files, tree: fsTree(corpus), real: true };
  }
  for (let i = 0; i < 40; i++) {
    const body: string[] = [];
    for (let fn = 0; fn < 60; fn++) {
      body.push(`static int f${i}_${fn}(struct mm_struct *mm)`, '{', '\tint ret = 0;', '');
      for (let s = 0; s < 20; s++) body.push(`\tret += step_${s}(mm, ${fn});`);
      body.push('\treturn ret;', '}', '');
    }
    files.set(`mm/gen${i}.c`, body.join('\n') + '\n');
  }
  return { files, tree: memoryTree(Object.fromEntries(files)), real: false };
}

interface Edit { at: number; remove: number; add: string[] }

/** A git-style diff of `edits` (sorted, far apart) on `lines`; returns the diff and the new lines. */
function diffFile(file: string, lines: string[], edits: Edit[]): { diff: string[]; next: string[]; adds: number; dels: number } {
  const out = [`diff --git a/${file} b/${file}`, 'index 1111111..2222222 100644', `--- a/${file}`, `+++ b/${file}`];
  let delta = 0, adds = 0, dels = 0;
  for (const e of edits) {
    const from = Math.max(0, e.at - 3);
    const to = Math.min(lines.length, e.at + e.remove + 3);
    const before = lines.slice(from, e.at), after = lines.slice(e.at + e.remove, to);
    const oldCount = before.length + e.remove + after.length, newCount = before.length + e.add.length + after.length;
    let section = '';
    for (let i = from - 1; i >= 0; i--) if (/^[A-Za-z_$]/.test(lines[i])) { section = ' ' + lines[i].replace(/\s+$/, '').slice(0, 80); break; }
    out.push(`@@ -${from + 1},${oldCount} +${from + 1 + delta},${newCount} @@${section}`);
    for (const l of before) out.push(' ' + l);
    for (const l of lines.slice(e.at, e.at + e.remove)) out.push('-' + l);
    for (const l of e.add) out.push('+' + l);
    for (const l of after) out.push(' ' + l);
    delta += e.add.length - e.remove;
    adds += e.add.length;
    dels += e.remove;
  }
  const next = lines.slice();
  for (const e of [...edits].reverse()) next.splice(e.at, e.remove, ...e.add);
  return { diff: out, next, adds, dels };
}

function makeSeries(files: Map<string, string>): string {
  const rand = rng(612);
  const names = [...files.keys()];
  const current = new Map([...files].map(([k, v]) => [k, v.replace(/\n$/, '').split('\n')]));
  const mbox: string[] = [];
  for (let p = 1; p <= PATCHES; p++) {
    const chosen = new Set<string>();
    while (chosen.size < FILES_PER_PATCH) chosen.add(names[Math.floor(rand() * names.length)]);
    const body: string[] = [];
    const stat: string[] = [];
    for (const file of chosen) {
      const lines = current.get(file)!;
      // Statement lines inside functions, 8+ lines apart so hunks stay separate.
      const spots: number[] = [];
      const span = Math.floor((lines.length - 20) / HUNKS_PER_FILE);
      for (let h = 0; h < HUNKS_PER_FILE; h++) {
        for (let tries = 0; tries < 50; tries++) {
          const at = 10 + h * span + Math.floor(rand() * Math.max(1, span - 10));
          if (/^\t+\w.*;$/.test(lines[at] ?? '') && (!spots.length || at - spots[spots.length - 1] >= 8)) { spots.push(at); break; }
        }
      }
      const edits: Edit[] = spots.map((at, k) => {
        const indent = /^\t*/.exec(lines[at])![0];
        if (k % 3 === 0) return { at: at + 1, remove: 0, add: [`${indent}cond_resched();`] };
        if (k % 3 === 1) return { at, remove: 1, add: [lines[at].replace(/;$/, '; /* checked */')] };
        return { at, remove: 1, add: [`${indent}spin_lock(&mm->page_table_lock);`, lines[at], `${indent}spin_unlock(&mm->page_table_lock);`] };
      });
      const d = diffFile(file, lines, edits);
      current.set(file, d.next);
      body.push(...d.diff);
      stat.push(` ${file} | ${d.adds + d.dels} ${'+'.repeat(d.adds)}${'-'.repeat(d.dels)}`);
    }
    mbox.push(
      `From ${p.toString(16).padStart(40, '0')} Mon Sep 17 00:00:00 2001`,
      'From: Bench Author <bench@example.org>',
      'Date: Mon, 23 Nov 2026 09:00:00 +0000',
      `Subject: [PATCH ${p}/${PATCHES}] mm: bench change ${p}`,
      '',
      `Change ${p} of the benchmark series: reschedule points and extra locking.`,
      '',
      'Signed-off-by: Bench Author <bench@example.org>',
      '---',
      ...stat,
      ` ${FILES_PER_PATCH} files changed`,
      '',
      ...body,
      '-- ',
      '2.39.5',
      '',
    );
  }
  return mbox.join('\n');
}

export async function run(): Promise<Row[]> {
  const { files, tree, real } = sources();
  const text = makeSeries(files);
  // The whole job on the series: parse, materialise, simulate every touched function (and its
  // pre-image), explore deadlocks.
  const corpus = corpusDir();
  let checkMs: number | undefined;
  let findings = 0;
  if (corpus) {
    const { analyze } = require('../../server/src/analysis') as typeof import('../../server/src/analysis');
    const t0 = process.hrtime.bigint();
    const r = await analyze({ name: 'bench.mbox', text, tree: corpus, sites: false });
    checkMs = Number(process.hrtime.bigint() - t0) / 1e6;
    findings = r.findings.length;
  }
  const time = <T>(f: () => T): [T, number] => {
    const t0 = process.hrtime.bigint();
    const r = f();
    return [r, Number(process.hrtime.bigint() - t0) / 1e6];
  };
  parsePatchSet(text, 'warm-up.mbox');
  const [set, parseMs] = time(() => parsePatchSet(text, 'bench.mbox'));
  const [mats, matMs] = time(() => materializeSeries(set, tree));
  const srcFiles = mats.flatMap((m) => m.files);
  const hunkOnly = srcFiles.filter((f) => f.mode !== 'tree').length;
  const hunks = set.patches.reduce((n, p) => n + p.files.reduce((m, f) => m + f.hunks.length, 0), 0);
  const src = real ? 'linux-6.12 mm' : 'synthetic C';
  return [
    ...(checkMs !== undefined ? [{ name: `check a 100-patch series (mbox) against linux-6.12, analysis included (${findings} findings)`, value: Math.round(checkMs), unit: 'ms', target: '< 5000 ms' }] : []),
    { name: `patch: series size (${PATCHES} patches, ${hunks} hunks, ${src})`, value: Math.round(text.length / 1024), unit: 'KiB' },
    { name: 'patch: parsePatchSet, 100-patch mbox', value: parseMs, unit: 'ms', target: '< 500 ms (a small part of the 5000 ms budget)' },
    { name: 'patch: materializeSeries against the tree', value: matMs, unit: 'ms', target: '< 1500 ms' },
    { name: 'patch: parse + materialize, 100 patches', value: parseMs + matMs, unit: 'ms', target: '< 5000 ms for 100 patches incl. analysis' },
    { name: 'patch: files that fell back to hunk-only mode', value: hunkOnly, unit: `of ${srcFiles.length}`, target: '0' },
  ];
}

if (require.main === module) {
  run().then((rows) => { for (const r of rows) console.log(`${r.name}: ${r.value} ${r.unit}${r.target ? ' (target ' + r.target + ')' : ''}`); });
}
