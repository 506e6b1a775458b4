// Where a finding code's documentation lives, for Diagnostic.codeDescription.href: the README
// section named after the code (DESIGN.md: each code has a README section or docs/ page).
// The base is the repository's README when package.json names a repository or homepage, else the
// README.md shipped beside the server (it is in the .vsix), opened as a file.
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';

interface Manifest { homepage?: string; repository?: string | { url?: string } }

export function docsBaseFrom(manifest: Manifest | null, readme: string | null): string {
  const repo = typeof manifest?.repository === 'string' ? manifest.repository : manifest?.repository?.url;
  if (repo) {
    const web = repo.replace(/^git\+/, '').replace(/\.git$/, '').replace(/^git@github\.com:/, 'https://github.com/');
    if (/^https?:\/\//.test(web)) return `${web}/blob/HEAD/README.md`;
  }
  if (manifest?.homepage && /^https?:\/\//.test(manifest.homepage)) return manifest.homepage.replace(/#.*$/, '');
  return readme ? pathToFileURL(readme).href : 'https://www.kernel.org/doc/html/latest/locking/lockdep-design.html';
}

/** The docs base for a server running from `serverDir` (server/out in the build and in the .vsix). */
export function findDocsBase(serverDir: string): string {
  for (const root of [path.resolve(serverDir, '..', '..'), path.resolve(serverDir, '..')]) {
    const pj = path.join(root, 'package.json');
    if (!fs.existsSync(pj)) continue;
    let manifest: Manifest | null = null;
    try { manifest = JSON.parse(fs.readFileSync(pj, 'utf8')) as Manifest; } catch { /* unreadable: use the README */ }
    const readme = path.join(root, 'README.md');
    return docsBaseFrom(manifest, fs.existsSync(readme) ? readme : null);
  }
  return docsBaseFrom(null, null);
}

export function codeHref(base: string, code: string): string {
  return `${base}#${code}`;
}
