// Control-flow graph of a C function body, built from the plain AST (sim/ast.ts).
// Nodes evaluate an expression (its calls in evaluation order) or branch on a condition leaf;
// `&&`, `||`, `!` and likely()/unlikely() in conditions become separate branches so that a trylock
// inside `if (a && spin_trylock(l))` is only taken on the paths that evaluate it.
import { Ast, child, makeAst, namedKids, textOf, unwrap } from './ast';

export type NodeKind = 'entry' | 'exit' | 'eval' | 'branch' | 'return' | 'join' | 'guard';

/**
 * A scope-based lock guard of <linux/cleanup.h>: `guard(type)(args)` holds from the statement to
 * the end of its block, `scoped_guard(type, args) { }` for the block; every way out of the scope
 * (falling off its end, return, break, continue, goto) releases it.
 */
export interface GuardScope {
  type: string;
  args: Ast[];
  /** scoped_cond_guard, or a conditional guard type: the body runs only when the lock was taken. */
  scopedCond: boolean;
  /** Where findings about it point: the guard call or the scoped_guard head. */
  site: Ast;
}

export interface Edge {
  to: number;
  /** The branch leaf is assumed to have this truth value along the edge. */
  assume?: boolean;
}

export interface CfgNode {
  id: number;
  kind: NodeKind;
  ast?: Ast;                 // eval: expression/declaration; branch: condition leaf; return: returned expr
  succ: Edge[];
  /** branch: whether what it controls contains lock-relevant calls (only then is its outcome remembered) */
  relevant?: boolean;
  /** guard: take (succ: the scope; for a conditional guard, assume true = taken) or release it. */
  guard?: { scope: GuardScope; release: boolean };
}

export interface Cfg {
  nodes: CfgNode[];
  entry: number;
  exit: number;
  truncated: boolean;        // parse trouble: some statement was not understood
}

interface Ctx {
  breakTo?: number;
  continueTo?: number;
  labels: Map<string, number>;
  /** Guards held here, outermost first; break/continue leave those past the loop's depth. */
  guards: GuardScope[];
  breakDepth?: number;
  continueDepth?: number;
}

const MAX_NODES = 200_000;

