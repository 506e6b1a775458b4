// Patches quoted in mail replies. The quote prefix (e.g. "> ", ">", "> > ", ">> ") is taken from
// the first quoted line that opens a file diff; the patch is then read from the lines carrying
// exactly that prefix (a line equal to the prefix without its trailing space is an empty line).
// Every other line — the reply's own text interleaved with the quote, or a shallower/deeper
// quote — is not part of the patch and is skipped, keeping the input line numbers.
import type { InputLine } from './lines';

const QUOTED_HEADER = /^((?:> ?)+)(?=diff --git |--- |Index: )/;

export interface QuotedView { prefix: string; lines: InputLine[] }

export function startsFileDiff(lines: InputLine[], i: number): boolean {
  const t = lines[i].text;
  if (t.startsWith('diff --git ')) return true;
  return t.startsWith('--- ') && i + 1 < lines.length && lines[i + 1].text.startsWith('+++ ');
}

/** The quoted patch of a reply, or null when no quoted line opens a file diff. */
export function quotedView(lines: InputLine[]): QuotedView | null {
  for (let i = 0; i < lines.length; i++) {
    const m = QUOTED_HEADER.exec(lines[i].text);
    if (!m) continue;
    const prefix = m[1];
    const t = lines[i].text.slice(prefix.length);
    const next = lines[i + 1]?.text;
    if (!(t.startsWith('diff --git ') || (t.startsWith('--- ') && next !== undefined && next.startsWith(prefix + '+++ ')))) continue;
    return { prefix, lines: strip(lines, prefix) };
  }
  return null;
}

function strip(lines: InputLine[], prefix: string): InputLine[] {
  const bare = prefix.replace(/ +$/, '');
  const out: InputLine[] = [];
  for (const l of lines) {
    if (l.text.startsWith(prefix)) out.push({ text: l.text.slice(prefix.length), no: l.no });
    else if (l.text.replace(/[ \t]+$/, '') === bare) out.push({ text: '', no: l.no });
  }
  return out;
}
