// The bundled example (README's first command) shows the inversion on the miniature tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../server/src/analysis';

const repo = path.resolve(__dirname, '../../..');

test('the bundled example patch has a lock-order finding at the anon_vma_lock line', async () => {
  const name = path.join(repo, 'examples/expand-downwards-inversion.patch');
  const r = await analyze({ name, text: fs.readFileSync(name, 'utf8'), tree: path.join(repo, 'examples/tree') });
  assert.equal(r.profile.id, 'linux-2.6.34');
  assert.equal(r.mode, 'tree');
  const errs = r.findings.filter((f) => f.severity !== 'info');
  assert.deepEqual(errs.map((f) => `${f.code} ${f.file}:${f.line} ${f.function} ${f.introduced}`), ['lock-order mm/mmap.c:21 expand_downwards true']);
  assert.deepEqual(r.functions.map((f) => f.name).sort(), ['anon_vma_lock', 'anon_vma_unlock', 'expand_downwards']);
});
