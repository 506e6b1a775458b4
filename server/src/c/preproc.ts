// Conditionals inside function bodies. tree-sitter-c parses `#if ... #else ... #endif` only when
// every branch holds whole statements; kernel code often splits one statement across branches
// (`#ifdef X\n if (a) {\n#else\n if (b) {\n#endif`). Inside a function body we keep one branch, the
// one a build with the option enabled would compile (the first, or the `#else` of an `#if 0`),
// and blank the directive lines and the other branches. At file scope the conditionals are left
// alone: tree-sitter handles alternative definitions there, and both are wanted.
import { Dir, directiveCondition, Tok, type Tokens } from './scanner';

/**
 * 'first': in function bodies always keep one branch (the analysis then sees one configuration and
 *          no preprocessor nodes inside functions);
 * 'when-needed': only when a branch is not made of whole statements (other groups stay as
 *          preproc_* nodes in the tree);
 * 'keep': leave every conditional alone.
 */
export type BranchMode = 'first' | 'when-needed' | 'keep';

interface Group { dirs: number[]; inFunction: boolean }

/** Marks (in `removed`) the directive lines and dropped branches of conditionals in function bodies. */
export function selectBranches(text: string, t: Tokens, removed: Uint8Array, mode: BranchMode): void {
  if (mode === 'keep') return;
  const groups = findGroups(t, removed);
  for (const g of groups) {
    if (!g.inFunction || removed[g.dirs[0]]) continue; // at file scope, or inside a dropped branch
    const last = g.dirs[g.dirs.length - 1];
    if (t.sub[last] !== Dir.Endif) continue;            // unterminated: leave it
    const keep = keptBranch(text, t, g);
    if (mode === 'when-needed' && keep === 0 && allWhole(text, t, removed, g)) continue;
    for (let b = 0; b < g.dirs.length - 1; b++) {
      removed[g.dirs[b]] = 1;
      if (b === keep) continue;
      for (let j = g.dirs[b] + 1; j < g.dirs[b + 1]; j++) removed[j] = 1;
    }
    removed[last] = 1;
  }
}

/** The conditional groups (each #if with its #elif/#else/#endif), outer before inner. */
function findGroups(t: Tokens, removed: Uint8Array): Group[] {
  const groups: Group[] = [];
  const open: Group[] = [];
  // Brace depth, restored at #else/#elif to its value at the #if (the branches are alternatives).
  const saved: number[] = [];
  let depth = 0;
  let inFn = false;
  let prevSig = -1;
  for (let i = 0; i < t.count; i++) {
    if (removed[i]) continue;
    const k = t.kind[i];
    if (k === Tok.Directive) {
      const d = t.sub[i];
      if (d === Dir.If || d === Dir.Ifdef || d === Dir.Ifndef) {
        const g: Group = { dirs: [i], inFunction: inFn && depth > 0 };
        groups.push(g); open.push(g);
        saved.push(depth, -1);
      } else if ((d === Dir.Elif || d === Dir.Else) && open.length) {
        open[open.length - 1].dirs.push(i);
        if (saved[saved.length - 1] < 0) saved[saved.length - 1] = depth;
        depth = saved[saved.length - 2];
      } else if (d === Dir.Endif && open.length) {
        open.pop()!.dirs.push(i);
        const after = saved.pop()!; saved.pop();
        if (after >= 0) depth = after;
      }
      if (depth === 0) inFn = false;
      continue;
    }
    if (k === Tok.Punct) {
      const c = t.sub[i];
      if (c === 123) {
        if (depth === 0) inFn = prevSig >= 0 && t.kind[prevSig] === Tok.Punct && t.sub[prevSig] === 41;
        depth++;
      } else if (c === 125) {
        if (depth > 0) depth--;
        if (depth === 0) inFn = false;
      }
    }
    prevSig = i;
  }
  return groups;
}

/** Index of the branch to keep: the first whose condition is not a literal 0; -1 for none. */
function keptBranch(text: string, t: Tokens, g: Group): number {
  for (let b = 0; b < g.dirs.length - 1; b++) {
    const d = g.dirs[b];
    const kind = t.sub[d];
    if (kind === Dir.Else) return b;
    if (kind === Dir.If || kind === Dir.Elif) {
      const cond = directiveCondition(text, t.start[d], t.end[d]).replace(/\/\*.*?\*\//g, '').trim();
      if (cond === '0' || cond === '(0)') continue;
    }
    return b;
  }
  return -1;
}

/** Does every branch hold whole statements: balanced brackets, ending at `;` or `}` (or empty)? */
function allWhole(text: string, t: Tokens, removed: Uint8Array, g: Group): boolean {
  for (let b = 0; b < g.dirs.length - 1; b++) {
    let bal = 0, last = -1, first = -1;
    for (let j = g.dirs[b] + 1; j < g.dirs[b + 1]; j++) {
      if (removed[j] || t.kind[j] !== Tok.Punct) {
        if (!removed[j] && t.kind[j] !== Tok.Directive) { last = j; if (first < 0) first = j; }
        continue;
      }
      if (first < 0) first = j;
      last = j;
      const c = t.sub[j];
      if (c === 40 || c === 91 || c === 123) bal++;
      else if (c === 41 || c === 93 || c === 125) { if (--bal < 0) return false; }
    }
    if (bal !== 0) return false;
    if (last >= 0 && !(t.kind[last] === Tok.Punct && (t.sub[last] === 59 || t.sub[last] === 125))) return false;
    // A branch that starts with `else` hangs off a statement outside it.
    if (first >= 0 && t.kind[first] === Tok.Ident && text.slice(t.start[first], t.end[first]) === 'else') return false;
  }
  return true;
}
