// The one analysis entry used by the CLI, the language server and the tests:
// input text (+ tree) -> findings, touched functions, lock sites, traces.
import * as path from 'path';
import type { AnalyzeOptions, AnalysisResult, FunctionReport, LockSite, ShareResults } from './analysis-types';
import { DEFAULT_SEVERITY, Finding } from './findings';
import type { Profile } from './model/profile-types';
import type { Trace } from './sim/trace-types';
import { initParser } from './c/parser';
import { functionsTouching } from './c/functions';
import type { CFunction } from './c/types';
import { parsePatchSet } from './patch/parse';
import { fsTree } from './source/tree';
import type { TreeReader } from './source/tree';
import { materializeSeries } from './source/materialize';
import type { SourceFile } from './source/types';
import { CImage, directorySource, headsIndex, makeImage, makeLazyImage, makeTreeFile, type SiblingSource } from './analysis/c-image';
import { includedHeaders, ReadFile } from './analysis/headers';
import { profileKey, ResultStore, SummaryProvider, type ChangedFiles, type FunctionSource, type NetworkPlace, type ProviderNetwork, type VariantProfile } from './analysis/summaries';
import { chooseProfile, ChosenProfile, finish } from './analysis/profile-choice';
import type { FunctionInput, FunctionResult, RawFinding } from './sim/interpret';
import type { Summary } from './sim/summary-types';
import { addDeadlockFindings, type DeadlockMemo } from './analysis/deadlock-findings';
import { changedFiles } from './analysis/changed-files';
import { hashText } from './text-hash';
import { capText } from './c/top-level';
import { guardsDefinedIn } from './c/guard-defs';
import type { Guard } from './model/profile-types';

/** State kept across the inputs of one run (parsed tree headers, profiles). */
export interface AnalysisCache {
  headers: Map<string, CImage | null>;
  profiles: Map<string, ChosenProfile>;
  /** Tree files read so far (headers are looked up once per including file). */
  files: Map<string, string | undefined>;
  /** Function results reused across the patches of a series and the versions of an edited patch. */
  results: ResultStore;
  /** Parsed pre/post images of patched files, kept from one run to the next (an edited patch
   *  re-parses only the file that changed, incrementally); `run` is the last run that used one. */
  images: Map<string, { img: CImage; run: number }>;
  /** The newest image of each path: the base for parsing its next version incrementally. */
  latest: Map<string, CImage>;
  run: number;
  /** The deadlock explorer's recent answers, by trace content. */
  deadlocks: DeadlockMemo;
  /** The tree's other .c files, asked for the definitions of non-static callees, by directory. */
  siblings: Map<string, TreeDirectory>;
  /** Whole-tree runs (what-if): one provider per tree file, per profile (see treeNetwork). */
  networks: WeakMap<ChosenProfile, Map<string, TreeNetwork>>;
}

/** A directory's .c files: as sources of callees for the others, and as lazy images of their own. */
interface TreeDirectory { files: SiblingSource[]; byName: Map<string, SiblingSource[]>; images: Map<string, CImage> }

export function createCache(): AnalysisCache {
  return { headers: new Map(), profiles: new Map(), files: new Map(), results: new ResultStore(), images: new Map(), latest: new Map(), run: 0, deadlocks: new Map(), siblings: new Map(), networks: new WeakMap() };
}

/** The image of `text` at `p`, kept across runs: parsed once per distinct text, a later version of
 *  a file incrementally from the newest one before it. `lazy`: functions parsed one at a time when
 *  asked for (a what-if, which analyses a few functions of a file under two profiles). */
function imageFor(cache: AnalysisCache, run: number, p: string, text: string, macros: string[], synthetic: number[], lazy = false): CImage {
  const key = `${lazy ? 'lazy\0' : ''}${p}\0${macros.join(',')}\0${hashText(text)}\0${synthetic.join(',')}`;
  const hit = cache.images.get(key);
  if (hit) { hit.run = run; return hit.img; }
  const img = lazy ? makeLazyImage(p, text, { iteratorMacros: macros })
    : makeImage(p, text, { iteratorMacros: macros, syntheticLines: synthetic, base: cache.latest.get(p)?.file });
  cache.images.set(key, { img, run });
  if (!lazy) cache.latest.set(p, img);
  return img;
}

/** Frees an image of the cache unless it is the newest version of its path. */
function dropImage(cache: AnalysisCache, img: CImage): void {
  if (cache.latest.get(img.path) === img) return;
  for (const [k, e] of cache.images) {
    if (e.img !== img) continue;
    cache.images.delete(k);
    img.dispose();
    return;
  }
}

/** Images no run has used since the one before this: freed (their trees live in WASM memory). */
function evictImages(cache: AnalysisCache): void {
  for (const [k, e] of cache.images) {
    if (e.run >= cache.run - 1) continue;
    cache.images.delete(k);
    if (cache.latest.get(e.img.path) === e.img) cache.latest.delete(e.img.path);
    e.img.dispose();
  }
}

