// The README's first command: check and simulate the bundled example patch (a real lock inversion:
// page_table_lock taken outside the anon_vma lock, as in a 2010 linux-mm RFC) against the bundled
// miniature 2.6.34-era tree. Exits 0 when both show the inversion, 1 otherwise.
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'server/out/cli.js');
const args = ['--tree', 'examples/tree', 'examples/expand-downwards-inversion.patch'];
const run = (cmd) => {
  console.log(`$ mmlock ${cmd} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, cmd, ...args], { cwd: root, encoding: 'utf8' });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  console.log('');
  return r;
};
const check = run('check');
const sim = run('simulate');
const ok = check.status === 1 && /\[lock-order\]/.test(check.stdout) && sim.status === 1 && /DEADLOCK/.test(sim.stdout);
console.log(ok
  ? 'example: the inversion was found by the checker and a deadlock schedule by the simulator, as expected.'
  : 'example: did NOT show the expected inversion and schedule (see above).');
process.exit(ok ? 0 : 1);
