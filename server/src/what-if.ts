// The what-if engine: check C files under the base profile and under a profile edited to a
// proposal (i_mmap_lock=mutex, a new lock inserted in the order, an edge reversed), and report the
// findings only the edited model has ("breaks") and those only the base model has ("now allowed"),
// grouped by file, function and cause. A plain function of its inputs (plus the tree on disk) for
// the CLI (cli/what-if.ts) and the language server.
//
// Speed: the edit costs a profile rebuild, not a slower analysis. Only inputs whose text (or a tree
// header function they call) can name a class the edit changes, or both classes of a pair whose
// order it changes, are analysed; the others cannot differ (model/profile-edit-reach.ts). An edit
// of kinds and the order only is evaluated in the same walk as the base profile (sameWalks); one
// that inserts a class changes which locks code names, and takes a run per profile.
import * as path from 'path';
import { analyzeUnderEach, createCache, directoryFiles, isCSource, type AnalysisCache } from './analysis';
import { topLevelIndex } from './c/top-level';
import type { AnalysisResult, ShareResults } from './analysis-types';
import { hashText } from './text-hash';
import { chooseProfile } from './analysis/profile-choice';
import { includedHeaders, type ReadFile } from './analysis/headers';
import type { Finding } from './findings';
import { applyEdits, parseEdits, type AppliedEdit, type EditOp, type EditedProfile } from './model/profile-edit';
import { editFileOps, validateEditFile, type ProfileEditFile } from './model/profile-edit-file';
import {
  declIndex, editReach, functionBodies, ReachScanner, sameWalks, stripC, type DeclIndex, type EditReach,
} from './model/profile-edit-reach';
import type { Profile } from './model/profile-types';
import { fsTree, type TreeReader } from './source/tree';

export { EditError } from './model/profile-edit';
export type { ProfileEditFile } from './model/profile-edit-file';

/** A what-if file with the name messages use for it. */
export interface NamedEditFile { name: string; file: ProfileEditFile }

/** Edits: command-line syntax strings, what-if file objects (named or not), or a mix (applied in order). */
export type WhatIfEdits = string[] | ProfileEditFile | (string | ProfileEditFile | NamedEditFile)[];

function isNamed(e: ProfileEditFile | NamedEditFile): e is NamedEditFile {
  return typeof (e as NamedEditFile).name === 'string' && typeof (e as NamedEditFile).file === 'object';
}

export interface WhatIfInput {
  name: string;
  text: string;
  /** Set by the reach filter: functions of the file whose findings cannot differ under the edit
   *  (they neither name an edited class nor call anything that can); left out of both runs. */
  skip?: string[];
}

export interface ProfileVariant { profile: Profile; origin: string }

/** Runs the analyses of some inputs under each variant: results[input][variant]. */
export type WhatIfRunner = (
  inputs: WhatIfInput[], variants: ProfileVariant[],
  ctl: { signal?: AbortSignal; onDone?: (input: WhatIfInput) => void },
) => Promise<AnalysisResult[][]>;

export interface WhatIfOptions {
  edits: WhatIfEdits;
  inputs: WhatIfInput[];
  /** the kernel tree (pre-image, headers, Makefile for `auto`) */
  tree: string;
  /** auto (default) | built-in id | profile file */
  profile?: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** directory relative input names and profile files are resolved from */
  cwd?: string;
  untrusted?: boolean;
  /** analyse every input, not only those the edit can affect (slower; checks the filter) */
  exhaustive?: boolean;
  /** how analyses run (the CLI spreads them over worker threads); default: in this thread */
  runner?: WhatIfRunner;
  /** shared parsed headers (an editor session) */
  cache?: AnalysisCache;
}

/** Why a site is in the list: what the code runs under, or the order. */
export type WhatIfCause = 'spinlock' | 'rwlock' | 'bit-spinlock' | 'rcu' | 'irqs-off' | 'preempt-off' | 'order' | 'other';

