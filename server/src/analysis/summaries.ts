// Callee summaries on demand: the functions of the file being analysed, of the other files the
// patch touches, and of the tree's headers (static inline wrappers such as anon_vma_lock()) are
// analysed when first called, once, and their summaries used at call sites.
import { analyzeFunction, FunctionInput, FunctionResult, InterpretContext, Limits, OrderLike } from '../sim/interpret';
import type { Summary, SummaryExit } from '../sim/summary-types';
import { gfpBlocks, ProfileIndex } from '../model/resolve';
import { hashText } from '../text-hash';
import { shiftResult } from './shift-result';
import type { Site } from '../sim/state';
import type { Guard } from '../model/profile-types';
import type { ShareResults } from '../analysis-types';

/** A second profile evaluated in the same walks (a what-if edit of kinds and order only). */
export interface VariantProfile { ix: ProfileIndex; order: OrderLike }

/** The text of argument `n` of the call whose arguments start at `at` (just after the '('). */
function nthArg(text: string, at: number, n: number): string | undefined {
  let depth = 0;
  let start = at;
  let idx = 0;
  for (let i = at; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0) return idx === n ? text.slice(start, i) : undefined;
      depth--;
    } else if (ch === ',' && depth === 0) {
      if (idx === n) return text.slice(start, i);
      idx++;
      start = i + 1;
    }
  }
  return undefined;
}

/** The text with comments and string/char literals blanked (same length): words in a comment such
 *  as "get_user_pages()" are not calls. */
export function codeOnly(t: string): string {
  let out = '';
  let i = 0;
  let last = 0;
  const blank = (from: number, to: number) => { out += t.slice(last, from) + t.slice(from, to).replace(/[^\n]/g, ' '); last = to; };
  while (i < t.length) {
    const c = t[i];
    if (c === '/' && t[i + 1] === '*') { const e = t.indexOf('*/', i + 2); const end = e < 0 ? t.length : e + 2; blank(i, end); i = end; }
    else if (c === '/' && t[i + 1] === '/') { const e = t.indexOf('\n', i); const end = e < 0 ? t.length : e; blank(i, end); i = end; }
    else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < t.length && t[j] !== c && t[j] !== '\n') j += t[j] === '\\' ? 2 : 1;
      blank(i + 1, Math.min(j, t.length)); i = j + 1;
    } else i++;
  }
  return out + t.slice(last);
}

function siteAt(fn: FunctionInput, offsetInBody: number): Site {
  let line = fn.bodyLine ?? fn.line;
  const t = fn.bodyText!;
  for (let i = t.indexOf('\n'); i >= 0 && i < offsetInBody; i = t.indexOf('\n', i + 1)) line++;
  return { file: fn.file, line, col: 1 };
}

export interface FunctionSource {
  /** The definition of a function by name, or undefined. */
  lookup(name: string): FunctionInput | undefined;
  /** Another file of the tree: the file's path, and its definitions as its own functions see them
   *  (static ones too: `vm_unmap_aliases()` calls the static `_vm_unmap_aliases()` beside it). */
  sibling?: {
    path: string; lookupLocal(name: string): FunctionInput | undefined;
    /** The file's own file-scope variables and struct fields (`static DEFINE_SPINLOCK(kmemleak_lock)`,
     *  `struct kmemleak_object`), which its functions see before anything of the caller's file. */
    globalType?(name: string): string | undefined;
    fieldType?(key: string): string | undefined;
  };
  /** A source standing for several other files of the tree: the one that is `file`, if any. */
  siblingFor?(file: string): FunctionSource['sibling'];
}