export function buildCfg(body: Ast, src: string, isRelevant: (n: Ast) => boolean = () => true): Cfg {
  const nodes: CfgNode[] = [];
  let truncated = false;
  const mk = (kind: NodeKind, ast?: Ast, succ: Edge[] = []): number => {
    if (nodes.length >= MAX_NODES) { truncated = true; return exitId; }
    nodes.push({ id: nodes.length, kind, ast, succ });
    return nodes.length - 1;
  };
  const exitId = 0;
  nodes.push({ id: 0, kind: 'exit', succ: [] });

  const labels = new Map<string, number>();
  collectLabels(body, src, (name) => { if (!labels.has(name)) labels.set(name, mk('join')); });
  // The guards in scope at each label: a goto releases the ones its label is outside of.
  const labelGuards = guardsAtLabels(body, src);

  /** Release `scopes` (given outermost first; released innermost first), then go on to `next`. */
  const releasing = (scopes: GuardScope[], next: number): number => {
    let n = next;
    for (const g of scopes) n = mk('guard', g.site, [{ to: n }]), nodes[n].guard = { scope: g, release: true };
    return n;
  };
  /** Take `g`, run `inner` (its scope's entry); when a conditional guard fails, go to `skip`. */
  const taking = (g: GuardScope, inner: number, skip: number): number => {
    const n = mk('guard', g.site, [{ to: inner, assume: true }, { to: skip, assume: false }]);
    nodes[n].guard = { scope: g, release: false };
    return n;
  };

  const stmt = (s: Ast, next: number, ctx: Ctx): number => {
    switch (s.type) {
      case 'compound_statement':
        return seq(namedKids(s), next, ctx);
      case 'expression_statement': {
        const e = namedKids(s)[0];
        return e ? mk('eval', e, [{ to: next }]) : next;
      }
      case 'declaration':
        return hasCall(s) || hasInit(s) ? mk('eval', s, [{ to: next }]) : next;
      case 'if_statement': {
        const cond = child(s, 'condition');
        const cons = child(s, 'consequence');
        const alt = child(s, 'alternative');
        const t = cons ? stmt(cons, next, ctx) : next;
        const altStmt = alt ? (alt.type === 'else_clause' ? namedKids(alt)[0] : alt) : undefined;
        const f = altStmt ? stmt(altStmt, next, ctx) : next;
        return cond ? condition(cond, t, f, (cons ? isRelevant(cons) : false) || (altStmt ? isRelevant(altStmt) : false)) : t;
      }
      case 'while_statement': {
        const body = child(s, 'body');
        const g = scopedGuardOf(s, src);
        if (g) {
          // The scope runs once; break and continue leave it (it is a `for` in cleanup.h).
          const out = releasing([g], next);
          const inner: Ctx = { ...ctx, guards: [...ctx.guards, g], breakTo: next, continueTo: next, breakDepth: ctx.guards.length, continueDepth: ctx.guards.length };
          return taking(g, body ? stmt(body, out, inner) : out, next);
        }
        const head = mk('join');
        const b = body ? stmt(body, head, { ...ctx, breakTo: next, continueTo: head, breakDepth: ctx.guards.length, continueDepth: ctx.guards.length }) : head;
        const cond = child(s, 'condition');
        // A loop's condition is never remembered as a path fact: the body changes what it tests
        // (and an iterator macro's arguments do not even say how).
        const c = cond ? condition(cond, b, next, false) : b;
        nodes[head].succ = [{ to: c }];
        return head;
      }
      case 'do_statement': {
        const head = mk('join');
        const condJoin = mk('join');
        const body = child(s, 'body');
        const b = body ? stmt(body, condJoin, { ...ctx, breakTo: next, continueTo: condJoin, breakDepth: ctx.guards.length, continueDepth: ctx.guards.length }) : condJoin;
        const cond = child(s, 'condition');
        nodes[condJoin].succ = [{ to: cond ? condition(cond, head, next, false) : next }];
        nodes[head].succ = [{ to: b }];
        return head;
      }
      case 'for_statement': {
        const head = mk('join');
        const upd = child(s, 'update');
        const updNode = mk('join');
        const body = child(s, 'body');
        const b = body ? stmt(body, updNode, { ...ctx, breakTo: next, continueTo: updNode, breakDepth: ctx.guards.length, continueDepth: ctx.guards.length }) : updNode;
        nodes[updNode].succ = [{ to: upd ? mk('eval', upd, [{ to: head }]) : head }];
        const cond = child(s, 'condition');
        nodes[head].succ = [{ to: cond ? condition(cond, b, next, false) : b }];
        const init = child(s, 'initializer');
        return init ? mk('eval', init, [{ to: head }]) : head;
      }
      case 'return_statement': {
        const e = namedKids(s)[0];
        // The value is computed first, then every guard is released on the way out.
        return mk('return', e, [{ to: releasing(ctx.guards, exitId) }]);
      }
      case 'break_statement':
        return ctx.breakTo === undefined ? next : releasing(ctx.guards.slice(ctx.breakDepth ?? 0), ctx.breakTo);
      case 'continue_statement':
        return ctx.continueTo === undefined ? next : releasing(ctx.guards.slice(ctx.continueDepth ?? 0), ctx.continueTo);
      case 'goto_statement': {
        const l = child(s, 'label');
        const name = l ? textOf(src, l) : undefined;
        const target = name !== undefined ? labels.get(name) : undefined;
        if (target === undefined) return exitId;
        const keep = labelGuards.get(name!) ?? new Set<number>();
        return releasing(ctx.guards.filter((g) => !keep.has(g.site.start)), target);
      }
      case 'labeled_statement': {
        const l = child(s, 'label');
        const id = l ? labels.get(textOf(src, l)) : undefined;
        const inner = namedKids(s).filter((k) => k.field !== 'label');
        const after = seq(inner, next, ctx);
        if (id === undefined) return after;
        nodes[id].succ = [{ to: after }];
        return id;
      }
      case 'switch_statement': {
        const body = child(s, 'body');
        const cond = child(s, 'condition');
        const cases = body ? namedKids(body).filter((k) => k.type === 'case_statement') : [];
        const inner: Ctx = { ...ctx, breakTo: next, breakDepth: ctx.guards.length };
        // Build backwards so each case falls through into the next.
        let follow = next;
        const entries: number[] = [];
        let hasDefault = false;
        for (let i = cases.length - 1; i >= 0; i--) {
          const c = cases[i];
          const stmts = namedKids(c).filter((k) => k.field !== 'value');
          follow = seq(stmts, follow, inner);
          entries.unshift(follow);
          if (!child(c, 'value')) hasDefault = true;
        }
        const succ: Edge[] = entries.map((to) => ({ to }));
        if (!hasDefault) succ.push({ to: next });
        const dispatch = mk('join', undefined, succ);
        return cond && hasCall(cond) ? mk('eval', cond, [{ to: dispatch }]) : dispatch;
      }
      case 'attributed_statement':
        return seq(namedKids(s).filter((k) => k.type !== 'attribute_declaration'), next, ctx);
      case 'preproc_if': case 'preproc_ifdef': case 'preproc_else': case 'preproc_elif':
        // The neutralizer normally removes these; if one remains, take its first branch's statements.
        return seq(namedKids(s).filter((k) => k.field !== 'condition' && k.field !== 'name' && k.field !== 'alternative'), next, ctx);
      case 'ERROR':
        truncated = true;
        return seq(namedKids(s), next, ctx);
      case 'comment': case 'preproc_call': case 'preproc_def': case 'preproc_function_def':
      case 'type_definition': case 'struct_specifier': case 'enum_specifier': case 'union_specifier':
        return next;
      default:
        // Expressions that stand as statements inside ERROR recovery, and anything unknown with calls.
        if (s.type.endsWith('_expression') || s.type === 'identifier') return hasCall(s) ? mk('eval', s, [{ to: next }]) : next;
        if (s.type === ';' || !s.named) return next;
        if (s.missing) { truncated = true; return next; }
        return hasCall(s) ? mk('eval', s, [{ to: next }]) : next;
    }
  };

  const seq = (list: Ast[], next: number, ctx: Ctx): number => {
    // `guard(type)(args);` holds to the end of the statement list it stands in.
    const at = list.findIndex((k) => guardStatementOf(k, src) !== undefined);
    let n = next;
    let end = list.length;
    if (at >= 0) {
      const g = guardStatementOf(list[at], src)!;
      const rest = seq(list.slice(at + 1), releasing([g], next), { ...ctx, guards: [...ctx.guards, g] });
      n = taking(g, rest, next);
      end = at;
    }
    for (let i = end - 1; i >= 0; i--) n = stmt(list[i], n, ctx);
    return n;
  };

  const condition = (c: Ast, t: number, f: number, relevant = true): number => {
    const e = unwrap(src, c);
    if (e.type === 'unary_expression' && src.slice(e.start, e.start + 1) === '!') {
      const arg = child(e, 'argument');
      if (arg) return condition(arg, f, t, relevant);
    }
    if (e.type === 'binary_expression') {
      const op = operatorOf(e, src);
      const l = child(e, 'left');
      const r = child(e, 'right');
      if (l && r && op === '&&') return condition(l, condition(r, t, f, relevant), f, relevant);
      if (l && r && op === '||') return condition(l, t, condition(r, t, f, relevant), relevant);
    }
    if (e.type === 'comma_expression') {
      const l = child(e, 'left');
      const r = child(e, 'right');
      if (l && r) return mk('eval', l, [{ to: condition(r, t, f, relevant) }]);
    }
    if (e.type === 'number_literal' || e.type === 'true' || e.type === 'false') {
      const v = e.type === 'true' || (e.type === 'number_literal' && !/^0+[uUlL]*$/.test(textOf(src, e)));
      return v ? t : f;
    }
    const id = mk('branch', e, [{ to: t, assume: true }, { to: f, assume: false }]);
    nodes[id].relevant = relevant;
    return id;
  };

  const entry = stmt(body, exitId, { labels, guards: [] });
  const entryId = mk('entry', undefined, [{ to: entry }]);
  return { nodes, entry: entryId, exit: exitId, truncated };
}

