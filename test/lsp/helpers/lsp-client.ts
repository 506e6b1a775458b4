// A minimal LSP client for tests: talks JSON-RPC (vscode-jsonrpc) over a pair of streams, either
// to the built server in a child process or to an in-process server; answers the requests a
// server sends (workspace/configuration, client/registerCapability, refreshes) and collects
// diagnostics and mmlock/status notifications, with waiters.
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import { PassThrough, type Readable, type Writable } from 'stream';
import { pathToFileURL } from 'url';
import {
  createMessageConnection, StreamMessageReader, StreamMessageWriter, CancellationTokenSource, type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  CodeLens, Diagnostic, Hover, InitializeResult, Position, PublishDiagnosticsParams, TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import type { Connection } from 'vscode-languageserver/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { LspDeps } from '../../../server/src/lsp/deps';
import { createServer, type ServerOptions } from '../../../server/src/lsp/create-server';
import type { StatusParams } from '../../../server/src/lsp/protocol';

export const ROOT = path.resolve(__dirname, '../../../..');

export function fileUri(p: string): string { return pathToFileURL(p).href; }

interface Waiter<T> { pred: (v: T) => boolean; resolve: (v: T) => void }

export class TestClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly statuses: StatusParams[] = [];
  readonly logs: string[] = [];
  settings: Record<string, unknown> = {};
  private diagWaiters: (Waiter<PublishDiagnosticsParams> & { uri: string })[] = [];
  private statusWaiters: Waiter<StatusParams>[] = [];
  private versions = new Map<string, number>();
  private texts = new Map<string, string>();

  constructor(readonly conn: MessageConnection, private readonly onClose: () => void, private readonly processId: number | null) {
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      this.diagWaiters = this.diagWaiters.filter((w) => (w.uri === p.uri && w.pred(p) ? (w.resolve(p), false) : true));
    });
    conn.onNotification('mmlock/status', (s: StatusParams) => {
      this.statuses.push(s);
      this.statusWaiters = this.statusWaiters.filter((w) => (w.pred(s) ? (w.resolve(s), false) : true));
    });
    conn.onNotification('window/logMessage', (m: { message: string }) => { this.logs.push(m.message); });
    conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
      p.items.map((i) => (i.section === 'mmlock' ? this.settings : null)));
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('workspace/codeLens/refresh', () => null);
    conn.listen();
  }

  async initialize(opts: { folders?: string[]; trusted?: boolean; configuration?: boolean } = {}): Promise<InitializeResult> {
    const r = await this.conn.sendRequest<InitializeResult>('initialize', {
      // In-process: null, or the server library would start a parent-process watchdog timer.
      processId: this.processId, rootUri: null,
      workspaceFolders: (opts.folders ?? []).map((f) => ({ uri: fileUri(f), name: path.basename(f) })),
      initializationOptions: { trusted: opts.trusted ?? true },
      capabilities: {
        workspace: { configuration: opts.configuration ?? true, workspaceFolders: true, codeLens: { refreshSupport: true }, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: { publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, versionSupport: true }, hover: { contentFormat: ['markdown'] } },
      },
    });
    await this.conn.sendNotification('initialized', {});
    return r;
  }

  async open(uri: string, languageId: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Replaces the whole text (as one incremental change covering the document). */
  async replace(uri: string, text: string): Promise<number> {
    const old = this.texts.get(uri) ?? '';
    const lines = old.split('\n');
    const change: TextDocumentContentChangeEvent = {
      range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } }, text,
    };
    return this.change(uri, [change], text);
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[], newText?: string): Promise<number> {
    const v = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, v);
    if (newText !== undefined) this.texts.set(uri, newText);
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: changes });
    return v;
  }

  async close(uri: string): Promise<void> {
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position });
  }

  codeLens(uri: string): Promise<CodeLens[] | null> {
    return this.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } });
  }

  request<T>(method: string, params: unknown, cancel?: CancellationTokenSource): Promise<T> {
    return cancel ? this.conn.sendRequest<T>(method, params, cancel.token) : this.conn.sendRequest<T>(method, params);
  }

  async setSettings(s: Record<string, unknown>): Promise<void> {
    this.settings = s;
    await this.conn.sendNotification('workspace/didChangeConfiguration', { settings: { mmlock: s } });
  }

  /** Diagnostics for `uri` satisfying `pred` (checks what arrived already first). */
  waitDiagnostics(uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true, ms = 10_000): Promise<PublishDiagnosticsParams> {
    const have = this.diagnostics.get(uri);
    if (have && pred(have)) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} in ${ms} ms; last: ${JSON.stringify(this.diagnostics.get(uri))}`)), ms);
      this.diagWaiters.push({ uri, pred, resolve: (v) => { clearTimeout(t); resolve(v); } });
    });
  }

  /** The next diagnostics for `uri` at `version` or later. */
  waitVersion(uri: string, version: number, ms = 10_000): Promise<PublishDiagnosticsParams> {
    return this.waitDiagnostics(uri, (p) => (p.version ?? 0) >= version, ms);
  }

  waitStatus(pred: (s: StatusParams) => boolean = () => true, ms = 10_000): Promise<StatusParams> {
    const have = [...this.statuses].reverse().find(pred);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching mmlock/status in ${ms} ms; got ${JSON.stringify(this.statuses)}`)), ms);
      this.statusWaiters.push({ pred, resolve: (v) => { clearTimeout(t); resolve(v); } });
    });
  }

  async dispose(): Promise<void> {
    // One round trip first: what the server sent before answering it has arrived, and nothing it
    // still had to say meets a closed connection.
    await Promise.race([this.conn.sendRequest('mmlock/profiles', {}).catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
    await new Promise((r) => setTimeout(r, 10));
    this.conn.dispose();
    this.onClose();
  }
}

/** The built server (`node server/out/server.js --stdio`) in a child process. */
export function startBuiltServer(): { client: TestClient; child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [path.join(ROOT, 'server/out/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const client = new TestClient(conn, () => { if (child.exitCode === null) child.kill(); }, process.pid);
  return { client, child, stderr: () => err };
}

/** An in-process server over in-memory streams, with the given (fake) core. */
export function startInProcessServer(deps: LspDeps, options: ServerOptions = {}): { client: TestClient; server: Connection } {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = createConnection(ProposedFeatures.all, toServer as Readable, toClient as Writable);
  createServer(server, deps, options);
  server.listen();
  const conn = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  // Do not end the streams: the server library exits the process when its input ends.
  const client = new TestClient(conn, () => { server.dispose(); }, null);
  return { client, server };
}

export function diagAt(ds: Diagnostic[], line: number): Diagnostic | undefined {
  return ds.find((d) => d.range.start.line === line);
}

export { CancellationTokenSource };
