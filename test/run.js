// Runs every compiled test file under build/test with node's test runner.
// (Node 20 does not expand globs itself.) The real-VS Code test is separate: npm run test:vscode.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const dir = path.resolve(__dirname, '../build/test');
const files = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) { if (e.name !== 'vscode' && e.name !== 'bench') walk(p); }
    else if (e.name.endsWith('.test.js')) files.push(p);
  }
})(dir);
const only = process.argv.slice(2);
const chosen = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...chosen], { stdio: 'inherit' });
process.exit(r.status ?? 1);
