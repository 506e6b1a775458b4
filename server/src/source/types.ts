// Materialised sources: the pre- and post-image text of every file a patch touches, with the
// maps that tie their lines back to the patch. Line numbers are 1-based.
import type { FilePatch, FileStatus, Patch } from '../patch/types';

/**
 * A line inserted by hunk-only synthesis (never text from the patch or the tree):
 * - 'header': a function signature (synthetic `void NAME(void) {`, or the real declarator from
 *   the @@ section) opening a function whose real start is not shown;
 * - 'closer': closing braces for a function whose real end is not shown;
 * - 'gap': the unknown lines between two hunks of the same function (braces there, if any,
 *   only make the depth of the next hunk right).
 * A function containing any of these is partial: its body is not the whole function.
 */
export interface SyntheticLine {
  line: number;
  kind: 'header' | 'closer' | 'gap';
  function: string;       // '' when the function's name is not known
  text: string;           // what was put on the line
}

export interface SourceProblem { message: string; inputLine: number }

export interface HunkPlacement {
  applied: boolean;
  preStart: number;       // where the hunk's old lines start in `pre` (stated line in hunk-only mode)
  postStart: number;      // where its new lines start in `post`
  offset: number;         // preStart minus the line the header states
  ignoredWhitespace: boolean;
}

export interface SourceFile {
  path: string;                       // post-image path (the old path for a deleted file)
  oldPath: string | null;             // pre-image path; null for a new file
  status: FileStatus;
  /**
   * 'tree': pre and post are whole files (read from the tree, or a new/deleted file the patch
   * shows entirely). 'hunk-only': only the lines the hunks show are real, each at its own line
   * number; every other line is blank or synthetic (see `synthetic`).
   */
  mode: 'tree' | 'hunk-only';
  pre: string;                        // '' for a new file
  post: string | null;                // null for a deleted file
  changedPost: Set<number>;           // post lines added by the patch ('+')
  changedPre: Set<number>;            // pre lines removed by the patch ('-')
  postInputLine: Map<number, number>; // post line -> patch input line (for '+' and context lines)
  preInputLine: Map<number, number>;  // pre line -> patch input line (for '-' and context lines)
  synthetic: SyntheticLine[];         // in `post` (hunk-only mode)
  syntheticPre: SyntheticLine[];      // in `pre` (hunk-only mode)
  hunks: HunkPlacement[];             // one per hunk of `file`
  problems: SourceProblem[];
  file: FilePatch;
}

export interface MaterializedPatch {
  index: number;                      // the patch's position in the series
  patch: Patch;
  files: SourceFile[];                // every non-binary file, in patch order
}
