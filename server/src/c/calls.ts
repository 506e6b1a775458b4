// Calls inside a subtree, in source order, with their arguments as written.
import { sourceOf } from './source-text';
import { kids } from './syntax';
import type { CCall, CNode } from './types';

export interface CallsOptions {
  /**
   * 'source' (default): by start position, so an outer call comes before the calls in its
   * arguments; 'evaluation': arguments' calls first (post-order), the order they run in.
   */
  order?: 'source' | 'evaluation';
}

export function callsIn(node: CNode, opts: CallsOptions = {}): CCall[] {
  const post = opts.order === 'evaluation';
  const out: CCall[] = [];
  const pending: CNode[] = []; // open call_expressions, for post-order
  const cursor = node.walk();
  try {
    let depth = 0;
    const openDepth: number[] = [];
    for (;;) {
      if (cursor.nodeType === 'call_expression') {
        const n = cursor.currentNode;
        if (post) { pending.push(n); openDepth.push(depth); } else out.push(toCall(n));
      }
      if (cursor.gotoFirstChild()) { depth++; continue; }
      for (;;) {
        // leaving the current node: close post-order calls that end here
        while (post && openDepth.length && openDepth[openDepth.length - 1] === depth) {
          openDepth.pop(); out.push(toCall(pending.pop()!));
        }
        if (depth === 0) return out;
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent(); depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

export function toCall(n: CNode): CCall {
  const fn = n.childForFieldName('function');
  const argList = n.childForFieldName('arguments');
  const args = argList ? kids(argList) : [];
  const calleeText = fn ? sourceOf(fn) : '';
  return {
    name: fn && fn.type === 'identifier' ? fn.text : null,
    calleeText,
    node: n,
    args,
    argTexts: args.map(sourceOf),
    line: n.startPosition.row + 1,
    column: n.startPosition.column + 1,
    endLine: n.endPosition.row + 1,
    endColumn: n.endPosition.column + 1,
  };
}