export function isCSource(name: string, text: string): boolean {
  if (/\.(c|h)$/.test(name)) return true;
  if (/\.(patch|diff|mbox|eml)$/.test(name)) return false;
  if (/^(diff --git |--- |\+\+\+ |@@ )/m.test(text)) return false;
  // Neither named nor shaped like a patch: C only if it has a function body; otherwise the patch
  // reader says clearly that there is no patch in it.
  return /\)\s*\{/.test(text.slice(0, 1 << 20));
}

interface Images { post?: CImage; pre?: CImage }

export async function analyze(opts: AnalyzeOptions): Promise<AnalysisResult> {
  const started = Date.now();
  await initParser();
  const cache = opts.cache ?? createCache();
  const tree = treeReader(opts, cache);
  const sites = opts.sites ?? true;
  if (opts.name === '-' && !opts.text.trim()) {
    // `git diff | mmlock check -` with nothing staged: nothing to check, and that is no error.
    return { profile: { id: opts.profile ?? 'auto', origin: 'no input' }, mode: 'tree', findings: [], functions: [], sites: [],
      notes: ['empty input: nothing to check'], stats: { files: 0, functions: 0, ms: Date.now() - started } };
  }
  if (isCSource(opts.name, opts.text)) return (await analyzeCFile(opts, tree, cache, started, { sites })).result;
  return analyzePatch(opts, tree, cache, started, { sites, deadlocks: true }).then((r) => r.result);
}

/** A profile given as an object, with where it came from (what-if: the base and the edited one). */
export type GivenProfile = NonNullable<AnalyzeOptions['variant']>;

/** One input under each of the given profiles (a what-if): in one walk for two profiles that walk
 *  alike (`oneWalk`: model/profile-edit-reach.ts sameWalks) when the input is C, else an analysis
 *  per profile. */
export async function analyzeUnderEach(opts: Omit<AnalyzeOptions, 'profileObject' | 'profileOrigin' | 'variant'>, profiles: GivenProfile[],
  oneWalk: boolean): Promise<AnalysisResult[]> {
  const run = (p: GivenProfile, variant?: GivenProfile) =>
    analyze({ ...opts, profileObject: p.profileObject, profileOrigin: p.profileOrigin, ...(variant ? { variant } : {}) });
  if (oneWalk && profiles.length === 2 && isCSource(opts.name, opts.text)) {
    const r = await run(profiles[0], profiles[1]);
    return [r, r.variant!];
  }
  const out: AnalysisResult[] = [];
  for (const p of profiles) out.push(await run(p));
  return out;
}

/** Lock-event traces of the touched functions (or of `functions` by name). */
export async function collectTraces(
  opts: AnalyzeOptions & { functions?: string[] },
): Promise<{ profile: Profile | null; traces: Trace[]; notes: string[]; origin?: string }> {
  await initParser();
  const cache = opts.cache ?? createCache();
  const tree = treeReader(opts, cache);
  if (isCSource(opts.name, opts.text)) {
    const r = await analyzeCFile(opts, tree, cache, Date.now(), { traces: true, only: opts.functions });
    return { profile: r.chosen.profile, traces: r.traces, notes: r.result.notes, origin: r.chosen.origin };
  }
  const r = await analyzePatch(opts, tree, cache, Date.now(), { traces: true, only: opts.functions });
  return { profile: r.chosen.profile, traces: r.traces, notes: r.result.notes, origin: r.chosen.origin };
}

function treeReader(opts: AnalyzeOptions, cache?: AnalysisCache): TreeReader | null {
  const raw = opts.tree ? fsTree(opts.tree) : null;
  const files = cache?.files;
  const base: TreeReader | null = raw && files ? {
    root: raw.root,
    read: (rel) => { if (files.has(rel)) return files.get(rel); const t = raw.read(rel); files.set(rel, t); return t; },
    list: raw.list,
  } : raw;
  if (!base || !opts.readFile) return base;
  const over = opts.readFile;
  return { root: base.root, read: (rel) => over(path.join(base.root ?? '', rel)) ?? base.read(rel), list: base.list };
}

interface Collect { sites?: boolean; traces?: boolean; only?: string[]; /** also explore deadlock schedules (check) */ deadlocks?: boolean }

