// The status bar item: the active profile and where it came from ("mm locks: linux-6.12 (tree
// Makefile)"), marked when only the hunks can be analysed (no kernel tree). Fed by the server's
// mmlock/status notification; shown while a patch, mail or C file is the active editor.
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/lsp/protocol';

const LANGS = new Set(['diff', 'mbox', 'c']);

/** Short origin for the bar: "tree Makefile 2.6.34", "guessed", "--profile"... (the tooltip has it all).
 *  The core writes e.g. "linux-2.6.34 (tree Makefile 2.6.34, order from mm/rmap.c)". */
export function shortOrigin(profile: string, origin: string): string {
  let o = origin.trim();
  if (o.startsWith(profile)) o = o.slice(profile.length).trim();
  const paren = /^\((.*)\)$/.exec(o);
  if (paren) o = paren[1];
  o = o.split(/[,;]/)[0].replace(/\s*\(.*$/, '').trim();
  if (/^guessed/.test(o)) return 'guessed';
  if (/^default/.test(o)) return 'default';
  return o.length > 28 ? o.slice(0, 27) + '…' : o || 'default';
}

export class StatusBar implements vscode.Disposable {
  private item = vscode.window.createStatusBarItem('mmlock.status', vscode.StatusBarAlignment.Right, 100);
  private last: StatusParams | null = null;
  private subs: vscode.Disposable[] = [];

  constructor() {
    this.item.name = 'MM Locks profile';
    this.item.command = 'mmlock.selectProfile';
    this.item.text = '$(lock) mm locks: starting…';
    this.subs.push(vscode.window.onDidChangeActiveTextEditor(() => this.visibility()));
    this.visibility();
  }

  update(s: StatusParams): void {
    this.last = s;
    const hunks = s.mode === 'hunk-only';
    this.item.text = `$(${hunks ? 'warning' : 'lock'}) mm locks: ${s.profile} (${shortOrigin(s.profile, s.origin)})${hunks ? ' · hunks only' : ''}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**MM Locks** — profile \`${s.profile}\`, from ${s.origin}\n\n`);
    md.appendText(s.message + '\n\n');
    md.appendMarkdown('Click to select another kernel profile.');
    this.item.tooltip = md;
    this.item.backgroundColor = hunks ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.visibility();
  }

  private visibility(): void {
    const lang = vscode.window.activeTextEditor?.document.languageId;
    if (lang && LANGS.has(lang)) this.item.show(); else this.item.hide();
  }

  current(): StatusParams | null { return this.last; }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subs) s.dispose();
  }
}