export interface WhatIfSite {
  change: 'breaks' | 'allowed';
  cause: WhatIfCause;
  /** "under a rwlock (tasklist_lock)", "inside an RCU read-side section", "in an order the edit forbids" */
  causeText: string;
  /** one sentence in kernel terms: what the edit changes here */
  explanation: string;
  finding: Finding;
  /** set when the function hit an analysis bound in either run (a time bound depends on load): the
   *  difference may come from where the bound stopped the analysis rather than from the edit */
  bounded?: string;
}

export interface WhatIfFunction { name: string; file: string; line: number; breaks: number; allowed: number; sites: WhatIfSite[] }
export interface WhatIfFile { file: string; breaks: number; allowed: number; functions: WhatIfFunction[] }

export interface WhatIfResult {
  profile: { id: string; origin: string };
  edited: { id: string; origin: string; label: string; edits: AppliedEdit[] };
  /** findings the edited model has and the base model has not */
  breaks: WhatIfSite[];
  /** findings the base model has and the edited model has not */
  allowed: WhatIfSite[];
  /** file -> function -> site, files and functions in source order */
  files: WhatIfFile[];
  causes: { cause: WhatIfCause; text: string; breaks: number; allowed: number }[];
  notes: string[];
  stats: { inputs: number; analysed: number; skipped: number; functions: number; ms: number };
  /** the edited profile as used (for SARIF rule text, hovers) */
  editedProfile: Profile;
}

/** Parse edits (strings in the command-line syntax and what-if file objects) into operations. */
export function editOps(edits: WhatIfEdits, fileName = 'what-if file'): EditOp[] {
  const list = Array.isArray(edits) ? edits : [edits];
  const ops: EditOp[] = [];
  const strings: string[] = [];
  const flush = () => { if (strings.length) ops.push(...parseEdits(strings.splice(0))); };
  for (const e of list) {
    if (typeof e === 'string') { strings.push(e); continue; }
    flush();
    const [name, file] = isNamed(e) ? [e.name, e.file] : [fileName, e];
    validateEditFile(file, name);
    ops.push(...editFileOps(file, name));
  }
  flush();
  return ops;
}

/** The base profile of a tree (as `mmlock check` chooses it) and the edited one. */
export function editedProfiles(opts: { edits: WhatIfEdits; tree: string; profile?: string; cwd?: string; untrusted?: boolean })
  : { base: ProfileVariant; edited: ProfileVariant & EditedProfile; reach: EditReach } {
  const tree = fsTree(opts.tree);
  const chosen = chooseProfile({ profile: opts.profile ?? 'auto', cwd: opts.cwd, untrusted: opts.untrusted, readTreeFile: (rel) => tree.read(rel) });
  const ops = editOps(opts.edits);
  const e = applyEdits(chosen.profile, ops);
  const origin = `${chosen.origin} + what-if ${e.label || '(no edit)'}`;
  return {
    base: { profile: chosen.profile, origin: chosen.origin },
    edited: { ...e, origin },
    reach: editReach(chosen.profile, e.profile),
  };
}

