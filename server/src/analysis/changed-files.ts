// The files a patch series has changed so far, compared with the tree by what a result used: a
// callee's summary computed on the tree stays good for a patch that changed its file elsewhere
// (another function, a comment), and only then (see summaries.ts, Uses).
import { replaceDefinitions, topLevelIndex, type TopLevelIndex } from '../c/top-level';
import { DECLARATIONS, type ChangedFiles, type Uses } from './summaries';

/** Definitions and file-scope text by text (a series keeps each file version as one string). */
const indexes = new Map<string, { ix: TopLevelIndex; decls?: string }>();

function indexOf(text: string): { ix: TopLevelIndex; decls?: string } {
  let e = indexes.get(text);
  if (!e) {
    if (indexes.size >= 1024) indexes.clear();
    indexes.set(text, (e = { ix: topLevelIndex(text) }));
  }
  return e;
}

/** The text outside every function definition (globals, struct definitions, prototypes). */
function declarations(text: string): string {
  const e = indexOf(text);
  return (e.decls ??= replaceDefinitions(text, e.ix.spans, () => ''));
}

function definition(text: string, name: string): string | undefined {
  const s = indexOf(text).ix.spans.get(name);
  return s ? text.slice(s.start, s.end) : undefined;
}

/**
 * `files`: the paths the series changed up to this point; `text(file)`: a file's text at this
 * point (undefined once deleted); `tree(file)`: the tree's text.
 */
export function changedFiles(files: ReadonlySet<string>, text: (file: string) => string | undefined,
  tree: (file: string) => string | undefined): ChangedFiles {
  const answers = new WeakMap<Uses, boolean>();
  const sameFile = (file: string, names: Set<string>): boolean => {
    const now = text(file);
    const was = tree(file);
    if (now === undefined || was === undefined) return false;
    if (now === was) return true;
    for (const n of names) {
      if (n === DECLARATIONS ? declarations(now) !== declarations(was) : definition(now, n) !== definition(was, n)) return false;
    }
    return true;
  };
  return {
    has: (file) => files.has(file),
    same: (uses) => {
      let v = answers.get(uses);
      if (v === undefined) {
        v = true;
        if (files.size < uses.size) {
          for (const f of files) { const names = uses.get(f); if (names && !sameFile(f, names)) { v = false; break; } }
        } else {
          for (const [f, names] of uses) if (files.has(f) && !sameFile(f, names)) { v = false; break; }
        }
        answers.set(uses, v);
      }
      return v;
    },
  };
}
