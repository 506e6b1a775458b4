// parsePatchSet: input text (plain diff, git diff, format-patch output, an mbox series, or a
// mail reply quoting a patch) -> the patches of the series, their files and hunks.
//
// - Each mbox message holding a diff is one Patch (cover letters and replies without a diff are
//   skipped); input without mbox separators is one message. Line numbers are input lines.
// - A message whose own lines hold no diff is read as a reply: its quoted patch (see quote.ts).
// - Paths lose their tree prefix (see paths.ts) and must stay inside a tree.
// - Errors (PatchError with the input line): a corrupt hunk (body shorter or longer than its
//   header, also at the end of the input), a malformed hunk header, an unsafe path, and input
//   without any file diff ("no patch found", line 1).
import { PatchError, type PatchSet } from './types';
import { numberLines, splitLines, type InputLine } from './lines';
import { splitMessages } from './mail';
import { quotedView, startsFileDiff } from './quote';
import { parseFiles } from './diff';

export function parsePatchSet(text: string, name: string): PatchSet {
  const set: PatchSet = { name, patches: [], quoted: false, warnings: [] };
  for (const msg of splitMessages(numberLines(splitLines(text)))) {
    let view = msg.body;
    let prefix: string | undefined;
    if (!hasUnquotedDiff(view)) {
      const q = quotedView(view);
      if (q) { view = q.lines; prefix = q.prefix; }
    }
    const files = parseFiles(view, set.warnings);
    if (!files.length) continue;     // a cover letter, a reply without a patch, text between patches
    if (prefix !== undefined) {
      set.quoted = true;
      set.warnings.push({ line: files[0].inputLine, message: `patch read from a quoted reply (lines starting "${prefix}")` });
    }
    set.patches.push({
      index: set.patches.length,
      ...(msg.subject !== undefined ? { subject: msg.subject } : {}),
      ...(msg.from !== undefined ? { from: msg.from } : {}),
      inputLine: msg.start,
      files,
    });
  }
  if (!set.patches.length) {
    throw new PatchError(`no patch found: ${name} has no "diff --git" or "---"/"+++" file header`, 1);
  }
  return set;
}

function hasUnquotedDiff(lines: InputLine[]): boolean {
  for (let i = 0; i < lines.length; i++) {
    if (startsFileDiff(lines, i) || /^Binary files .+ and .+ differ$/.test(lines[i].text)) return true;
  }
  return false;
}
