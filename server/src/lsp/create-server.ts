// The language server: wires documents, settings, the analysis scheduler and the LSP features onto
// a connection. The analysis core comes in as `deps` (core-adapter.ts in production, a fake in tests).
import {
  DiagnosticSeverity, DidChangeConfigurationNotification, ResponseError, ErrorCodes, LSPErrorCodes, TextDocumentSyncKind, TextDocuments,
  type CancellationToken, type Connection, type Diagnostic, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalyzeOptions, AnalysisResult } from '../analysis-types';
import { codeLenses } from './code-lens';
import type { LspDeps, ProfileView } from './deps';
import { findingsToDiagnostics, inputErrorDiagnostic, SOURCE } from './diagnostics';
import { docKindOf, splitLines, uriToPath, type DocContext } from './doc-context';
import { buildHierarchy } from './hierarchy';
import { hoverMarkdown, siteAt } from './hover';
import { findKernelTree, type TreeChoice } from './kernel-tree';
import { scanPatch } from './patch-lines';
import {
  Methods, type HierarchyParams, type HierarchyResult, type ProfilesResult, type SimulateParams,
  type SimulateResult, type StatusParams,
  type WhatIfParams, type WhatIfProgress, type WhatIfReply, type WhatIfReplySite,
} from './protocol';
import { Scheduler } from './scheduler';
import { DEFAULT_SETTINGS, analysisKey, parseSettings, type Settings } from './settings';
import { functionAt, simulationResult } from './simulation';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { WhatIfSite as WhatIfSiteLike } from '../what-if';

export interface ServerOptions {
  /** Quiet time that coalesces a burst of edits (a single edit after a quiet spell runs at once). */
  debounceMs?: number;
}

/** One analysis of one document version. */
export interface Outcome {
  version: number;
  ctx: DocContext;
  text: string;
  key: string;                     // analysisKey of the settings it ran with
  tree: TreeChoice;
  result: AnalysisResult | null;
  error?: { message: string; line?: number; input: boolean };
  ms: number;
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || /aborted/i.test(e.message));
}

/** A PatchError-like error: the input is at fault and names a line. */
function inputError(e: unknown): { message: string; line?: number } | null {
  if (!(e instanceof Error)) return null;
  const line = (e as { line?: unknown }).line;
  if (e.name === 'PatchError' || e.constructor?.name === 'PatchError' || typeof line === 'number') {
    return { message: e.message, line: typeof line === 'number' ? line : undefined };
  }
  return null;
}

/** Fire-and-forget sends: a closed connection (client gone, tests) must not become an unhandled rejection. */
function quiet(p: Promise<unknown> | void): void {
  if (p && typeof (p as Promise<unknown>).catch === 'function') (p as Promise<unknown>).catch(() => undefined);
}

function looksLikeFile(profile: string): boolean {
  return /[\\/]/.test(profile) || /\.json$/i.test(profile);
}

