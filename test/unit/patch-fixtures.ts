// Shared by the patch-* and source-* tests: fixture loading and compact views of parsed patches.
import * as fs from 'fs';
import * as path from 'path';
import type { FilePatch, Hunk, PatchLine } from '../../server/src/patch/types';

/** test/fixtures, found from the compiled test's directory (build/test/unit) or the source one. */
export function fixtureDir(): string {
  for (let d = __dirname; d !== path.dirname(d); d = path.dirname(d)) {
    const f = path.join(d, 'test', 'fixtures');
    if (fs.existsSync(path.join(f, 'patch'))) return f;
  }
  throw new Error('test/fixtures not found above ' + __dirname);
}

export function fixture(rel: string): string {
  return fs.readFileSync(path.join(fixtureDir(), rel), 'utf8');
}

/** [kind+text, inputLine, oldLine, newLine] for each body line. */
export function lineRows(h: Hunk): [string, number, number | undefined, number | undefined][] {
  return h.lines.map((l: PatchLine) => [l.kind + l.text, l.inputLine, l.oldLine, l.newLine]);
}

/** "-oldStart,oldCount +newStart,newCount section @inputLine" */
export function hunkSummary(h: Hunk): string {
  return `-${h.oldStart},${h.oldCount} +${h.newStart},${h.newCount} ${JSON.stringify(h.section)} @${h.inputLine}`;
}

export function fileSummary(f: FilePatch): string {
  return `${f.status} ${f.oldPath ?? '/dev/null'} -> ${f.newPath ?? '/dev/null'}${f.binary ? ' binary' : ''} @${f.inputLine}`;
}
