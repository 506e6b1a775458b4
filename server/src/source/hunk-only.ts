// Hunk-only synthesis: the pre- or post-image of a file when the real file is not available
// (no tree, file not in the tree, or a hunk that does not apply).
//
// The synthetic text has exactly the lines the hunks show on that side, each at its real line
// number (so every position reported later is a real position), and blank lines everywhere else.
// Hunks mostly start and end in the middle of a function; so that a C parser still sees a
// function there, braces are balanced with a few synthetic lines, placed only on lines no hunk
// shows:
//
//  - header: when a hunk starts inside a function (its first code line is indented or a label,
//    or its braces close more than they open) and the function's name is known from the @@
//    section, the line just above the hunk gets the section's declarator when it is a complete
//    one ("static int foo(struct x *y) {"), else "void NAME(void) {" — with one "{" per block
//    level the hunk leaves. A section that is the first line of a declarator which the hunk's
//    first lines finish ("static int f(struct vma *v," + "\t\tunsigned long a)") is placed as it is.
//    A hunk starting at line 1 has no line above it: nothing is put there (reported as a problem).
//  - closer: when a hunk ends inside a function whose name is known (from the section, or from a
//    definition line the hunk shows), the first line after it gets the "}" it still needs
//    (appended at the end when the hunk ends the text).
//  - gap: two successive hunks in the same function are joined into one function instead: the
//    first unknown line between them is marked 'gap' (holding "{" only when the second hunk
//    starts deeper than the first ended). "Same function" is the same name, or a section that
//    names no function (git and diff -p take labels like "out:" for function lines) following a
//    hunk that ended inside a function. A gap is also where a fragment's unterminated comment
//    gets its "*/" and a fragment starting inside a comment its "/*".
// A section cut before its "(" (diff -p keeps 40 characters) names the function by its cut name.
// Where a file's context lines show no indentation at all (mail that collapsed whitespace),
// hunks are assumed to start inside a function, one block deeper than their braces say.
// A header that has no free line above it is not placed (reported as a problem) and the hunk is
// then treated as top-level code. Functions with synthetic lines are partial: later stages must
// not report "unbalanced" locking for their fragments.
import type { Hunk } from '../patch/types';
import { parseDeclarator, type Declarator } from '../patch/function-name';
import { newScanState, scanLine } from './brace-scan';
import type { SyntheticLine } from './types';

export interface SideLine { line: number; text: string; inputLine: number; kind: ' ' | '+' | '-' }

export interface HunkOnlySide {
  text: string;
  synthetic: SyntheticLine[];
  changed: Set<number>;                // '+' lines (new side) or '-' lines (old side)
  inputLine: Map<number, number>;
  problems: { message: string; inputLine: number }[];
}

interface Plan {
  k: number;
  hunk: Hunk;
  lines: SideLine[];
  start: number;
  end: number;
  decl?: Declarator;
  need: number;
  continuation: boolean;
  join: boolean;
  gapBraces: number;
  header?: string;
  endDepth: number;
  endFunction?: string;
  startsInComment: boolean;
  endsInComment: boolean;
}

export function sideLines(h: Hunk, side: 'old' | 'new'): SideLine[] {
  const out: SideLine[] = [];
  for (const l of h.lines) {
    if (side === 'old' && l.kind !== '+') out.push({ line: l.oldLine!, text: l.text, inputLine: l.inputLine, kind: l.kind });
    if (side === 'new' && l.kind !== '-') out.push({ line: l.newLine!, text: l.text, inputLine: l.inputLine, kind: l.kind });
  }
  return out;
}

const LABEL = /^[A-Za-z_]\w*:(?!:)\s*(?:$|\/[*/])/;
const STATEMENT = /^(?:return|if|else|for|while|do|switch|case|default|goto|break|continue)\b/;

