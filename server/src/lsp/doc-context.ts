// What the server knows about one open document when it maps core results onto it.
import { fileURLToPath, pathToFileURL } from 'url';
import type { PatchMap } from './patch-lines';

export type DocKind = 'patch' | 'c';

export interface DocContext {
  uri: string;
  path: string | null;        // filesystem path for file: URIs
  kind: DocKind;
  lines: string[];            // the document's lines (for ranges and prefixes)
  patch: PatchMap | null;     // kind 'patch' only
  tree: string | null;        // kernel tree in use (pre-images), null in hunk-only mode
}

const PATCH_IDS = new Set(['diff', 'patch', 'git-diff', 'mbox', 'email', 'mail']);
const PATCH_EXT = /\.(patch|diff|mbox|eml)$/i;

/** Which documents the server analyses: patches (VS Code's `diff`, our `mbox`) and C files. */
export function docKindOf(languageId: string, uri: string): DocKind | null {
  if (PATCH_IDS.has(languageId)) return 'patch';
  if (languageId === 'c') return 'c';
  if (languageId === 'plaintext' || !languageId) {
    if (PATCH_EXT.test(uri)) return 'patch';
    if (/\.c$/i.test(uri)) return 'c';
  }
  return null;
}

export function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try { return fileURLToPath(uri); } catch { return null; }
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).href;
}

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}