// ---------------------------------------------------------------- a plain C file: every function
async function analyzeCFile(opts: AnalyzeOptions, tree: TreeReader | null, cache: AnalysisCache, started: number, collect: Collect = { sites: true }) {
  const rel = relToTree(opts.name, opts.tree, opts.cwd);
  const chosen = profileFor(opts, tree, cache, new Map());
  const chosenV = opts.variant ? profileFor({ ...opts, profileObject: opts.variant.profileObject, profileOrigin: opts.variant.profileOrigin }, tree, cache, new Map()) : undefined;
  const variant = chosenV ? { ix: chosenV.ix, order: chosenV.order } : undefined;
  const capped = capText(opts.text, MAX_TEXT);
  // In the editor (sites wanted) the same file comes back after every edit: its image is kept and
  // re-parsed incrementally, and the results of functions the edit did not change are reused.
  // What-if runs that take a run per profile (base and edited) analyse a file twice: the same image serves both.
  const editor = !!collect.sites || !!opts.shareResults;
  const run = ++cache.run;
  // What-if: most functions are left out, so the others are parsed one by one (the file is parsed
  // whole only if its globals or struct fields are asked for).
  const skip = opts.skipFunctions ? new Set(opts.skipFunctions) : undefined;
  // A file of the tree as the tree has it, checked for findings only: analysed by the provider of
  // a network over the whole tree, where other files' calls into it are answered too.
  const fromTree = opts.crossFile && !collect.sites && !collect.traces && tree
    ? treeNetwork(cache, chosen, tree, opts.shareResults, chosenV).own(rel, capped.text) : undefined;
  const img = fromTree?.image ?? (skip || editor ? imageFor(cache, run, rel, capped.text, chosen.profile.iteratorMacros, [], !!skip)
      : makeImage(rel, capped.text, { iteratorMacros: chosen.profile.iteratorMacros }));
  const provider = fromTree?.provider ?? ((): SummaryProvider => {
    const headers = includedHeaders(rel, capped.text, readerWith(tree, new Map(), 'tree'), cache.headers, chosen.profile.iteratorMacros);
    const siblings = opts.crossFile ? siblingSources(rel, new Set([rel]), tree, cache, chosen.profile.iteratorMacros) : [];
    return providerFor([img, ...headers], chosen, editor || siblings.length || opts.shareResults ? cache.results : undefined, siblings, opts.shareResults, undefined, variant);
  })();
  const findings: Finding[] = [];
  const variantFindings: Finding[] = [];
  const sites: LockSite[] = [];
  const functions: FunctionReport[] = [];
  const traces: Trace[] = [];
  const notes: string[] = [];
  // (A text whose braces do not balance has no index of definitions: then the whole file.)
  const names = skip || fromTree ? img.definitions?.names() ?? [] : [];
  try {
    const list = names.length ? names.filter((n) => !skip?.has(n)).map((n) => img.definitions!.definition(n)).filter((d) => !!d)
      : img.file.functions.filter((fn) => !skip?.has(fn.name)).map((fn) => ({ fn, input: undefined as FunctionInput | undefined }));
    for (const { fn, input: given } of list) {
      if (opts.signal?.aborted) throw new Error('cancelled');
      if (collect.only && !collect.only.includes(fn.name)) continue;
      const input = given ?? img.input(fn);
      const r = provider.resultOf(input, !!(collect.sites || collect.traces), { sites: collect.sites, traces: collect.traces })
        ?? provider.resultOf(input, true);
      if (!r) continue;
      const fs = toFindings(r, fn, rel, undefined, undefined, false, fn.hasErrors);
      findings.push(...fs);
      if (variant) variantFindings.push(...toFindings({ ...r, findings: r.variant?.findings ?? r.findings }, fn, rel, undefined, undefined, false, fn.hasErrors));
      functions.push({ name: fn.name, file: rel, line: fn.startLine, endLine: fn.endLine, touched: false, findings: fs.length });
      if (collect.sites) sites.push(...toSites(r, fn.name, rel, undefined));
      if (collect.traces) traces.push(...r.traces);
    }
  } finally {
    if (editor || skip) evictImages(cache);
    else if (!fromTree) img.dispose();
  }
  if (capped.cutLine !== undefined) findings.push(sizeLimit(rel, capped.cutLine));
  const result: AnalysisResult = {
    profile: { id: chosen.profile.id, origin: chosen.origin }, mode: 'c-file', findings: sortFindings(findings),
    functions, sites, notes, stats: { files: 1, functions: names.length || img.file.functions.length, ms: Date.now() - started },
  };
  if (chosenV) result.variant = { ...result, profile: { id: chosenV.profile.id, origin: chosenV.origin }, findings: sortFindings(variantFindings) };
  return { result, traces, chosen };
}