export function synthesizeSide(path: string, hunks: Hunk[], side: 'old' | 'new'): HunkOnlySide {
  const res: HunkOnlySide = { text: '', synthetic: [], changed: new Set(), inputLine: new Map(), problems: [] };
  const plans: Plan[] = [];
  const damaged = lostIndentation(hunks);
  hunks.forEach((hunk, k) => {
    const lines = sideLines(hunk, side);
    if (!lines.length) return;
    plans.push(planHunk(hunk, k, lines, damaged));
  });
  // Absolute depths, hunk after hunk: joining needs the previous hunk's end state.
  let prev: Plan | undefined;
  for (const p of plans) {
    walk(p, prev, path, res);
    prev = p;
  }
  // Placement.
  const shown = new Map<number, string>();
  const synth = new Map<number, string[]>();
  const put = (s: SyntheticLine) => {
    res.synthetic.push(s);
    const arr = synth.get(s.line) ?? [];
    if (s.text) arr.push(s.text);
    synth.set(s.line, arr);
  };
  plans.forEach((p, i) => {
    const before = plans[i - 1], after = plans[i + 1];
    const name = p.decl?.name ?? '';
    const where = `${path}: hunk ${p.k + 1} (line ${p.start})`;
    // A fragment that starts inside a comment gets "/*" above it; one that ends inside one, "*/" after.
    const open = p.startsInComment ? ' /*' : '';
    if (p.join && before) {
      const text = (before.endsInComment ? '*/ ' : '') + '{'.repeat(p.gapBraces) + open;
      if (before.end + 1 < p.start) put({ line: before.end + 1, kind: 'gap', function: name, text: text.trim() });
      else if (p.gapBraces > 0) res.problems.push({ message: `${where}: no free line before it to open ${p.gapBraces} block(s) of ${name}`, inputLine: p.hunk.inputLine });
    } else if (p.header || open) {
      // walk() gave a header only where the line above is free.
      const h = p.start - 1;
      if (h >= 1 && !(before && h <= before.end)) {
        put({ line: h, kind: p.header ? 'header' : 'gap', function: p.header ? name : '', text: ((p.header ?? '') + open).trim() });
      }
    }
    const closers = p.endDepth > 0 && p.endFunction ? p.endDepth : 0;
    if (!(after && after.join) && (closers || p.endsInComment)) {
      const c = p.end + 1;
      const text = (p.endsInComment ? '*/ ' : '') + '}'.repeat(closers);
      if (after && c >= after.start) {
        if (closers) res.problems.push({ message: `${where}: no free line after it to close ${p.endFunction}`, inputLine: p.hunk.inputLine });
      } else put({ line: c, kind: 'closer', function: p.endFunction ?? '', text: text.trim() });
    }
  });
  let last = 0;
  for (const p of plans) {
    for (const l of p.lines) {
      if (shown.has(l.line)) res.problems.push({ message: `${path}: hunk ${p.k + 1} overlaps an earlier hunk at line ${l.line}`, inputLine: l.inputLine });
      shown.set(l.line, l.text);
      res.inputLine.set(l.line, l.inputLine);
      if (l.kind !== ' ') res.changed.add(l.line);
      last = Math.max(last, l.line);
    }
  }
  for (const l of synth.keys()) last = Math.max(last, l);
  const out: string[] = new Array(last).fill('');
  for (const [l, t] of synth) out[l - 1] = t.join(' ');
  for (const [l, t] of shown) out[l - 1] = t;
  res.text = out.length ? out.join('\n') + '\n' : '';
  return res;
}

/**
 * Kernel style puts a function's closing brace in column 0 and everything inside it indented, so
 * indentation says where a hunk starts. Mail that lost it (no context line of the file indented,
 * comment lines included) says nothing; then a hunk is assumed to stay inside a function (an
 * extra block level costs nothing, one too few breaks parsing).
 */
function lostIndentation(hunks: Hunk[]): boolean {
  let nonBlank = 0;
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.kind !== ' ' || l.text.trim() === '') continue;
      if (/^\s/.test(l.text)) return false;
      nonBlank++;
    }
  }
  return nonBlank >= 3;
}

