// The parsed-C data the rest of mmlock uses (c/ exports only these shapes and plain functions).
import type { Node, Tree } from 'web-tree-sitter';
import type { Annotation, MacroLoop } from './neutralize';

export type { Annotation, MacroLoop };
/** A tree-sitter syntax node (web-tree-sitter). Offsets are UTF-16 units of the original text. */
export type CNode = Node;

export interface CParam {
  name: string;
  /** Struct/union/enum tag or typedef name: 'mm_struct' for `struct mm_struct *mm`, 'spinlock_t', 'unsigned long'. */
  type: string;
  /** Pointer depth (`struct page **pages` -> 2; an array parameter counts as one). */
  pointer: number;
}

export interface CFunction {
  name: string;
  /** The function_definition node. */
  node: CNode;
  /** The compound_statement body. */
  body: CNode;
  /** 1-based lines of the whole definition, signature included. */
  startLine: number;
  endLine: number;
  startIndex: number;
  endIndex: number;
  /** ERROR or MISSING nodes inside the definition. */
  hasErrors: boolean;
  isStatic: boolean;
  isInline: boolean;
  /** As written, with pointer stars: 'struct page *', 'void', 'vm_fault_t'. */
  returnType: string;
  params: CParam[];
  /** Sparse lock annotations written on this definition (`__releases(&mm->page_table_lock)`). */
  annotations: { kind: Annotation['kind']; expr: string }[];
}

export interface CFile {
  /** The original text; every node offset indexes into it. */
  text: string;
  /** The neutralized text the tree was parsed from (same length and line breaks). */
  neutralized: string;
  tree: Tree;
  functions: CFunction[];
  /** All annotations found in the file (including those on prototypes). */
  annotations: Annotation[];
  /** Macro calls rewritten to loop heads (`list_for_each_entry(...)` is a while_statement in the tree). */
  loops: MacroLoop[];
}

export interface CCall {
  /** Callee identifier, or null when the callee is an expression (`obj->op(...)`, `(*fn)(...)`). */
  name: string | null;
  /** The callee as written, always set (`mapping->a_ops->read_folio`). */
  calleeText: string;
  node: CNode;
  args: CNode[];
  /** Arguments as written in the original text. */
  argTexts: string[];
  /** 1-based; columns in UTF-16 units. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}
