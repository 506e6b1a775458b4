// Bugs of every kind seeded into real 6.12 mm functions (patches written here against the corpus
// tree): each is found, introduced, at the right line, and nothing else is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../../server/src/analysis';

const repo = path.resolve(__dirname, '../../..');
const tree = path.resolve(repo, '../shared/corpus/linux-6.12');
const have = fs.existsSync(tree);

const cases: [string, string[]][] = [
  ['sleep.patch', ['sleep-in-atomic mm/mremap.c:188 move_ptes']],
  // taking anon_vma first, then i_mmap, then (as the function still does) anon_vma again
  ['order.patch', ['lock-order mm/vma.c:169 vma_prepare', 'double-lock mm/vma.c:183 vma_prepare']],
  ['double.patch', ['double-lock mm/mremap.c:186 move_ptes']],
  ['irq.patch', ['irq-state mm/filemap.c:255 filemap_remove_folio']],
  ['unbalanced.patch', ['unbalanced-lock mm/mlock.c:200 mlock_folio_batch']],
];

for (const [name, expected] of cases) {
  test(`seeded bug ${name} is found`, { skip: !have && 'no corpus' }, async () => {
    const file = path.join(repo, 'test/fixtures/seeded', name);
    const r = await analyze({ name: file, text: fs.readFileSync(file, 'utf8'), tree });
    const got = r.findings.filter((f) => f.severity !== 'info').map((f) => `${f.code} ${f.file}:${f.line} ${f.function}`);
    assert.deepEqual(got, expected);
    assert.ok(r.findings.every((f) => f.introduced || f.severity === 'info'));
  });
}
