// A small fake of the analysis core for the language-server tests: it finds spin_lock /
// anon_vma_lock calls on the lines a patch shows (or in a C file), walks each hunk as one path and
// reports a realistic lock-order finding when anon_vma's lock is taken under page_table_lock,
// with sites (what is held), touched functions, a 2.6.34-like profile and a canned deadlock.
import type { AnalyzeOptions, AnalysisResult, FunctionReport, LockSite } from '../../../server/src/analysis-types';
import type { Finding } from '../../../server/src/findings';
import type { Profile } from '../../../server/src/model/profile-types';
import type { LspDeps, SimulateOptions, SimulationOutput } from '../../../server/src/lsp/deps';
import { scanPatch } from '../../../server/src/lsp/patch-lines';
import { viewFromProfile } from '../../../server/src/lsp/profile-view';

const SRC = 'mm/rmap.c ordering comment (2.6.34)';

export const PROFILE_2634: Profile = {
  id: 'linux-2.6.34', description: 'Linux 2.6.34 (anon_vma_chain era)', version: { major: 2, minor: 6 },
  classes: [
    { id: 'mmap_lock', kind: 'rwsem', sleeps: true, description: 'mm->mmap_sem: the address space layout', source: 'include/linux/mm_types.h' },
    { id: 'page_lock', kind: 'page_lock', sleeps: true, description: 'PG_locked: one page', source: 'include/linux/pagemap.h' },
    { id: 'i_mmap_lock', kind: 'spinlock', sleeps: false, description: 'mapping->i_mmap_lock: the file rmap tree', source: 'include/linux/fs.h' },
    { id: 'anon_vma', kind: 'spinlock', sleeps: false, description: 'anon_vma->lock: the anon_vma\'s list of vmas', source: 'include/linux/rmap.h' },
    { id: 'page_table_lock', kind: 'spinlock', sleeps: false, description: 'mm->page_table_lock: page tables and vm_start of stack vmas', source: 'include/linux/mm_types.h' },
    { id: 'lru_lock', kind: 'spinlock', sleeps: false, description: 'zone->lru_lock: the LRU lists', source: 'include/linux/mmzone.h' },
    { id: 'swap_lock', kind: 'spinlock', sleeps: false, description: 'swap_lock: swap_info', source: 'mm/swapfile.c' },
    { id: 'rcu', kind: 'rcu', sleeps: false, description: 'RCU read side', source: 'include/linux/rcupdate.h' },
  ],
  order: [
    { outer: 'mmap_lock', inner: 'page_lock', source: SRC },
    { outer: 'page_lock', inner: 'i_mmap_lock', source: SRC },
    { outer: 'i_mmap_lock', inner: 'anon_vma', source: SRC },
    { outer: 'anon_vma', inner: 'page_table_lock', source: SRC },
    { outer: 'page_table_lock', inner: 'lru_lock', source: SRC, note: '(in mark_page_accessed, isolate_lru_page)' },
    { outer: 'page_table_lock', inner: 'swap_lock', source: SRC, note: '(in swap_duplicate, swap_info_get)' },
    { outer: 'mmap_lock', inner: 'anon_vma', source: SRC },
  ],
  apis: [], fieldTypes: [], iteratorMacros: [], nameTypes: {}, gfp: { blocking: [], atomic: [] },
};

interface Call { api: string; op: 'acquire' | 'release'; cls: string; instance: string; col: number; len: number }

const CALLS: { re: RegExp; op: 'acquire' | 'release'; cls?: string; instance?: string }[] = [
  { re: /\bspin_lock\s*\(\s*&([^;]*?)\)\s*;/, op: 'acquire' },
  { re: /\bspin_unlock\s*\(\s*&([^;]*?)\)\s*;/, op: 'release' },
  { re: /\banon_vma_lock\s*\([^;]*\)\s*;/, op: 'acquire', cls: 'anon_vma', instance: 'anon_vma->lock' },
  { re: /\banon_vma_unlock\s*\([^;]*\)\s*;/, op: 'release', cls: 'anon_vma', instance: 'anon_vma->lock' },
];

function callOn(text: string): Call | null {
  for (const c of CALLS) {
    const m = c.re.exec(text);
    if (!m) continue;
    const instance = c.instance ?? m[1].replace(/^vma->vm_mm->/, 'mm->');
    const cls = c.cls ?? (/page_table_lock/.test(instance) ? 'page_table_lock' : /anon_vma/.test(instance) ? 'anon_vma' : '');
    const api = /^\s*(\w+)/.exec(text.slice(m.index))![1];
    return { api, op: c.op, cls, instance, col: m.index + 1, len: m[0].length };
  }
  return null;
}

export interface FakeCalls { analyze: AnalyzeOptions[]; simulate: SimulateOptions[]; aborted: number }

export interface FakeOptions { delayMs?: number }

