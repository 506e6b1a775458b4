// "MM Locks: What If…": re-check the workspace's kernel tree under an edited hierarchy
// (i_mmap_lock=mutex, anon_vma_chain_lock:after=mmap_sem,before=anon_vma, reverse:A>B) and show
// what breaks as a tree (file -> function -> site) and as a temporary, clearable set of diagnostics.
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Methods, type WhatIfProgress, type WhatIfReply, type WhatIfReplySite } from '../../server/src/lsp/protocol';

type Node =
  | { kind: 'file'; file: string; label: string; children: Node[] }
  | { kind: 'function'; file: string; name: string; line: number; children: Node[] }
  | { kind: 'site'; file: string; site: WhatIfReplySite };

class WhatIfTree implements vscode.TreeDataProvider<Node> {
  private roots: Node[] = [];
  private tree = '';
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  set(reply: WhatIfReply | undefined): void {
    this.tree = reply?.tree ?? '';
    this.roots = (reply?.files ?? []).map((f) => ({
      kind: 'file' as const, file: f.file,
      label: `${f.file}  (${f.breaks} break${f.breaks === 1 ? '' : 's'}${f.allowed ? `, ${f.allowed} now allowed` : ''})`,
      children: f.functions.map((fn) => ({
        kind: 'function' as const, file: f.file, name: fn.name, line: fn.line,
        children: fn.sites.map((site) => ({ kind: 'site' as const, file: f.file, site })),
      })),
    }));
    this.changed.fire(undefined);
  }

  uriOf(file: string): vscode.Uri {
    return vscode.Uri.file(path.isAbsolute(file) ? file : path.join(this.tree, file));
  }

  getChildren(n?: Node): Node[] { return n ? ('children' in n ? n.children : []) : this.roots; }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.kind === 'file') {
      const it = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.Expanded);
      it.resourceUri = this.uriOf(n.file);
      it.iconPath = vscode.ThemeIcon.File;
      return it;
    }
    if (n.kind === 'function') {
      const it = new vscode.TreeItem(`${n.name}()`, vscode.TreeItemCollapsibleState.Expanded);
      it.iconPath = new vscode.ThemeIcon('symbol-function');
      it.command = { command: 'vscode.open', title: 'Open', arguments: [this.uriOf(n.file), { selection: new vscode.Range(n.line - 1, 0, n.line - 1, 0) }] };
      return it;
    }
    const s = n.site;
    const it = new vscode.TreeItem(`${s.change === 'breaks' ? 'breaks' : 'now allowed'}: line ${s.line}, ${s.cause}`, vscode.TreeItemCollapsibleState.None);
    it.description = s.code;
    it.tooltip = new vscode.MarkdownString(`**${s.code}** — ${s.explanation}\n\n${s.message}`);
    it.iconPath = new vscode.ThemeIcon(s.change === 'breaks' ? 'error' : 'pass');
    it.command = { command: 'vscode.open', title: 'Open', arguments: [this.uriOf(n.file), { selection: new vscode.Range(s.line - 1, s.column - 1, s.endLine - 1, s.endColumn - 1) }] };
    return it;
  }
}

export function registerWhatIf(client: LanguageClient, output: vscode.OutputChannel): vscode.Disposable[] {
  const tree = new WhatIfTree();
  const diagnostics = vscode.languages.createDiagnosticCollection('mmlock-what-if');
  const view = vscode.window.createTreeView('mmlock.whatIf', { treeDataProvider: tree });
  let progress: ((p: WhatIfProgress) => void) | undefined;
  const sub = client.onNotification(Methods.whatIfProgress, (p: WhatIfProgress) => progress?.(p));

  const show = (reply: WhatIfReply): void => {
    tree.set(reply);
    diagnostics.clear();
    for (const f of reply.files) {
      const list: vscode.Diagnostic[] = [];
      for (const fn of f.functions) {
        for (const s of fn.sites) {
          if (s.change !== 'breaks') continue;
          const d = new vscode.Diagnostic(new vscode.Range(s.line - 1, Math.max(0, s.column - 1), s.endLine - 1, Math.max(0, s.endColumn - 1)),
            `what-if ${reply.label}: ${s.explanation}`, s.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
          d.source = 'mmlock what-if';
          d.code = s.code;
          list.push(d);
        }
      }
      diagnostics.set(tree.uriOf(f.file), list);
    }
    output.appendLine(`\n=== What if ${reply.label} ===`);
    output.appendLine(reply.text);
    for (const f of reply.files) for (const fn of f.functions) for (const s of fn.sites) output.appendLine(`${f.file}:${s.line}: ${s.change === 'breaks' ? 'breaks' : 'now allowed'}: ${fn.name}(): ${s.explanation}`);
    for (const n of reply.notes) output.appendLine(`note: ${n}`);
    void vscode.commands.executeCommand('mmlock.whatIf.focus');
    view.message = reply.text;
  };

  return [
    view, diagnostics, sub,
    vscode.commands.registerCommand('mmlock.whatIf', async (given?: string) => {
      const text = given ?? await vscode.window.showInputBox({
        title: 'MM Locks: What If…',
        prompt: 'Edits of the lock hierarchy, comma-separated: CLASS=KIND, NAME:after=A,before=B, reverse:A>B, remove:A>B',
        placeHolder: 'i_mmap_lock=mutex,anon_vma=mutex',
      });
      if (!text?.trim()) return undefined;
      const edits = [text.trim()]; // the server's edit parser splits comma lists (inserts contain commas)
      try {
        const reply = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `MM Locks: what if ${text}`, cancellable: true },
          (p, token) => {
            let last = 0;
            progress = ({ done, total }) => { if (total) { p.report({ increment: (100 * (done - last)) / total, message: `${done} of ${total} files` }); last = done; } };
            return client.sendRequest<WhatIfReply>(Methods.whatIf, { edits }, token);
          });
        show(reply);
        return reply;
      } catch (e) {
        const m = (e as Error)?.message ?? String(e);
        if (!/cancel/i.test(m)) void vscode.window.showErrorMessage(`MM Locks: ${m}`);
        return undefined;
      } finally {
        progress = undefined;
      }
    }),
    vscode.commands.registerCommand('mmlock.whatIfClear', () => { tree.set(undefined); diagnostics.clear(); view.message = undefined; }),
  ];
}
