// The two result panels (simulation, lock hierarchy): created once, revealed and refilled after.
// Links in them post {type: 'open', uri, line}; we open only file/untitled documents.
import * as vscode from 'vscode';
import { nonce } from './views/html';

const panels = new Map<string, vscode.WebviewPanel>();

async function openPlace(msg: { uri?: unknown; line?: unknown; character?: unknown }): Promise<void> {
  if (typeof msg.uri !== 'string') return;
  const uri = vscode.Uri.parse(msg.uri, true);
  if (uri.scheme !== 'file' && uri.scheme !== 'untitled') return;
  const line = Math.max(0, Number(msg.line) || 0);
  const ch = Math.max(0, Number(msg.character) || 0);
  const doc = await vscode.workspace.openTextDocument(uri);
  const pos = new vscode.Position(Math.min(line, doc.lineCount - 1), ch);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos), preview: true });
}

/** Shows `html(nonce, cspSource)` in the panel `id`, beside the editor. */
export function showPanel(id: string, title: string, html: (nonce: string, cspSource: string) => string): vscode.WebviewPanel {
  let panel = panels.get(id);
  if (!panel) {
    panel = vscode.window.createWebviewPanel(id, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true, localResourceRoots: [], enableFindWidget: true,
    });
    panel.webview.onDidReceiveMessage((m) => {
      if (m?.type === 'open') openPlace(m).catch((e) => vscode.window.showWarningMessage(`MM Locks: cannot open ${m.uri}: ${e.message ?? e}`));
    });
    panel.onDidDispose(() => panels.delete(id));
    panels.set(id, panel);
  } else {
    panel.reveal(vscode.ViewColumn.Beside, true);
  }
  panel.title = title;
  panel.webview.html = html(nonce(), panel.webview.cspSource);
  return panel;
}