// ---------------------------------------------------------------- a patch, series or mbox
async function analyzePatch(opts: AnalyzeOptions, tree: TreeReader | null, cache: AnalysisCache, started: number, collect: Collect) {
  const set = parsePatchSet(opts.text, opts.name);
  const mats = materializeSeries(set, tree);
  const readerNotes = set.warnings.map((w) => `${w.message} (line ${w.line})`);
  // The tree as the end of the series leaves it: what `auto` reads the ordering comments from.
  const finalPost = new Map<string, string>();
  for (const m of mats) for (const f of m.files) if (f.post !== null) finalPost.set(f.path, f.post);
  const chosen = profileFor(opts, tree, cache, finalPost);
  const macros = chosen.profile.iteratorMacros;
  const findings: Finding[] = [];
  const sites: LockSite[] = [];
  const functions: FunctionReport[] = [];
  const traces: Trace[] = [];
  const notes: string[] = [];
  let fileCount = 0;
  let fnCount = 0;
  let anyHunkOnly = false;
  // One parse per distinct text in the series (and across runs on the same cache).
  const run = ++cache.run;
  const cutAt = new Map<string, number>();
  const imageOf = (p: string, whole: string, synthetic: number[]): CImage => {
    const capped = capText(whole, MAX_TEXT);
    if (capped.cutLine !== undefined && !cutAt.has(p)) cutAt.set(p, capped.cutLine);
    return imageFor(cache, run, p, capped.text, macros, synthetic);
  };
  const preFindings = new Map<string, RawFinding[]>();
  const postInputLines = new Map<string, Map<number, number>>();
  // Files as the series has left them so far (a later patch sees an earlier one's changes).
  const soFar = new Map<string, string>();
  // In a series, callees in the tree's other files are answered by a network over the tree, shared
  // by every patch, unless the answer used a file the patch changes. (One patch does not repay
  // reading the includes of every file it reaches: 95 -> 165 ms for seed (a).)
  const net = opts.crossFile !== false && tree && mats.length > 1 ? makeTreeNetwork(cache, chosen, tree, opts.shareResults) : undefined;
  const headersSoFar = new Set<string>();
  for (const m of mats) {
    const preState = new Map(soFar);
    for (const f of m.files) if (f.post !== null) soFar.set(f.path, f.post);
    const postState = new Map(soFar);
    // The patch's own files are looked up in their patched versions, never as tree siblings.
    const patched = new Set(m.files.flatMap((f) => [f.path, f.oldPath ?? f.path]));
    // What the patch's providers see other than the tree: its own files, and headers changed so
    // far (other .c files are the tree's: siblings are read from it).
    const changed = new Set([...patched, ...headersSoFar]);
    for (const p of changed) if (!p.endsWith('.c')) headersSoFar.add(p);
    const changedIn = (state: Map<string, string>) => changedFiles(changed, (f) => (state.has(f) ? state.get(f) : tree?.read(f)), (f) => tree?.read(f));
    const [changedPre, changedPost] = net ? [changedIn(preState), changedIn(postState)] : [];
    const cFiles = m.files.filter((f) => /\.(c|h)$/.test(f.path));
    const images = new Map<SourceFile, Images>();
    for (const sf of m.files) for (const p of sf.problems) notes.push(`${p.message} (line ${p.inputLine})`);
    try {
      for (const sf of cFiles) {
        if (sf.mode === 'hunk-only') anyHunkOnly = true;
        images.set(sf, {
          post: sf.post !== null ? imageOf(sf.path, sf.post, sf.synthetic.map((s) => s.line)) : undefined,
          pre: sf.pre ? imageOf(sf.oldPath ?? sf.path, sf.pre, sf.syntheticPre.map((s) => s.line)) : undefined,
        });
      }
      const postImgs = [...images.values()].map((i) => i.post).filter((x): x is CImage => !!x);
      const preImgs = [...images.values()].map((i) => i.pre).filter((x): x is CImage => !!x);
      for (const sf of cFiles) {
        fileCount++;
        const im = images.get(sf)!;
        const postHeaders = im.post ? includedHeaders(sf.path, im.post.text, readerWith(tree, postState, `p${m.index}post`), cache.headers, macros) : [];
        const preHeaders = im.pre ? includedHeaders(sf.oldPath ?? sf.path, im.pre.text, readerWith(tree, preState, `p${m.index}pre`), cache.headers, macros) : [];
        const siblings = opts.crossFile !== false ? siblingSources(sf.path, patched, tree, cache, macros) : [];
        const place = (c: ChangedFiles | undefined): NetworkPlace | undefined => (net && siblings.length ? { net, file: sf.path, changed: c } : undefined);
        const postProv = providerFor([...(im.post ? [im.post] : []), ...postImgs.filter((x) => x !== im.post), ...postHeaders], chosen, cache.results, siblings, opts.shareResults, place(changedPost));
        const preProv = providerFor([...(im.pre ? [im.pre] : []), ...preImgs.filter((x) => x !== im.pre), ...preHeaders], chosen, cache.results, siblings, opts.shareResults, place(changedPre));
        // Touched: a changed line inside (post), or a removed line inside (pre), matched by name.
        const names = new Set<string>();
        if (im.post) for (const f of functionsTouching(im.post.file, sf.changedPost)) names.add(f.name);
        if (im.pre) for (const f of functionsTouching(im.pre.file, sf.changedPre)) names.add(f.name);
        const touched = [...names];
        // Callers of touched functions in the same file run the touched code in their context;
        // only a touched function whose behaviour to callers changed can give them new findings.
        const changedForCallers = new Set<string>();
        const queue = [...touched];
        for (let qi = 0; ; qi++) {
          // Past the touched functions: their callers, if any of them changed for callers.
          if (qi === touched.length && im.post && changedForCallers.size) queue.push(...callersOf(im.post, names, changedForCallers));
          if (qi >= queue.length) break;
          const name = queue[qi];
          const postFn = im.post?.byName.get(name);
          if (!postFn) continue;
          fnCount++;
          const isTouched = names.has(name);
          const r = postProv.resultOf(im.post!.input(postFn), true, { sites: collect.sites, traces: collect.traces || collect.deadlocks });
          if (!r) continue;
          const preFn = im.pre?.byName.get(name);
          const preR = preFn ? preProv.resultOf(im.pre!.input(preFn), false) : undefined;
          const fs = toFindings(r, postFn, sf.path, opts.name, sf.postInputLine, true, postFn.hasErrors, preR);
          if (preR && isTouched) fs.push(...roleChanges(r, preR, postFn, sf.path, opts.name, sf.postInputLine));
          if (isTouched && (!preR || !sameForCallers(r.summary, preR.summary))) changedForCallers.add(name);
          const shown = fs.filter((f) => opts.all || f.introduced || f.code === 'analysis-limit');
          findings.push(...(isTouched ? shown : shown.filter((f) => f.introduced)));
          const firstInput = firstShownLine(postFn, sf.postInputLine);
          if (isTouched) functions.push({ name, file: sf.path, line: postFn.startLine, endLine: postFn.endLine, inputLine: firstInput, touched: true, findings: shown.length });
          if (collect.sites && isTouched) sites.push(...toSites(r, name, sf.path, sf.postInputLine));
          if ((collect.traces || collect.deadlocks) && isTouched) traces.push(...r.traces);
          if (preR) preFindings.set(name, preR.findings);
          postInputLines.set(sf.path, sf.postInputLine);
        }
      }
    } finally {
      // Post-images stay for the rest of the series (patch N's post-image is patch N+1's
      // pre-image). A pre-image the series has moved past is freed now in a one-shot check (a
      // 100-patch series kept 300 parsed versions of its files); the editor keeps it for its
      // next run over the same text.
      if (!collect.sites && mats.length > 1) for (const im of images.values()) if (im.pre) dropImage(cache, im.pre);
    }
  }
  evictImages(cache);
  for (const [file, line] of cutAt) {
    const inputLine = postInputLines.get(file)?.get(line);
    findings.push({ ...sizeLimit(file, line), input: opts.name, ...(inputLine !== undefined ? { inputLine } : {}) });
  }
  notes.unshift(...readerNotes);
  if (collect.deadlocks && traces.length) {
    addDeadlockFindings(findings, traces, chosen.profile, opts.name,
      (file, line) => postInputLines.get(file)?.get(line),
      (fn, classes) => !(preFindings.get(fn) ?? []).some((p) => p.code === 'lock-order' && classes.every((c) => p.classes.includes(c))),
      cache.deadlocks);
  }
  if (anyHunkOnly) notes.push(tree ? 'some files could not be read or patched from the tree: hunk-only mode for them' : 'no kernel tree given: hunk-only mode (only the lines the patch shows are analysed)');
  const result: AnalysisResult = {
    profile: { id: chosen.profile.id, origin: chosen.origin }, mode: anyHunkOnly ? 'hunk-only' : 'tree',
    findings: sortFindings(dedupe(findings.filter((f) => opts.all || f.introduced || f.code === 'analysis-limit'))), functions, sites, notes,
    stats: { files: fileCount, functions: fnCount, ms: Date.now() - started },
  };
  return { result, traces, chosen };
}

