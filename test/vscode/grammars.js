// Checks the TextMate grammars (syntaxes/) with VS Code's own engine (vscode-textmate and
// vscode-oniguruma from the cached code-server) and VS Code's diff and C grammars: C is
// highlighted inside diff hunks of .patch files and mails, the +/- scopes are kept, mail headers,
// trailers, diffstat and signature get their scopes. Run by test/vscode/run.js; exports check().
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '../..');

async function tokenizer(cache) {
  const C = path.join(cache, 'node_modules/code-server/lib/vscode');
  const tm = require(path.join(C, 'node_modules/vscode-textmate'));
  const onig = require(path.join(C, 'node_modules/vscode-oniguruma'));
  await onig.loadWASM(fs.readFileSync(path.join(C, 'node_modules/vscode-oniguruma/release/onig.wasm')).buffer);
  const files = {
    'source.diff': path.join(C, 'extensions/diff/syntaxes/diff.tmLanguage.json'),
    'source.c': path.join(C, 'extensions/cpp/syntaxes/c.tmLanguage.json'),
    'text.mbox': path.join(ROOT, 'syntaxes/mbox.tmLanguage.json'),
    'source.diff.c-hunks.injection': path.join(ROOT, 'syntaxes/diff-c.injection.tmLanguage.json'),
  };
  // The injection targets, as package.json declares them (contributes.grammars[].injectTo).
  const pj = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const inj = pj.contributes.grammars.find((g) => g.injectTo);
  const reg = new tm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p) => new onig.OnigScanner(p), createOnigString: (s) => new onig.OnigString(s) }),
    loadGrammar: async (scope) => (files[scope] ? tm.parseRawGrammar(fs.readFileSync(files[scope], 'utf8'), files[scope]) : null),
    getInjections: (scope) => (inj.injectTo.includes(scope) ? [inj.scopeName] : []),
  });
  return async (scope, text) => {
    const g = await reg.loadGrammar(scope);
    let st = tm.INITIAL;
    return text.split('\n').map((l) => {
      const r = g.tokenizeLine(l, st);
      st = r.ruleStack;
      return r.tokens.map((t) => ({ text: l.slice(t.startIndex, t.endIndex), scopes: t.scopes.join(' ') }));
    });
  };
}

/** Returns [{ check, ok, found }]. */
async function check(cache) {
  const tokenize = await tokenizer(cache);
  const patch = fs.readFileSync(path.join(ROOT, 'test/fixtures/lsp/expand-downwards-inversion.patch'), 'utf8');
  const lines = patch.split('\n');
  const out = [];
  const scopeOf = (toks, word) => (toks.find((t) => t.text.includes(word)) || { scopes: '(no token)' }).scopes;
  const expect = (name, ok, found) => out.push({ check: name, ok, found });
  for (const scope of ['source.diff', 'text.mbox']) {
    const toks = await tokenize(scope, patch);
    const at = (prefix) => toks[lines.findIndex((l) => l.startsWith(prefix))];
    const added = at('+\tspin_lock(&vma->vm_mm->page_table_lock);');
    expect(`${scope}: added line is markup.inserted.diff with a C call inside`,
      /markup\.inserted\.diff/.test(scopeOf(added, 'spin_lock')) && /meta\.function-call\.c/.test(scopeOf(added, 'spin_lock')), scopeOf(added, 'spin_lock'));
    const ctx = at(' \t\treturn error;');
    expect(`${scope}: context line keyword is C`, /keyword\.control\.c/.test(scopeOf(ctx, 'return')), scopeOf(ctx, 'return'));
    const cmt = at('+\t * Serialize against');
    expect(`${scope}: comment continuation line is a C comment`, /comment\.block\.c/.test(scopeOf(cmt, 'Serialize')), scopeOf(cmt, 'Serialize'));
    const hdr = at('+++ b/mm/mmap.c');
    expect(`${scope}: file header keeps the diff scope`, /meta\.diff\.header\.to-file/.test(scopeOf(hdr, 'mm/mmap.c')), scopeOf(hdr, 'mm/mmap.c'));
    const hunk = at('@@ -48,6');
    expect(`${scope}: hunk header is a diff range`, /meta\.diff\.range\.unified/.test(scopeOf(hunk, '@@')), scopeOf(hunk, '@@'));
  }
  const mbox = await tokenize('text.mbox', patch);
  const at = (prefix) => mbox[lines.findIndex((l) => l.startsWith(prefix))];
  expect('text.mbox: Subject header', /markup\.heading\.subject\.mbox/.test(scopeOf(at('Subject:'), 'serialize')), scopeOf(at('Subject:'), 'serialize'));
  expect('text.mbox: trailer', /keyword\.other\.trailer\.mbox/.test(scopeOf(at('Signed-off-by:'), 'Signed-off-by')), scopeOf(at('Signed-off-by:'), 'Signed-off-by'));
  expect('text.mbox: diffstat', /markup\.inserted\.diff/.test(scopeOf(at(' mm/mmap.c |'), '++')), scopeOf(at(' mm/mmap.c |'), '++'));
  expect('text.mbox: diff embedded as source.diff', /source\.diff/.test(scopeOf(at('diff --git'), 'diff')), scopeOf(at('diff --git'), 'diff'));
  const sig = mbox[lines.length - 2];
  expect('text.mbox: signature', /comment\.block\.signature\.mbox/.test((sig[0] || {}).scopes || ''), (sig[0] || {}).scopes);
  const quoted = await tokenize('text.mbox', 'On Tue, A wrote:\n> +\tspin_lock(&mm->page_table_lock);\n> Why?\n');
  expect('text.mbox: quoted added line', /markup\.quote\.mbox.*markup\.inserted\.diff/.test(scopeOf(quoted[1], 'spin_lock')), scopeOf(quoted[1], 'spin_lock'));
  return out;
}

module.exports = { check };

if (require.main === module) {
  const os = require('os');
  check(process.env.MMLOCK_VSCODE_CACHE || path.join(os.homedir(), '.cache/mmlock-vscode')).then((r) => {
    for (const x of r) console.log(`${x.ok ? 'ok  ' : 'MISS'} ${x.check}: ${x.found}`);
    process.exitCode = r.every((x) => x.ok) ? 0 : 1;
  });
}