export async function whatIf(opts: WhatIfOptions): Promise<WhatIfResult> {
  const started = Date.now();
  const { base, edited, reach } = editedProfiles(opts);
  const cache = opts.cache ?? createCache();
  const tree = fsTree(opts.tree);
  const notes = [...edited.notes];
  const relevant = opts.exhaustive ? opts.inputs : relevantInputs(opts.inputs, opts.tree, opts.cwd, tree, reach, [base.profile, edited.profile], cache);
  const total = relevant.length;
  let done = 0;
  opts.onProgress?.(0, total);
  // An edit of kinds and the order only: one walk per function reports under both profiles. Else
  // two runs, where functions that cannot name a class the edit touches give the same result
  // under both profiles: the edited run reuses the base run's (see SummaryProvider's shared keys).
  const oneWalk = sameWalks(base.profile, edited.profile);
  const scanner = new ReachScanner(reach, [base.profile, edited.profile]);
  const share: ShareResults | undefined = reach.global || oneWalk ? undefined
    : { key: hashText(JSON.stringify(base.profile)), mayName: (body) => scanner.mayName(body), classes: scanner.classes };
  const runner = opts.runner ?? inProcessRunner(opts, cache, share, oneWalk);
  const results = await runner(relevant, [base, { profile: edited.profile, origin: edited.origin }], {
    signal: opts.signal, onDone: () => opts.onProgress?.(++done, total),
  });
  if (opts.signal?.aborted) throw new Error('cancelled');
  const baseFindings: Finding[] = [];
  const editedFindings: Finding[] = [];
  let functions = 0;
  for (const r of results) {
    baseFindings.push(...r[0].findings);
    editedFindings.push(...r[1].findings);
    functions += r[0].stats.functions;
    for (const n of r[1].notes) if (!r[0].notes.includes(n)) notes.push(n);
  }
  const newOnly = minus(editedFindings, baseFindings);
  const baseOnly = minus(baseFindings, editedFindings);
  const limits = newOnly.filter((f) => f.code === 'analysis-limit');
  if (limits.length) notes.push(`not fully analysed under the edited model only: ${limits.map((f) => `${f.function}() (${f.file})`).join(', ')}`);
  // Functions that hit a state or time bound in either run: their differences are flagged.
  const bounded = new Map<string, string>();
  for (const f of [...baseFindings, ...editedFindings]) {
    if (f.code !== 'analysis-limit') continue;
    const why = /was not fully analysed: (.*?); findings in it may be missing/.exec(f.message)?.[1] ?? 'not fully analysed';
    bounded.set(`${f.file}\0${f.function}`, why);
  }
  const changedKinds = new Map<string, { from: string; to: string; sleeps: boolean }>();
  for (const c of edited.profile.classes) {
    const b = base.profile.classes.find((x) => x.id === c.id);
    if (!b || b.kind !== c.kind) changedKinds.set(c.id, { from: b?.kind ?? 'none', to: c.kind, sleeps: c.sleeps });
  }
  const ctx: ExplainContext = { base: base.profile, edited: edited.profile, changedKinds };
  const mark = (x: WhatIfSite): WhatIfSite => {
    const why = bounded.get(`${x.finding.file}\0${x.finding.function}`);
    return why ? { ...x, bounded: why } : x;
  };
  const breaks = newOnly.filter((f) => f.code !== 'analysis-limit').map((f) => mark(site(f, 'breaks', ctx)));
  const allowed = baseOnly.filter((f) => f.code !== 'analysis-limit').map((f) => mark(site(f, 'allowed', ctx)));
  const shaky = [...new Set([...breaks, ...allowed].filter((x) => x.bounded).map((x) => `${x.finding.function}() (${x.finding.file}: ${x.bounded})`))];
  if (shaky.length) notes.push(`sites in functions not fully analysed are marked: the difference may come from the bound, not the edit: ${shaky.join(', ')}`);
  return {
    profile: { id: base.profile.id, origin: base.origin },
    edited: { id: edited.profile.id, origin: edited.origin, label: edited.label, edits: edited.applied },
    breaks, allowed, files: group([...breaks, ...allowed]), causes: causeCounts(breaks, allowed), notes,
    stats: { inputs: opts.inputs.length, analysed: relevant.length, skipped: opts.inputs.length - relevant.length, functions, ms: Date.now() - started },
    editedProfile: edited.profile,
  };
}

// ------------------------------------------------------------------ running the analyses

function inProcessRunner(opts: WhatIfOptions, cache: AnalysisCache, share: ShareResults | undefined, oneWalk: boolean): WhatIfRunner {
  return async (inputs, variants, ctl) => {
    const out: AnalysisResult[][] = [];
    for (const input of inputs) {
      if (ctl.signal?.aborted) throw new Error('cancelled');
      out.push(await analyzeUnderEach({
        name: input.name, text: input.text, tree: opts.tree,
        all: true, cache, cwd: opts.cwd, sites: false, signal: ctl.signal, untrusted: opts.untrusted, crossFile: true,
        shareResults: share, skipFunctions: input.skip,
      }, variants.map((v) => ({ profileObject: v.profile, profileOrigin: v.origin })), oneWalk));
      ctl.onDone?.(input);
    }
    return out;
  };
}

