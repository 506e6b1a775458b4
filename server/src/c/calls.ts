// Calls inside a subtree, in source order, with their arguments as written.
import { sourceOf } from './source-text';
import { kids } from './syntax';
import type { CCall, CNode } from './types';

export interface CallsOptions {
  /**
   * 'source' (default): by start position, so an outer call comes before the calls in its
   * arguments; 'evaluation': a call after the calls in its arguments (by end position).
   */
  order?: 'source' | 'evaluation';
}

/** Every call_expression under `node` (itself included). */
export function callNodes(node: CNode): CNode[] {
  // descendantsOfType runs inside the WASM runtime: several times faster than a JS cursor walk.
  const found = node.descendantsOfType('call_expression').filter((n): n is CNode => n !== null);
  return found;
}

export function callsIn(node: CNode, opts: CallsOptions = {}): CCall[] {
  const nodes = callNodes(node);
  if (opts.order === 'evaluation') nodes.sort((a, b) => a.endIndex - b.endIndex || b.startIndex - a.startIndex);
  return nodes.map(toCall);
}

/** The callee identifier of a call node, or null (`obj->op(...)`). Cheaper than toCall. */
export function calleeName(call: CNode): string | null {
  const fn = call.childForFieldName('function');
  return fn && fn.type === 'identifier' ? fn.text : null;
}

export function toCall(n: CNode): CCall {
  const fn = n.childForFieldName('function');
  const argList = n.childForFieldName('arguments');
  const args = argList ? kids(argList) : [];
  return {
    name: fn && fn.type === 'identifier' ? fn.text : null,
    calleeText: fn ? sourceOf(fn) : '',
    node: n,
    args,
    argTexts: args.map(sourceOf),
    line: n.startPosition.row + 1,
    column: n.startPosition.column + 1,
    endLine: n.endPosition.row + 1,
    endColumn: n.endPosition.column + 1,
  };
}
