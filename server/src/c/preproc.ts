// Conditionals. tree-sitter-c parses `#if ... #else ... #endif` only when every branch holds whole
// statements or declarations; kernel code often splits one across branches
// (`#ifdef X\n if (a) {\n#else\n if (b) {\n#endif`, `#ifndef X\nstatic inline\n#endif\nint f(...)`).
// For such a group we keep one branch — the one a build with the option enabled compiles (the
// first, or the `#else` of an `#if 0`) — and blank the directive lines and the other branches.
import { Dir, directiveCondition, Tok } from './scanner';
import { followBrace, isPunct, prevSig, tokText, type BodyDepth, type Work } from './token-utils';

/**
 * In function bodies:
 * 'first': always keep one branch (the analysis then sees one configuration and no preprocessor
 *          nodes inside functions);
 * 'when-needed': only when a branch is not made of whole statements (other groups stay as
 *          preproc_* nodes in the tree);
 * 'keep': leave every conditional alone (also at file scope).
 * At file scope it is always 'when-needed': alternative definitions are both wanted.
 */
export type BranchMode = 'first' | 'when-needed' | 'keep';

interface Group { dirs: number[]; inFunction: boolean }

/** An `#if 0` / `#elif 0`: its branch is never compiled. */
export function isFalseCondition(w: Work, d: number): boolean {
  const { t, text } = w;
  const kind = t.sub[d];
  if (kind !== Dir.If && kind !== Dir.Elif) return false;
  const cond = directiveCondition(text, t.start[d], t.end[d]).replace(/\/\*.*?\*\//g, '').trim();
  return cond === '0' || cond === '(0)';
}

/**
 * Brace depth across conditionals: the branches are alternatives, so each starts at the depth of
 * the `#if`, and after the `#endif` the depth is the one after the first live branch.
 */
export class BranchDepth {
  private stack: number[] = []; // per open #if: depth at the #if, depth after the first live branch, live now
  constructor(private readonly w: Work) {}

  /** The depth after directive token `i` (depth: before it). */
  at(i: number, depth: number): number {
    const d = this.w.t.sub[i];
    const st = this.stack;
    if (d === Dir.If || d === Dir.Ifdef || d === Dir.Ifndef) {
      st.push(depth, -1, isFalseCondition(this.w, i) ? 0 : 1);
      return depth;
    }
    if (!st.length) return depth;
    const n = st.length;
    if (d === Dir.Elif || d === Dir.Else) {
      if (st[n - 1] && st[n - 2] < 0) st[n - 2] = depth;
      st[n - 1] = d === Dir.Else || !isFalseCondition(this.w, i) ? 1 : 0;
      return st[n - 3];
    }
    if (d === Dir.Endif) {
      if (st[n - 1] && st[n - 2] < 0) st[n - 2] = depth;
      const after = st[n - 2], atIf = st[n - 3];
      st.length = n - 3;
      return after >= 0 ? after : atIf;
    }
    return depth;
  }
}

/** Marks (in `removed`) the directive lines and the dropped branches of the groups to resolve. */
export function selectBranches(w: Work, mode: BranchMode): void {
  if (mode === 'keep') return;
  const { t, removed } = w;
  const groups = findGroups(w);
  // #if token -> its #endif: a nested group is skipped over when judging its parent's branches
  // (it is judged on its own), which keeps deep nesting linear.
  const endOf = new Map<number, number>();
  for (const g of groups) endOf.set(g.dirs[0], g.dirs[g.dirs.length - 1]);
  for (const g of groups) {
    if (removed[g.dirs[0]]) continue;                   // inside a dropped branch
    const last = g.dirs[g.dirs.length - 1];
    if (t.sub[last] !== Dir.Endif) continue;            // unterminated: leave it
    const keep = keptBranch(w, g);
    const always = g.inFunction && mode === 'first';
    if (!always && keep === 0 && allWhole(w, g, endOf)) continue;
    for (let b = 0; b < g.dirs.length - 1; b++) {
      removed[g.dirs[b]] = 1;
      if (b === keep) continue;
      for (let j = g.dirs[b] + 1; j < g.dirs[b + 1]; j++) removed[j] = 1;
    }
    removed[last] = 1;
  }
}

/** The conditional groups (each #if with its #elif/#else/#endif), outer before inner. */
function findGroups(w: Work): Group[] {
  const { t, removed } = w;
  const groups: Group[] = [];
  const open: Group[] = [];
  const branches = new BranchDepth(w);
  const st: BodyDepth = { depth: 0, inFn: false };
  for (let i = 0; i < t.count; i++) {
    if (removed[i]) continue;
    const k = t.kind[i];
    if (k === Tok.Directive) {
      const d = t.sub[i];
      if (d === Dir.If || d === Dir.Ifdef || d === Dir.Ifndef) {
        const g: Group = { dirs: [i], inFunction: st.inFn && st.depth > 0 };
        groups.push(g); open.push(g);
      } else if ((d === Dir.Elif || d === Dir.Else) && open.length) {
        open[open.length - 1].dirs.push(i);
      } else if (d === Dir.Endif && open.length) {
        open.pop()!.dirs.push(i);
      }
      st.depth = branches.at(i, st.depth);
      if (st.depth === 0) st.inFn = false;
      continue;
    }
    if (k === Tok.Punct) {
      const c = t.sub[i];
      if (c === 123 || c === 125) followBrace(t, removed, i, st);
    }
  }
  return groups;
}

/** Index of the branch to keep: the first whose condition is not a literal 0; -1 for none. */
function keptBranch(w: Work, g: Group): number {
  for (let b = 0; b < g.dirs.length - 1; b++) if (!isFalseCondition(w, g.dirs[b])) return b;
  return -1;
}

/**
 * A branch may end with a file-scope macro invocation that has no `;` (`subsys_initcall(f)`): the
 * `)` closes a call whose name starts a declaration (after `;`, `}` or the branch's directive).
 */
function endsWithInvocation(w: Work, last: number, branchStart: number): boolean {
  const { t, removed } = w;
  if (!isPunct(t, last, 41)) return false;
  let d = 0, j = last;
  for (; j > branchStart; j--) {
    if (removed[j] || t.kind[j] !== Tok.Punct) continue;
    if (t.sub[j] === 41) d++;
    else if (t.sub[j] === 40 && --d === 0) break;
  }
  const name = prevSig(t, removed, j);
  if (name <= branchStart || t.kind[name] !== Tok.Ident) return false;
  const before = prevSig(t, removed, name);
  return before < branchStart || isPunct(t, before, 59) || isPunct(t, before, 125);
}

/** Does every branch hold whole statements: balanced brackets, ending at `;` or `}` (or empty)? */
function allWhole(w: Work, g: Group, endOf: Map<number, number>): boolean {
  const { t, removed } = w;
  for (let b = 0; b < g.dirs.length - 1; b++) {
    let bal = 0, last = -1, first = -1;
    for (let j = g.dirs[b] + 1; j < g.dirs[b + 1]; j++) {
      if (removed[j]) continue;
      if (t.kind[j] === Tok.Directive) {
        const end = endOf.get(j);
        if (end !== undefined && end > j) j = end;
        continue;
      }
      if (first < 0) first = j;
      last = j;
      if (t.kind[j] !== Tok.Punct) continue;
      const c = t.sub[j];
      if (c === 40 || c === 91 || c === 123) bal++;
      else if (c === 41 || c === 93 || c === 125) { if (--bal < 0) return false; }
    }
    if (bal !== 0) return false;
    if (last >= 0 && !(isPunct(t, last, 59) || isPunct(t, last, 125) || endsWithInvocation(w, last, g.dirs[b]))) return false;
    // A branch that starts with `else` hangs off a statement outside it.
    if (first >= 0 && t.kind[first] === Tok.Ident && tokText(w, first) === 'else') return false;
  }
  return true;
}