// ------------------------------------------------------------------ which inputs the edit can affect

interface HeaderInfo { stripped: string; decls?: DeclIndex; fns: Map<string, { start: number; end: number }[]> }
/** A .c file of an input's directory in the tree. */
interface Sibling { path: string; info: HeaderInfo; statics: Set<string> }
/** A directory's .c files, and which of them define each name. */
interface Dir { byPath: Map<string, Sibling>; byName: Map<string, Sibling[]> }
type Scan = ReturnType<ReachScanner['scan']>;

function relevantInputs(inputs: WhatIfInput[], treeDir: string, cwd: string | undefined, tree: TreeReader, reach: EditReach,
  profiles: Profile[], cache: AnalysisCache): WhatIfInput[] {
  if (reach.none) return [];
  if (reach.global) return inputs;
  const scanner = new ReachScanner(reach, profiles);
  const files = new Map<string, string | undefined>();
  const read: ReadFile = (rel) => {
    if (!files.has(rel)) files.set(rel, tree.read(rel));
    const t = files.get(rel);
    return t === undefined ? undefined : { text: t, key: rel };
  };
  const headerInfo = new Map<string, HeaderInfo>();
  const infoOf = (p: string, text: string): HeaderInfo => {
    let h = headerInfo.get(p);
    if (!h) {
      const stripped = stripC(text);
      const fns = new Map<string, { start: number; end: number }[]>();
      for (const f of functionBodies(stripped)) {
        const l = fns.get(f.name) ?? [];
        l.push(f);
        fns.set(f.name, l);
      }
      h = { stripped, fns };
      headerInfo.set(p, h);
    }
    return h;
  };
  const declsOf = (h: HeaderInfo) => (h.decls ??= declIndex(h.stripped));
  // The analysis follows callees into the other .c files of a file's directory (crossFile), so
  // the reach does too: a file is reached when a function it calls there can name the class.
  const dirs = new Map<string, Dir>();
  const dirOf = (rel: string): Dir => {
    const dir = path.posix.dirname(rel);
    let d = dirs.get(dir);
    if (!d) {
      d = { byPath: new Map(), byName: new Map() };
      for (const p of directoryFiles(rel, tree)) {
        const t = read(p);
        if (!t) continue;
        const sib: Sibling = { path: p, info: infoOf(p, t.text), statics: topLevelIndex(t.text).statics };
        d.byPath.set(p, sib);
        for (const fn of sib.info.fns.keys()) { const l = d.byName.get(fn) ?? []; l.push(sib); d.byName.set(fn, l); }
      }
      dirs.set(dir, d);
    }
    return d;
  };
  // First every input's headers (the call graph below needs them all), then the functions from
  // which an edited class can be reached, then the files and functions that need analysing.
  const seenHeaders = new Map<string, HeaderInfo>();
  const prepared = inputs.map((input) => {
    if (!isCSource(input.name, input.text)) return { input };
    const rel = relToTree(input.name, treeDir, cwd);
    const headers = includedHeaders(rel, input.text, read, cache.headers, profiles[0].iteratorMacros)
      .map((img) => ({ path: img.path, info: infoOf(img.path, img.text) }));
    for (const h of headers) seenHeaders.set(h.path, h.info);
    const dir = dirOf(rel);
    return { input, rel, headers, dir };
  });
  const marked = markReaching([...dirs.values()], seenHeaders, scanner);
  const out: WhatIfInput[] = [];
  for (const { input, rel, headers, dir } of prepared) {
    if (rel === undefined || !headers || !dir) { out.push(input); continue; }
    const own = dir.byPath.get(rel);
    // An input that is not the tree's text (an unsaved editor buffer) is analysed whole.
    if (own && read(rel)?.text !== input.text) { out.push(input); continue; }
    if (own) {
      // A file of the tree's directory: reached when one of its functions is.
      const names = [...own.info.fns.keys()];
      const reached = names.filter((n) => marked.has(`${rel}\0${n}`));
      // By name as the reach scanner sees them: a function it does not know is analysed.
      if (reached.length) out.push({ ...input, skip: names.filter((n) => !marked.has(`${rel}\0${n}`)) });
      continue;
    }
    // Elsewhere: the file's text and the header functions it calls, transitively.
    let decls: DeclIndex[] | undefined;
    const allDecls = () => (decls ??= headers.map((h) => declsOf(h.info)));
    const first = scanner.scan(stripC(input.text), allDecls);
    const classes = new Set(first.classes);
    const seen = new Set<string>();
    const queue = [...first.calls];
    while (queue.length) {
      const name = queue.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      for (const h of headers) {
        for (const f of h.info.fns.get(name) ?? []) {
          const r = scanner.scan(h.info.stripped.slice(f.start, f.end), allDecls);
          for (const c of r.classes) classes.add(c);
          for (const c of r.calls) if (!seen.has(c)) queue.push(c);
        }
      }
    }
    if (scanner.relevant(classes)) out.push(input);
  }
  return out;
}