export function fakeCore(opts: FakeOptions = {}): LspDeps & { calls: FakeCalls } {
  const calls: FakeCalls = { analyze: [], simulate: [], aborted: 0 };
  const view = viewFromProfile(PROFILE_2634);

  async function analyze(o: AnalyzeOptions): Promise<AnalysisResult> {
    calls.analyze.push(o);
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    if (o.signal?.aborted) { calls.aborted++; throw Object.assign(new Error('aborted'), { name: 'AbortError' }); }
    const lines = o.text.split(/\r?\n/);
    const isC = /\.c$/.test(o.name);
    // [file, newLine, inputLine?, function, codeText]
    const shown: { file: string; line: number; input?: number; hunk?: number; fn: string; text: string }[] = [];
    if (isC) {
      let fn = '';
      lines.forEach((t, i) => {
        const d = /^\w[\w\s*]*?\b(\w+)\s*\(/.exec(t);
        if (d) fn = d[1];
        shown.push({ file: o.name, line: i + 1, fn, text: t });
      });
    } else {
      const map = scanPatch(o.text);
      if (!map.files.length) {
        const line = lines.findIndex((l) => l.trim() !== '') + 1 || 1;
        throw Object.assign(new Error(`line ${line}: not a patch: no 'diff --git', '---'/'+++' or '@@' line found`), { name: 'PatchError', line });
      }
      for (const f of map.files) for (const h of f.hunks) {
        const fn = /(\w+)\s*\(/.exec(h.section)?.[1] ?? '';
        for (const s of h.lines) if (s.newLine !== undefined) shown.push({ file: f.path, line: s.newLine, input: s.input, hunk: h.header, fn, text: lines[s.input - 1].slice(h.prefix) });
      }
    }
    const sites: LockSite[] = [];
    const findings: Finding[] = [];
    const fnReports = new Map<string, FunctionReport>();
    let held: { lock: string; class: string; line: number; col: number; fn: string }[] = [];
    let curFn = '';
    for (const s of shown) {
      if (s.fn !== curFn) { held = []; curFn = s.fn; }
      if (s.fn && !fnReports.has(s.fn)) {
        fnReports.set(s.fn, { name: s.fn, file: s.file, line: s.line, endLine: s.line, inputLine: s.hunk ?? s.input, touched: true, findings: 0 });
      }
      const fr = s.fn ? fnReports.get(s.fn)! : undefined;
      if (fr) fr.endLine = Math.max(fr.endLine, s.line);
      const c = callOn(s.text);
      if (!c) continue;
      const heldHere = [{ lock: 'mm->mmap_sem', class: 'mmap_lock', mode: 'read' as const, paths: 3 },
        ...held.map((h) => ({ lock: h.lock, class: h.class, mode: 'write' as const, paths: 3 }))];
      if (c.cls === 'anon_vma' && c.op === 'acquire') heldHere.push({ lock: 'pte_ptl', class: 'pte_ptl', mode: 'write', paths: 1 } as never);
      sites.push({ file: s.file, line: s.line, column: c.col, endColumn: c.col + c.len, inputLine: s.input, function: s.fn,
        api: c.api, op: c.op, class: c.cls || null, instance: c.instance, paths: 3, held: heldHere });
      if (c.op === 'acquire') {
        const ptl = held.find((h) => h.class === 'page_table_lock');
        if (c.cls === 'anon_vma' && ptl) {
          findings.push({
            code: 'lock-order', severity: 'error', function: s.fn, introduced: true,
            message: `${c.instance} acquired while ${ptl.lock} is held: the documented order is anon_vma->lock -> mm->page_table_lock`,
            file: s.file, line: s.line, column: c.col, endLine: s.line, endColumn: c.col + c.len, inputLine: s.input,
            locks: [ptl.lock, c.instance], classes: ['page_table_lock', 'anon_vma'],
            related: [{ file: s.file, line: ptl.line, column: ptl.col, message: `${ptl.lock} taken here` }],
            source: SRC,
          });
          if (fr) fr.findings++;
        }
        held.push({ lock: c.instance, class: c.cls, line: s.line, col: c.col, fn: s.fn });
      } else {
        held = held.filter((h) => h.lock !== c.instance);
      }
    }
    return {
      profile: { id: 'linux-2.6.34', origin: o.tree ? 'tree Makefile' : 'guessed from the lock APIs in the input (no kernel tree)' },
      mode: isC ? 'c-file' : o.tree ? 'tree' : 'hunk-only',
      findings, functions: [...fnReports.values()], sites, notes: [], stats: { files: 1, functions: fnReports.size, ms: 1 },
    };
  }

  async function simulate(o: SimulateOptions): Promise<SimulationOutput> {
    calls.simulate.push(o);
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    if (o.signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    const r = await analyze({ ...o, signal: undefined });
    calls.analyze.pop();
    const fns = o.functions ?? r.functions.filter((f) => f.touched).map((f) => f.name);
    const f = r.findings[0];
    if (!f || !fns.includes(f.function)) {
      return { functions: fns, explored: 212, bounded: false, deadlocks: [], text: 'no deadlock in 212 states\n', notes: [] };
    }
    const rel = f.related[0];
    return {
      profile: { id: 'linux-2.6.34', origin: 'analysis' }, functions: fns, explored: 1234, bounded: false,
      deadlocks: [{
        threads: [{ name: f.function, source: f.file }, { name: 'rmap walk (try_to_unmap)', scenario: 'rmap-walk' }],
        steps: [
          { thread: 0, op: 'lock', lock: 'mm->page_table_lock', file: rel.file, line: rel.line },
          { thread: 1, op: 'lock', lock: 'anon_vma->lock', file: 'mm/rmap.c', line: 1 },
          { thread: 1, op: 'lock', lock: 'mm->page_table_lock', file: 'mm/rmap.c', line: 2 },
          { thread: 0, op: 'lock', lock: 'anon_vma->lock', file: f.file, line: f.line },
        ],
        cycle: ['mm->page_table_lock', 'anon_vma->lock'],
      }],
      text: ' Possible unsafe locking scenario:\n\n       CPU0                    CPU1\n       ----                    ----\n  lock(&mm->page_table_lock);\n                               lock(&anon_vma->lock);\n                               lock(&mm->page_table_lock);\n  lock(&anon_vma->lock);\n\n *** DEADLOCK ***\n',
      notes: [],
    };
  }

  return {
    calls, analyze, simulate,
    profileView: (id) => (id === 'linux-2.6.34' ? view : null),
    listProfiles: () => [{ id: 'linux-2.6.26', description: '2.6.26 – before 2.6.27' }, { id: 'linux-2.6.34', description: '2.6.27 – before 3.0' }],
  };
}
