// Plain data for a parsed patch series. Line numbers are 1-based throughout.

/** One line of a hunk body. */
export interface PatchLine {
  kind: ' ' | '+' | '-';
  text: string;            // without the leading ' ', '+', '-' and without the line ending
  inputLine: number;       // line in the input (patch/mbox) text
  oldLine?: number;        // line in the pre-image ('-' and ' ')
  newLine?: number;        // line in the post-image ('+' and ' ')
}

export interface Hunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  section: string;         // text after the second @@ (often the enclosing function's signature)
  inputLine: number;       // line of the @@ header in the input
  lines: PatchLine[];
  noNewlineAtEndOld?: boolean;
  noNewlineAtEndNew?: boolean;
}

export type FileStatus = 'modified' | 'added' | 'deleted' | 'renamed' | 'copied';

export interface FilePatch {
  oldPath: string | null;  // without a/ prefix; null for /dev/null
  newPath: string | null;  // without b/ prefix; null for /dev/null
  status: FileStatus;
  binary: boolean;         // binary diff: noted, never analysed
  hunks: Hunk[];
  inputLine: number;       // line of the "diff --git" or "---" header
}

export interface Patch {
  index: number;           // 0-based position in the series
  subject?: string;        // from the mail Subject: header, "[PATCH n/m]" kept
  from?: string;
  inputLine: number;       // first line of this patch in the input
  files: FilePatch[];
}

export interface PatchSet {
  name: string;            // the input's name (file path or "-")
  patches: Patch[];
  quoted: boolean;         // true when the patch was read from a mail reply with "> " prefixes
  warnings: { line: number; message: string }[];
}

/** Thrown for input that is not a patch (or is corrupt beyond recovery). */
export class PatchError extends Error {
  constructor(message: string, readonly line: number) { super(message); }
}