/**
 * The functions (`path\0name`) whose findings an edit can change: the edited classes each one can
 * reach — named in its text, or in anything it calls, transitively — must make the edit matter
 * (a changed class, or both classes of a reordered pair). Class sets are carried backwards over
 * the call graph as bit masks. A name called in a .c file means that file's own definition when it
 * has one, else the headers' and the non-static ones of the directory (more edges than the
 * analysis takes: more functions marked, never fewer).
 */
function markReaching(dirs: Dir[], headers: Map<string, HeaderInfo>, scanner: ReachScanner): Set<string> {
  const noDecls = (): DeclIndex[] => [];
  const classes = scanner.classes;
  const bit = new Map(classes.map((c, i) => [c, 2 ** i] as const));
  const callers = new Map<string, string[]>();
  const mask = new Map<string, number>();
  const headerDefs = new Map<string, string[]>();
  for (const [p, info] of headers) for (const n of info.fns.keys()) { const l = headerDefs.get(n) ?? []; l.push(`${p}\0${n}`); headerDefs.set(n, l); }
  const visit = (path: string, info: HeaderInfo, targets: (callee: string) => string[]) => {
    for (const [name, defs] of info.fns) {
      const node = `${path}\0${name}`;
      let m = mask.get(node) ?? 0;
      for (const f of defs) {
        // Without the includers' declarations: a field's owner type unknown counts as any owner.
        const r: Scan = scanner.scan(info.stripped.slice(f.start, f.end), noDecls);
        for (const c of r.classes) m |= bit.get(c) ?? 0;
        for (const c of r.calls) for (const t of targets(c)) { const l = callers.get(t) ?? []; l.push(node); callers.set(t, l); }
      }
      mask.set(node, m);
    }
  };
  for (const [p, info] of headers) visit(p, info, (c) => headerDefs.get(c) ?? []);
  for (const d of dirs) {
    for (const sib of d.byPath.values()) {
      visit(sib.path, sib.info, (c) => sib.info.fns.has(c) ? [`${sib.path}\0${c}`]
        : [...(headerDefs.get(c) ?? []), ...(d.byName.get(c) ?? []).filter((x) => x !== sib && !x.statics.has(c)).map((x) => `${x.path}\0${c}`)]);
    }
  }
  // A caller reaches what its callees reach.
  const queue = [...mask].filter(([, m]) => m !== 0).map(([n]) => n);
  while (queue.length) {
    const n = queue.pop()!;
    const m = mask.get(n) ?? 0;
    for (const c of callers.get(n) ?? []) {
      const before = mask.get(c) ?? 0;
      if ((before | m) !== before) { mask.set(c, before | m); queue.push(c); }
    }
  }
  const relevant = new Map<number, boolean>();
  const marked = new Set<string>();
  for (const [n, m] of mask) {
    if (!m) continue;
    let v = relevant.get(m);
    if (v === undefined) relevant.set(m, (v = scanner.relevant(new Set(classes.filter((c) => (m & bit.get(c)!) !== 0)))));
    if (v) marked.add(n);
  }
  return marked;
}

