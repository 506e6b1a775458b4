#!/usr/bin/env node
// The real-VS Code test (npm run test:vscode): code-server 4.100.3 (VS Code 1.100.3, installed and
// cached by scripts/install-code-server.sh) with the built extension, driven through Debian's
// Chromium by playwright-core, as a kernel developer would use it:
//   open the example patch -> squiggle -> Problems entry -> hover -> code lens ->
//   "MM Locks: Simulate Touched Functions" (schedule in the webview) -> "MM Locks: Show Lock Hierarchy"
//   -> output channel -> Select Kernel Profile -> "MM Locks: What If…" (the What If view) -> an .mbox.
// Screenshots of every step go to test-results/vscode/. Prints what it found at each step and
// exits non-zero when an expected element is missing.
//   node test/vscode/run.js [--vsix mmlock.vsix] [--keep]
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '../..');
const CACHE = process.env.MMLOCK_VSCODE_CACHE || path.join(os.homedir(), '.cache/mmlock-vscode');
const CODE_SERVER = path.join(CACHE, 'node_modules/.bin/code-server');
const OUT = path.join(ROOT, 'test-results/vscode');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const args = process.argv.slice(2);
const VSIX = args.includes('--vsix') ? path.resolve(args[args.indexOf('--vsix') + 1]) : null;
const KEEP = args.includes('--keep');
const PATCH_NAME = 'expand-downwards-inversion.patch';

const results = [];
function report(step, ok, found) {
  results.push({ step, ok, found });
  console.log(`${ok ? 'ok  ' : 'MISS'} ${step}: ${found}`);
}

function copyDir(src, dst) {
  fs.mkdirSync(dst, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, e.name), d = path.join(dst, e.name);
    if (e.isDirectory()) copyDir(s, d); else fs.copyFileSync(s, d);
  }
}

/** The unpacked extension, as `code --install-extension` would leave it. */
function installUnpacked(extDir) {
  const pj = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const dir = path.join(extDir, `${pj.publisher}.${pj.name}-${pj.version}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'images/icon.png']) {
    if (fs.existsSync(path.join(ROOT, f))) { fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true }); fs.copyFileSync(path.join(ROOT, f), path.join(dir, f)); }
  }
  for (const d of ['client/out', 'server/out', 'server/profiles/scenarios', 'syntaxes']) copyDir(path.join(ROOT, d), path.join(dir, d));
  return dir;
}

function workspaceFiles(ws) {
  const ex = path.join(ROOT, 'examples');
  const src = fs.existsSync(path.join(ex, PATCH_NAME)) ? ex : path.join(ROOT, 'test/fixtures/lsp');
  fs.copyFileSync(path.join(src, PATCH_NAME), path.join(ws, PATCH_NAME));
  // The same mail as an mbox: our `mbox` language (grammar + diagnostics).
  fs.copyFileSync(path.join(src, PATCH_NAME), path.join(ws, 'series.mbox'));
  copyDir(path.join(src, 'tree'), path.join(ws, 'tree'));
  return fs.readFileSync(path.join(ws, PATCH_NAME), 'utf8').split('\n');
}

function startCodeServer(tmp, ws, extDir) {
  const ud = path.join(tmp, 'user-data');
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  fs.writeFileSync(path.join(ud, 'User/settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.colorTheme': 'Default Dark Modern',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.commandCenter.enabled': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'editor.minimap.enabled': false,
    'editor.fontSize': 14,
    'editor.hover.delay': 100,
    'window.menuBarVisibility': 'compact',
  }, null, 2));
  return new Promise((resolve, reject) => {
    const child = spawn(CODE_SERVER, [
      '--auth', 'none', '--bind-addr', '127.0.0.1:0', '--extensions-dir', extDir, '--user-data-dir', ud,
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ws,
    ], { env: { ...process.env, VSCODE_IPC_HOOK_CLI: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const onData = (d) => {
      log += d;
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (m) resolve({ child, url: m[1], log: () => log });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (c) => reject(new Error(`code-server exited (${c}):\n${log}`)));
    setTimeout(() => reject(new Error(`code-server did not start in 60 s:\n${log}`)), 60_000);
  });
}

async function shot(page, name) {
  const file = path.join(OUT, name);
  await page.screenshot({ path: file });
  console.log(`     screenshot ${path.relative(ROOT, file)}`);
}

async function palette(page, title) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill('>' + title);
  await page.waitForTimeout(400);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
}

async function gotoLine(page, line, col) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}:${col}`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
}

/** The webview frame showing `selector` (webviews are nested iframes). */
async function webviewFrame(page, selector, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      try { if (await f.locator(selector).count()) return f; } catch { /* frame detached */ }
    }
    await page.waitForTimeout(300);
  }
  return null;
}

