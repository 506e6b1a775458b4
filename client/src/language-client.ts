// Starts the language server as `node server/out/server.js --stdio` (the same command every other
// editor uses) and connects it to the patch, mail and C documents on disk or unsaved.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export function createLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('server/out/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const documentSelector = ['diff', 'mbox', 'c'].flatMap((language) => [
    { scheme: 'file', language }, { scheme: 'untitled', language },
  ]);
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel: log,
    // The server pulls `mmlock.*` itself (workspace/configuration) and registers for changes.
    initializationOptions: { trusted: vscode.workspace.isTrusted },
    // Tree files changed on disk: the server drops what it keeps across analyses.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.c,*.h,Makefile}') },
    markdown: { isTrusted: false, supportHtml: false },
  };
  // The id 'mmlock' makes the client honour the `mmlock.trace.server` setting.
  return new LanguageClient('mmlock', 'MM Locks', serverOptions, clientOptions);
}