// A series or a what-if asks a new provider for the same callees again and again: what depends
// on the function's text alone is computed once per function input.
const ownKeys = new WeakMap<FunctionInput, string>();
function ownKey(fn: FunctionInput): string {
  let k = ownKeys.get(fn);
  if (k === undefined) {
    ownKeys.set(fn, (k = [fn.file, fn.name, fn.endLine - fn.line, (fn.bodyLine ?? fn.line) - fn.line, hashText(fn.bodyText ?? ''),
      JSON.stringify(fn.params), JSON.stringify(fn.annotations), fn.partial ? 1 : 0, fn.returnsPointer ? 1 : 0].join('\0')));
  }
  return k;
}

/** The body without comments and strings, and the calls in it (name, offset after the '('). */
const callLists = new WeakMap<FunctionInput, { text: string; calls: { name: string; at: number }[] }>();
function callsIn(fn: FunctionInput): { text: string; calls: { name: string; at: number }[] } {
  let v = callLists.get(fn);
  if (!v) {
    const text = codeOnly(fn.bodyText ?? '');
    const calls: { name: string; at: number }[] = [];
    const re = /([A-Za-z_]\w*)\s*\(/g;
    for (let m = re.exec(text); m; m = re.exec(text)) calls.push({ name: m[1], at: m.index + m[0].length });
    callLists.set(fn, (v = { text, calls }));
  }
  return v;
}

/** A read-only map answering from `first`, then from `then` (only `get` and `has` are used). */
function overlay(first: (k: string) => string | undefined, then: Map<string, string> | undefined): Map<string, string> {
  const m = new Map<string, string>();
  m.get = (k: string) => first(k) ?? then?.get(k);
  m.has = (k: string) => m.get(k) !== undefined;
  return m;
}

const MAX_DEPTH = 6;
const GUARD_MACROS = new Set(['guard', 'scoped_guard', 'scoped_cond_guard']);

/**
 * Results kept across providers (the patches of a series, the edits of an open document): a
 * function's result is reused when its text is the same and every answer its analysis asked for
 * (callee summaries, global and field types) is still the same. Keyed by the function's content.
 */
export class ResultStore {
  private readonly map = new Map<string, StoredResult[]>();
  constructor(private readonly cap = 20_000) {}
  get(key: string): StoredResult[] | undefined { return this.map.get(key); }
  add(key: string, e: StoredResult): void {
    const list = this.map.get(key);
    if (list) { list.unshift(e); if (list.length > 4) list.pop(); return; }
    if (this.map.size >= this.cap) {
      // Oldest first (insertion order): an open document's old versions go before its current one.
      let drop = this.cap >> 3;
      for (const k of this.map.keys()) { if (drop-- <= 0) break; this.map.delete(k); }
    }
    this.map.set(key, [e]);
  }
  get size(): number { return this.map.size; }
}

/** What one analysis asked its context, with the answers it got. */
type Dep = { k: 'sum' | 'guard'; name: string; v: string } | { k: 'global' | 'field'; name: string; v: string | undefined };

/** A result with what it depended on, and where its function stood (it may be reused moved). */
export interface StoredResult { result: FunctionResult; deps: Dep[]; sites: boolean; traces: boolean; line: number; endLine: number }

const summaryJson = new WeakMap<Summary, string>();
function jsonOf(s: Summary | undefined): string {
  if (!s) return '';
  let j = summaryJson.get(s);
  if (j === undefined) summaryJson.set(s, (j = JSON.stringify(s)));
  return j;
}

/** A profile's content hash (its index and order are built from it alone): part of the key, so
 *  a profile chosen afresh for each run (auto without a tree) still finds its stored results. */
const profileKeys = new WeakMap<object, string>();
export function profileKey(ix: ProfileIndex): string {
  let k = profileKeys.get(ix);
  if (k === undefined) profileKeys.set(ix, (k = hashText(JSON.stringify(ix.profile))));
  return k;
}


/**
 * A callee from another file of the tree as its callers see it: what it takes (order), whether it
 * may sleep and the context it leaves; not the locks it returns held or releases for its caller.
 * Such hand-offs (folio_walk_start()/folio_walk_end(), follow_pte()) pair up across files in ways
 * the caller's own code does not show, and half a pair made whole-file checks report locks "held"
 * for the rest of the caller.
 */
const balanced = new WeakMap<Summary, Summary>();
function balancedView(s: Summary): Summary {
  if (!s.requires.length && s.exits.every((e) => !e.acquired.length && !e.released.length)) return s;
  let v = balanced.get(s);
  // An exit that hands a lock over also hands over the context its lock API set (irqs off from
  // spin_lock_irqsave(), RCU from pte_offset_map_lock()): both halves go, or the caller would run
  // the rest of its body "with interrupts disabled" (folio_lruvec_relock_irqsave() in a loop).
  const view = (e: SummaryExit): SummaryExit => (e.acquired.length || e.released.length
    ? { ret: e.ret, acquired: [], released: [] } : e);
  if (!v) balanced.set(s, (v = { ...s, requires: [], exits: s.exits.map(view) }));
  return v;
}

function failedResult(fn: FunctionInput, why: string): FunctionResult {
  return {
    findings: [], traces: [], sites: [], nestings: [], limit: `internal error: ${why}`,
    summary: { name: fn.name, file: fn.file, maySleep: null, gfpParams: [], takes: [], exits: [{ ret: 'unknown', acquired: [], released: [] }], requires: [], complete: false },
  };
}

/**
 * Providers that answer for each other: one per file of the tree (a whole-tree what-if), so a
 * function is analysed once per profile whichever file calls it, in its own file's context (its
 * headers, globals and struct fields). They share the depth bound and count where it cut.
 */
export interface ProviderNetwork {
  /** The provider of a tree file, or undefined when it has none (a header, a patched file). */
  providerOf(file: string): SummaryProvider | undefined;
  readonly counters: CallCounters;
  /** Whether results record what they depend on: only a patch series asks (ChangedFiles). */
  readonly tracksUses: boolean;
  /** What each of the network's results depends on (see Uses). */
  readonly uses: WeakMap<FunctionResult, Uses>;
  /** While results are computed: what each one has used so far, innermost last. */
  readonly using: Uses[];
}

/**
 * What a result depends on, by file: the functions whose text it was computed from (its own and
 * every callee's, transitively), and, as DECLARATIONS, the file-scope declarations of its file and
 * of the headers that file includes (globals, struct fields: lock classes are found through them).
 */
export type Uses = Map<string, Set<string>>;
export const DECLARATIONS = '';

/** The files a patch series has changed so far, against the tree the network read. */
export interface ChangedFiles {
  has(file: string): boolean;
  /** Whether everything in `uses` reads the same in the changed files as in the tree. */
  same(uses: Uses): boolean;
}

function addUses(into: Uses, from: Uses): void {
  for (const [file, names] of from) {
    const mine = into.get(file);
    if (!mine) into.set(file, new Set(names));
    else for (const n of names) mine.add(n);
  }
}

/** Calls in progress (the depth bound), and how many callee answers the bound or recursion withheld. */
interface CallCounters { depth: number; cuts: number }

/** Where a provider stands in a network: the tree file it answers for and the headers that file
 *  includes (a tree provider), or, for a patch's provider, the files the patch series has changed
 *  so far, whose tree versions the network's results must not have used. */
export interface NetworkPlace { net: ProviderNetwork; file: string; headers?: string[]; changed?: ChangedFiles }

export class SummaryProvider {
  // Keyed by the input object: images hand out one FunctionInput per function.
  private readonly memo = new Map<FunctionInput, FunctionResult | null>();
  private readonly active = new Set<FunctionInput>();
  /** Definitions by name, found once: the same callee is looked up from every caller. */
  private readonly found = new Map<string, FunctionInput | null>();
  private readonly siblingByPath = new Map<string, NonNullable<FunctionSource['sibling']> | null>();
  private readonly calls: CallCounters;
  /** Results computed while a callee's answer was withheld (depth bound, recursion), with the
   *  depth they were computed at: they depend on how they were reached, so a request from
   *  nearer the top computes them again (at most MAX_DEPTH times each). */
  private readonly cutAt = new WeakMap<FunctionResult, number>();
  private readonly siblingGlobals = new Map<string, Map<string, string>>();
  private readonly siblingFields = new Map<string, Map<string, string>>();

  constructor(
    readonly sources: FunctionSource[],
    private readonly ix: ProfileIndex,
    private readonly order: OrderLike,
    private readonly globals: Map<string, string>,
    private readonly limits?: Limits,
    private readonly fieldTypes?: Map<string, string>,
    private readonly store?: ResultStore,
    private readonly guardOf?: (type: string) => Guard | undefined,
    private readonly share?: ShareResults,
    /** The network this provider belongs to or asks. */
    private readonly network?: NetworkPlace,
    /** Results carry this profile's findings and summary too (FunctionResult.variant). */
    private readonly variant?: VariantProfile,
  ) {
    this.calls = network?.net.counters ?? { depth: 0, cuts: 0 };
  }

  /** The result of a callee: from the provider of its own file when it has one (unless that
   *  result used a file the patch series changed). */
  private calleeResult(fn: FunctionInput): FunctionResult | undefined {
    const nw = this.network;
    if (!nw) return this.resultOf(fn, false);
    const { net, changed } = nw;
    let r: FunctionResult | undefined;
    let owner = fn.file !== nw.file ? net.providerOf(fn.file) : undefined;
    // Only the tree's own definitions (not a patch's image of the same path).
    if (owner && owner.sources[0]?.lookup(fn.name) !== fn) owner = undefined;
    const usesOf = (x: FunctionResult): Uses => net.uses.get(x) ?? new Map([[fn.file, new Set([DECLARATIONS, fn.name])]]);
    let delegated = false;
    if (owner) {
      r = owner.resultOf(fn, false);
      delegated = !r || !changed || changed.same(usesOf(r));
    }
    if (!delegated) r = this.resultOf(fn, false);
    const using = net.using[net.using.length - 1];
    if (using && r) addUses(using, usesOf(r));
    return r;
  }


  /** The content key of a function for the store (its text and shape, signature, profile, limits;
   *  not its first line: a function moved by an edit above it is the same function). */
  private contentKey(fn: FunctionInput): string | undefined {
    if (fn.bodyText === undefined) return undefined;
    const profile = this.share && !this.share.mayName(fn.bodyText) ? `shared\0${this.share.key}`
      : this.variant ? `${profileKey(this.ix)}+${profileKey(this.variant.ix)}` : profileKey(this.ix);
    return `${profile}\0${this.limits ? JSON.stringify(this.limits) : ''}\0${ownKey(fn)}`;
  }

  /** A stored result whose every recorded answer is still the answer here. */
  private reuse(key: string, fn: FunctionInput, collect: { sites?: boolean; traces?: boolean }): FunctionResult | undefined {
    const list = this.store?.get(key);
    if (!list) return undefined;
    // Where it stands now first: nothing to move.
    const order = [...list].sort((a, b) => Number(a.line !== fn.line) - Number(b.line !== fn.line));
    const shared = key.startsWith('shared\0');
    for (const e of order) {
      if ((collect.sites && !e.sites) || (collect.traces && !e.traces)) continue;
      // Computed under the other profile: only if no callee it relied on involves an edited class.
      if (shared && e.deps.some((d) => d.k === 'sum' && this.share!.classes.some((c) => d.v.includes(`"class":"${c}"`)))) continue;
      if (!e.deps.every((d) => (d.k === 'sum' ? this.depOf(d.name, fn.file) === d.v
        : d.k === 'guard' ? JSON.stringify(this.guardOf?.(d.name) ?? null) === d.v
        : d.k === 'global' ? this.globalsFor(fn.file).get(d.name) === d.v : this.fieldsFor(fn.file)?.get(d.name) === d.v))) continue;
      const r = shiftResult(e.result, fn.file, e.line, e.endLine, fn.line - e.line);
      if (r) return r;
    }
    return undefined;
  }

  /** Analyse with a context that records what it asks (for the store). */
  private analyzeRecorded(fn: FunctionInput, collect: { sites?: boolean; traces?: boolean }): StoredResult {
    const deps: Dep[] = [];
    const seen = new Set<string>();
    const note = (d: Dep) => { const k = `${d.k}\0${d.name}`; if (!seen.has(k)) { seen.add(k); deps.push(d); } };
    const base = this.context(collect, fn.file);
    const globals = { get: (n: string) => { const v = base.globals.get(n); note({ k: 'global', name: n, v }); return v; } } as Map<string, string>;
    const fieldTypes = { get: (n: string) => { const v = base.fieldTypes?.get(n); note({ k: 'field', name: n, v }); return v; } } as Map<string, string>;
    const summaryOf = (name: string) => { note({ k: 'sum', name, v: this.depOf(name, fn.file) }); return this.summaryFrom(name, fn.file); };
    const guardOf = (n: string) => { const v = this.guardOf?.(n); note({ k: 'guard', name: n, v: JSON.stringify(v ?? null) }); return v; };
    const variant = base.variant && { ...base.variant, summaryOf: (name: string) => { note({ k: 'sum', name, v: this.depOf(name, fn.file) }); return this.summaryFrom(name, fn.file, true); } };
    const result = analyzeFunction(fn, { ...base, globals, fieldTypes, summaryOf, guardOf, variant });
    return { result, deps, sites: !!collect.sites, traces: !!collect.traces, line: fn.line, endLine: fn.endLine };
  }

  summaryOf = (name: string): Summary | undefined => this.summaryFrom(name, undefined);

  /** What a stored result's dependency on callee `name` records: its summary, under both profiles
   *  when there is a variant. */
  private depOf(name: string, file: string | undefined): string {
    const base = jsonOf(this.summaryFrom(name, file));
    return this.variant ? `${base}\u0001${jsonOf(this.summaryFrom(name, file, true))}` : base;
  }

  /** The summary of `name` as called from a function of `file`; `variant`: under the variant
   *  profile (the profile's own when there is none). */
  summaryFrom(name: string, file: string | undefined, variant = false): Summary | undefined {
    const fn = this.calleeOf(name, file);
    if (!fn) return undefined;
    const r = this.calleeResult(fn);
    const sum = variant ? r?.variant?.summary ?? r?.summary : r?.summary;
    if (!sum || fn.file === file || !this.siblingAt(fn.file)) return sum;
    return balancedView(sum);
  }

  /** Global types as a function of `file` sees them: its own file's first when it is another
   *  file of the tree (the provider's are those of the patched file and its headers). */
  private globalsFor(file: string | undefined): Map<string, string> {
    const own = file !== undefined ? this.siblingAt(file) : undefined;
    if (!own?.globalType) return this.globals;
    let m = this.siblingGlobals.get(file!);
    if (!m) this.siblingGlobals.set(file!, (m = overlay((k) => own.globalType!(k), this.globals)));
    return m;
  }

  private fieldsFor(file: string | undefined): Map<string, string> | undefined {
    const own = file !== undefined ? this.siblingAt(file) : undefined;
    if (!own?.fieldType) return this.fieldTypes;
    let m = this.siblingFields.get(file!);
    if (!m) this.siblingFields.set(file!, (m = overlay((k) => own.fieldType!(k), this.fieldTypes)));
    return m;
  }

  /** The source that is the tree's other file `file`, if any. */
  private siblingAt(file: string): NonNullable<FunctionSource['sibling']> | undefined {
    let local = this.siblingByPath.get(file);
    if (local === undefined) {
      local = null;
      for (const s of this.sources) if ((local = (s.sibling?.path === file ? s.sibling : s.siblingFor?.(file)) ?? null)) break;
      this.siblingByPath.set(file, local);
    }
    return local ?? undefined;
  }

  find(name: string): FunctionInput | undefined {
    const hit = this.found.get(name);
    if (hit !== undefined) return hit ?? undefined;
    let f: FunctionInput | undefined;
    for (const s of this.sources) if ((f = s.lookup(name))) break;
    this.found.set(name, f ?? null);
    return f;
  }

  /** The definition `name` means in `file`: its own (static ones too) when `file` is another file
   *  of the tree searched for callees; else the first of the sources that has it. */
  private calleeOf(name: string, file: string | undefined): FunctionInput | undefined {
    const own = file !== undefined ? this.siblingAt(file)?.lookupLocal(name) : undefined;
    if (own) return own;
    return this.find(name);
  }

  context(collect: { sites?: boolean; traces?: boolean } = {}, file?: string): InterpretContext {
    return {
      ix: this.ix, order: this.order, globals: this.globalsFor(file), fieldTypes: this.fieldsFor(file),
      summaryOf: file === undefined ? this.summaryOf : (n: string) => this.summaryFrom(n, file),
      limits: this.limits, collectSites: collect.sites, collectTraces: collect.traces, guardOf: this.guardOf,
      ...(this.variant ? { variant: { ...this.variant, summaryOf: (n: string) => this.summaryFrom(n, file, true) } } : {}),
    };
  }

  /**
   * A function that calls nothing that can change lock state (no lock or context API, no callee
   * whose summary does) needs no simulation: nothing in it can be reported, and all its callers
   * need to know is whether it may sleep. Most of mm/ is such code.
   */
  private withoutLocks(fn: FunctionInput): FunctionResult | undefined {
    if (fn.bodyText === undefined || fn.annotations.length) return undefined;
    const { text, calls } = callsIn(fn);
    let maySleep: Summary['maySleep'] = null;
    // Under the variant profile, where a callee may sleep when it does not under the profile.
    let vMaySleep: Summary['maySleep'] = null;
    const gfpParams: number[] = [];
    this.active.add(fn);
    this.calls.depth++;
    try {
      for (const c of calls) {
        // Scope-based guards (<linux/cleanup.h>) take locks without naming a lock API.
        if (GUARD_MACROS.has(c.name) && this.ix.guards.size) return undefined;
        const api = this.ix.apis.get(c.name);
        if (api) {
          if (api.effects.some((e) => e.op !== 'may-sleep')) return undefined;
          if (maySleep && (!this.variant || vMaySleep)) continue;
          const e = api.effects.find((x) => x.op === 'may-sleep') as { gfpArg?: number } | undefined;
          if (!e) continue;
          if (e.gfpArg !== undefined) {
            const arg = nthArg(text, c.at, e.gfpArg);
            if (arg === undefined) continue;
            const p = fn.params.findIndex((q) => q.name === arg.trim());
            if (p >= 0) { if (!gfpParams.includes(p)) gfpParams.push(p); continue; }
            if (gfpBlocks(arg, this.ix) !== true) continue;
          }
          const sleep = { site: siteAt(fn, c.at), why: `${c.name}() may sleep` };
          maySleep ??= sleep;
          vMaySleep ??= sleep;
          continue;
        }
        if (c.name === fn.name) continue;
        const callee = this.calleeOf(c.name, fn.file);
        if (!callee) continue;
        const r = this.calleeResult(callee);
        const sum = r?.summary;
        if (!r || !sum) continue;
        if (sum.takes.length || sum.exits.some((e) => e.acquired.length || e.released.length || e.rcu || e.preempt || e.irqOff) || sum.requires.length) return undefined;
        if (!maySleep && sum.maySleep) maySleep = { site: siteAt(fn, c.at), why: `${c.name}() may sleep (${sum.maySleep.why})` };
        if (this.variant && !vMaySleep) {
          const vs = r.variant ? r.variant.summary.maySleep : sum.maySleep;
          if (vs) vMaySleep = { site: siteAt(fn, c.at), why: `${c.name}() may sleep (${vs.why})` };
        }
      }
    } finally {
      this.calls.depth--;
      this.active.delete(fn);
    }
    const summary = (ms: Summary['maySleep']): Summary =>
      ({ name: fn.name, file: fn.file, maySleep: ms, gfpParams, takes: [], exits: [{ ret: 'unknown', acquired: [], released: [] }], requires: [], complete: true });
    const result: FunctionResult = { findings: [], traces: [], sites: [], nestings: [], summary: summary(maySleep) };
    if (this.variant) result.variant = { findings: [], nestings: [], summary: summary(vMaySleep) };
    return result;
  }

  /** Analyse a function (memoised unless sites/traces are wanted, which need a fresh run). */
  resultOf(fn: FunctionInput, fresh: boolean, collect: { sites?: boolean; traces?: boolean } = {}): FunctionResult | undefined {
    const calls = this.calls;
    if (!fresh && this.memo.has(fn)) {
      const m = this.memo.get(fn) ?? undefined;
      const at = m ? this.cutAt.get(m) : undefined;
      if (at === undefined) return m;
      if (at <= calls.depth || this.active.has(fn)) { calls.cuts++; return m; }
      // computed deeper, where an answer was withheld: again from here
    }
    if (this.active.has(fn) || calls.depth >= MAX_DEPTH) { calls.cuts++; return undefined; } // recursion: no summary
    const cuts = calls.cuts;
    const depth = calls.depth;
    // A tree provider records what each result was computed from (see Uses).
    const tree = this.network?.headers ? this.network : undefined;
    const tracking = tree?.net.tracksUses ? tree : undefined;
    let using: Uses | undefined;
    if (tracking) {
      using = new Map([[tracking.file, new Set([DECLARATIONS])], ...tracking.headers!.map((h) => [h, new Set([DECLARATIONS])] as const)]);
      addUses(using, new Map([[fn.file, new Set([DECLARATIONS, fn.name])]]));
      tracking.net.using.push(using);
    }
    let r: FunctionResult;
    try {
      r = this.compute(fn, fresh, collect);
    } finally {
      if (using) tracking!.net.using.pop();
    }
    if (using) tracking!.net.uses.set(r, using);
    // Only a tree provider, whose functions are first reached from any file at any depth;
    // elsewhere a file's functions are asked in their own order and the first answer stands.
    if (calls.cuts !== cuts && tree) this.cutAt.set(r, depth);
    if (!this.memo.has(fn) || !fresh) this.memo.set(fn, r);
    return r;
  }

  /** The result of a function not at hand: without simulation when nothing in it can change lock
   *  state, else from the store or by simulation. */
  private compute(fn: FunctionInput, fresh: boolean, collect: { sites?: boolean; traces?: boolean }): FunctionResult {
    if (!collect.sites && !collect.traces && !fresh) {
      const cheap = this.withoutLocks(fn);
      if (cheap) return cheap;
    }
    this.active.add(fn);
    this.calls.depth++;
    try {
      const key = this.store ? this.contentKey(fn) : undefined;
      const hit = key !== undefined ? this.reuse(key, fn, collect) : undefined;
      if (hit) return hit;
      if (key === undefined) return analyzeFunction(fn, this.context(collect, fn.file));
      const rec = this.analyzeRecorded(fn, collect);
      // A run cut short by time is not reproducible: never kept.
      if (!rec.result.limit?.includes(' ms')) this.store!.add(key, rec);
      return rec.result;
    } catch (e) {
      // Never let one function take the run down: it is reported as not analysed.
      return failedResult(fn, (e as Error).message);
    } finally {
      this.calls.depth--;
      this.active.delete(fn);
    }
  }
}