/** The most text of one file analysed (characters): the rest is reported, not parsed. */
export const MAX_TEXT = 4 << 20;

function sizeLimit(file: string, line: number): Finding {
  return {
    code: 'analysis-limit', severity: 'info', file, line, column: 1, endLine: line, endColumn: 1, function: '',
    message: `${file} is larger than ${MAX_TEXT >> 20} MB: only lines 1-${line - 1} were analysed; findings after them may be missing`,
    introduced: false, locks: [], classes: [], related: [],
  };
}

/** Callee lookup in these images, with their globals and struct field types (first image wins).
 *  Types are looked up on demand, so a header is only parsed when its text can hold the answer. */
function providerFor(images: CImage[], chosen: ChosenProfile, store?: ResultStore, siblings: FunctionSource[] = [], share?: ShareResults,
  network?: NetworkPlace, variant?: VariantProfile): SummaryProvider {
  const globals = lazyMap((name) => {
    for (const img of images) if (img.declares(name)) { const t = img.globals().get(name); if (t) return t; }
    return undefined;
  });
  const fields = lazyMap((key) => {
    const struct = key.slice(0, key.indexOf('.'));
    for (const img of images) if (img.definesStruct(struct)) { const t = img.fields().get(key); if (t) return t; }
    return undefined;
  });
  const guards = lazyGuards(images);
  return new SummaryProvider([...images, ...siblings], chosen.ix, chosen.order, globals, undefined, fields, store, guards, share, network, variant);
}

