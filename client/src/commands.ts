// The "MM Locks" commands. Each one is a thin shell over a custom LSP request (mmlock/simulate,
// mmlock/hierarchy, mmlock/profiles) so that any editor can offer the same through its LSP client.
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  Methods, type HierarchyResult, type ProfilesResult, type SimulateParams, type SimulateResult,
} from '../../server/src/lsp/protocol';
import { shortOrigin, type StatusBar } from './status-bar';
import { hierarchyPage } from './views/hierarchy-html';
import { simulationPage } from './views/simulation-html';
import { showPanel } from './webview-panels';

const LANGS = new Set(['diff', 'mbox', 'c']);

interface Ctx { client: LanguageClient; output: vscode.OutputChannel; status: StatusBar }

function activeDoc(): vscode.TextEditor | undefined {
  const ed = vscode.window.activeTextEditor;
  if (ed && LANGS.has(ed.document.languageId)) return ed;
  void vscode.window.showWarningMessage('MM Locks: open a patch (.patch, .diff), a mail (.mbox, .eml) or a C file first.');
  return undefined;
}

function nameOf(uri: string): string {
  try { return path.basename(vscode.Uri.parse(uri).fsPath); } catch { return uri; }
}

function requestError(e: unknown): string {
  return (e as Error)?.message ?? String(e);
}

async function simulate(ctx: Ctx, params: SimulateParams, what: string): Promise<SimulateResult | undefined> {
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `MM Locks: simulating ${what}…`, cancellable: true },
    (_p, token) => ctx.client.sendRequest<SimulateResult>(Methods.simulate, params, token),
  ).then((x) => x, (e) => {
    if (!/cancel/i.test(requestError(e))) void vscode.window.showErrorMessage(`MM Locks: simulation failed: ${requestError(e)}`);
    return undefined;
  });
  if (!r) return undefined;
  const doc = nameOf(params.textDocument.uri);
  ctx.output.appendLine(`\n=== Simulation of ${r.functions.join(', ') || what} in ${doc} (${r.profile.id}) ===`);
  ctx.output.appendLine(r.text.trimEnd());
  for (const n of r.notes) ctx.output.appendLine(`note: ${n}`);
  const title = r.deadlocks.length ? `MM Locks: deadlock (${r.functions.join(', ') || doc})` : `MM Locks: no deadlock (${r.functions.join(', ') || doc})`;
  showPanel('mmlock.simulation', title, (nonce, csp) => simulationPage(r, doc, nonce, csp));
  return r;
}

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  const reg = vscode.commands.registerCommand;
  return [
    reg('mmlock.simulateTouched', async () => {
      const ed = activeDoc();
      if (ed) return simulate(ctx, { textDocument: { uri: ed.document.uri.toString() } }, 'the touched functions');
      return undefined;
    }),
    reg('mmlock.simulateAtCursor', async () => {
      const ed = activeDoc();
      if (!ed) return undefined;
      const p = ed.selection.active;
      return simulate(ctx, { textDocument: { uri: ed.document.uri.toString() }, position: { line: p.line, character: p.character } }, 'the function at the cursor');
    }),
    // From the code lens: { uri, function }.
    reg('mmlock.simulateFunction', async (arg?: { uri?: string; function?: string }) => {
      const uri = arg?.uri ?? vscode.window.activeTextEditor?.document.uri.toString();
      if (!uri) return undefined;
      return simulate(ctx, { textDocument: { uri }, functions: arg?.function ? [arg.function] : undefined }, arg?.function ? `${arg.function}()` : 'the touched functions');
    }),
    reg('mmlock.showHierarchy', async () => {
      const ed = vscode.window.activeTextEditor;
      const uri = ed && LANGS.has(ed.document.languageId) ? ed.document.uri.toString() : undefined;
      let h: HierarchyResult;
      try {
        h = await ctx.client.sendRequest<HierarchyResult>(Methods.hierarchy, { textDocument: uri ? { uri } : undefined });
      } catch (e) {
        void vscode.window.showErrorMessage(`MM Locks: ${requestError(e)}`);
        return undefined;
      }
      ctx.output.appendLine(`\n=== ${h.profile.id} lock hierarchy ===`);
      ctx.output.appendLine(h.text);
      showPanel('mmlock.hierarchy', `MM Locks: ${h.profile.id} lock order`, (nonce, csp) => hierarchyPage(h, uri ? nameOf(uri) : null, nonce, csp));
      return h;
    }),
    reg('mmlock.selectProfile', async () => {
      let r: ProfilesResult;
      try { r = await ctx.client.sendRequest<ProfilesResult>(Methods.profiles, {}); } catch (e) {
        void vscode.window.showErrorMessage(`MM Locks: ${requestError(e)}`);
        return undefined;
      }
      const current = vscode.workspace.getConfiguration('mmlock').get<string>('profile', 'auto');
      type Item = vscode.QuickPickItem & { value: string };
      const items: Item[] = [
        { label: 'auto', value: 'auto', description: current === 'auto' ? '(current)' : undefined, detail: 'From the kernel tree\'s Makefile (and its ordering comments); without a tree, guessed from the lock APIs the patch uses' },
        ...r.profiles.map((p) => ({ label: p.id, value: p.id, description: current === p.id ? '(current)' : undefined, detail: p.description })),
      ];
      if (vscode.workspace.isTrusted) items.push({ label: '$(file) Profile file…', value: '\0file', detail: 'A profile JSON file (server/profiles/profile.schema.json)' });
      const pick = await vscode.window.showQuickPick(items, {
        title: 'MM Locks: kernel profile', placeHolder: r.active ? `active: ${r.active.id} (${shortOrigin(r.active.id, r.active.origin)}) — lock hierarchy of which kernel era?` : 'lock hierarchy of which kernel era?',
        matchOnDetail: true,
      });
      if (!pick) return undefined;
      let value = pick.value;
      if (value === '\0file') {
        const f = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Profile (JSON)': ['json'] } });
        if (!f?.length) return undefined;
        value = f[0].fsPath;
      }
      const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await vscode.workspace.getConfiguration('mmlock').update('profile', value, target);
      return value;
    }),
    reg('mmlock.showProblems', () => vscode.commands.executeCommand('workbench.actions.view.problems')),
    reg('mmlock.showOutput', () => ctx.output.show(true)),
  ];
}
