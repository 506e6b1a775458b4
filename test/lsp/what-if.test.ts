// The editor's "MM Locks: What If…" over LSP: the built server re-checks the workspace's kernel
// tree (its mm/*.c) under an edit, reports progress, and answers file -> function -> site; bad
// edits and a missing tree are clear errors.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { after, before, test } from 'node:test';
import type { WhatIfProgress, WhatIfReply } from '../../server/src/lsp/protocol';
import { ROOT, startBuiltServer, type TestClient } from './helpers/lsp-client';

const TREE = path.join(ROOT, 'test/fixtures/what-if/insert');
let client: TestClient;

before(async () => {
  assert.ok(fs.existsSync(path.join(ROOT, 'server/out/server.js')), 'run `npm run build` first');
  client = startBuiltServer().client;
  await client.initialize({ folders: [TREE] });
});

after(async () => { await client.dispose(); });

test('what-if over the workspace tree: the new lock taken inside the locks it must precede', async () => {
  const progress: WhatIfProgress[] = [];
  client.conn.onNotification('mmlock/whatIfProgress', (p: WhatIfProgress) => { progress.push(p); });
  const r = await client.conn.sendRequest<WhatIfReply>('mmlock/whatIf', { edits: ['mm->anon_vma_chain_lock:after=mmap_sem,before=anon_vma'] });
  assert.equal(r.tree, TREE);
  const sites = r.files.flatMap((f) => f.functions.flatMap((fn) => fn.sites.filter((s) => s.change === 'breaks').map((s) => `${f.file}:${s.line} ${fn.name} ${s.code}`)));
  assert.deepEqual(sites.sort(), ['mm/fremap.c:8 link_chain lock-order', 'mm/rmap.c:15 anon_vma_prepare lock-order']);
  assert.match(r.text, /2 site\(s\) break/);
  assert.ok(progress.length > 0 && progress[progress.length - 1].done === progress[progress.length - 1].total, JSON.stringify(progress));
});

test('what-if: an unknown class is a clear error, and the server keeps serving', async () => {
  await assert.rejects(client.conn.sendRequest('mmlock/whatIf', { edits: ['no_such_lock=mutex'] }), /mmlock\/whatIf: .*no_such_lock/);
  await assert.rejects(client.conn.sendRequest('mmlock/whatIf', { edits: [] }), /no edit given/);
  const r = await client.conn.sendRequest<WhatIfReply>('mmlock/whatIf', { edits: ['reverse:anon_vma>page_table_lock'] });
  assert.ok(Array.isArray(r.files));
});
