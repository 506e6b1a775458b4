// Language server entry: `node server/out/server.js --stdio` (DESIGN.md contract). Any LSP client
// can start it so; the VS Code extension does. The analysis core is injected from core-adapter.ts.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { coreDeps } from './core-adapter';
import { createServer } from './create-server';

const connection = createConnection(ProposedFeatures.all);

// The server must outlive any bug in one analysis: log and keep serving.
process.on('uncaughtException', (e) => connection.console.error(`mmlock: uncaught: ${e?.stack ?? e}`));
process.on('unhandledRejection', (e) => connection.console.error(`mmlock: unhandled rejection: ${(e as Error)?.stack ?? e}`));

createServer(connection, coreDeps);
connection.listen();