export function createServer(connection: Connection, deps: LspDeps, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  let settings: Settings = DEFAULT_SETTINGS;
  let trusted = true;
  let folders: string[] = [];
  let canPullConfig = false;
  let canRelated = false;
  let canRefreshLenses = false;
  let lastStatus = '';
  const views = new Map<string, ProfileView | null>();

  const log = (msg: string) => { try { connection.console.log(msg); } catch { /* connection closed */ } };

  function profileSetting(): string {
    // An untrusted workspace may not make us load a profile file it provides.
    return !trusted && looksLikeFile(settings.profile) ? 'auto' : settings.profile;
  }

  function profileView(id: string, tree?: string): ProfileView | null {
    const key = `${id}\0${tree ?? ''}`;
    if (!views.has(key)) {
      let v: ProfileView | null = null;
      try { v = deps.profileView(id, { tree, untrusted: !trusted }); } catch (e) { log(`mmlock: profile ${id}: ${(e as Error).message}`); }
      views.set(key, v);
    }
    return views.get(key)!;
  }

  function contextOf(doc: TextDocument, text: string): { ctx: DocContext; tree: TreeChoice } | null {
    const kind = docKindOf(doc.languageId, doc.uri);
    if (!kind) return null;
    const path = uriToPath(doc.uri);
    const tree = findKernelTree({ setting: settings.kernelTree, folders, docPath: path });
    return {
      tree,
      ctx: { uri: doc.uri, path, kind, lines: splitLines(text), patch: kind === 'patch' ? scanPatch(text) : null, tree: tree.dir },
    };
  }

  /** Unsaved editor buffers win over the files on disk. */
  function readOpenBuffer(abs: string): string | undefined {
    for (const d of documents.all()) if (uriToPath(d.uri) === abs) return d.getText();
    return undefined;
  }

  function analyzeOptions(ctx: DocContext, text: string, signal?: AbortSignal): AnalyzeOptions {
    return {
      name: ctx.path ?? ctx.uri, text, tree: ctx.tree ?? undefined, profile: profileSetting(),
      readFile: readOpenBuffer, untrusted: !trusted, signal,
    };
  }

  async function analyzeDoc(uri: string, version: number, signal: AbortSignal): Promise<Outcome> {
    const doc = documents.get(uri);
    if (!doc || doc.version !== version) throw Object.assign(new Error('superseded'), { name: 'AbortError' });
    const text = doc.getText();
    const c = contextOf(doc, text);
    if (!c) throw Object.assign(new Error('not analysed'), { name: 'AbortError' });
    const key = analysisKey(settings, trusted);
    // Incremental where it is free: same text, same settings -> same result (undo, re-save, severity-only changes).
    const prev = scheduler.last(uri)?.value;
    if (prev && prev.text === text && prev.key === key && prev.tree.dir === c.tree.dir && prev.result) return { ...prev, version, ctx: c.ctx, tree: c.tree };
    const t0 = performance.now();
    try {
      const result = await deps.analyze(analyzeOptions(c.ctx, text, signal));
      if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      return { version, ctx: c.ctx, text, key, tree: c.tree, result, ms: performance.now() - t0 };
    } catch (e) {
      if (signal.aborted || isAbort(e)) throw e;
      const bad = inputError(e);
      if (!bad) connection.console.error(`mmlock: analysis of ${uri} failed: ${(e as Error)?.stack ?? String(e)}`);
      const error = bad ? { ...bad, input: true } : { message: (e as Error)?.message ?? String(e), input: false };
      return { version, ctx: c.ctx, text, key, tree: c.tree, result: null, error, ms: performance.now() - t0 };
    }
  }

  function diagnosticsOf(o: Outcome): Diagnostic[] {
    if (o.error) {
      const d = inputErrorDiagnostic(o.ctx, o.error.message, o.error.line);
      if (!o.error.input) { d.message = `mmlock could not analyse this file: ${o.error.message}`; d.code = 'analysis-failed'; d.severity = DiagnosticSeverity.Warning; }
      return [d];
    }
    return findingsToDiagnostics(o.result!.findings, o.ctx, {
      severity: settings.severity, relatedInformation: canRelated, functions: o.result!.functions,
    });
  }

  function publish(uri: string, o: Outcome): void {
    quiet(connection.sendDiagnostics({ uri, version: o.version, diagnostics: diagnosticsOf(o) }));
  }

  function sendStatus(o: Outcome): void {
    if (!o.result) return;
    const r = o.result;
    const parts: string[] = [];
    if (r.mode === 'hunk-only') {
      parts.push('No kernel tree found: hunk-only mode, only the lines the patch shows are analysed. Open the tree as a folder or set mmlock.kernelTree.');
    } else if (r.mode === 'tree') parts.push(`Pre-images from the kernel tree ${o.tree.dir}.`);
    else parts.push('Checking the C file as it is.');
    if (o.tree.problem) parts.push(o.tree.problem);
    if (!trusted) parts.push('Untrusted workspace: profile files from the workspace are not loaded.');
    const status: StatusParams = {
      profile: r.profile.id, origin: r.profile.origin, mode: r.mode, tree: o.tree.dir, message: parts.join(' '), trusted,
    };
    const key = JSON.stringify(status);
    if (key === lastStatus) return;          // said once per change of state
    lastStatus = key;
    log(`mmlock: profile ${status.profile} (${status.origin}); ${status.message}`);
    for (const n of r.notes) log(`mmlock: ${n}`);
    quiet(connection.sendNotification(Methods.status, status));
  }

  const scheduler = new Scheduler<Outcome>(analyzeDoc, (uri, _v, o) => {
    publish(uri, o);
    sendStatus(o);
    if (canRefreshLenses) quiet(connection.sendRequest('workspace/codeLens/refresh'));
  }, options.debounceMs ?? 120);

  function reanalyzeAll(): void {
    views.clear();
    deps.invalidate?.();
    for (const d of documents.all()) if (docKindOf(d.languageId, d.uri)) scheduler.changed(d.uri, d.version, true);
  }

  async function outcomeFor(uri: string, token?: CancellationToken): Promise<Outcome | undefined> {
    const doc = documents.get(uri);
    if (!doc || !docKindOf(doc.languageId, doc.uri)) return undefined;
    const p = scheduler.current(uri, doc.version);
    if (!token) return p;
    return Promise.race([p, new Promise<undefined>((res) => token.onCancellationRequested(() => res(undefined)))]);
  }

  async function pullSettings(): Promise<void> {
    if (!canPullConfig) return;
    try { settings = parseSettings(await connection.workspace.getConfiguration('mmlock')); } catch { /* keep the last */ }
  }

  connection.onInitialize((params): InitializeResult => {
    const cap = params.capabilities;
    canPullConfig = !!cap.workspace?.configuration;
    canRelated = !!cap.textDocument?.publishDiagnostics?.relatedInformation;
    canRefreshLenses = !!cap.workspace?.codeLens?.refreshSupport;
    const init = (params.initializationOptions ?? {}) as { trusted?: boolean; settings?: unknown };
    if (init.trusted === false) trusted = false;
    if (init.settings) settings = parseSettings(init.settings);
    folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    if (!folders.length && params.rootUri) { const p = uriToPath(params.rootUri); if (p) folders = [p]; }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        experimental: { mmlock: { requests: [Methods.simulate, Methods.hierarchy, Methods.profiles], notifications: [Methods.status] } },
      },
      serverInfo: { name: SOURCE },
    };
  });

  connection.onInitialized(async () => {
    connection.workspace.onDidChangeWorkspaceFolders((e) => {
      const gone = new Set(e.removed.map((f) => uriToPath(f.uri)));
      folders = [...folders.filter((f) => !gone.has(f)), ...e.added.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p)];
      reanalyzeAll();
    });
    if (canPullConfig) {
      quiet(connection.client.register(DidChangeConfigurationNotification.type, { section: 'mmlock' }));
      await pullSettings();
      reanalyzeAll();
    }
  });

  connection.onDidChangeConfiguration(async (change) => {
    const before = analysisKey(settings, trusted);
    if (canPullConfig) await pullSettings();
    else settings = parseSettings((change.settings as { mmlock?: unknown } | undefined)?.mmlock ?? change.settings);
    if (analysisKey(settings, trusted) !== before) { lastStatus = ''; reanalyzeAll(); return; }
    // Only the mapping changed (severity): republish what we have.
    for (const uri of scheduler.keys()) { const l = scheduler.last(uri); if (l) publish(uri, l.value); }
  });

  connection.onNotification(Methods.trust, (p: { trusted?: boolean }) => {
    const t = p?.trusted !== false;
    if (t === trusted) return;
    trusted = t;
    lastStatus = '';
    reanalyzeAll();
  });

  documents.onDidChangeContent((e) => {
    if (docKindOf(e.document.languageId, e.document.uri)) scheduler.changed(e.document.uri, e.document.version);
  });
  // A tree file saved or changed on disk (C sources, headers, the Makefile): what the core keeps
  // across analyses may be stale.
  documents.onDidSave((e) => { if (/\.(c|h)$|Makefile$/.test(e.document.uri)) reanalyzeAll(); });
  connection.onDidChangeWatchedFiles(() => reanalyzeAll());
  documents.onDidClose((e) => {
    scheduler.close(e.document.uri);
    quiet(connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }));
  });

  connection.onHover(async (params, token) => {
    const o = await outcomeFor(params.textDocument.uri, token);
    if (!o?.result || token.isCancellationRequested) return null;
    const hit = siteAt(o.result.sites, o.ctx, params.position);
    if (!hit) return null;
    const view = profileView(o.result.profile.id, o.ctx.tree ?? undefined);
    return { contents: { kind: 'markdown', value: hoverMarkdown(hit.site, view, o.result.profile.id) }, range: hit.range };
  });

  connection.onCodeLens(async (params, token) => {
    const o = await outcomeFor(params.textDocument.uri, token);
    if (!o?.result) return [];
    return codeLenses(o.result.functions, o.ctx, o.result.mode === 'c-file');
  });

  connection.onRequest(Methods.simulate, async (params: SimulateParams, token: CancellationToken): Promise<SimulateResult> => {
    const uri = params?.textDocument?.uri;
    const doc = uri ? documents.get(uri) : undefined;
    if (!doc) throw new ResponseError(ErrorCodes.InvalidParams, `mmlock/simulate: ${uri ?? 'no document'} is not open`);
    const o = await outcomeFor(doc.uri, token);
    if (!o) throw new ResponseError(ErrorCodes.InvalidParams, `mmlock/simulate: ${doc.uri} is not a patch or C file`);
    const profile = o.result?.profile ?? { id: profileSetting(), origin: 'setting' };
    let functions = params.functions;
    const notes: string[] = [];
    if (!functions && params.position) {
      const f = o.result && functionAt(o.result.functions, o.ctx, params.position);
      if (!f) {
        return { version: 1, profile, functions: [], explored: 0, bounded: false, deadlocks: [], notes: [],
          text: 'No function at the cursor: place it inside a function the patch touches.' };
      }
      functions = [f.name];
    }
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      const out = await deps.simulate({
        ...analyzeOptions(o.ctx, o.text, controller.signal), functions, maxStates: params.maxStates ?? settings.maxStates,
      });
      if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'mmlock/simulate cancelled');
      const r = simulationResult(out, o.ctx, profile);
      r.notes = [...notes, ...r.notes];
      return r;
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      if (controller.signal.aborted || isAbort(e)) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'mmlock/simulate cancelled');
      const bad = inputError(e);
      throw new ResponseError(ErrorCodes.InternalError, `mmlock/simulate: ${bad ? `line ${bad.line ?? '?'}: ` : ''}${(e as Error)?.message ?? e}`);
    } finally {
      sub.dispose();
    }
  });

  connection.onRequest(Methods.whatIf, async (params: WhatIfParams, token: CancellationToken): Promise<WhatIfReply> => {
    if (!deps.whatIf) throw new ResponseError(ErrorCodes.InternalError, 'mmlock/whatIf: not available');
    const edits = (params?.edits ?? []).map((e) => String(e).trim()).filter(Boolean);
    if (!edits.length) throw new ResponseError(ErrorCodes.InvalidParams, 'mmlock/whatIf: no edit given (e.g. i_mmap_lock=mutex)');
    const tree = findKernelTree({ setting: settings.kernelTree, folders, docPath: null }).dir;
    if (!tree) throw new ResponseError(ErrorCodes.InvalidParams, 'mmlock/whatIf: no kernel tree in the workspace (open one as a folder or set mmlock.kernelTree)');
    const mmDir = join(tree, 'mm');
    const inputs = readdirSync(mmDir).filter((f) => f.endsWith('.c')).sort().map((f) => {
      const abs = join(mmDir, f);
      return { name: abs, text: readOpenBuffer(abs) ?? readFileSync(abs, 'utf8') };
    });
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      const r = await deps.whatIf({
        edits, inputs, tree, profile: !trusted && looksLikeFile(settings.profile) ? 'auto' : settings.profile, signal: controller.signal, cwd: tree,
        onProgress: (done, total) => { void connection.sendNotification(Methods.whatIfProgress, { done, total } satisfies WhatIfProgress); },
      });
      if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'mmlock/whatIf cancelled');
      const site = (w: WhatIfSiteLike): WhatIfReplySite => ({
        change: w.change, code: w.finding.code, severity: w.finding.severity, line: w.finding.line, column: w.finding.column,
        endLine: w.finding.endLine, endColumn: w.finding.endColumn, cause: w.causeText, explanation: w.explanation, message: w.finding.message,
      });
      return {
        tree, label: r.edited.label, notes: r.notes,
        text: `${r.edited.label}: ${r.breaks.length} site(s) break, ${r.allowed.length} now allowed, in ${r.files.length} file(s) (${r.stats.analysed} of ${r.stats.inputs} files analysed, ${r.stats.ms} ms)`,
        files: r.files.map((f) => ({ file: f.file, breaks: f.breaks, allowed: f.allowed, functions: f.functions.map((fn) => ({ name: fn.name, line: fn.line, sites: fn.sites.map(site) })) })),
      };
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      if (controller.signal.aborted || isAbort(e)) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'mmlock/whatIf cancelled');
      throw new ResponseError(ErrorCodes.InvalidParams, `mmlock/whatIf: ${(e as Error)?.message ?? e}`);
    } finally {
      sub.dispose();
    }
  });

  connection.onRequest(Methods.hierarchy, async (params: HierarchyParams | undefined, token: CancellationToken): Promise<HierarchyResult> => {
    const uri = params?.textDocument?.uri;
    const o = uri ? await outcomeFor(uri, token) : undefined;
    const id = params?.profile ?? o?.result?.profile.id ?? profileSetting();
    const origin = params?.profile ? 'request' : o?.result?.profile.origin ?? 'setting';
    const view = profileView(id, o?.ctx.tree ?? undefined);
    if (!view) throw new ResponseError(ErrorCodes.InvalidParams, `mmlock/hierarchy: profile '${id}' is not available`);
    const used = new Set<string>();
    for (const s of o?.result?.sites ?? []) if (s.class) used.add(s.class);
    for (const f of o?.result?.findings ?? []) for (const c of f.classes) used.add(c);
    return buildHierarchy(view, origin, used);
  });

  connection.onRequest(Methods.profiles, (): ProfilesResult => {
    const s = lastStatus ? (JSON.parse(lastStatus) as StatusParams) : null;
    let profiles: ProfilesResult['profiles'] = [];
    try { profiles = deps.listProfiles(); } catch (e) { log(`mmlock: profiles: ${(e as Error).message}`); }
    return { active: s ? { id: s.profile, origin: s.origin } : null, profiles };
  });

  documents.listen(connection);
}

