// Bundles the CLI, the language server and the extension with esbuild, and copies the
// tree-sitter WASM files next to the server bundles (they are loaded at run time).
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };

async function main() {
  await Promise.all([
    esbuild.build({ ...common, entryPoints: [path.join(root, 'server/src/cli.ts')], outfile: path.join(root, 'server/out/cli.js'), banner: { js: '#!/usr/bin/env node' } }),
    esbuild.build({ ...common, entryPoints: [path.join(root, 'server/src/lsp/server.ts')], outfile: path.join(root, 'server/out/server.js') }),
    esbuild.build({ ...common, entryPoints: [path.join(root, 'client/src/extension.ts')], outfile: path.join(root, 'client/out/extension.js'), external: ['vscode'] }),
  ]);
  const wasm = [
    require.resolve('web-tree-sitter/tree-sitter.wasm'),
    require.resolve('tree-sitter-c/tree-sitter-c.wasm'),
  ];
  for (const f of wasm) fs.copyFileSync(f, path.join(root, 'server/out', path.basename(f)));
  fs.chmodSync(path.join(root, 'server/out/cli.js'), 0o755);
}

main().catch((e) => { console.error(e.message || e); process.exit(1); });