function relToTree(name: string, treeDir: string, cwd: string | undefined): string {
  if (name === '-') return name;
  const abs = path.resolve(cwd ?? process.cwd(), name);
  const rel = path.relative(treeDir, abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? name : rel.split(path.sep).join('/');
}

// ------------------------------------------------------------------ comparing and explaining

/** The identity a finding keeps across the two runs. */
export function findingKey(f: Finding): string {
  return [f.file, f.function, f.code, f.line, f.classes.map(String).join(',')].join('\0');
}

/** Findings of `a` not matched by one of `b` (as multisets of keys), in `a`'s order. */
function minus(a: Finding[], b: Finding[]): Finding[] {
  const left = new Map<string, number>();
  for (const f of b) { const k = findingKey(f); left.set(k, (left.get(k) ?? 0) + 1); }
  return a.filter((f) => {
    const k = findingKey(f);
    const n = left.get(k) ?? 0;
    if (n > 0) { left.set(k, n - 1); return false; }
    return true;
  });
}

interface ExplainContext {
  base: Profile;
  edited: Profile;
  changedKinds: Map<string, { from: string; to: string; sleeps: boolean }>;
}

const CAUSE_TEXT: Record<WhatIfCause, string> = {
  spinlock: 'under a spinlock', rwlock: 'under a rwlock', 'bit-spinlock': 'under a bit spinlock', rcu: 'inside an RCU read-side section',
  'irqs-off': 'with interrupts disabled', 'preempt-off': 'with preemption disabled', order: 'in an order the edit forbids', other: 'other',
};

/** The held and the taken lock class of a finding (sleep-in-atomic drops the missing ones from
 *  `classes`, so positions alone do not tell; `locks[0]` is "atomic" when no lock is held). */
export function lockRoles(f: Finding): { held?: string; taken?: string } {
  if (f.code === 'lock-order') return { held: f.classes[0], taken: f.classes[1] };
  if (f.code !== 'sleep-in-atomic') return {};
  const held = /\bis (?:still )?held \(([A-Za-z_][\w.:]*), a spinning lock\)/.exec(f.message)?.[1];
  const taken = /\btakes [^()]*?\(([A-Za-z_][\w.:]*), an? [a-z_ ]+\)/.exec(f.message)?.[1];
  if (f.locks[0] === 'atomic') return { taken: taken ?? f.classes[0] };
  if (f.classes.length === 2) return { held: f.classes[0], taken: f.classes[1] };
  return { held, taken };
}

/** What the code runs under (for sleep-in-atomic) or the order, from the finding and the profile it came from. */
export function causeOf(f: Finding, profile: Profile, change: 'breaks' | 'allowed'): { cause: WhatIfCause; text: string } {
  if (f.code === 'lock-order') return { cause: 'order', text: change === 'breaks' ? CAUSE_TEXT.order : 'in an order the edit now allows' };
  if (f.code !== 'sleep-in-atomic') return { cause: 'other', text: f.code };
  const heldId = lockRoles(f).held;
  const held = heldId ? profile.classes.find((c) => c.id === heldId) : undefined;
  const label = f.locks[0] && f.locks[0] !== 'atomic' ? f.locks[0] : undefined;
  const under = (cause: WhatIfCause) => ({ cause, text: `${CAUSE_TEXT[cause]}${label ? ` (${label})` : ''}` });
  if (held?.kind === 'rwlock') return under('rwlock');
  if (held?.kind === 'bit_spinlock') return under('bit-spinlock');
  if (held?.kind === 'spinlock' || held?.kind === 'raw_spinlock') return under('spinlock');
  if (label) return under('spinlock'); // a spinning lock the profile does not know
  if (/interrupts are disabled/.test(f.message)) return { cause: 'irqs-off', text: CAUSE_TEXT['irqs-off'] };
  if (/preemption is disabled/.test(f.message)) return { cause: 'preempt-off', text: CAUSE_TEXT['preempt-off'] };
  if (/RCU read-side/.test(f.message)) return { cause: 'rcu', text: CAUSE_TEXT.rcu };
  return { cause: 'other', text: f.code };
}

function site(f: Finding, change: 'breaks' | 'allowed', ctx: ExplainContext): WhatIfSite {
  const profile = change === 'breaks' ? ctx.edited : ctx.base;
  const { cause, text } = causeOf(f, profile, change);
  return { change, cause, causeText: text, explanation: explain(f, change, text, ctx), finding: f };
}

function explain(f: Finding, change: 'breaks' | 'allowed', causeText: string, ctx: ExplainContext): string {
  const { held: heldCls, taken: takenCls } = lockRoles(f);
  const kind = (c: string | undefined) => (c ? ctx.changedKinds.get(c) : undefined);
  let why = '';
  if (f.code === 'sleep-in-atomic') {
    const taken = kind(takenCls);
    const held = kind(heldCls);
    if (change === 'breaks') {
      // a callee that now sleeps names the lock it takes in the message ("... takes mm->page_table_lock")
      const inCallee = takenCls ? undefined : [...ctx.changedKinds].find(([id, k]) => k.sleeps && id !== heldCls && new RegExp(`\\b${id}\\b`).test(f.message));
      if (taken?.sleeps) why = `${takenCls} is a ${taken.to} under the edit (it sleeps) and is taken ${causeText}`;
      else if (held && !held.sleeps) why = `${heldCls} is a ${held.to} under the edit (it spins), and the code under it sleeps`;
      else if (inCallee) why = `${inCallee[0]} is a ${inCallee[1].to} under the edit (it sleeps) and a callee takes it ${causeText}`;
      else why = `under the edit, this sleeps ${causeText}`;
    } else {
      if (held?.sleeps) why = `${heldCls} is a ${held.to} under the edit: sleeping under it is allowed`;
      else if (taken && !taken.sleeps) why = `${takenCls} is a ${taken.to} under the edit: taking it no longer sleeps`;
      else why = `under the edit, this no longer sleeps ${causeText}`;
    }
  } else if (f.code === 'lock-order' && heldCls && takenCls) {
    if (change === 'breaks') {
      why = `under the edit ${takenCls} comes before ${heldCls}`;
    } else {
      why = `the edited order no longer puts ${takenCls} before ${heldCls}`;
    }
  } else {
    why = change === 'breaks' ? `new under the edit (${f.code})` : `gone under the edit (${f.code})`;
  }
  return `${why}: ${f.message}`;
}

function group(sites: WhatIfSite[]): WhatIfFile[] {
  const byFile = new Map<string, WhatIfFile>();
  const sorted = [...sites].sort((a, b) => cmp(a.finding.file, b.finding.file) || a.finding.line - b.finding.line || a.finding.column - b.finding.column);
  for (const s of sorted) {
    const f = s.finding;
    let file = byFile.get(f.file);
    if (!file) byFile.set(f.file, (file = { file: f.file, breaks: 0, allowed: 0, functions: [] }));
    let fn = file.functions.find((x) => x.name === f.function);
    if (!fn) file.functions.push((fn = { name: f.function, file: f.file, line: f.line, breaks: 0, allowed: 0, sites: [] }));
    fn.sites.push(s);
    fn[s.change]++;
    file[s.change]++;
  }
  return [...byFile.values()];
}

function cmp(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }

function causeCounts(breaks: WhatIfSite[], allowed: WhatIfSite[]): WhatIfResult['causes'] {
  const order: WhatIfCause[] = ['spinlock', 'rwlock', 'bit-spinlock', 'rcu', 'irqs-off', 'preempt-off', 'order', 'other'];
  return order.map((cause) => ({
    cause, text: CAUSE_TEXT[cause],
    breaks: breaks.filter((s) => s.cause === cause).length,
    allowed: allowed.filter((s) => s.cause === cause).length,
  })).filter((c) => c.breaks || c.allowed);
}

export type { EditedProfile };