/** The providers of a tree's files under one profile, made as files are reached. */
interface TreeNetwork extends ProviderNetwork {
  /** The image and provider of tree file `rel` when `text` is the tree's text of it. */
  own(rel: string, text: string): { image: CImage; provider: SummaryProvider } | undefined;
}

/**
 * A network over the tree's .c files: each file's functions are analysed by its own provider (its
 * headers, its globals and struct fields, its directory's other files as sources of callees), and
 * a call into another file is answered by that file's provider. A whole-tree what-if then analyses
 * each function once per profile, whichever files call it, instead of once per calling file.
 */
function treeNetwork(cache: AnalysisCache, chosen: ChosenProfile, tree: TreeReader, share?: ShareResults, variant?: ChosenProfile): TreeNetwork {
  let byShare = cache.networks.get(chosen);
  if (!byShare) cache.networks.set(chosen, (byShare = new Map()));
  const key = `${share?.key ?? ''}\0${variant ? profileKey(variant.ix) : ''}`;
  let net = byShare.get(key);
  if (!net) byShare.set(key, (net = makeTreeNetwork(cache, chosen, tree, share, false, variant)));
  return net;
}

/** A network of its own (one run: a patch series). Results cut by the depth bound or a recursion
 *  depend on where the cycle was entered; kept from run to run they would make a run's answer
 *  depend on the runs before it. `tracksUses`: results record what they were computed from (a
 *  series asks whether a patch changed any of it; a whole-tree run never does). */
function makeTreeNetwork(cache: AnalysisCache, chosen: ChosenProfile, tree: TreeReader, share?: ShareResults, tracksUses = true, variant?: ChosenProfile): TreeNetwork {
  const macros = chosen.profile.iteratorMacros;
  const providers = new Map<string, { image: CImage; provider: SummaryProvider } | null>();
  const entry = (file: string): { image: CImage; provider: SummaryProvider } | undefined => {
    let e = providers.get(file);
    if (e === undefined) {
      e = null;
      const image = treeDirectory(file, tree, cache, macros)?.images.get(file);
      if (image) {
        const headers = includedHeaders(file, image.text, readerWith(tree, new Map(), 'tree'), cache.headers, macros);
        const siblings = siblingSources(file, new Set([file]), tree, cache, macros);
        e = { image, provider: providerFor([image, ...headers], chosen, cache.results, siblings, share, { net, file, headers: headers.map((h) => h.path) },
          variant && { ix: variant.ix, order: variant.order }) };
      }
      providers.set(file, e);
    }
    return e ?? undefined;
  };
  const net: TreeNetwork = {
    counters: { depth: 0, cuts: 0 },
    tracksUses,
    uses: new WeakMap(),
    using: [],
    providerOf: (file) => entry(file)?.provider,
    own: (rel, text) => { const e = entry(rel); return e && e.image.text === text ? e : undefined; },
  };
  return net;
}

/** Built only without CONFIG_MMU (mm/Makefile): its definitions would shadow the MMU ones. */
const NOMMU_ONLY: ReadonlySet<string> = new Set(['mm/nommu.c']);

/** The .c files of the tree in the directory of `rel` (a tree path), `rel` included, whose
 *  definitions a call from `rel` may reach; [] when `rel` is not in the tree. */
export function directoryFiles(rel: string, tree: TreeReader | null): string[] {
  if (!tree?.list || !rel.endsWith('.c') || rel.startsWith('/') || rel.startsWith('..')) return [];
  const dir = path.posix.dirname(rel);
  return tree.list(dir === '.' ? '' : dir).filter((n) => n.endsWith('.c')).map((n) => (dir === '.' ? n : `${dir}/${n}`))
    .filter((p) => !NOMMU_ONLY.has(p) || NOMMU_ONLY.has(rel));
}

/**
 * The other .c files in the directory of `rel` in the tree, as sources of non-static callees
 * (a function in mm/mmap.c calling free_pgtables() of mm/memory.c). Searched after the patch's
 * files and the headers; each definition is parsed alone, when first called.
 */
function siblingSources(rel: string, skip: Set<string>, tree: TreeReader | null, cache: AnalysisCache, macros: string[]): FunctionSource[] {
  const dir = treeDirectory(rel, tree, cache, macros);
  return dir ? [directorySource(dir.files, dir.byName, skip)] : [];
}

