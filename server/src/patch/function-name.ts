// The function a hunk sits in, from the text after the second "@@" of its header (git's
// "funcname" line: the last line above the hunk that starts in column 0 with a letter).
//
// Convention: the name is the identifier in front of the first "(" of a declarator —
// "static inline int foo(struct x *y)" -> "foo", "struct page *bar(void" -> "bar" (truncated
// sections are fine). The syscall definers name the system call itself:
// "SYSCALL_DEFINE5(mremap, unsigned long, addr, ..." -> "mremap" (not "__do_sys_mremap").
// Anything else gives undefined: struct/union/enum headers ("struct anon_vma {"), initialisers
// ("static const struct vm_operations_struct ops = {"), prototypes and macro invocations ending in
// ";" ("EXPORT_SYMBOL(foo);", "static DEFINE_SPINLOCK(l);"), other all-capital macros,
// preprocessor lines, labels and comments.

const NOT_FUNCTIONS = new Set([
  'if', 'for', 'while', 'switch', 'return', 'sizeof', 'typeof', '__typeof__', 'do', 'else', 'case',
  'goto', 'defined', 'asm', '__asm__', 'static_assert', '_Static_assert', 'int', 'char', 'void',
  'long', 'short', 'unsigned', 'signed', 'float', 'double', 'bool', '_Bool', 'struct', 'union',
  'enum', 'const', 'volatile', 'static', 'inline', 'extern', 'register', '__attribute__', 'typedef',
]);

const SYSCALL = /^(?:COMPAT_)?SYSCALL_DEFINE\d$/;

export function hunkFunctionName(section: string): string | undefined {
  return parseDeclarator(section)?.name;
}

export interface Declarator {
  name: string;
  /** The text is a whole ordinary declarator "type name(params)" that can open a definition as is. */
  complete: boolean;
  /** Parentheses opened and not closed (the declarator continues on the next lines). */
  openParens: number;
  /** The declarator text, trimmed, without a trailing "{". */
  text: string;
}

export function parseDeclarator(text: string): Declarator | undefined {
  const clean = text.trim().replace(/\s*\{\s*$/, '');
  let s = text.trim().replace(/__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)/g, ' ').trim();
  if (!s || /^[#/*}{]/.test(s)) return undefined;
  const paren = s.indexOf('(');
  if (paren < 0) return undefined;
  const before = s.slice(0, paren);
  const m = /([A-Za-z_]\w*)\s*$/.exec(before);
  if (!m) return undefined;
  const prefix = before.slice(0, m.index);
  // Before the name only type words and pointer stars may stand.
  if (/[^\w\s*]/.test(prefix)) return undefined;
  const opens = count(s, '('), closes = count(s, ')');
  const afterParams = closes >= opens ? s.slice(lastMatchingClose(s, paren) + 1) : '';
  if (/[;=]/.test(afterParams) || (closes >= opens && /^\s*[,;=]/.test(afterParams))) return undefined;
  const name = m[1];
  if (SYSCALL.test(name)) {
    const arg = /^\(\s*([A-Za-z_]\w*)/.exec(s.slice(paren));
    if (!arg) return undefined;
    return { name: arg[1], complete: false, openParens: Math.max(0, opens - closes), text: clean };
  }
  if (/^[A-Z][A-Z0-9_]*$/.test(name) || NOT_FUNCTIONS.has(name)) return undefined;
  if (prefix.split(/[\s*]+/).some((w) => w === 'typedef' || w === 'return')) return undefined;
  s = s.replace(/\s*\{\s*$/, '');
  const complete = opens === closes && /\)\s*(?:__\w+(?:\([^()]*\))?\s*)*$/.test(s) && !s.includes('{');
  return { name, complete, openParens: Math.max(0, opens - closes), text: clean };
}

function count(s: string, c: string): number {
  let n = 0;
  for (const ch of s) if (ch === c) n++;
  return n;
}

function lastMatchingClose(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i;
  }
  return s.length - 1;
}
