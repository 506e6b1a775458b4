// Types of names: locals and parameters of a function, struct fields, file-scope variables.
// These let the model type `X` in `spin_lock(&X->f)`.
import { DECL_MACROS } from './kernel-macros';
import { sourceOf } from './source-text';
import { declaratorInfo, kids, typeName, typeNameFromText } from './syntax';
import type { CFile, CFunction, CNode } from './types';

/** Statement-level nodes that can hold declarations; expressions are not searched. */
function mayHoldDeclarations(type: string): boolean {
  return !(type.endsWith('_expression') || type === 'expression_statement' || type === 'return_statement' ||
    type === 'argument_list' || type === 'string_literal' || type === 'initializer_list' || type === 'comment');
}

/** Parameters and locals (any block, `for` initialisers, declaration macros) -> type name. First declaration wins. */
export function localTypes(fn: CFunction): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of fn.params) out.set(p.name, p.type);
  const cursor = fn.body.walk();
  try {
    let depth = 0;
    for (;;) {
      const type = cursor.nodeType;
      let descend = mayHoldDeclarations(type);
      if (type === 'declaration') {
        addDeclaration(cursor.currentNode, out);
        descend = false;
      } else if (type === 'expression_statement') {
        const call = cursor.currentNode.firstNamedChild;
        if (call && call.type === 'call_expression') addMacroDeclaration(call, out);
      }
      if (descend && cursor.gotoFirstChild()) { depth++; continue; }
      for (;;) {
        if (depth === 0) return out;
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent(); depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** `struct vm_area_struct *vma = ..., *prev;` -> vma, prev: vm_area_struct. Prototypes are skipped. */
function addDeclaration(decl: CNode, out: Map<string, string>): void {
  const typeNode = decl.childForFieldName('type');
  if (!typeNode) return;
  const base = typeName(typeNode);
  const macro = typeNode.type === 'type_identifier' ? DECL_MACROS[typeNode.text] : undefined;
  for (const d of decl.childrenForFieldName('declarator')) {
    if (!d) continue;
    if (macro !== undefined) {
      // `static DEFINE_SPINLOCK(swap_lock);` parses as type DEFINE_SPINLOCK, declarator (swap_lock).
      const info = declaratorInfo(d);
      if (info.name && !out.has(info.name)) out.set(info.name, macro);
      continue;
    }
    if (d.type === 'function_declarator' && addMacroDeclarator(d, out)) continue;
    const info = declaratorInfo(d);
    if (!info.name || info.isPrototype) continue;
    if (!out.has(info.name)) out.set(info.name, base);
  }
}

/** `DEFINE_RWLOCK(tasklist_lock);` parsed as a prototype of DEFINE_RWLOCK. */
function addMacroDeclarator(fd: CNode, out: Map<string, string>): boolean {
  const id = fd.childForFieldName('declarator');
  const macro = id && id.type === 'identifier' ? DECL_MACROS[id.text] : undefined;
  if (macro === undefined) return false;
  const params = fd.childForFieldName('parameters');
  const ps = params ? kids(params).map(sourceOf) : [];
  bindMacro(macro, ps, out);
  return true;
}

/** `VMA_ITERATOR(vmi, mm, addr);` as a call statement. */
function addMacroDeclaration(call: CNode, out: Map<string, string>): void {
  const fn = call.childForFieldName('function');
  const macro = fn && fn.type === 'identifier' ? DECL_MACROS[fn.text] : undefined;
  if (macro === undefined) return;
  const args = call.childForFieldName('arguments');
  bindMacro(macro, args ? kids(args).map(sourceOf) : [], out);
}

function bindMacro(macro: string, args: string[], out: Map<string, string>): void {
  // '' marks DEFINE_PER_CPU(type, name); otherwise the first argument is the name.
  const [name, type] = macro === '' ? [args[1], typeNameFromText(args[0] ?? '')] : [args[0], macro];
  const id = name?.trim();
  if (id && /^[A-Za-z_]\w*$/.test(id) && !out.has(id)) out.set(id, type);
}

export interface StructField { struct: string; field: string; type: string }

/**
 * Fields of every struct/union definition in the file. Anonymous struct/union members are flattened
 * into their parent; a named member of anonymous type (`struct { ... } u;`) gets the type
 * `outer.u`, whose fields are listed under that name. A typedef'd anonymous struct uses the typedef name.
 */
export function structFields(file: CFile): StructField[] {
  const out: StructField[] = [];
  const cursor = file.tree.walk();
  try {
    for (;;) {
      const type = cursor.nodeType;
      let descend = type !== 'function_definition' && !type.endsWith('_expression') && type !== 'field_declaration_list';
      if ((type === 'struct_specifier' || type === 'union_specifier')) {
        const n = cursor.currentNode;
        const body = n.childForFieldName('body');
        if (body) {
          const name = structName(n);
          if (name) fieldsOf(body, name, out);
          descend = true; // named structs nested in this one are definitions too
        }
      }
      if (type === 'field_declaration_list') descend = true;
      if (descend && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return out;
    }
  } finally {
    cursor.delete();
  }
}

function structName(n: CNode): string {
  const tag = n.childForFieldName('name');
  if (tag) return tag.text;
  const parent = n.parent;
  if (parent && parent.type === 'type_definition') {
    const d = parent.childForFieldName('declarator');
    return declaratorInfo(d).name;
  }
  return ''; // anonymous: handled by its parent struct (or a variable of anonymous type: ignored)
}

function fieldsOf(list: CNode, struct: string, out: StructField[]): void {
  for (const item of kids(list)) {
    if (item.type.startsWith('preproc_')) { fieldsOf(item, struct, out); continue; }
    if (item.type !== 'field_declaration') continue;
    const typeNode = item.childForFieldName('type');
    const decls = item.childrenForFieldName('declarator').filter((d): d is CNode => !!d);
    const anonymous = typeNode && (typeNode.type === 'struct_specifier' || typeNode.type === 'union_specifier') &&
      !typeNode.childForFieldName('name') && typeNode.childForFieldName('body');
    if (anonymous && !decls.length) { fieldsOf(typeNode!.childForFieldName('body')!, struct, out); continue; }
    for (const d of decls) {
      const info = declaratorInfo(d);
      if (!info.name) continue;
      if (anonymous) {
        const inner = `${struct}.${info.name}`;
        out.push({ struct, field: info.name, type: inner });
        fieldsOf(typeNode!.childForFieldName('body')!, inner, out);
      } else {
        out.push({ struct, field: info.name, type: typeName(typeNode) });
      }
    }
  }
}

/** Top-level nodes that can hold file-scope declarations. */
const TOP = new Set(['translation_unit', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif',
  'preproc_elifdef', 'linkage_specification', 'declaration_list', 'ERROR']);

/**
 * File-scope variables -> type name: `spinlock_t mmlist_lock`, `extern rwlock_t tasklist_lock`,
 * `static DEFINE_SPINLOCK(swap_lock)` (spinlock_t), `DEFINE_RWLOCK(x)` (rwlock_t), `static DEFINE_MUTEX(m)` (mutex).
 */
export function globalTypes(file: CFile): Map<string, string> {
  const out = new Map<string, string>();
  const cursor = file.tree.walk();
  try {
    if (!cursor.gotoFirstChild()) return out;
    for (;;) {
      const type = cursor.nodeType;
      if (type === 'declaration') addDeclaration(cursor.currentNode, out);
      else if (type === 'expression_statement') {
        const call = cursor.currentNode.firstNamedChild;
        if (call && call.type === 'call_expression') addMacroDeclaration(call, out);
      } else if (TOP.has(type) && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || cursor.nodeType === 'translation_unit') return out;
      }
    }
  } finally {
    cursor.delete();
  }
}