/** The .c files of the directory of `rel` in the tree, read and indexed once per run. */
function treeDirectory(rel: string, tree: TreeReader | null, cache: AnalysisCache, macros: string[]): TreeDirectory | undefined {
  const all = directoryFiles(rel, tree);
  if (!all.length) return undefined;
  const key = `${path.posix.dirname(rel)}\0${all.length}\0${macros.join(',')}`;
  let dir = cache.siblings.get(key);
  if (!dir) {
    const files: SiblingSource[] = [];
    const images = new Map<string, CImage>();
    for (const p of all) {
      const t = tree!.read(p); // directoryFiles is empty without a tree
      if (t === undefined || t.length > MAX_TEXT) continue;
      const f = makeTreeFile(p, t, { iteratorMacros: macros });
      files.push(f.sibling);
      images.set(p, f.image);
    }
    dir = { files, byName: headsIndex(files), images };
    cache.siblings.set(key, dir);
  }
  return dir;
}

/** Guard types defined in these images' texts (the tree's <linux/cleanup.h> users), first wins. */
const guardsOfText = new Map<string, Map<string, Guard>>();
function lazyGuards(images: CImage[]): (type: string) => Guard | undefined {
  let all: Map<string, Guard> | undefined;
  return (type) => {
    if (!all) {
      all = new Map();
      for (const img of images) {
        if (!img.text.includes('GUARD')) continue;
        const key = `${img.path}\0${hashText(img.text)}`;
        let m = guardsOfText.get(key);
        if (!m) {
          if (guardsOfText.size >= 512) guardsOfText.clear(); // an editor session's old versions
          m = new Map(guardsDefinedIn(img.text, img.path).map((g) => [g.name, g] as const));
          guardsOfText.set(key, m);
        }
        for (const [k, g] of m) if (!all.has(k)) all.set(k, g);
      }
    }
    return all.get(type);
  };
}

/** A read-only Map whose values are computed (and kept) on first `get`. */
function lazyMap(compute: (k: string) => string | undefined): Map<string, string> {
  const known = new Map<string, string | undefined>();
  const m = new Map<string, string>();
  m.get = (k: string) => { if (!known.has(k)) known.set(k, compute(k)); return known.get(k); };
  m.has = (k: string) => m.get(k) !== undefined;
  return m;
}

function profileFor(opts: AnalyzeOptions, tree: TreeReader | null, cache: AnalysisCache, overrides: Map<string, string>): ChosenProfile {
  if (opts.profileObject) {
    const k = `object\0${opts.profileObject.id}\0${opts.profileOrigin ?? ''}`;
    const hit = cache.profiles.get(k);
    if (hit && hit.profile === opts.profileObject) return hit;
    const c = finish(opts.profileObject, opts.profileOrigin ?? 'given profile');
    cache.profiles.set(k, c);
    return c;
  }
  const want = opts.profile ?? 'auto';
  const touchesOrdering = overrides.has('mm/rmap.c') || overrides.has('mm/filemap.c');
  const key = `${want}\0${tree?.root ?? ''}\0${opts.untrusted ? 1 : 0}`;
  if (!touchesOrdering && want !== 'auto' && cache.profiles.has(key)) return cache.profiles.get(key)!;
  if (!touchesOrdering && want === 'auto' && tree && cache.profiles.has(key)) return cache.profiles.get(key)!;
  const read = (rel: string) => overrides.get(rel) ?? tree?.read(rel);
  const chosen = chooseProfile({ profile: want, cwd: opts.cwd, untrusted: opts.untrusted, readTreeFile: tree ? read : undefined, text: opts.text });
  if (!touchesOrdering && (want !== 'auto' || tree)) cache.profiles.set(key, chosen);
  return chosen;
}

function readerWith(tree: TreeReader | null, over: Map<string, string>, variant: string): ReadFile {
  return (rel) => {
    const o = over.get(rel);
    // Keyed by content: another input of the same run may patch the same header differently.
    if (o !== undefined) return { text: o, key: `${rel}\0${variant}\0${hashText(o)}` };
    const t = tree?.read(rel);
    return t === undefined ? undefined : { text: t, key: rel };
  };
}


