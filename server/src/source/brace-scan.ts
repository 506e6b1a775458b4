// A small line-by-line C scanner for hunk-only synthesis: it reports the braces, parentheses and
// semicolons of code, skipping comments, string and character literals, preprocessor lines
// (with their continuations) and the #else/#elif branches of conditionals (the first branch is
// the one kept, as the C neutraliser does). A fragment that starts inside a block comment is
// recognised by its first line starting with "* ", "*" or "*/".

export type Token = '{' | '}' | '(' | ')' | ';';

export interface ScanState {
  inComment: boolean;
  inMacro: boolean;          // continuation lines of a preprocessor directive
  conds: boolean[];          // per open #if: true while in a skipped (#else/#elif) branch
}

export function newScanState(firstLine: string | undefined): ScanState {
  // " * text", " *" and " */" continue a block comment; "*ptr = x;" is code.
  const t = firstLine?.trimStart() ?? '';
  return { inComment: /^\*(?:\/|\s|$)/.test(t), inMacro: false, conds: [] };
}

export interface LineScan {
  code: boolean;             // the line holds code outside comments and directives
  tokens: Token[];
}

export function scanLine(line: string, st: ScanState): LineScan {
  const res: LineScan = { code: false, tokens: [] };
  if (st.inMacro) { st.inMacro = line.endsWith('\\'); return res; }
  if (!st.inComment) {
    const d = /^\s*#\s*(\w+)/.exec(line);
    if (d) {
      const w = d[1];
      if (w === 'if' || w === 'ifdef' || w === 'ifndef') st.conds.push(false);
      else if ((w === 'else' || w === 'elif') && st.conds.length) st.conds[st.conds.length - 1] = true;
      else if (w === 'endif') st.conds.pop();
      st.inMacro = line.endsWith('\\');
      return res;
    }
  }
  if (st.conds.some((s) => s)) return res;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (st.inComment) {
      if (c === '*' && line[i + 1] === '/') { st.inComment = false; i++; }
      continue;
    }
    if (c === '/' && line[i + 1] === '/') break;
    if (c === '/' && line[i + 1] === '*') { st.inComment = true; i++; continue; }
    if (c === '"' || c === "'") {
      res.code = true;
      for (i++; i < line.length && line[i] !== c; i++) if (line[i] === '\\') i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') continue;
    res.code = true;
    if (c === '{' || c === '}' || c === '(' || c === ')' || c === ';') res.tokens.push(c);
  }
  return res;
}
