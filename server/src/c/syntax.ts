// Small helpers over tree-sitter-c nodes: type names and declarators.
import { sourceOf } from './source-text';
import type { CNode } from './types';

/** Named children without comments. */
export function kids(node: CNode): CNode[] {
  const out: CNode[] = [];
  for (const c of node.namedChildren) if (c && c.type !== 'comment') out.push(c);
  return out;
}

/**
 * The name of a type node: the tag of `struct mm_struct` -> 'mm_struct', a typedef 'spinlock_t',
 * a primitive 'int' or 'unsigned long'. Type arguments the neutralizer mangled are read from the
 * original text.
 */
export function typeName(node: CNode | null): string {
  if (!node) return '';
  switch (node.type) {
    case 'struct_specifier': case 'union_specifier': case 'enum_specifier': {
      const n = node.childForFieldName('name');
      return n ? n.text : '';
    }
    case 'sized_type_specifier': case 'primitive_type': case 'type_identifier':
      return typeNameFromText(sourceOf(node));
    case 'type_descriptor':
      return typeName(node.childForFieldName('type'));
    case 'macro_type_specifier':
      return node.childForFieldName('name')?.text ?? '';
    default:
      return typeNameFromText(sourceOf(node));
  }
}

const QUALIFIERS = new Set(['const', 'volatile', 'struct', 'union', 'enum', 'static', 'extern', 'register',
  'inline', '__rcu', '__user', '__iomem', '__percpu', '__force', 'restrict', '__restrict']);

/** The type name in a type written as text: 'const struct foo *' -> 'foo', 'unsigned long' -> 'unsigned long'. */
export function typeNameFromText(text: string): string {
  const words = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/[*&()[\]]/g, ' ').split(/\s+/).filter((w) => w && !QUALIFIERS.has(w));
  return words.join(' ');
}

export interface DeclaratorInfo {
  name: string;
  nameNode: CNode | null;
  pointer: number;
  array: boolean;
  /** Some function declarator on the way (a prototype, or a function pointer). */
  isFunction: boolean;
  /** The name is itself declared as a function (`f(int)`, `*f(int)`): a prototype, not a pointer to one. */
  isPrototype: boolean;
}

/** Walks a declarator (`*foo`, `foo[3]`, `(*fn)(int)`, `x = 1`) down to its identifier. */
export function declaratorInfo(node: CNode | null): DeclaratorInfo {
  const info: DeclaratorInfo = { name: '', nameNode: null, pointer: 0, array: false, isFunction: false, isPrototype: false };
  let n = node;
  for (let guard = 0; n && guard < 64; guard++) {
    switch (n.type) {
      case 'identifier': case 'field_identifier': case 'type_identifier':
        info.name = n.text; info.nameNode = n;
        return info;
      case 'pointer_declarator': case 'abstract_pointer_declarator':
        info.pointer++;
        n = n.childForFieldName('declarator');
        break;
      case 'array_declarator': case 'abstract_array_declarator':
        info.array = true;
        n = n.childForFieldName('declarator');
        break;
      case 'function_declarator': case 'abstract_function_declarator':
        info.isFunction = true;
        n = n.childForFieldName('declarator');
        if (n && n.type === 'identifier') info.isPrototype = true;
        break;
      case 'init_declarator': case 'attributed_declarator':
        n = n.childForFieldName('declarator') ?? n.firstNamedChild;
        break;
      case 'parenthesized_declarator':
        n = n.firstNamedChild;
        break;
      default:
        return info;
    }
  }
  return info;
}
