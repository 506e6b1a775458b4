// Test harness for the simulator: parses small C with raw tree-sitter-c (fixtures avoid kernel
// macros) and runs every function with the mini profile and a simple order.
import * as fs from 'fs';
import * as path from 'path';
import { toAst, Ast, child, namedKids, textOf } from '../../server/src/sim/ast';
import { analyzeFunction, FunctionInput, FunctionResult, declName, OrderLike } from '../../server/src/sim/interpret';
import { indexProfile } from '../../server/src/model/resolve';
import type { Profile, OrderEdge } from '../../server/src/model/profile-types';
import type { Summary } from '../../server/src/sim/summary-types';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const TS = require('web-tree-sitter');
let parser: { parse(s: string): { rootNode: unknown; delete(): void } } | undefined;

export async function initHarness(): Promise<void> {
  if (parser) return;
  await TS.Parser.init();
  const lang = await TS.Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm'));
  const p = new TS.Parser();
  p.setLanguage(lang);
  parser = p;
}

export function miniProfile(): Profile {
  return JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/sim/mini-profile.json'), 'utf8'));
}

export function simpleOrder(edges: OrderEdge[]): OrderLike {
  const succ = new Map<string, OrderEdge[]>();
  for (const e of edges) { const l = succ.get(e.outer) ?? []; l.push(e); succ.set(e.outer, l); }
  const explain = (a: string, b: string): OrderEdge[] | null => {
    const prev = new Map<string, OrderEdge>();
    const q = [a];
    const seen = new Set([a]);
    while (q.length) {
      const x = q.shift()!;
      if (x === b) {
        const chain: OrderEdge[] = [];
        for (let y = b; y !== a; y = prev.get(y)!.outer) chain.unshift(prev.get(y)!);
        return chain;
      }
      for (const e of succ.get(x) ?? []) if (!seen.has(e.inner)) { seen.add(e.inner); prev.set(e.inner, e); q.push(e.inner); }
    }
    return null;
  };
  return { before: (a, b) => a !== b && explain(a, b) !== null, explain };
}

function paramsOf(decl: Ast, src: string): { name: string; type: string }[] {
  const fd = findType(decl, 'function_declarator');
  const pl = fd ? child(fd, 'parameters') : undefined;
  if (!pl) return [];
  return namedKids(pl).filter((p) => p.type === 'parameter_declaration').map((p) => {
    const t = child(p, 'type');
    const d = child(p, 'declarator');
    const tt = t ? textOf(src, t).replace(/^(struct|union)\s+/, '') : '';
    return { name: d ? declName(d, src) ?? '' : '', type: tt };
  });
}

function findType(n: Ast, type: string): Ast | undefined {
  if (n.type === type) return n;
  for (const k of n.kids) { const r = findType(k, type); if (r) return r; }
  return undefined;
}

function localsOf(body: Ast, src: string, params: { name: string; type: string }[]): Map<string, string> {
  const m = new Map(params.map((p) => [p.name, p.type] as const));
  const walk = (n: Ast): void => {
    if (n.type === 'declaration') {
      const t = child(n, 'type');
      const tt = t ? textOf(src, t).replace(/^(struct|union)\s+/, '') : '';
      for (const d of n.kids.filter((k) => k.field === 'declarator')) {
        const name = declName(d, src);
        if (name) m.set(name, tt);
      }
    }
    n.kids.forEach(walk);
  };
  walk(body);
  return m;
}

export function functionsOf(code: string, file = 'mm/test.c'): FunctionInput[] {
  const tree = parser!.parse(code);
  try {
    const root = toAst(tree.rootNode as never);
    const out: FunctionInput[] = [];
    for (const n of root.kids) {
      if (n.type !== 'function_definition') continue;
      const decl = child(n, 'declarator')!;
      const fd = findType(decl, 'function_declarator')!;
      const nameNode = child(fd, 'declarator')!;
      const body = child(n, 'body')!;
      const params = paramsOf(decl, code);
      out.push({
        name: textOf(code, nameNode), file, src: code, body, params, locals: localsOf(body, code, params),
        annotations: [], line: n.row + 1, endLine: n.endRow + 1, returnsPointer: !!findType(decl, 'pointer_declarator') && findType(decl, 'pointer_declarator')!.start <= fd.start,
      });
    }
    return out;
  } finally { tree.delete(); }
}

/** Analyse every function of `code`, callees first through summaries; results by function name. */
export function simulate(code: string, profile: Profile = miniProfile()): Map<string, FunctionResult> {
  const fns = functionsOf(code);
  const ix = indexProfile(profile);
  const order = simpleOrder(profile.order);
  const results = new Map<string, FunctionResult>();
  const active = new Set<string>();
  const summaryOf = (name: string): Summary | undefined => {
    if (results.has(name)) return results.get(name)!.summary;
    const fn = fns.find((f) => f.name === name);
    if (!fn || active.has(name)) return undefined;
    return run(fn).summary;
  };
  const run = (fn: FunctionInput): FunctionResult => {
    active.add(fn.name);
    const r = analyzeFunction(fn, { ix, order, globals: new Map(), summaryOf, collectSites: true, collectTraces: true });
    active.delete(fn.name);
    results.set(fn.name, r);
    return r;
  };
  for (const fn of fns) if (!results.has(fn.name)) run(fn);
  return results;
}

export function codes(r: FunctionResult | undefined): string[] {
  return (r?.findings ?? []).map((f) => `${f.code}@${f.line}`).sort();
}