export function operatorOf(e: Ast, src: string): string {
  const op = e.kids.find((k) => k.field === 'operator');
  return op ? src.slice(op.start, op.end) : '';
}

/** `guard(type)(args);`: its scope, or undefined. */
export function guardStatementOf(s: Ast, src: string): GuardScope | undefined {
  if (s.type !== 'expression_statement') return undefined;
  const call = namedKids(s)[0];
  if (!call || call.type !== 'call_expression') return undefined;
  const inner = child(call, 'function');
  if (!inner || inner.type !== 'call_expression') return undefined;
  const f = child(inner, 'function');
  if (!f || f.type !== 'identifier' || textOf(src, f) !== 'guard') return undefined;
  const typeArgs = child(inner, 'arguments');
  const type = typeArgs ? namedKids(typeArgs)[0] : undefined;
  if (!type || type.type !== 'identifier') return undefined;
  const args = child(call, 'arguments');
  return { type: textOf(src, type), args: args ? namedKids(args) : [], scopedCond: false, site: call };
}

/** `scoped_guard(type, args)` / `scoped_cond_guard(type, fail, args)`, which the neutralizer made a
 *  `while` head (the original text still names the macro at the statement's start). */
export function scopedGuardOf(s: Ast, src: string): GuardScope | undefined {
  if (s.type !== 'while_statement') return undefined;
  const cond = src.startsWith('scoped_cond_guard', s.start);
  if (!cond && !src.startsWith('scoped_guard', s.start)) return undefined;
  const head = child(s, 'condition');
  if (!head) return undefined;
  const items: Ast[] = [];
  const flatten = (e: Ast): void => {
    if (e.type === 'comma_expression') { const l = child(e, 'left'), r = child(e, 'right'); if (l) flatten(l); if (r) flatten(r); }
    else items.push(e);
  };
  const inside = namedKids(head)[0];
  if (inside) flatten(inside);
  const type = items[0];
  if (!type || type.type !== 'identifier') return undefined;
  return { type: textOf(src, type), args: items.slice(cond ? 2 : 1), scopedCond: cond, site: makeAst(s.type, s.start, head.end, s.row, s.col, head.endRow, head.endCol, s.field, s.named, s.missing) };
}

/** For each label, the guards (by site offset) in scope where it stands. */
function guardsAtLabels(body: Ast, src: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  const walk = (n: Ast, held: number[]): void => {
    if (n.type === 'labeled_statement') {
      const l = child(n, 'label');
      if (l) out.set(textOf(src, l), new Set(held));
    }
    const sg = scopedGuardOf(n, src);
    if (sg) { for (const k of n.kids) walk(k, k.field === 'body' ? [...held, sg.site.start] : held); return; }
    let cur = held;
    for (const k of n.kids) {
      walk(k, cur);
      const g = guardStatementOf(k, src);
      if (g) cur = [...cur, g.site.start];
    }
  };
  walk(body, []);
  return out;
}

function collectLabels(n: Ast, src: string, add: (name: string) => void): void {
  if (n.type === 'labeled_statement') {
    const l = child(n, 'label');
    if (l) add(textOf(src, l));
  }
  for (const k of n.kids) collectLabels(k, src, add);
}

export function hasCall(n: Ast): boolean {
  if (n.type === 'call_expression') return true;
  for (const k of n.kids) if (hasCall(k)) return true;
  return false;
}

function hasInit(n: Ast): boolean {
  return n.kids.some((k) => k.type === 'init_declarator');
}