function relToTree(name: string, treeDir: string | undefined, cwd: string | undefined): string {
  if (name === '-' || !treeDir) return name;
  const abs = path.resolve(cwd ?? process.cwd(), name);
  const rel = path.relative(treeDir, abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? name : rel.split(path.sep).join('/');
}

/** Functions of the image (other than `skip`) that call one of `names` directly. */
function callersOf(img: CImage, skip: Set<string>, names: Set<string>): string[] {
  if (!names.size) return [];
  const re = new RegExp(`\\b(${[...names].map((n) => n.replace(/[^\w]/g, '')).join('|')})\\s*\\(`);
  const out: string[] = [];
  for (const f of img.file.functions) {
    if (skip.has(f.name)) continue;
    if (re.test(img.text.slice(f.body.startIndex, f.body.endIndex))) out.push(f.name);
  }
  return out.slice(0, 32);
}

/** Whether two summaries mean the same to a caller (sites and wording aside). */
function sameForCallers(a: Summary, b: Summary): boolean {
  const drop = new Set(['site', 'why', 'file', 'name', 'label']);
  const norm = (s: Summary) => JSON.stringify(s, (k, v) => (drop.has(k) ? undefined : v));
  return (a.maySleep === null) === (b.maySleep === null) && norm({ ...a, maySleep: null }) === norm({ ...b, maySleep: null });
}

/**
 * A function that released a lock before the patch and now returns with it held has changed its
 * role: the classic removed unlock. (Without the pre-image it would look like a lock helper.)
 */
function roleChanges(post: FunctionResult, pre: FunctionResult, fn: CFunction, file: string, input: string, inputLines: Map<number, number>): Finding[] {
  const held = (r: FunctionResult) => new Set(r.summary.exits.flatMap((e) => e.acquired.map((a) => a.class ?? a.instance)));
  const before = held(pre);
  const preTakes = new Set(pre.summary.takes.map((t) => t.class ?? t.instance));
  const out: Finding[] = [];
  for (const e of post.summary.exits) {
    for (const a of e.acquired) {
      const k = a.class ?? a.instance;
      if (before.has(k) || !preTakes.has(k)) continue;
      if (post.findings.some((f) => f.code === 'unbalanced-lock' && f.classes.includes(k))) continue;
      const inputLine = inputLines.get(a.site.line);
      out.push({
        code: 'unbalanced-lock', severity: 'warning', file, line: a.site.line, column: a.site.col, endLine: a.site.endLine ?? a.site.line,
        endColumn: a.site.endCol ?? a.site.col, function: fn.name, introduced: true, locks: [a.label], classes: a.class ? [a.class] : [],
        message: `${fn.name}() now returns with ${a.label.replace(/^\$\d+/, (m) => fn.params[Number(m.slice(1))]?.name ?? m)}${a.class ? ` (${a.class})` : ''} held, taken here; before this patch it released it before returning`,
        input, ...(inputLine !== undefined ? { inputLine } : {}), related: [],
      });
    }
  }
  return out;
}

function firstShownLine(fn: CFunction, map: Map<number, number>): number | undefined {
  for (let l = fn.startLine; l <= fn.endLine; l++) { const i = map.get(l); if (i !== undefined) return i; }
  return undefined;
}

function sameFinding(a: RawFinding, b: RawFinding): boolean {
  return a.code === b.code && [...a.classes].sort().join(',') === [...b.classes].sort().join(',')
    && (a.classes.length > 0 || a.locks.join(',') === b.locks.join(','));
}

function toFindings(r: FunctionResult, fn: CFunction, file: string, input: string | undefined, inputLines: Map<number, number> | undefined,
  compare: boolean, parseTrouble: boolean, pre?: FunctionResult): Finding[] {
  const out: Finding[] = [];
  for (const f of r.findings) {
    const introduced = compare ? !(pre?.findings.some((p) => sameFinding(p, f)) ?? false) : false;
    const inputLine = inputLines?.get(f.line);
    out.push({
      code: f.code, severity: DEFAULT_SEVERITY[f.code], message: f.message, file, line: f.line, column: f.col,
      endLine: f.endLine, endColumn: f.endCol, function: fn.name, introduced, locks: f.locks, classes: f.classes,
      ...(input ? { input } : {}), ...(inputLine !== undefined ? { inputLine } : {}),
      related: f.related.map((x) => ({ ...x, file: x.file })), ...(f.source ? { source: f.source } : {}),
    });
  }
  if (r.limit || parseTrouble) {
    const inputLine = inputLines?.get(fn.startLine);
    out.push({
      code: 'analysis-limit', severity: 'info', file, line: fn.startLine, column: 1, endLine: fn.startLine, endColumn: 1,
      message: `${fn.name}() was not fully analysed: ${r.limit ?? 'part of it did not parse'}; findings in it may be missing`,
      function: fn.name, introduced: false, locks: [], classes: [], related: [],
      ...(input ? { input } : {}), ...(inputLine !== undefined ? { inputLine } : {}),
    });
  }
  return out;
}

function toSites(r: FunctionResult, fn: string, file: string, inputLines: Map<number, number> | undefined): LockSite[] {
  return r.sites.map((s) => ({
    file, line: s.line, column: s.col, endColumn: s.endCol, inputLine: inputLines?.get(s.line), function: fn,
    api: s.api, op: s.op, class: s.class, instance: s.instance, paths: s.paths, held: [...s.held.values()],
  }));
}

function dedupe(fs: Finding[]): Finding[] {
  const seen = new Set<string>();
  return fs.filter((f) => { const k = `${f.file}:${f.line}:${f.column}:${f.code}:${f.message}`; if (seen.has(k)) return false; seen.add(k); return true; });
}

function sortFindings(fs: Finding[]): Finding[] {
  return fs.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}
