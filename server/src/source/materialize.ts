// materializeSeries: the pre- and post-image of every file of every patch of a series. Patches
// apply in order on top of each other (patch 2's pre-image is the tree plus patch 1), so the
// files written by earlier patches are kept in an overlay over the tree. A file whose text is not
// known for real (no tree, missing from it, a hunk that does not apply, or a file an earlier
// patch could only synthesise) is materialised in hunk-only mode (see hunk-only.ts).
import type { FilePatch, Hunk, PatchSet } from '../patch/types';
import { applyHunks, fromLines } from './apply';
import { synthesizeSide } from './hunk-only';
import type { TreeReader } from './tree';
import type { MaterializedPatch, SourceFile, SourceProblem } from './types';

const MAX_PROBLEMS = 50;

interface Known { text: string | null; real: boolean }   // text null: deleted by an earlier patch

export function materializeSeries(set: PatchSet, tree: TreeReader | null): MaterializedPatch[] {
  const overlay = new Map<string, Known>();
  const read = (p: string): Known | undefined => {
    const o = overlay.get(p);
    if (o) return o;
    const t = tree?.read(p);
    return t === undefined ? undefined : { text: t, real: true };
  };
  return set.patches.map((patch) => ({
    index: patch.index,
    patch,
    files: patch.files.filter((f) => !f.binary).map((f) => {
      const sf = materializeFile(f, read, tree !== null);
      if (f.status === 'renamed' && f.oldPath) overlay.set(f.oldPath, { text: null, real: true });
      if (sf.post === null) overlay.set(sf.path, { text: null, real: true });
      else overlay.set(sf.path, { text: sf.post, real: sf.mode === 'tree' });
      return sf;
    }),
  }));
}

function materializeFile(f: FilePatch, read: (p: string) => Known | undefined, haveTree: boolean): SourceFile {
  const path = (f.newPath ?? f.oldPath)!;
  const sf: SourceFile = {
    path, oldPath: f.status === 'added' ? null : f.oldPath, status: f.status, mode: 'tree',
    pre: '', post: '', changedPost: new Set(), changedPre: new Set(), postInputLine: new Map(), preInputLine: new Map(),
    synthetic: [], syntheticPre: [], hunks: [], problems: [], file: f,
  };
  if (f.status === 'added') {
    const existing = read(path);
    if (existing && existing.text !== null) sf.problems.push({ message: `${path}: new file already exists; its old content is ignored`, inputLine: f.inputLine });
    const r = applyHunks('', f.hunks);
    if (r.ok) {
      Object.assign(sf, { post: r.post, changedPost: r.changedPost, postInputLine: r.postInputLine, hunks: r.placements });
      return sf;
    }
    sf.problems.push({ message: `${path}: new file's hunks show old lines; hunk-only mode`, inputLine: f.inputLine });
    hunkOnly(sf, f.hunks);
    return sf;
  }
  const cur = read(f.oldPath!);
  if (f.status === 'deleted') {
    sf.post = null;
    if (cur?.text != null && cur.real) {
      const r = applyHunks(cur.text, f.hunks);
      if (r.ok && r.post === '') {
        Object.assign(sf, { pre: cur.text, changedPre: r.changedPre, preInputLine: r.preInputLine, hunks: r.placements });
        return sf;
      }
      sf.problems.push({ message: `${f.oldPath}: the deletion does not match the file; using the patch's lines`, inputLine: f.inputLine });
    }
    // A deletion shows the whole file: its '-' lines are the pre-image.
    const old = f.hunks.flatMap((h) => h.lines.filter((l) => l.kind !== '+'));
    sf.pre = fromLines(old.map((l) => l.text), !f.hunks.some((h) => h.noNewlineAtEndOld));
    old.forEach((l, i) => { sf.changedPre.add(i + 1); sf.preInputLine.set(i + 1, l.inputLine); });
    sf.hunks = f.hunks.map((h) => ({ applied: true, preStart: h.oldStart, postStart: 0, offset: 0, ignoredWhitespace: false }));
    return sf;
  }
  if (cur?.text != null && cur.real) {
    const r = applyHunks(cur.text, f.hunks);
    if (r.ok) {
      Object.assign(sf, {
        pre: cur.text, post: r.post, changedPost: r.changedPost, changedPre: r.changedPre,
        postInputLine: r.postInputLine, preInputLine: r.preInputLine, hunks: r.placements,
      });
      const loose = r.placements.flatMap((pl, k) => (pl.ignoredWhitespace ? [k] : []));
      if (loose.length) {
        const which = loose.length === f.hunks.length ? 'all hunks apply' : `hunk${loose.length > 1 ? 's' : ''} ${loose.map((k) => k + 1).join(', ')} appl${loose.length > 1 ? 'y' : 'ies'}`;
        sf.problems.push({ message: `${path}: ${which} only when whitespace is ignored (whitespace-damaged patch)`, inputLine: f.hunks[loose[0]].inputLine });
      }
      return sf;
    }
    for (const k of r.failed) {
      sf.problems.push({ message: `${path}: hunk ${k + 1} (line ${f.hunks[k].oldStart}) does not apply`, inputLine: f.hunks[k].inputLine });
    }
    sf.problems.push({ message: `${path}: hunk-only mode (the patch does not apply to the tree)`, inputLine: f.inputLine });
  } else if (cur?.text === null) {
    sf.problems.push({ message: `${f.oldPath}: deleted by an earlier patch; hunk-only mode`, inputLine: f.inputLine });
  } else if (!cur && haveTree) {
    sf.problems.push({ message: `${f.oldPath}: not in the tree; hunk-only mode`, inputLine: f.inputLine });
  }
  hunkOnly(sf, f.hunks);
  return sf;
}

function hunkOnly(sf: SourceFile, hunks: Hunk[]): void {
  const pre = synthesizeSide(sf.oldPath ?? sf.path, hunks, 'old');
  const post = synthesizeSide(sf.path, hunks, 'new');
  // Bounded: a pathological patch must not produce a problem per hunk without end.
  const problems: SourceProblem[] = post.problems.slice(0, MAX_PROBLEMS);
  if (post.problems.length > MAX_PROBLEMS) {
    problems.push({ message: `${sf.path}: ${post.problems.length - MAX_PROBLEMS} more hunk-only problems not listed`, inputLine: post.problems[MAX_PROBLEMS].inputLine });
  }
  Object.assign(sf, {
    mode: 'hunk-only', pre: pre.text, post: post.text, synthetic: post.synthetic, syntheticPre: pre.synthetic,
    changedPost: post.changed, changedPre: pre.changed, postInputLine: post.inputLine, preInputLine: pre.inputLine,
    hunks: hunks.map((h) => ({ applied: false, preStart: h.oldStart, postStart: h.newStart, offset: 0, ignoredWhitespace: false })),
  });
  for (const p of problems) sf.problems.push(p);
}
