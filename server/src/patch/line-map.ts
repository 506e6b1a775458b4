// The two-way map between patch (input) lines and file lines. The file line numbers are the
// ones the hunk headers state; when a hunk applies to a tree at an offset, the source/ layer's
// maps (SourceFile.postInputLine / preInputLine) give the real positions.
import type { FilePatch, PatchSet, PatchLine } from './types';

export function newLineToInputLine(file: FilePatch, newLine: number): number | undefined {
  return findLine(file, (l) => l.kind !== '-' && l.newLine === newLine)?.inputLine;
}

export function oldLineToInputLine(file: FilePatch, oldLine: number): number | undefined {
  return findLine(file, (l) => l.kind !== '+' && l.oldLine === oldLine)?.inputLine;
}

function findLine(file: FilePatch, pred: (l: PatchLine) => boolean): PatchLine | undefined {
  for (const h of file.hunks) for (const l of h.lines) if (pred(l)) return l;
  return undefined;
}

export interface FileLineRef { patch: number; file: FilePatch; side: 'old' | 'new'; line: number }

const indexes = new WeakMap<PatchSet, Map<number, FileLineRef>>();

/** The file line a patch body line shows: '-' lines on the old side, ' ' and '+' on the new side. */
export function inputLineToFileLine(set: PatchSet, inputLine: number): FileLineRef | undefined {
  let idx = indexes.get(set);
  if (!idx) {
    idx = new Map();
    for (const p of set.patches) {
      for (const f of p.files) {
        for (const h of f.hunks) {
          for (const l of h.lines) {
            const ref: FileLineRef = l.kind === '-'
              ? { patch: p.index, file: f, side: 'old', line: l.oldLine! }
              : { patch: p.index, file: f, side: 'new', line: l.newLine! };
            idx.set(l.inputLine, ref);
          }
        }
      }
    }
    indexes.set(set, idx);
  }
  return idx.get(inputLine);
}
