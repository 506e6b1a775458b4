// Callees defined in the tree's other .c files (crossFile: what-if runs): found by name among the
// non-static definitions of the analysed file's directory, parsed alone with the file's own line
// numbers; static functions and mm/nommu.c are never taken.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze } from '../../server/src/analysis';
import { topLevelIndex } from '../../server/src/c/top-level';

const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'mmlock-xfile-'));
after(() => fs.rmSync(tree, { recursive: true, force: true }));
const write = (rel: string, text: string) => { fs.mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true }); fs.writeFileSync(path.join(tree, rel), text); };
write('Makefile', 'VERSION = 2\nPATCHLEVEL = 6\nSUBLEVEL = 34\n');
write('mm/helpers.c', `#include <linux/mm.h>

/* a comment before the first definition */
int counter;

void take_mapping(struct address_space *mapping)
{
	spin_lock(&mapping->i_mmap_lock);
	counter++;
	spin_unlock(&mapping->i_mmap_lock);
}

static void private_take(struct address_space *mapping)
{
	spin_lock(&mapping->i_mmap_lock);
	spin_unlock(&mapping->i_mmap_lock);
}
`);
write('mm/nommu.c', `void nommu_take(struct address_space *mapping)
{
	spin_lock(&mapping->i_mmap_lock);
	spin_unlock(&mapping->i_mmap_lock);
}
`);
const caller = `#include <linux/mm.h>

void caller(struct mm_struct *mm, struct address_space *mapping)
{
	spin_lock(&mm->page_table_lock);
	take_mapping(mapping);
	private_take(mapping);
	nommu_take(mapping);
	spin_unlock(&mm->page_table_lock);
}
`;
write('mm/caller.c', caller);

async function run(crossFile: boolean) {
  return analyze({ name: path.join(tree, 'mm/caller.c'), text: caller, tree, profile: 'linux-2.6.34', all: true, crossFile });
}

describe('callees in other files of the tree', () => {
  test('a non-static callee of a sibling file is summarised, its site given in its own file', async () => {
    const r = await run(true);
    assert.deepEqual(r.findings.map((f) => `${f.code}@${f.line}`), ['lock-order@6']);
    const f = r.findings[0];
    assert.match(f.message, /take_mapping\(\) takes mapping->i_mmap_lock \(i_mmap_lock, at mm\/helpers\.c:8\)/);
  });

  test('without crossFile (a plain check) it is not looked for', async () => {
    assert.deepEqual((await run(false)).findings.map((f) => f.code), []);
  });

  test('the file-scope index knows static functions and where each definition stands', () => {
    const text = fs.readFileSync(path.join(tree, 'mm/helpers.c'), 'utf8');
    const ix = topLevelIndex(text);
    assert.deepEqual([...ix.functions].sort(), ['private_take', 'take_mapping']);
    assert.deepEqual([...ix.statics], ['private_take']);
    const s = ix.spans.get('take_mapping')!;
    assert.equal(text.slice(s.start, s.start + 4), 'void');
    assert.ok(text.slice(s.start, s.end).endsWith('}'));
    assert.equal(text.slice(ix.spans.get('private_take')!.start).split('\n')[0], 'static void private_take(struct address_space *mapping)');
  });
});
