// Each tree is parsed from the neutralized text, but users of nodes want the original text (a
// rewritten `while` is still `list_for_each_entry` to them). Offsets are equal, so remembering the
// original text per tree lets exprText(node) slice it without passing the file around.
import type { Node, Tree } from 'web-tree-sitter';

const sources = new WeakMap<Tree, string>();

export function rememberSource(tree: Tree, text: string): void {
  sources.set(tree, text);
}

/** The original text of a node (its neutralized text if the tree is unknown). */
export function sourceOf(node: Node): string {
  const text = sources.get(node.tree);
  return text === undefined ? node.text : text.slice(node.startIndex, node.endIndex);
}

export function sourceSlice(node: Node, start: number, end: number): string {
  const text = sources.get(node.tree);
  return text === undefined ? '' : text.slice(start, end);
}
