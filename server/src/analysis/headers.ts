// The tree's headers a C file includes, parsed once per session and searched for the definitions of
// called functions (static inline lock wrappers such as anon_vma_lock(), i_mmap_lock_write()).
import * as path from 'path';
import { CImage, makeLazyImage } from './c-image';

/** A file's text and the key it is cached under (the path for tree files; path + variant for patched ones). */
export type ReadFile = (rel: string) => { text: string; key: string } | undefined;

const INCLUDE = /[ \t]*#[ \t]*include[ \t]*([<"])([^>"]+)[>"]/y;
const MAX_DEPTH = 2;
const MAX_HEADERS = 64;
const MAX_HEADER = 4 << 20;

/** A header's own includes, found once per parsed header (a series asks for them on every patch). */
const includesOfImage = new WeakMap<CImage, string[]>();

/** Headers reachable from `text` (directly, then what they include, up to a small depth). */
export function includedHeaders(filePath: string, text: string, read: ReadFile, cache: Map<string, CImage | null>,
  iteratorMacros: string[]): CImage[] {
  const out: CImage[] = [];
  const seen = new Set<string>();
  let frontier: { from: string; text: string; img?: CImage }[] = [{ from: filePath, text }];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length && out.length < MAX_HEADERS; depth++) {
    const next: { from: string; text: string; img?: CImage }[] = [];
    for (const f of frontier) {
      let list = f.img ? includesOfImage.get(f.img) : undefined;
      if (!list) { list = includesOf(f.from, f.text); if (f.img) includesOfImage.set(f.img, list); }
      for (const rel of list) {
        if (seen.has(rel)) continue;
        seen.add(rel);
        const t = read(rel);
        // Generated register headers run to tens of MB and define no lock wrappers.
        if (!t || t.text.length > MAX_HEADER) continue;
        let img = cache.get(t.key);
        if (img === undefined) {
          img = makeLazyImage(rel, t.text, { iteratorMacros });
          cache.set(t.key, img);
        }
        if (img) { out.push(img); next.push({ from: rel, text: img.text, img }); }
        if (out.length >= MAX_HEADERS) break;
      }
    }
    frontier = next;
  }
  return out;
}

/** `#include <linux/rmap.h>` -> include/linux/rmap.h; `#include "internal.h"` in mm/x.c -> mm/internal.h. */
export function includesOf(from: string, text: string): string[] {
  const out: string[] = [];
  // Find the word with indexOf (a line-anchored regex over every line of a large file cost more
  // than the rest of a patch check), then match the directive at its line.
  let lastLine = -1;
  for (let i = text.indexOf('include'); i >= 0; i = text.indexOf('include', i + 7)) {
    const lineStart = text.lastIndexOf('\n', i) + 1;
    if (lineStart === lastLine) continue;
    INCLUDE.lastIndex = lineStart;
    const m = INCLUDE.exec(text);
    if (!m) continue;
    lastLine = lineStart;
    const p = m[1] === '<' ? `include/${m[2]}` : path.posix.normalize(path.posix.join(path.posix.dirname(from), m[2]));
    if (!p.startsWith('..')) out.push(p);
  }
  return out;
}
