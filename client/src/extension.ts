// VS Code extension entry: the "MM Locks" output channel, the language client, the status bar and
// the commands. Everything else is the language server's (server/src/lsp).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Methods, type StatusParams } from '../../server/src/lsp/protocol';
import { registerCommands } from './commands';
import { registerWhatIf } from './what-if-view';
import { createLanguageClient } from './language-client';
import { StatusBar } from './status-bar';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // Results (simulations, hierarchy) as plain text; the server's own log and traces apart.
  const output = vscode.window.createOutputChannel('MM Locks');
  const log = vscode.window.createOutputChannel('MM Locks Server', { log: true });
  const status = new StatusBar();
  client = createLanguageClient(context, log);
  context.subscriptions.push(output, log, status, ...registerCommands({ client, output, status }), ...registerWhatIf(client, output));
  context.subscriptions.push(client.onNotification(Methods.status, (s: StatusParams) => status.update(s)));
  // Limited support in untrusted workspaces: the server refuses workspace profile files until trusted.
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => {
    void client?.sendNotification(Methods.trust, { trusted: true });
  }));
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
