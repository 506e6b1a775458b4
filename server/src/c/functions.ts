// Function definitions of a parsed file, and which of them a set of lines touches.
import { declaratorInfo, kids, typeName } from './syntax';
import type { CFile, CFunction, CNode, CParam } from './types';

/** Node types that can hold function definitions at file scope. */
const CONTAINERS = new Set(['translation_unit', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif',
  'preproc_elifdef', 'linkage_specification', 'declaration_list', 'ERROR']);

/** Every function definition at file scope (also inside conditionals and error recovery), in order. */
export function extractFunctions(file: Pick<CFile, 'tree' | 'text' | 'neutralized' | 'annotations'>): CFunction[] {
  const out: CFunction[] = [];
  const cursor = file.tree.walk();
  try {
    // Depth-first over container nodes only; a function_definition's insides are not searched.
    if (cursor.gotoFirstChild()) {
      for (;;) {
        const type = cursor.nodeType;
        if (type === 'function_definition') {
          const fn = toFunction(cursor.currentNode, file);
          if (fn) out.push(fn);
        } else if (CONTAINERS.has(type) && cursor.gotoFirstChild()) {
          continue;
        }
        while (!cursor.gotoNextSibling()) {
          if (!cursor.gotoParent()) return attachAnnotations(out, file);
          if (cursor.nodeType === 'translation_unit') return attachAnnotations(out, file);
        }
      }
    }
    return out;
  } finally {
    cursor.delete();
  }
}

function toFunction(node: CNode, file: Pick<CFile, 'text'>): CFunction | null {
  const body = node.childForFieldName('body');
  const decl = declaratorInfo(node.childForFieldName('declarator'));
  if (!body || !decl.name || !decl.nameNode) return null;
  const header = file.text.slice(node.startIndex, decl.nameNode.startIndex);
  const typeNode = node.childForFieldName('type');
  const retBase = typeNode ? typeText(typeNode) : 'int';
  return {
    name: decl.name,
    node,
    body,
    startLine: node.startPosition.row + 1,
    // A node that runs to the end of a cut-off file ends after its last newline (column 0 of the
    // line after): its last line is the one before.
    endLine: node.endPosition.column === 0 && node.endPosition.row > node.startPosition.row ? node.endPosition.row : node.endPosition.row + 1,
    startIndex: node.startIndex,
    endIndex: node.endIndex,
    hasErrors: node.hasError,
    isStatic: /\bstatic\b/.test(header),
    // `inline`, `__inline__`, `__always_inline`, a file's `__fastpath_inline`; not `noinline`.
    isInline: /(?<![A-Za-z0-9])(?!noinline)\w*inline(__)?(?![A-Za-z0-9_])/.test(header),
    returnType: decl.pointer ? `${retBase} ${'*'.repeat(decl.pointer)}` : retBase,
    params: paramsOf(node.childForFieldName('declarator')),
    annotations: [],
  };
}

/** A type as the parser saw it, whitespace collapsed (`struct page`, `unsigned long`; SYSCALL_DEFINE's `long`). */
function typeText(n: CNode): string {
  return n.text.replace(/\s+/g, ' ').trim();
}

/** The parameter list of the function_declarator that declares the name. */
function functionDeclarator(n: CNode | null): CNode | null {
  for (let guard = 0; n && guard < 64; guard++) {
    if (n.type === 'function_declarator') {
      const inner = n.childForFieldName('declarator');
      if (inner && inner.type === 'identifier') return n;
      n = inner;
    } else if (n.type === 'parenthesized_declarator') n = n.firstNamedChild;
    else n = n.childForFieldName('declarator');
  }
  return null;
}

export function paramsOf(declarator: CNode | null): CParam[] {
  const fd = functionDeclarator(declarator);
  const list = fd?.childForFieldName('parameters');
  if (!list) return [];
  const out: CParam[] = [];
  for (const p of kids(list)) {
    if (p.type !== 'parameter_declaration') continue;
    const info = declaratorInfo(p.childForFieldName('declarator'));
    if (!info.name) continue; // `void`, or an unnamed parameter
    out.push({ name: info.name, type: typeName(p.childForFieldName('type')), pointer: info.pointer + (info.array ? 1 : 0) });
  }
  return out;
}

/**
 * An annotation belongs to the definition whose signature holds it: between the start of the
 * definition (or the blank run just before it, where a leading annotation was) and its body.
 */
function attachAnnotations(fns: CFunction[], file: Pick<CFile, 'neutralized' | 'annotations'>): CFunction[] {
  if (!file.annotations.length) return fns;
  let a = 0;
  const anns = file.annotations;
  for (const fn of fns) {
    let from = fn.startIndex;
    while (from > 0 && /\s/.test(file.neutralized[from - 1])) from--;
    while (a < anns.length && anns[a].offset < from) a++;
    for (let k = a; k < anns.length && anns[k].offset < fn.body.startIndex; k++) {
      fn.annotations.push({ kind: anns[k].kind, expr: anns[k].expr });
    }
  }
  return fns;
}

/** Functions with at least one of these 1-based lines inside their definition (signature included). */
export function functionsTouching(file: CFile, lines: Set<number>): CFunction[] {
  if (!lines.size) return [];
  const sorted = [...lines].sort((x, y) => x - y);
  return file.functions.filter((fn) => {
    // first line >= fn.startLine
    let lo = 0, hi = sorted.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] < fn.startLine) lo = mid + 1; else hi = mid; }
    return lo < sorted.length && sorted[lo] <= fn.endLine;
  });
}

/** The function whose definition contains this 1-based line, if any. */
export function functionAt(file: CFile, line: number): CFunction | undefined {
  let lo = 0, hi = file.functions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = file.functions[mid];
    if (line < f.startLine) hi = mid - 1;
    else if (line > f.endLine) lo = mid + 1;
    else return f;
  }
  return undefined;
}