async function main() {
  if (!fs.existsSync(CODE_SERVER)) throw new Error(`code-server not installed in ${CACHE}: run bash scripts/install-code-server.sh`);
  if (!fs.existsSync(path.join(ROOT, 'server/out/server.js'))) throw new Error('run npm run build first');
  const { chromium } = require('playwright-core');
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mmlock-vscode-'));
  const ws = path.join(tmp, 'workspace');
  const extDir = path.join(tmp, 'extensions');
  fs.mkdirSync(ws, { recursive: true });
  fs.mkdirSync(extDir, { recursive: true });
  const lines = workspaceFiles(ws);
  for (const g of await require('./grammars').check(CACHE)) report(`grammar: ${g.check}`, g.ok, g.found);
  if (VSIX) {
    const r = spawnSync(CODE_SERVER, ['--extensions-dir', extDir, '--user-data-dir', path.join(tmp, 'user-data'), '--install-extension', VSIX], { encoding: 'utf8' });
    report('install the .vsix', r.status === 0 && /was successfully installed/.test(r.stdout + r.stderr), (r.stdout + r.stderr).trim().split('\n').pop());
  } else {
    report('install the built extension (unpacked)', true, path.basename(installUnpacked(extDir)));
  }
  const spinLine = lines.findIndex((l) => /^\+\s*spin_lock\(&mm->page_table_lock\)/.test(l)) + 1;
  const avlLine = lines.findIndex((l) => /^\+\s*anon_vma_lock\(/.test(l)) + 1;

  const server = await startCodeServer(tmp, ws, extDir);
  console.log(`code-server at ${server.url} (workspace ${ws})`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: PATCH_NAME }).first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500);
    await shot(page, '01-workbench.png');

    // Open the patch (Quick Open) and go to the line the patch adds anon_vma_lock() on.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: PATCH_NAME }).first().click();
    await page.locator('.tab', { hasText: PATCH_NAME }).first().waitFor({ timeout: 20_000 });
    await gotoLine(page, avlLine, 3);

    const squiggle = page.locator('.monaco-editor .squiggly-error').first();
    const hasSquiggle = await squiggle.waitFor({ timeout: 60_000 }).then(() => true, () => false);
    report('squiggle in the patch', hasSquiggle, hasSquiggle ? `${await page.locator('.monaco-editor .squiggly-error').count()} error squiggle(s)` : 'no .squiggly-error within 60 s');
    const status = page.locator('.statusbar-item', { hasText: 'mm locks:' }).first();
    const statusText = await status.textContent({ timeout: 10_000 }).catch(() => null);
    report('status bar: profile and origin', !!statusText && /linux-2\.6\.34/.test(statusText), statusText ? statusText.trim() : 'no "mm locks:" item');
    await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Simulate' }).first().waitFor({ timeout: 20_000 }).catch(() => undefined);
    const lenses = await page.locator('.monaco-editor .codelens-decoration').allTextContents();
    const lensText = lenses.join(' | ');
    report('code lens over the touched function', /Simulate expand_downwards\(\)/.test(lensText) && /finding/.test(lensText), lensText || 'no code lens');
    await shot(page, '02-patch-diagnostics.png');

    // Problems panel.
    await page.keyboard.press('Control+Shift+M');
    const rows = page.locator('.markers-panel .monaco-list-row');
    await rows.first().waitFor({ timeout: 15_000 }).catch(() => undefined);
    const problems = (await rows.allTextContents()).join(' | ');
    report('Problems entry', /lock-order/.test(problems) && /page_table_lock/.test(problems), problems.slice(0, 300) || 'no row');
    await shot(page, '03-problems.png');
    await page.keyboard.press('Control+J');            // hide the panel again: room for hovers and webviews
    await page.waitForTimeout(300);

    // Hover on the anon_vma_lock() call (keyboard: Show Hover).
    await page.locator('.monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    await gotoLine(page, avlLine, 5);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden)').first();
    // The diagnostic's part shows first; ours follows when the server answers.
    await page.locator('.monaco-editor .monaco-hover:not(.hidden)', { hasText: 'Held here' }).first().waitFor({ timeout: 15_000 }).catch(() => undefined);
    const hoverText = await hover.waitFor({ timeout: 15_000 }).then(() => hover.innerText(), () => '');
    if (process.env.MMLOCK_E2E_DEBUG) console.log(hoverText);
    report('hover on anon_vma_lock()', /Held here/.test(hoverText) && /page_table_lock/.test(hoverText) && /order is/.test(hoverText),
      hoverText ? hoverText.replace(/\s+/g, ' ').slice(0, 400) : 'no hover');
    await page.waitForTimeout(600);                     // the hover fades in
    await shot(page, '04-hover.png');
    await page.keyboard.press('Escape');

    // Hover on the spin_lock() line too: class, kind and its place in the hierarchy.
    await gotoLine(page, spinLine, 5);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover2 = page.locator('.monaco-editor .monaco-hover:not(.hidden)').first();
    await page.locator('.monaco-editor .monaco-hover:not(.hidden)', { hasText: 'Class' }).first().waitFor({ timeout: 15_000 }).catch(() => undefined);
    const hover2Text = await hover2.waitFor({ timeout: 15_000 }).then(() => hover2.innerText(), () => '');
    report('hover on spin_lock()', /Class page_table_lock/.test(hover2Text.replace(/`/g, '')) && /Order/.test(hover2Text), hover2Text.replace(/\s+/g, ' ').slice(0, 300) || 'no hover');
    await page.waitForTimeout(600);
    await shot(page, '05-hover-spin-lock.png');
    await page.keyboard.press('Escape');

    // Simulation webview.
    await palette(page, 'MM Locks: Simulate Touched Functions');
    const simFrame = await webviewFrame(page, '#mmlock-sim', 60_000);
    let simText = simFrame ? await simFrame.locator('#mmlock-sim').innerText() : '';
    report('simulation webview', !!simFrame, simFrame ? simText.split('\n').slice(0, 2).join(' / ') : 'no webview with #mmlock-sim');
    const deadlock = /DEADLOCK/.test(simText) && !/NO DEADLOCK/.test(simText) && /waits forever/.test(simText);
    report('deadlock schedule in the webview', deadlock, deadlock ? simText.replace(/\s+/g, ' ').slice(0, 300) : `no schedule: ${simText.replace(/\s+/g, ' ').slice(0, 200)}`);
    await page.waitForTimeout(500);
    await shot(page, '06-simulation.png');
    if (simFrame && deadlock) {
      // A source link opens the line in the editor.
      const link = simFrame.locator('a.src').first();
      const label = await link.textContent();
      await link.click();
      await page.waitForTimeout(1000);
      const active = await page.locator('.tab.active').first().textContent();
      report('a step\'s source link opens the file', !!active, `${label} -> active tab "${(active || '').trim()}"`);
    }

    // Lock hierarchy webview.
    await palette(page, 'MM Locks: Show Lock Hierarchy');
    const hFrame = await webviewFrame(page, '#mmlock-hierarchy', 30_000);
    const nodes = hFrame ? await hFrame.locator('g.node').count() : 0;
    const used = hFrame ? await hFrame.locator('g.node.used text').allTextContents() : [];
    report('hierarchy webview', nodes > 3 && used.includes('page_table_lock'), hFrame ? `${nodes} classes drawn; highlighted: ${used.join(', ')}` : 'no webview with #mmlock-hierarchy');
    await page.waitForTimeout(500);
    await shot(page, '07-hierarchy.png');

    // The output channel has the text forms.
    await palette(page, 'MM Locks: Show Output');
    await page.waitForTimeout(1000);
    // Monaco renders spaces as non-breaking spaces.
    const outText = (await page.locator('.output-view .view-lines, .panel .view-lines').allInnerTexts()).join('\n').replace(/\u00a0/g, ' ');
    report('"MM Locks" output channel', /Lock order of|Simulation of|ordering comment/i.test(outText), outText.replace(/\s+/g, ' ').slice(0, 200) || 'empty');
    await shot(page, '08-output.png');

    // Select Kernel Profile: a quick pick of the built-in eras (left without choosing).
    await palette(page, 'MM Locks: Select Kernel Profile');
    const picks = page.locator('.quick-input-list .monaco-list-row');
    await picks.nth(1).waitFor({ timeout: 10_000 }).catch(() => undefined);
    const pickText = (await picks.allTextContents()).join(' | ');
    report('Select Kernel Profile quick pick', /auto/.test(pickText) && /linux-6\.12/.test(pickText), pickText.slice(0, 200) || 'no items');
    await shot(page, '09-select-profile.png');
    await page.keyboard.press('Escape');

    // What If: the tree re-checked with i_mmap_lock and anon_vma as mutexes; the break (anon_vma
    // taken under rcu_read_lock in the tree's rmap.c) appears in the What If view.
    await palette(page, 'MM Locks: What If…');
    const editBox = page.locator('.quick-input-widget input');
    await editBox.waitFor({ state: 'visible', timeout: 10_000 });
    await editBox.fill('i_mmap_lock=mutex,anon_vma=mutex');
    await page.keyboard.press('Enter');
    const wiRow = page.locator('.monaco-list-row', { hasText: 'try_to_unmap_anon()' }).first();
    const wiShown = await wiRow.waitFor({ timeout: 60_000 }).then(() => true, () => false);
    const wiText = wiShown ? (await page.locator('.monaco-list-row', { hasText: /break|try_to_unmap_anon/ }).allTextContents()).join(' | ') : '';
    report('What If view: i_mmap_lock=mutex,anon_vma=mutex', wiShown && /mm\/rmap\.c\s+\(1 break\)/.test(wiText) && /breaks: line 25/.test(wiText),
      wiText.slice(0, 200) || 'no What If rows');
    await shot(page, '10-what-if.png');
    await palette(page, 'MM Locks: Clear What-If Results');

    // The mail as an .mbox file: our language id, grammar and diagnostics.
    await page.keyboard.press('Control+J');
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'series.mbox' }).first().click();
    await page.locator('.tab', { hasText: 'series.mbox' }).first().waitFor({ timeout: 20_000 });
    await gotoLine(page, avlLine, 3);
    const lang = await page.locator('.statusbar-item[id="status.editor.mode"]').first().textContent({ timeout: 10_000 }).catch(() => '');
    const mboxSquiggle = await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 }).then(() => true, () => false);
    report('.mbox: language and diagnostics', /mbox/i.test(lang || '') && mboxSquiggle, `language "${(lang || '').trim()}", ${mboxSquiggle ? 'squiggle shown' : 'no squiggle'}`);
    await shot(page, '11-mbox.png');
  } finally {
    await browser.close();
    server.child.kill();
    if (!KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  }
  const missing = results.filter((r) => !r.ok);
  console.log(`\n${results.length - missing.length} passed, ${missing.length} failed`);
  if (missing.length) console.log('missing: ' + missing.map((m) => m.step).join('; '));
  process.exitCode = missing.length ? 1 : 0;
}

main().catch((e) => { console.error(e.stack || e); process.exitCode = 2; });
