// Types of a function's local variables, read from the plain AST of its body.
import { Ast, child, textOf } from './ast';
import { declName } from './interpret';

/** `struct vm_area_struct *vma` -> vma: vm_area_struct; `spinlock_t *ptl` -> ptl: spinlock_t. */
export function localTypes(body: Ast, src: string, params: { name: string; type: string }[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of params) if (p.name) m.set(p.name, p.type);
  const walk = (n: Ast): void => {
    if (n.type === 'declaration') {
      const t = child(n, 'type');
      const tt = t ? baseType(textOf(src, t)) : '';
      for (const d of n.kids) {
        if (d.field !== 'declarator') continue;
        const name = declName(d.type === 'init_declarator' ? child(d, 'declarator') ?? d : d, src);
        if (name && tt) m.set(name, tt);
      }
    }
    for (const k of n.kids) walk(k);
  };
  walk(body);
  return m;
}

export function baseType(t: string): string {
  return t.replace(/\b(const|volatile|struct|union|enum|static|register)\b/g, '').replace(/[*\s]+/g, ' ').trim();
}