/** Where the hunk starts relative to the blocks around it, from its own braces and parentheses. */
function planHunk(hunk: Hunk, k: number, lines: SideLine[], damaged: boolean): Plan {
  const st = newScanState(lines[0].text);
  let rel = 0, minRel = 0, paren = 0, parenMin = 0, settled = false;
  let firstCode: string | undefined, minLine = '';
  for (const l of lines) {
    const sc = scanLine(l.text, st);
    if (sc.code) firstCode ??= l.text;
    for (const t of sc.tokens) {
      if (t === '{') rel++;
      else if (t === '}') { if (--rel < minRel) { minRel = rel; minLine = l.text; } }
      else if (!settled && t === '(') paren++;
      else if (!settled && t === ')') parenMin = Math.min(parenMin, --paren);
      if (t === '{' || t === ';') settled = true;
    }
  }
  const decl = parseDeclarator(hunk.section) ?? truncatedDeclarator(hunk.section);
  const inside = firstCode !== undefined &&
    (/^\s/.test(firstCode) || LABEL.test(firstCode) || STATEMENT.test(firstCode) || damaged);
  const closesFunction = minRel < 0 && /^\}/.test(minLine) && !damaged;
  const continuation = decl !== undefined && decl.openParens > 0 && parenMin < 0;
  const need = continuation ? 0 : minRel < 0 ? -minRel + (closesFunction ? 0 : 1) : inside ? 1 : 0;
  return {
    k, hunk, lines, start: lines[0].line, end: lines[lines.length - 1].line, decl, need, continuation,
    join: false, gapBraces: 0, endDepth: 0, startsInComment: newScanState(lines[0].text).inComment, endsInComment: false,
  };
}

/** Decides header/join for a hunk and follows its braces at absolute depth to its end. */
function walk(p: Plan, prev: Plan | undefined, path: string, res: HunkOnlySide): void {
  let abs = 0;
  let fn: string | undefined;
  let pending: string | undefined;
  if (p.continuation) {
    pending = p.decl!.name;
    p.header = p.decl!.text;
  } else if (p.need > 0) {
    const name = p.decl?.name;
    // Same function as the end of the previous hunk: by name, or — when the section names none
    // (a label such as "out:", which git and diff -p also take for a function line) — by
    // assuming the previous hunk's unfinished function goes on.
    if (prev && prev.endDepth > 0 && prev.endFunction && prev.end < p.start && (name ?? prev.endFunction) === prev.endFunction) {
      p.join = true;
      abs = Math.max(prev.endDepth, p.need);
      p.gapBraces = abs - prev.endDepth;
      fn = prev.endFunction;
      p.decl ??= { name: fn, complete: false, openParens: 0, text: '' };
    } else if (p.decl) {
      const where = `${path}: hunk ${p.k + 1} (line ${p.start})`;
      if (p.start - 1 < 1) {
        res.problems.push({ message: `${where} starts inside ${p.decl.name} at line 1: no line above it for a synthetic header`, inputLine: p.hunk.inputLine });
      } else if (prev && p.start - 1 <= prev.end) {
        res.problems.push({ message: `${where} starts inside ${p.decl.name} right after the previous hunk: no line for a synthetic header`, inputLine: p.hunk.inputLine });
      } else {
        p.header = (p.decl.complete ? p.decl.text : `void ${p.decl.name}(void)`) + ' {'.repeat(p.need);
        abs = p.need;
        fn = p.decl.name;
      }
    } else {
      res.problems.push({ message: `${path}: hunk ${p.k + 1} (line ${p.start}) starts inside a block and its @@ section names no function: no synthetic header`, inputLine: p.hunk.inputLine });
    }
  }
  const st = newScanState(p.lines[0].text);
  for (const l of p.lines) {
    const sc = scanLine(l.text, st);
    if (abs === 0 && sc.code && /^[A-Za-z_]/.test(l.text) && !LABEL.test(l.text)) {
      const d = parseDeclarator(l.text);
      if (d) pending = d.name;
    }
    for (const t of sc.tokens) {
      if (t === '{') {
        if (abs === 0) { fn = pending; pending = undefined; }
        abs++;
      } else if (t === '}') {
        if (abs > 0) abs--;
        if (abs === 0) fn = undefined;
      } else if (t === ';' && abs === 0) {
        pending = undefined;
      }
    }
  }
  p.endDepth = abs;
  p.endFunction = abs > 0 ? fn : undefined;
  p.endsInComment = st.inComment;
}

/**
 * diff -p and quilt cut the section at 40 characters, often before the "(":
 * "static struct file *do_async_mmap_readah". The last word is then the start of the name;
 * it is used as the name (consistently on both sides), better than no function at all.
 */
function truncatedDeclarator(section: string): Declarator | undefined {
  const s = section.trim();
  if (s.length < 38 || !/^[A-Za-z_][\w\s*]*$/.test(s)) return undefined;
  const m = /([A-Za-z_]\w*)$/.exec(s);
  const words = s.split(/[\s*]+/);
  if (!m || words.length < 2 || /^(struct|union|enum|typedef)$/.test(words[0]) && words.length < 3) return undefined;
  return { name: m[1], complete: false, openParens: 0, text: s };
}
