// Shared pieces of the webview pages: escaping, the nonce, and the page shell with a strict
// Content-Security-Policy (no network, no inline code but ours, styles only from our nonce).
import { randomBytes } from 'crypto';

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function nonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** Theme-following base styles: VS Code sets the --vscode-* variables in every webview. */
const BASE_CSS = `
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground);
         background: var(--vscode-editor-background); padding: 8px 20px 24px; line-height: 1.4; }
  h1 { font-size: 1.35em; font-weight: 600; margin: 8px 0 4px; }
  h2 { font-size: 1.1em; font-weight: 600; margin: 18px 0 6px; }
  .meta { color: var(--vscode-descriptionForeground); margin: 0 0 10px; }
  code, pre, .mono { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
  a { color: var(--vscode-textLink-foreground); text-decoration: none; cursor: pointer; }
  a:hover { text-decoration: underline; color: var(--vscode-textLink-activeForeground); }
  pre { background: var(--vscode-textCodeBlock-background); padding: 8px 10px; overflow-x: auto; border-radius: 3px; }
  details summary { cursor: pointer; color: var(--vscode-descriptionForeground); margin-top: 14px; }
  ul.notes { color: var(--vscode-descriptionForeground); padding-left: 18px; }
`;

/** Script that opens source places: <a class="src" data-uri=... data-line=...>. */
export const OPEN_SCRIPT = `
  const vscode = acquireVsCodeApi();
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a.src');
    if (!a) return;
    e.preventDefault();
    vscode.postMessage({ type: 'open', uri: a.dataset.uri, line: Number(a.dataset.line), character: Number(a.dataset.character || 0) });
  });
`;

export function page(opts: { title: string; nonce: string; cspSource: string; css: string; body: string; script?: string }): string {
  const csp = [
    `default-src 'none'`,
    `img-src ${opts.cspSource} data:`,
    `style-src 'nonce-${opts.nonce}'`,
    `script-src 'nonce-${opts.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(opts.title)}</title>
<style nonce="${opts.nonce}">${BASE_CSS}${opts.css}</style>
</head>
<body>
${opts.body}
<script nonce="${opts.nonce}">${OPEN_SCRIPT}${opts.script ?? ''}</script>
</body>
</html>`;
}

/** "mm/mmap.c:55" as a link that opens the place, or plain text when it has no place. */
export function sourceLink(label: string, place: { uri: string; line: number; character?: number } | undefined): string {
  if (!place) return `<span class="src-text">${esc(label)}</span>`;
  return `<a class="src" data-uri="${esc(place.uri)}" data-line="${place.line}" data-character="${place.character ?? 0}" title="Open ${esc(label)}">${esc(label)}</a>`;
}
