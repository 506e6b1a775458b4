// Per-function lock-state interpretation over the CFG: a worklist over a bounded set of states per
// program point. Checks run as effects apply; the function's summary and traces fall out of the exits.
import { Ast, child, makeAst, namedKids, textOf, unwrap } from './ast';
import { buildCfg, Cfg, CfgNode, operatorOf, scopedGuardOf } from './cfg';
import {
  addHeld, atomicReason, clone, Fact, Held, initialState, invalidate, isAtomic, isErrFact, pushTrace,
  setFact, Site, spinsIn, State, stateKey, traceEvents, truthy,
  clearFacts, ownBinds, ownFacts, ownHeld, ownReleased, ownReleasedAt, ownTouched,
} from './state';
import type { LockTemplate, Summary, SummaryExit } from './summary-types';
import type { Trace, TraceEvent } from './trace-types';
import {
  classOnObject, normalizeLockExpr, ProfileIndex, resolveCall, ROp, TypeEnv,
} from '../model/resolve';
import type { FindingCode } from '../findings';
import type { Guard, OrderEdge } from '../model/profile-types';

export interface OrderLike {
  before(outer: string, inner: string): boolean;
  explain(outer: string, inner: string): OrderEdge[] | null;
}

export interface FunctionInput {
  name: string;
  file: string;
  src: string;               // the text the AST offsets refer to (original, not neutralized)
  body: Ast;
  params: { name: string; type: string }[];
  locals: Map<string, string>;
  annotations: { kind: 'acquires' | 'releases' | 'must_hold'; expr: string }[];
  partial?: boolean;         // a fragment (hunk-only mode): no balance checks
  returnsPointer?: boolean;  // NULL is then a failure return, not success
  bodyText?: string;         // the body's text (lets callers decide cheaply whether to simulate)
  bodyLine?: number;         // 1-based line where the body starts
  line: number;              // 1-based line of the definition
  endLine: number;
}

export interface RawFinding {
  code: FindingCode;
  line: number; col: number; endLine: number; endCol: number;
  message: string;
  locks: string[];
  classes: string[];
  related: { file: string; line: number; column?: number; message: string }[];
  source?: string;
}

export interface SiteInfo {
  line: number; col: number; endCol: number;
  api: string; op: string; class: string | null; instance: string;
  paths: number;
  held: Map<string, { lock: string; class: string | null; mode: 'read' | 'write'; paths: number }>;
}

export interface FunctionResult {
  findings: RawFinding[];
  summary: Summary;
  traces: Trace[];
  sites: SiteInfo[];
  limit?: string;
  /** Observed nestings (outer class -> inner class) for learning the order from code. */
  nestings: { outer: string; inner: string; site: Site; outerSite: Site }[];
  /** The same under the variant profile, when the context has one (InterpretContext.variant). */
  variant?: VariantResult;
}

/** What a function gives under a what-if's edited profile: its findings, summary and nestings. */
export interface VariantResult {
  findings: RawFinding[];
  summary: Summary;
  nestings: FunctionResult['nestings'];
}

/**
 * A second profile evaluated in the same simulation (a what-if edit that changes only lock kinds
 * and the order). The walk over states does not depend on kinds or the order (they decide what is
 * reported and what callers are told, not which states arise), so one walk serves both profiles.
 */
export interface VariantContext {
  ix: ProfileIndex;
  order: OrderLike;
  /** Callees' summaries under the variant profile. */
  summaryOf(name: string): Summary | undefined;
}

export interface Limits { maxStatesPerNode: number; maxSteps: number; maxMs: number }
export const DEFAULT_LIMITS: Limits = { maxStatesPerNode: 48, maxSteps: 20_000, maxMs: 2000 };

export interface InterpretContext {
  ix: ProfileIndex;
  order: OrderLike;
  globals: Map<string, string>;
  /** struct field types from the tree ("compact_control.zone" -> "zone") */
  fieldTypes?: Map<string, string>;
  summaryOf(name: string): Summary | undefined;
  limits?: Limits;
  collectSites?: boolean;
  collectTraces?: boolean;
  /** Guard types the tree's headers define (DEFINE_GUARD...), for those the profile lacks. */
  guardOf?(type: string): Guard | undefined;
  variant?: VariantContext;
}

// The generic primitives say what kind of lock they take, whatever the profile believes the class
// is: a patch that converts i_mmap_lock to a mutex calls mutex_lock() on it. Class-specific APIs
// (lock_page, mmap_read_lock, pte_offset_map_lock) take their kind from the class.
const SPIN_API = /^(raw_)?(spin|read|write)_(lock|trylock)|^bit_spin_(lock|trylock)|^(xa|xas)_lock/;
const SLEEP_API = /^(mutex_lock|mutex_trylock|down_(read|write)|_?_?down_|mutex_lock_)/;

function primitiveKind(api: string): 'spin' | 'sleep' | undefined {
  if (SLEEP_API.test(api)) return 'sleep';
  if (SPIN_API.test(api)) return 'spin';
  return undefined;
}

/** Whether holding a lock taken by this API makes the context atomic. */
function apiSpins(api: string, cls: string | null, ix: ProfileIndex): boolean {
  const c = cls ? ix.classes.get(cls) : undefined;
  if (c?.kindOverridesApi) return c.kind === 'spinlock' || c.kind === 'raw_spinlock' || c.kind === 'rwlock' || c.kind === 'bit_spinlock';
  const p = primitiveKind(api);
  if (p) return p === 'spin';
  if (cls) {
    const k = ix.classes.get(cls)?.kind;
    if (k) return k === 'spinlock' || k === 'raw_spinlock' || k === 'rwlock' || k === 'bit_spinlock';
  }
  return false;
}

/** Whether acquiring (blocking, not try) with this API may sleep. */
function apiSleeps(api: string, cls: string | null, ix: ProfileIndex): boolean {
  const c = cls ? ix.classes.get(cls) : undefined;
  if (c?.kindOverridesApi) return c.sleeps && !/trylock/.test(api);
  const p = primitiveKind(api);
  if (p) return p === 'sleep' && !/trylock/.test(api);
  if (cls) {
    const c = ix.classes.get(cls);
    if (c) return c.sleeps;
  }
  return /^(lock_page|folio_lock)/.test(api);
}

export function analyzeFunction(fn: FunctionInput, ctx: InterpretContext): FunctionResult {
  const ix = ctx.ix;
  const limits = ctx.limits ?? DEFAULT_LIMITS;
  const src = fn.src;
  // Which calls can change lock state: API calls with lock or context effects, and calls of
  // functions whose summaries do. Branches that control none of them need not be remembered.
  const lockish = new Map<string, boolean>();
  const isLockishName = (name: string): boolean => {
    let v = lockish.get(name);
    if (v !== undefined) return v;
    if (name === 'guard') { lockish.set(name, true); return true; }
    const api = ix.apis.get(name);
    if (api) v = api.effects.some((e) => e.op !== 'may-sleep');
    else {
      const sum = ctx.summaryOf(name);
      v = !!sum && (sum.exits.some((e) => e.acquired.length || e.released.length || e.rcu || e.preempt || e.irqOff));
    }
    lockish.set(name, v);
    return v;
  };
  const relevantMemo = new Map<Ast, boolean>();
  const relevantRegion = (n: Ast): boolean => {
    let v = relevantMemo.get(n);
    if (v !== undefined) return v;
    v = false;
    if (n.type === 'call_expression') {
      const f = child(n, 'function');
      if (f && f.type === 'identifier' && isLockishName(textOf(src, f))) v = true;
    }
    if (!v && n.type === 'while_statement' && scopedGuardOf(n, src)) v = true;
    if (!v && n.type !== 'return_statement' && n.type !== 'goto_statement') v = n.kids.some(relevantRegion);
    relevantMemo.set(n, v);
    return v;
  };
  // Whether evaluating an expression can change the state (else it runs on the state as it is).
  const mutatesMemo = new Map<Ast, boolean>();
  const mutates = (n: Ast): boolean => {
    let v = mutatesMemo.get(n);
    if (v !== undefined) return v;
    const walk = (x: Ast): boolean => {
      if (x.type === 'assignment_expression' || x.type === 'update_expression' || x.type === 'init_declarator') return true;
      if (x.type === 'call_expression') {
        const f = child(x, 'function');
        if (f && f.type === 'identifier') {
          const name = textOf(src, f);
          if (ix.apis.has(name) || isLockishName(name)) return true;
        }
      }
      return x.kids.some(walk);
    };
    v = walk(n);
    mutatesMemo.set(n, v);
    return v;
  };
  // Variables whose value the function returns: constant assignments to them are remembered,
  // so exits can be told apart by return value.
  const returned = new Set<string>();
  const collectReturns = (n: Ast): void => {
    if (n.type === 'return_statement') { const e = namedKids(n)[0]; if (e && e.type === 'identifier') returned.add(textOf(src, e)); }
    for (const k of n.kids) collectReturns(k);
  };
  collectReturns(fn.body);
  const cfg: Cfg = buildCfg(fn.body, src, relevantRegion);
  // Variables tested by branches that matter: their values are worth remembering.
  const condVars = new Set<string>();
  for (const n of cfg.nodes) {
    if (n.kind !== 'branch' || n.relevant === false || !n.ast) continue;
    for (const m of textOf(src, n.ast).match(/[A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*)*/g) ?? []) condVars.add(m);
  }
  // Views: 0 is the profile, 1 the variant profile when the context has one (see VariantContext).
  // States are shared; what is reported, the nestings seen and the summary are kept per view.
  const V = ctx.variant;
  const views = V ? [0, 1] : [0];
  const ixOf = (v: number): ProfileIndex => (v && V ? V.ix : ix);
  const orderOf = (v: number): OrderLike => (v && V ? V.order : ctx.order);
  const sleepsPerView = (api: string, cls: string | null): boolean[] => (V ? [apiSleeps(api, cls, ix), apiSleeps(api, cls, V.ix)] : [apiSleeps(api, cls, ix)]);
  /** Whether a lock taken by `api` spins under each view: the variant's answer, given the profile's. */
  const vspinsOf = (api: string, cls: string | null, spins: boolean): boolean => (V ? apiSpins(api, cls, V.ix) : spins);
  const findingsOf = [new Map<string, RawFinding>(), new Map<string, RawFinding>()];
  const sites = new Map<number, SiteInfo>();
  const nestingsOf: FunctionResult['nestings'][] = [[], []];
  const takes = new Map<string, Template>();
  const maySleepOf: Summary['maySleep'][] = [null, null];
  const gfpParams = new Set<number>();
  let limit: string | undefined = cfg.truncated ? 'part of the body did not parse' : undefined;
  const paramIndex = new Map(fn.params.map((p, i) => [p.name, i] as const));

  const site = (n: Ast): Site => ({ file: fn.file, line: n.row + 1, col: n.col + 1, endLine: n.endRow + 1, endCol: n.endCol + 1 });

  // While a guard's lock API runs, messages name the guard the code wrote, not the API behind it.
  let shownAs: { api: string; as: string } | undefined;
  const reportIn = (v: number, code: FindingCode, at: Ast, message: string, locks: string[], classes: (string | null)[],
    related: RawFinding['related'], source?: string): void => {
    if (shownAs) message = message.split(`${shownAs.api}()`).join(shownAs.as);
    const cls = classes.filter((c): c is string => !!c);
    const key = `${code}:${at.row}:${at.col}:${cls.length ? cls.join(',') : locks.join(',')}`;
    const findings = findingsOf[v];
    if (findings.has(key)) return;
    findings.set(key, {
      code, line: at.row + 1, col: at.col + 1, endLine: at.endRow + 1, endCol: at.endCol + 1,
      message, locks, classes: classes.filter((c): c is string => !!c), related, source,
    });
  };
  /** A finding that does not depend on kinds or the order: the same under every view. */
  const report = (code: FindingCode, at: Ast, message: string, locks: string[], classes: (string | null)[],
    related: RawFinding['related'], source?: string): void => {
    for (const v of views) reportIn(v, code, at, message, locks, classes, related, source);
  };

  const envFor = (s: State): TypeEnv => ({
    local: (n) => fn.locals.get(n),
    global: (n) => ctx.globals.get(n),
    bound: (e) => s.binds.get(e),
    param: (n) => paramIndex.get(n),
    field: (f) => ctx.fieldTypes?.get(f),
  });

  // ---- templates for summaries: rewrite instances rooted at parameters to $i
  const toTemplate = (h: Held | Template): Template => {
    let inst = rootAtParam(h.instance);
    let label = rootAtParam(h.label);
    const m = /^([A-Za-z_]\w*)(.*)$/.exec(inst);
    if (m && paramIndex.has(m[1])) {
      inst = `$${paramIndex.get(m[1])}${m[2]}`;
    }
    const lm = /^([A-Za-z_]\w*)(.*)$/.exec(label);
    if (lm && paramIndex.has(lm[1])) label = `$${paramIndex.get(lm[1])}${lm[2]}`;
    return { class: h.class, instance: inst, label, mode: h.mode, spins: h.spins, vspins: h.vspins, nested: h.nested, site: h.site };
  };

  // Locals initialised from a parameter path (`struct anon_vma *anon_vma = vma->anon_vma;`), so a
  // lock reached through them is named from the parameter in summaries.
  const aliases = new Map<string, string>();
  const rootAtParam = (x: string): string => {
    for (let i = 0; i < 3; i++) {
      const m = /^([A-Za-z_]\w*)(.*)$/.exec(x);
      if (!m || paramIndex.has(m[1])) return x;
      const a = aliases.get(m[1]);
      if (!a) return x;
      x = a + m[2];
    }
    return x;
  };

  const noteTake = (h: Held | Template): void => {
    if (cur && (cur.released.length || cur.dropped)) return;
    const t = toTemplate(h);
    const k = t.class ?? t.instance;
    if (!takes.has(k)) takes.set(k, t);
  };

  // What a caller sees: sleeps and lock takes that happen while everything it holds is still held.
  // Code after the function dropped one of the caller's locks (a lock break) does not run in the
  // caller's context.
  let cur: State | null = null;
  const noteSleepIn = (v: number, at: Site, why: string): void => {
    if (!maySleepOf[v] && !(cur && (cur.released.length || cur.dropped))) maySleepOf[v] = { site: at, why };
  };
  const noteSleep = (at: Site, why: string): void => { for (const v of views) noteSleepIn(v, at, why); };

  // ---- checks applied when a lock is about to be acquired
  // `sleeps`: per view (acquiring a class whose kind the variant changed sleeps in one view only).
  const checkAcquire = (s: State, h: Held, at: Ast, api: string, sleeps: readonly boolean[], viaWhy?: string, retaking = false): void => {
    for (const v of views) checkAcquireIn(v, s, h, at, api, sleeps[v], viaWhy, retaking);
  };
  const checkAcquireIn = (v: number, s: State, h: Held, at: Ast, api: string, sleeps: boolean, viaWhy: string | undefined, retaking: boolean): void => {
    const ix = ixOf(v);
    const order = orderOf(v);
    if (sleeps && isAtomic(s, v)) {
      const r = atomicReason(s, v)!;
      const what = viaWhy ?? `${api}() takes ${h.label}${h.class ? ` (${describeKind(h.class, ix)})` : ''}, which may sleep,`;
      reportIn(v, 'sleep-in-atomic', at, `${what} while ${r.why}`,
        [r.lock?.label ?? 'atomic', h.label], [r.lock?.class ?? null, h.class],
        r.site ? [{ file: r.site.file, line: r.site.line, column: r.site.col, message: r.lock ? `${r.lock.label} taken here` : `${r.why} from here` }] : []);
    }
    for (const o of s.held) {
      const same = o.instance === h.instance || (h.class !== null && o.class === h.class && !isPageLockClass(h.class, ix));
      if (same) {
        if (h.nested || o.nested && o.instance !== h.instance) continue;
        if (retaking && o.instance === h.instance) continue;
        if (o.assumed && o.instance !== h.instance) continue;
        const both = o.mode === 'read' && h.mode === 'read' && o.instance !== h.instance;
        if (both) continue;
        reportIn(v, 'double-lock', at,
          `${api}() takes ${h.label} while ${o.label}${o.class ? ` (same class ${o.class})` : ''} is already held${o.instance === h.instance ? '' : ' without a nesting annotation (spin_lock_nested, *_nest_lock)'}`,
          [o.label, h.label], [o.class, h.class],
          [{ file: o.site.file, line: o.site.line, column: o.site.col, message: `${o.label} taken here` }]);
        continue;
      }
      if (h.class && o.class && h.class !== o.class) {
        if (order.before(h.class, o.class)) {
          const chain = order.explain(h.class, o.class) ?? [];
          const rule = chain.map((e) => `${e.outer} -> ${e.inner}`).join(', ');
          const src0 = chain.map((e) => e.source).filter((x, i, a) => a.indexOf(x) === i).join('; ');
          reportIn(v, 'lock-order', at,
            `${api}() takes ${h.label} (${h.class}) while holding ${o.label} (${o.class}); the documented order is ${h.class} before ${o.class}${rule ? ` (${rule})` : ''}`,
            [o.label, h.label], [o.class, h.class],
            [{ file: o.site.file, line: o.site.line, column: o.site.col, message: `${o.label} taken here` },
              ...chain.map((e) => ({ file: e.source, line: 0, message: `rule: ${e.outer} -> ${e.inner}${e.note ? ' ' + e.note : ''}` })).filter(() => false)],
            src0 || undefined);
        } else if (!o.assumed) {
          nestingsOf[v].push({ outer: o.class, inner: h.class, site: h.site, outerSite: o.site });
        }
      }
    }
    const cls = h.class ? ix.classes.get(h.class) : undefined;
    if (cls?.irqSafe && s.irqOff === 0 && !h.nested && !viaWhy) {
      reportIn(v, 'irq-state', at,
        `${api}() takes ${h.label} (${h.class}) with interrupts enabled, but ${h.class} is also taken from interrupt context: use the _irq or _irqsave form`,
        [h.label], [h.class], [], cls.source);
    }
  };

  // ---- the effect of one resolved API call; returns the successor states
  const applyOps = (s0: State, ops: ROp[], call: Ast, api: string, target: string | undefined): State[] => {
    let states = [s0];
    const failStates: State[] = [];
    const callKey = `@${call.start}`;
    if (ops.some((o) => o.onSuccess) && !ops.some((o) => o.op === 'try-acquire' || o.op === 'acquire-return')) {
      // Effects that happen only when the call returns non-NULL: split on the returned pointer.
      const fail = clone(s0);
      setFact(fail, callKey, 'nullfail');
      failStates.push(fail);
      s0 = clone(s0);
      setFact(s0, callKey, 'ok');
      states = [s0];
    }
    for (const op of ops) {
      const next: State[] = [];
      for (const s of states) {
        switch (op.op) {
          case 'acquire': {
            const l = op.lock!;
            const spins = apiSpins(api, l.class, ix);
            const h: Held = { class: l.class, instance: l.instance, label: l.label, mode: op.mode === 'read' ? 'read' : 'write',
              nested: !!op.nested, spins, vspins: vspinsOf(api, l.class, spins), assumed: false, site: site(call) };
            const sleeps = sleepsPerView(api, l.class);
            checkAcquire(s, h, call, api, sleeps);
            for (const v of views) if (sleeps[v]) noteSleepIn(v, site(call), `${api}() takes ${h.label}`);
            noteTake(h);
            addHeldUnique(s, h);
            pushTrace(s, ev('lock', h));
            next.push(s);
            break;
          }
          case 'try-acquire': case 'acquire-return': {
            const l = op.lock ?? (target && op.classOnly ? classOnObject(op.classOnly, target, ix) : undefined)
              ?? (op.classOnly ? { class: op.classOnly, instance: `${callKey}`, label: op.classOnly } : undefined);
            if (!l) { next.push(s); break; }
            const returnsLock = op.returnsLock && target;
            const inst = returnsLock ? target! : l.instance;
            const spins = apiSpins(api, l.class, ix);
            const h: Held = { class: l.class, instance: inst, label: returnsLock ? target! : l.label,
              mode: op.mode === 'read' ? 'read' : 'write', nested: false, spins, vspins: vspinsOf(api, l.class, spins),
              assumed: false, site: site(call) };
            const ok = clone(s);
            const okFact: Fact = op.op === 'try-acquire' && op.success === 'zero' ? 'zero' : 'ok';
            const failFact: Fact = op.op === 'try-acquire' ? (op.success === 'zero' ? 'err' : 'zero') : 'nullfail';
            // mutex_lock_killable(), mmap_write_lock_killable(): they fail only on a signal, so
            // they wait like a plain lock (order, sleeping); a true trylock never waits.
            const waits = op.op === 'acquire-return' || (op.success === 'zero' && !/trylock|TestSet|or_retry/.test(api));
            if (waits) {
              // A blocking acquisition: the same checks as acquire.
              const sleeps = sleepsPerView(api, l.class);
              // Re-taking the same lock killably is the retry protocol of GUP and the fault path
              // (a callee dropped it and said so through *locked, which is not modelled): no double-lock.
              checkAcquire(s, h, call, api, sleeps, undefined, op.op === 'try-acquire');
              for (const v of views) if (sleeps[v]) noteSleepIn(v, site(call), `${api}() takes ${h.label}`);
              noteTake(h);
            }
            if (op.ptlVar) ownBinds(ok).set(op.ptlVar, l.class ?? '');
            if (returnsLock && l.class) ownBinds(ok).set(target!, l.class);
            addHeldUnique(ok, h);
            pushTrace(ok, ev(waits ? 'lock' : 'trylock', h));
            setFact(ok, callKey, okFact);
            next.push(ok);
            if (op.op === 'try-acquire' || op.nullable) {
              // On failure none of the API's effects happen (spin_trylock_irqsave restores irqs,
              // pte_offset_map_lock returns NULL without RCU or the lock).
              const fail = clone(s0);
              setFact(fail, callKey, failFact);
              failStates.push(fail);
            }
            break;
          }
          case 'release': {
            release(s, op.lock!, call, api);
            next.push(s);
            break;
          }
          case 'downgrade': {
            const i = findHeld(s, op.lock!);
            if (i >= 0) ownHeld(s)[i] = { ...s.held[i], mode: 'read' };
            next.push(s);
            break;
          }
          case 'bind': {
            if (op.ptlVar) ownBinds(s).set(op.ptlVar, op.lock!.class ?? '');
            else if (target) ownBinds(s).set(target, op.lock!.class ?? '');
            next.push(s);
            break;
          }
          case 'may-sleep': {
            if (op.gfpParam !== undefined && op.gfpBlocking === null) gfpParams.add(op.gfpParam);
            const sleeps = op.gfpBlocking === undefined || op.gfpBlocking === true;
            if (sleeps) {
              noteSleep(site(call), `${api}()${op.gfpBlocking ? ' with blocking GFP flags' : ''} may sleep`);
              for (const v of views) {
                if (!isAtomic(s, v)) continue;
                const r = atomicReason(s, v)!;
                reportIn(v, 'sleep-in-atomic', call, `${api}()${op.gfpBlocking ? ' with GFP flags that can block' : ''} may sleep while ${r.why}`,
                  [r.lock?.label ?? 'atomic', api], [r.lock?.class ?? null],
                  r.site ? [{ file: r.site.file, line: r.site.line, column: r.site.col, message: r.lock ? `${r.lock.label} taken here` : `${r.why} from here` }] : []);
              }
            }
            next.push(s);
            break;
          }
          case 'lock-break': {
            for (const v of views) {
              const others = s.held.filter((h) => h.instance !== op.lock!.instance && spinsIn(h, v));
              if (!others.length) continue;
              const o = others[others.length - 1];
              reportIn(v, 'sleep-in-atomic', call, `${api}() may sleep (it drops ${op.lock!.label} to reschedule) while ${o.label} is still held`,
                [o.label, op.lock!.label], [o.class, op.lock!.class],
                [{ file: o.site.file, line: o.site.line, column: o.site.col, message: `${o.label} taken here` }]);
            }
            next.push(s);
            break;
          }
          case 'rcu-lock': s.rcu++; if (s.rcu === 1 && !s.atomicSite) { s.atomicSite = site(call); s.atomicWhy = `inside an RCU read-side critical section (${api}() at line ${call.row + 1})`; } next.push(s); break;
          case 'rcu-unlock': if (s.rcu > 0) s.rcu--; else s.dropped = 1; if (!s.rcu && !s.preempt && !s.irqOff) { s.atomicSite = undefined; s.atomicWhy = undefined; } next.push(s); break;
          case 'preempt-disable': s.preempt++; if (!s.atomicSite || !s.rcu) { s.atomicSite = site(call); s.atomicWhy = `preemption is disabled (${api}() at line ${call.row + 1})`; } next.push(s); break;
          case 'preempt-enable': if (s.preempt > 0) s.preempt--; else s.dropped = 1; if (!s.rcu && !s.preempt && !s.irqOff) { s.atomicSite = undefined; s.atomicWhy = undefined; } next.push(s); break;
          case 'irq-disable': case 'irq-save': s.irqOff++; s.atomicSite = site(call); s.atomicWhy = `interrupts are disabled (${api}() at line ${call.row + 1})`; next.push(s); break;
          case 'irq-enable': s.irqOff = 0; if (!s.rcu && !s.preempt) { s.atomicSite = undefined; s.atomicWhy = undefined; } next.push(s); break;
          case 'irq-restore': if (s.irqOff > 0) s.irqOff--; if (!s.rcu && !s.preempt && !s.irqOff) { s.atomicSite = undefined; s.atomicWhy = undefined; } next.push(s); break;
          case 'assert-held': {
            const l = op.lock!;
            if (findHeld(s, l) < 0) {
              const spins = !!(l.class && apiSpins('', l.class, ix));
              addHeldUnique(s, { class: l.class, instance: l.instance, label: l.label, mode: op.mode === 'read' ? 'read' : 'write',
                nested: false, spins, vspins: !!(l.class && vspinsOf('', l.class, spins)), assumed: true, site: site(call) });
            }
            next.push(s);
            break;
          }
          default:
            next.push(s);
        }
      }
      states = next;
    }
    return [...states, ...failStates];
  };

  const releaseFirst = new Map<string, { at: Ast; api: string; label: string; class: string | null }>();
  const acquireFirst = new Set<string>();

  const findHeld = (s: State, l: { class: string | null; instance: string }): number => {
    let i = s.held.findIndex((h) => h.instance === l.instance);
    if (i >= 0) return i;
    // `ptl == pml` on this path: the two names are one lock.
    for (const [k, v] of s.facts) {
      if (v !== 'zero' || !k.startsWith('?') || !k.includes('!=')) continue;
      const [a, b] = k.slice(1).split('!=');
      const other = a === l.instance ? b : b === l.instance ? a : undefined;
      if (other) { i = s.held.findIndex((h) => h.instance === other); if (i >= 0) return i; }
    }
    if (l.class) {
      // Different expressions for the same lock (vma->vm_mm->mmap_lock vs mm->mmap_lock): the
      // most recent hold of that class.
      for (let j = s.held.length - 1; j >= 0; j--) if (s.held[j].class === l.class) { if (i < 0 || s.held[j].site.line > s.held[i].site.line) i = j; }
    }
    return i;
  };

  const release = (s: State, l: { class: string | null; instance: string; label: string }, at: Ast, api: string): void => {
    const i = findHeld(s, l);
    if (i >= 0) {
      const h = s.held[i];
      ownHeld(s).splice(i, 1);
      if (h.assumed) addReleased(s, h.instance);
      pushTrace(s, ev('unlock', h));
      return;
    }
    if (s.released.includes(l.instance)) {
      if (s.releasedAt.get(l.instance) !== at.start) {
        report('unlock-unheld', at, `${api}() releases ${l.label}, which this path already released`, [l.label], [l.class], []);
      }
      return;
    }
    if (!s.touched.has(l.instance)) {
      // The first thing this path does with the lock is release it: the caller's lock, unless the
      // function otherwise begins by taking it (then it is the classic unlock on an error path).
      const prev = releaseFirst.get(l.instance);
      if (!prev) releaseFirst.set(l.instance, { at, api, label: l.label, class: l.class });
    }
    addReleased(s, l.instance);
    ownReleasedAt(s).set(l.instance, at.start);
    pushTrace(s, { op: 'unlock', lock: l.class ?? l.instance, class: l.class ?? '', mode: 'write', label: l.label, file: fn.file, line: at.row + 1 });
  };

  const ev = (op: TraceEvent['op'], h: Held): TraceEvent =>
    ({ op, lock: h.class ?? h.instance, class: h.class ?? '', mode: h.mode, label: h.label, file: h.site.file, line: h.site.line });

  // ---- calls to analysed functions: apply their summaries
  const applySummary = (s0: State, sum: Summary, call: Ast, name: string, argTexts: string[], target: string | undefined): State[] => {
    const subst = (t: LockTemplate): { instance: string; label: string } => {
      const sub = (x: string): string => x.replace(/^\$(\d+|ret)/, (_m, g: string) =>
        g === 'ret' ? (target ?? `${name}()`) : normalizeLockExpr(argTexts[Number(g)] ?? `$${g}`));
      return { instance: sub(t.instance), label: sub(t.label) };
    };
    // The callee as each view sees it: the variant's summary has the same shape (one walk made
    // both), differing in what sleeps and what spins.
    const vsum = V ? alignedVariant(sum, V.summaryOf(name)) : sum;
    const sumIn = (v: number): Summary => (v ? vsum : sum);
    const blocking = sum.gfpParams.length ? sum.gfpParams.map((p) => argTexts[p] === undefined ? null : gfpOf(argTexts[p])) : [];
    for (const v of views) {
      const vs = sumIn(v);
      // Sleeping inside the callee while this path is atomic.
      let sleeps = vs.maySleep !== null;
      if (!vs.maySleep && blocking.some((b) => b === true)) sleeps = true;
      if (sleeps && isAtomic(s0, v) && vs.maySleep) {
        const r = atomicReason(s0, v)!;
        reportIn(v, 'sleep-in-atomic', call,
          `${name}() may sleep (${vs.maySleep.why} at ${vs.maySleep.site.file}:${vs.maySleep.site.line}) while ${r.why}`,
          [r.lock?.label ?? 'atomic', name], [r.lock?.class ?? null],
          [...(r.site ? [{ file: r.site.file, line: r.site.line, column: r.site.col, message: r.lock ? `${r.lock.label} taken here` : `${r.why} from here` }] : []),
            { file: vs.maySleep.site.file, line: vs.maySleep.site.line, column: vs.maySleep.site.col, message: vs.maySleep.why }]);
      }
      if (sleeps && vs.maySleep) noteSleepIn(v, site(call), `${name}() may sleep (${vs.maySleep.why})`);
    }
    // Lock order of the callee's locks against what this path holds.
    for (let ti = 0; ti < sum.takes.length; ti++) {
      const t = sum.takes[ti];
      const { instance, label } = subst(t);
      const h: Held = { class: t.class, instance, label, mode: t.mode, nested: t.nested, spins: t.spins, vspins: vsum.takes[ti].spins, assumed: false, site: site(call), via: name };
      if (!t.class) continue;
      for (const v of views) {
        const order = orderOf(v);
        for (const o of s0.held) {
          if (!o.class || o.class === t.class) continue;
          if (order.before(t.class, o.class)) {
            const chain = order.explain(t.class, o.class) ?? [];
            reportIn(v, 'lock-order', call,
              `${name}() takes ${label} (${t.class}, at ${t.site.file}:${t.site.line}) while ${o.label} (${o.class}) is held; the documented order is ${t.class} before ${o.class}${chain.length ? ` (${chain.map((e) => `${e.outer} -> ${e.inner}`).join(', ')})` : ''}`,
              [o.label, label], [o.class, t.class],
              [{ file: o.site.file, line: o.site.line, column: o.site.col, message: `${o.label} taken here` },
                { file: t.site.file, line: t.site.line, column: t.site.col, message: `${name}() takes ${t.label} here` }],
              chain.map((e) => e.source).filter((x, i, a) => a.indexOf(x) === i).join('; ') || undefined);
          } else if (!o.assumed) {
            nestingsOf[v].push({ outer: o.class, inner: t.class, site: site(call), outerSite: o.site });
          }
        }
      }
      noteTake(h);
    }
    // Net effects, split by return value when they differ.
    const out: State[] = [];
    const callKey = `@${call.start}`;
    for (let xi = 0; xi < sum.exits.length; xi++) {
      const ex = sum.exits[xi];
      const vex = vsum.exits[xi];
      const s = sum.exits.length > 1 ? clone(s0) : s0;
      for (const r of ex.released) {
        const { instance, label } = subst(r);
        const i = findHeld(s, { class: r.class, instance });
        if (i >= 0) { const h = s.held[i]; ownHeld(s).splice(i, 1); pushTrace(s, ev('unlock', h)); if (h.assumed) addReleased(s, h.instance); }
        else if (!s.released.includes(instance)) addReleased(s, instance);
        void label;
      }
      // The callee's own order was checked inside it: its locks are checked against the caller's.
      const callerView: State = clone(s);
      for (let ai = 0; ai < ex.acquired.length; ai++) {
        const a = ex.acquired[ai];
        const { instance, label } = subst(a);
        const h: Held = { class: a.class, instance, label, mode: a.mode, nested: a.nested, spins: a.spins, vspins: vex.acquired[ai].spins, assumed: false, site: site(call), via: name };
        if (findHeld(s, { class: null, instance }) < 0) {
          if (sum.exits.length === 1) checkAcquire(callerView, h, call, name, NO_SLEEP, `${name}() takes ${label}`);
          addHeldUnique(s, h);
          pushTrace(s, ev('lock', h));
          if (a.instance === '$ret' && a.class) ownBinds(s).set(instance, a.class);
        }
      }
      if (ex.rcu && ex.rcu < 0) { if (s.rcu > 0) s.rcu--; else s.dropped = 1; }
      if (ex.rcu && ex.rcu > 0) { s.rcu += ex.rcu; if (!s.atomicSite) { s.atomicSite = site(call); s.atomicWhy = `inside an RCU read-side critical section (${name}() at line ${call.row + 1})`; } }
      if (ex.preempt) s.preempt += ex.preempt;
      if (ex.irqOff) s.irqOff += ex.irqOff;
      if (sum.exits.length > 1 && ex.ret !== 'void' && ex.ret !== 'unknown') setFact(s, callKey, ex.ret);
      out.push(s);
    }
    return out.length ? out : [s0];
  };

  const gfpOf = (text: string): boolean | null => {
    const ids = text.match(/[A-Za-z_]\w*/g) ?? [];
    if (ids.some((i) => ix.gfpAtomic.has(i))) return false;
    if (ids.some((i) => ix.gfpBlocking.has(i))) return true;
    return null;
  };

  const addHeldUnique = (s: State, h: Held): void => {
    if (!h.assumed && !s.touched.has(h.instance) && !s.released.includes(h.instance)) acquireFirst.add(h.instance);
    if (!s.touched.has(h.instance)) ownTouched(s).add(h.instance);
    if (s.held.some((o) => o.instance === h.instance && o.mode === h.mode && o.nested === h.nested)) return;
    addHeld(s, h);
  };
  const addReleased = (s: State, inst: string): void => {
    if (!s.released.includes(inst)) { const r = ownReleased(s); r.push(inst); r.sort(); }
  };

  // ---- evaluating expressions: calls in evaluation order, assignments, facts
  const callsOf = (e: Ast): Ast[] => {
    const out: Ast[] = [];
    const walk = (n: Ast): void => {
      if (n.type === 'sizeof_expression' || n.type === 'alignof_expression' || n.type === 'offsetof_expression') return;
      if (n.type === 'call_expression') {
        const args = child(n, 'arguments');
        if (args) walk(args);
        const f = child(n, 'function');
        if (f && f.type !== 'identifier') walk(f);
        out.push(n);
        return;
      }
      for (const k of n.kids) walk(k);
    };
    walk(e);
    return out;
  };

  const callName = (c: Ast): string | undefined => {
    const f = child(c, 'function');
    return f && f.type === 'identifier' ? textOf(src, f) : undefined;
  };

  const argTextsOf = (c: Ast): string[] => {
    const a = child(c, 'arguments');
    return a ? namedKids(a).map((k) => textOf(src, k)) : [];
  };

  const doCall = (s: State, c: Ast, target: string | undefined): State[] => {
    const name = callName(c);
    if (!name) return [s];
    const argTexts = argTextsOf(c);
    let ops = resolveCall({ name, argTexts }, envFor(s), ix);
    if (ops && isWrapperApi(name)) {
      // A lock wrapper the tree defines (anon_vma_lock() in rmap.h): its definition wins over the
      // hand-written table, as long as the definition is understood completely.
      const sum = ctx.summaryOf(name);
      if (sum && wrapperSummaryUsable(sum)) ops = null;
    }
    if (ops) {
      if (ctx.collectSites && ops.some((o) => o.lock)) recordSite(s, c, name, ops);
      return applyOps(s, ops, c, name, target);
    }
    const sum = ctx.summaryOf(name);
    if (sum) {
      if (ctx.collectSites && (sum.takes.length || sum.exits.some((e) => e.acquired.length || e.released.length))) {
        const t = sum.takes[0] ?? sum.exits.find((e) => e.acquired.length)?.acquired[0] ?? sum.exits.find((e) => e.released.length)?.released[0];
        if (t) recordSite(s, c, name, [{ op: 'call', lock: { class: t.class, instance: t.instance, label: t.label } } as unknown as ROp]);
      }
      return applySummary(s, sum, c, name, argTexts, target);
    }
    return [s];
  };

  /** A guard node: its lock or unlock API on the guard's arguments; each state with whether the
   *  lock was taken (a conditional guard's body runs only then). Unknown guard types do nothing. */
  const runGuard = (s: State, node: CfgNode): [State, boolean][] => {
    const { scope, release } = node.guard!;
    const def = ix.guards.get(scope.type) ?? ctx.guardOf?.(scope.type);
    if (!def) return [[s, true]];
    const api = release ? def.unlock : def.lock;
    const ops = resolveCall({ name: api, argTexts: scope.args.map((a) => textOf(src, a)) }, envFor(s), ix);
    if (!ops) return [[s, true]];
    const written = `${src.startsWith('scoped_', scope.site.start) ? 'scoped_guard' : 'guard'}(${scope.type})`;
    if (ctx.collectSites && !release && ops.some((o) => o.lock)) recordSite(s, scope.site, written, ops);
    shownAs = { api, as: written };
    try {
      const before = s.held.length;
      return applyOps(clone(s), ops, scope.site, api, undefined).map((o) => {
        const taken = release || (!def.cond && !scope.scopedCond) || o.held.length > before;
        dropCallFacts(o);
        return [o, taken] as [State, boolean];
      });
    } finally {
      shownAs = undefined;
    }
  };

  const isWrapperApi = (name: string): boolean => {
    const api = ix.apis.get(name);
    return !!api && api.effects.some((e) => 'class' in e && !!e.class && !('lockArg' in e && e.lockArg !== undefined))
      && !api.effects.some((e) => e.op === 'try-acquire' || e.op === 'acquire-return' || e.op === 'bind');
  };

  const recordSite = (s: State, c: Ast, api: string, ops: ROp[]): void => {
    const lockOp = ops.find((o) => o.lock)!;
    let si = sites.get(c.start);
    if (!si) {
      si = { line: c.row + 1, col: c.col + 1, endCol: c.endRow === c.row ? c.endCol + 1 : c.col + 1 + api.length, api, op: lockOp.op,
        class: lockOp.lock!.class, instance: lockOp.lock!.label, paths: 0, held: new Map() };
      sites.set(c.start, si);
    }
    si.paths++;
    for (const h of s.held) {
      const k = `${h.label}|${h.mode}`;
      const e = si.held.get(k);
      if (e) e.paths++;
      else si.held.set(k, { lock: h.label, class: h.class, mode: h.mode, paths: 1 });
    }
  };

  /** The fact an expression's value has on this path, if known. */
  const valueFact = (s: State, e: Ast): Fact | undefined => {
    const u = unwrap(src, e);
    const t = textOf(src, u).trim();
    if (u.type === 'null' || t === 'NULL' || /^0+[uUlL]*$/.test(t) || t === 'false') return 'zero';
    if (t === 'true') return 'ok';
    if (/^-\s*(E[A-Z0-9]+|\d+)$/.test(t)) return 'err';
    if (/^[1-9]\d*[uUlL]*$/.test(t)) return 'ok';
    if (u.type === 'call_expression') {
      const n = callName(u);
      if (n === 'ERR_PTR' || n === 'ERR_CAST') return 'err';
      return s.facts.get(`@${u.start}`);
    }
    if (u.type === 'identifier' || u.type === 'field_expression') {
      const k = normalizeLockExpr(t);
      const f = s.facts.get(k);
      if (f) return f;
      // A lock reached through it is held, so it is not NULL (`if (lruvec) unlock_page_lruvec(lruvec)`).
      if (s.held.some((h) => !h.assumed && (h.instance === k || h.instance.startsWith(k + '->') || h.instance.startsWith(k + '.') || h.instance.startsWith(k + '#')))) return 'ok';
      return undefined;
    }
    if (u.type === 'cast_expression') { const v = child(u, 'value'); return v ? valueFact(s, v) : undefined; }
    if (u.type === 'unary_expression' && src.slice(u.start, u.start + 1) === '!') {
      const a = child(u, 'argument');
      const f = a ? valueFact(s, a) : undefined;
      const t = f ? truthy(f) : undefined;
      return t === undefined ? undefined : t ? 'zero' : 'ok';
    }
    if (u.type === 'update_expression' && u.kids[0]?.field === 'argument') { const a = child(u, 'argument'); return a ? valueFact(s, a) : undefined; }
    if (u.type === 'assignment_expression' && operatorOf(u, src) === '=') { const r = child(u, 'right'); return r ? valueFact(s, r) : undefined; }
    return undefined;
  };

  const assign = (s: State, targetText: string, value: Ast | undefined): void => {
    const target = normalizeLockExpr(targetText);
    const base = /^[A-Za-z_]\w*/.exec(target)?.[0];
    const f = value ? valueFact(s, value) : undefined;
    const uv = value ? unwrap(src, value) : undefined;
    const bindFrom = uv && (uv.type === 'identifier' || uv.type === 'field_expression') ? s.binds.get(normalizeLockExpr(textOf(src, uv))) : undefined;
    const keepBind = s.binds.get(target);
    invalidate(s, target);
    if (base && base !== target) invalidate(s, base);
    const fromCall = uv?.type === 'call_expression';
    const keepFact = fromCall || returned.has(target) || condVars.has(target) || (uv?.type === 'identifier' || uv?.type === 'field_expression');
    if (uv && (uv.type === 'identifier' || uv.type === 'field_expression') && /^[A-Za-z_]\w*$/.test(target)) {
      const v = normalizeLockExpr(textOf(src, uv));
      if (v !== target && !v.startsWith(target + '-')) aliases.set(target, v);
    }
    if (f && keepFact) setFact(s, target, f);
    if (bindFrom) ownBinds(s).set(target, bindFrom);
    else if (keepBind && uv?.type === 'call_expression') ownBinds(s).set(target, keepBind); // set by the call itself
  };

  /** The variable now names something else: locks held through its old value keep being held, but
   *  can no longer be named by it (a loop that locks `folio` each time round is not a double lock). */
  const orphan = (s: State, v: string): void => {
    if (!/^[A-Za-z_][\w]*$/.test(v)) return;
    for (let i = 0; i < s.held.length; i++) {
      const h = s.held[i];
      if (h.assumed || h.instance.includes('@')) continue;
      if (h.instance === v || h.instance.startsWith(v + '->') || h.instance.startsWith(v + '.') || h.instance.startsWith(v + '#')) {
        ownHeld(s)[i] = { ...h, instance: `${h.instance}@${h.site.line}`, label: `${h.label} (its earlier value)` };
      }
    }
  };

  /** Evaluate an eval-node expression (or declaration) on a state: calls, then assignments. */
  const evalExpr = (s0: State, e: Ast): State[] => {
    let states = [s0];
    const evalPart = (part: Ast, target: string | undefined): void => {
      for (const c of callsOf(part)) {
        const isTop = unwrap(src, part) === c || stripCast(part) === c;
        const next: State[] = [];
        for (const s of states) next.push(...doCall(s, c, isTop ? target : undefined));
        states = next;
      }
    };
    const visit = (n: Ast): void => {
      if (n.type === 'declaration') {
        for (const d of n.kids) if (d.type === 'init_declarator') visit(d);
        return;
      }
      if (n.type === 'init_declarator') {
        const decl = child(n, 'declarator');
        const val = child(n, 'value');
        const name = decl ? declName(decl, src) : undefined;
        if (val) {
          if (name) for (const s of states) orphan(s, name);
          evalPart(val, name);
          if (name) for (const s of states) assign(s, name, val);
        }
        return;
      }
      if (n.type === 'assignment_expression') {
        const l = child(n, 'left');
        const r = child(n, 'right');
        const op = operatorOf(n, src);
        if (l && op === '=') { const t = normalizeLockExpr(textOf(src, l)); for (const s of states) orphan(s, t); }
        if (r && r.type === 'assignment_expression') visit(r); // a = b = call(): b first, then a = b
        else if (r) evalPart(r, l && op === '=' ? textOf(src, l) : undefined);
        if (l) {
          if (l.type !== 'identifier') for (const c of callsOf(l)) void c; // calls in lvalues are rare
          for (const s of states) assign(s, textOf(src, l), op === '=' ? r : undefined);
        }
        return;
      }
      if (n.type === 'comma_expression') { for (const k of namedKids(n)) visit(k); return; }
      if (n.type === 'update_expression') {
        const a = child(n, 'argument');
        if (a) for (const s of states) invalidate(s, normalizeLockExpr(textOf(src, a)));
        evalPart(n, undefined);
        return;
      }
      evalPart(n, undefined);
    };
    visit(e);
    return states;
  };

  /** Truth of a branch leaf on this path: true/false when the path knows it. */
  const leafValue = (s: State, leaf: Ast): boolean | undefined => {
    const u = unwrap(src, leaf);
    if (u.type === 'call_expression') {
      const n = callName(u);
      const a = child(u, 'arguments');
      const arg = a ? namedKids(a)[0] : undefined;
      if ((n === 'IS_ERR' || n === 'IS_ERR_OR_NULL') && arg) {
        const f = valueFact(s, arg);
        if (!f) return undefined;
        return n === 'IS_ERR' ? isErrFact(f) : f === 'zero' || f === 'nullfail' || f === 'err';
      }
      const f = s.facts.get(`@${u.start}`);
      return f ? truthy(f) : undefined;
    }
    if (u.type === 'binary_expression') {
      const op = operatorOf(u, src);
      const l = child(u, 'left');
      const r = child(u, 'right');
      if (l && r && ['==', '!=', '<', '>=', '>', '<='].includes(op)) {
        const rz = valueFact(s, r) === 'zero' && isConst(r);
        const lz = valueFact(s, l) === 'zero' && isConst(l);
        const x = rz ? l : lz ? r : undefined;
        if (x) {
          const f = valueFact(s, x);
          if (!f) return textFact(s, u);
          const t = truthy(f);
          if (op === '==') return t === undefined ? undefined : !t;
          if (op === '!=') return t;
          if ((op === '<' && rz) || (op === '>' && lz)) return f === 'err' ? true : f === 'zero' || f === 'ok' ? false : undefined;
          if ((op === '>=' && rz) || (op === '<=' && lz)) return f === 'err' ? false : f === 'zero' || f === 'ok' ? true : undefined;
        }
      }
      return textFact(s, u);
    }
    const f = valueFact(s, u);
    if (f) return truthy(f);
    return textFact(s, u);
  };

  const isConst = (n: Ast): boolean => {
    const t = textOf(src, unwrap(src, n)).trim();
    return t === 'NULL' || /^0+[uUlL]*$/.test(t) || t === 'false';
  };

  const textFact = (s: State, u: Ast): boolean | undefined => {
    const f = s.facts.get('?' + normText(u));
    const t = f ? truthy(f) : undefined;
    return t === undefined ? undefined : isEq(u) ? !t : t;
  };
  const normText = (u: Ast): string => {
    if (u.type === 'binary_expression') {
      const op = operatorOf(u, src);
      const l = child(u, 'left');
      const r = child(u, 'right');
      if (l && r && (op === '==' || op === '!=')) {
        // `ptl != pml` and `pml != ptl` are one fact; `==` is stored as the negation of `!=`.
        const [a, b] = [normalizeLockExpr(textOf(src, l)), normalizeLockExpr(textOf(src, r))].sort();
        return `${a}!=${b}`;
      }
    }
    return textOf(src, u).replace(/\s+/g, '');
  };
  const isEq = (u: Ast): boolean => u.type === 'binary_expression' && operatorOf(u, src) === '==';

  /** Assuming a held lock pointer equals a local lock pointer this path never set is infeasible
   *  (collapse_pte_mapped_thp: `pml != ptl` after pte_offset_map_nolock failed). */
  const equalsUnsetLock = (s: State, leaf: Ast, v: boolean): boolean => {
    const u = unwrap(src, leaf);
    if (u.type !== 'binary_expression') return false;
    const op = operatorOf(u, src);
    const equal = (op === '==' && v) || (op === '!=' && !v);
    if (!equal) return false;
    const l = child(u, 'left');
    const r = child(u, 'right');
    if (!l || !r || l.type !== 'identifier' || r.type !== 'identifier') return false;
    const a = textOf(src, l);
    const b = textOf(src, r);
    const held = (x: string) => s.held.some((h) => h.instance === x);
    const unset = (x: string) => !paramIndex.has(x) && fn.locals.has(x) && !held(x) && !s.binds.has(x) && !s.facts.has(x);
    return (held(a) && unset(b)) || (held(b) && unset(a));
  };

  /** Record what taking a branch tells the path. */
  const assume = (s: State, leaf: Ast, v: boolean): void => {
    const u = unwrap(src, leaf);
    if (u.type === 'identifier' || u.type === 'field_expression') {
      const k = normalizeLockExpr(textOf(src, u));
      if (!s.facts.has(k)) setFact(s, k, v ? 'nonzero' : 'zero');
      return;
    }
    if (u.type === 'binary_expression') {
      const op = operatorOf(u, src);
      const l = child(u, 'left');
      const r = child(u, 'right');
      if (l && r && (op === '==' || op === '!=') && (isConst(r) || isConst(l))) {
        const x = isConst(r) ? l : r;
        const xu = unwrap(src, x);
        if (xu.type === 'identifier' || xu.type === 'field_expression') {
          const k = normalizeLockExpr(textOf(src, xu));
          const isZero = op === '==' ? v : !v;
          if (!s.facts.has(k)) setFact(s, k, isZero ? 'zero' : 'nonzero');
          return;
        }
      }
    }
    if (u.type !== 'call_expression' && !hasCallIn(u)) setFact(s, '?' + normText(u), (isEq(u) ? !v : v) ? 'nonzero' : 'zero');
  };

  // ---- the worklist
  const states: Map<string, State>[] = cfg.nodes.map(() => new Map());
  const pending: State[][] = cfg.nodes.map(() => []);
  const work: number[] = [];
  const inWork = new Uint8Array(cfg.nodes.length);
  const exits: State[] = [];
  let steps = 0;
  const t0 = Date.now();

  // Entry: locks the function's annotations say are held on entry.
  const init = initialState();
  for (const a of fn.annotations) {
    if (a.kind !== 'must_hold' && a.kind !== 'releases') continue;
    const ops = resolveCall({ name: 'spin_lock', argTexts: [a.expr] }, envFor(init), ix);
    const l = ops?.[0]?.lock;
    const spins = !!l && apiSpins('', l.class, ix);
    if (l) addHeld(init, { class: l.class, instance: l.instance, label: l.label, mode: 'write', nested: false,
      spins, vspins: vspinsOf('', l.class, spins), assumed: true, site: { file: fn.file, line: fn.line, col: 1 } });
  }
  const soft = limits.maxStatesPerNode;
  const push = (id: number, s: State): void => {
    const set = states[id];
    // Past half the bound, new states forget their path facts first (locks are still tracked
    // exactly); past the bound, the function is reported as not fully analysed.
    if (set.size >= soft && s.facts.size) { s = clone(s); clearFacts(s); }
    const k = stateKey(s);
    if (set.has(k)) return;
    if (set.size >= limits.maxStatesPerNode) {
      if (!limit) limit = `more than ${limits.maxStatesPerNode} lock states at one point`;
      return;
    }
    set.set(k, s);
    pending[id].push(s);
    if (!inWork[id]) { inWork[id] = 1; work.push(id); }
  };

  push(cfg.entry, init);
  while (work.length) {
    const id = work.shift()!;
    inWork[id] = 0;
    const node = cfg.nodes[id];
    const batch = pending[id];
    pending[id] = [];
    for (const s of batch) {
      cur = s;
      if (++steps > limits.maxSteps || (steps % 512 === 0 && Date.now() - t0 > limits.maxMs)) {
        limit = steps > limits.maxSteps ? `stopped after ${limits.maxSteps} steps` : `stopped after ${limits.maxMs} ms`;
        work.length = 0;
        break;
      }
      switch (node.kind) {
        case 'exit':
          exits.push(s);
          break;
        case 'entry': case 'join':
          for (const e of node.succ) push(e.to, node.succ.length > 1 ? clone(s) : s);
          break;
        case 'eval': {
          const outs = evalExpr(mutates(node.ast!) ? clone(s) : s, node.ast!);
          for (const o of outs) { if (o !== s) dropCallFacts(o); for (const e of node.succ) push(e.to, o); }
          break;
        }
        case 'return': {
          const outs = node.ast ? evalExpr(clone(s), node.ast) : [clone(s)];
          for (const o of outs) {
            o.retFact = node.ast ? valueFact(o, node.ast) ?? 'unknown' : 'void';
            o.retSite = node.ast ? site(node.ast) : undefined;
            dropCallFacts(o);
            // Through the releases of the guards in scope, if any.
            push(node.succ[0]?.to ?? cfg.exit, o);
          }
          break;
        }
        case 'guard': {
          for (const [o, taken] of runGuard(s, node)) {
            const to = node.succ.find((e) => (taken ? e.assume !== false : e.assume === false)) ?? node.succ[0];
            push(to.to, o);
          }
          break;
        }
        case 'branch': {
          const leaf = node.ast!;
          const calls = hasCallIn(leaf);
          // Calls decide the value (a trylock), so they run first; other side effects
          // (`!ptep++`, `(x = y)`) are applied after the value is read.
          const outs = calls ? evalExpr(clone(s), leaf) : [s];
          for (const o0 of outs) {
            const v = leafValue(o0, leaf);
            const o = !calls && hasSideEffect(leaf) ? evalExpr(clone(o0), leaf)[0] : o0;
            if (calls) dropCallFacts(o);
            for (const e of node.succ) {
              if (v !== undefined && e.assume !== v) continue;
              if (e.assume !== undefined && equalsUnsetLock(o, leaf, e.assume)) continue;
              if (v === undefined && e.assume !== undefined && node.relevant !== false) {
                const t = clone(o);
                assume(t, leaf, e.assume);
                push(e.to, t);
              } else push(e.to, o);
            }
          }
          break;
        }
      }
    }
  }

  // Falling off the end of a function is a return too.
  for (const s of exits) if (!s.retFact) s.retFact = 'void';

  for (const [inst, r] of releaseFirst) {
    if (acquireFirst.has(inst)) {
      report('unlock-unheld', r.at, `${r.api}() releases ${r.label}, which is not held on this path (on other paths this function takes it first)`, [r.label], [r.class], []);
    }
  }

  // ---- balance at exit
  if (!fn.partial && !limit) checkBalance(exits, fn, report);

  // ---- summary
  const exitsList = exitEffects(exits, fn, toTemplate);
  for (const a of fn.annotations) {
    if (a.kind === 'acquires' && exitsList.every((e) => e.acquired.length === 0)) {
      const ops = resolveCall({ name: 'spin_lock', argTexts: [a.expr] }, envFor(init), ix);
      const l = ops?.[0]?.lock;
      const spins = !!l && apiSpins('', l.class, ix);
      if (l) for (const e of exitsList) e.acquired.push(toTemplate({ class: l.class, instance: l.instance, label: l.label, mode: 'write', spins, vspins: vspinsOf('', l.class, spins), nested: false, site: { file: fn.file, line: fn.line, col: 1 } }));
    }
  }

  const requires = init.held.map(toTemplate);
  const summaryIn = (v: number): Summary => ({
    name: fn.name, file: fn.file, maySleep: maySleepOf[v], gfpParams: [...gfpParams],
    takes: [...takes.values()].map((t) => viewOf(t, v)),
    exits: exitsList.map((e) => ({ ...e, acquired: e.acquired.map((t) => viewOf(t, v)), released: e.released.map((t) => viewOf(t, v)) })),
    requires: requires.map((t) => viewOf(t, v)), complete: !limit,
  });
  const summary = summaryIn(0);

  // ---- traces: distinct lock behaviours along the paths
  const traces: Trace[] = [];
  if (ctx.collectTraces) {
    const seen = new Set<string>();
    for (const s of exits) {
      const evs = traceEvents(s.trace);
      if (!evs.some((e) => e.op !== 'unlock')) continue;
      const k = evs.map((e) => `${e.op}:${e.lock}:${e.mode}`).join(' ');
      if (seen.has(k)) continue;
      seen.add(k);
      traces.push({ name: fn.name, source: fn.file, events: evs });
      if (traces.length >= 8) break;
    }
  }

  const result: FunctionResult = { findings: [...findingsOf[0].values()], summary, traces, sites: [...sites.values()], limit, nestings: nestingsOf[0] };
  if (V) result.variant = { findings: [...findingsOf[1].values()], summary: summaryIn(1), nestings: nestingsOf[1] };
  return result;
}

/** A template of the walk (both views' spinning) as one view's summary sees it. */
type Template = LockTemplate & { vspins: boolean };
function viewOf(t: Template, v: number): LockTemplate {
  return { class: t.class, instance: t.instance, label: t.label, mode: t.mode, spins: v ? t.vspins : t.spins, nested: t.nested, site: t.site };
}

const NO_SLEEP: readonly boolean[] = [false, false];

/** The variant summary of a callee when it has the shape of its summary (both come from one walk;
 *  a callee that could not be analysed has no variant): else the summary itself. */
function alignedVariant(sum: Summary, v: Summary | undefined): Summary {
  if (!v || v === sum) return sum;
  if (v.takes.length !== sum.takes.length || v.exits.length !== sum.exits.length) return sum;
  for (let i = 0; i < sum.exits.length; i++) if (v.exits[i].acquired.length !== sum.exits[i].acquired.length) return sum;
  return v;
}

/** A wrapper's summary replaces the API table entry only when it is complete and names its locks. */
function wrapperSummaryUsable(sum: Summary): boolean {
  if (!sum.complete) return false;
  const locks = sum.exits.flatMap((e) => [...e.acquired, ...e.released]);
  if (!locks.length && !sum.takes.length) return false;
  if (locks.some((l) => !l.class)) return false;
  // Effects that differ between exits must be told apart by the return value.
  if (sum.exits.length > 1 && sum.exits.some((e) => e.ret === 'unknown' || e.ret === 'void')) return false;
  return true;
}

function bySite(a: LockTemplate, b: LockTemplate): number {
  return a.site.file === b.site.file ? a.site.line - b.site.line || a.site.col - b.site.col : a.site.file < b.site.file ? -1 : 1;
}

/** A call's result (`@offset`) matters only inside the node that made it (its condition, the
 *  variable it is stored in): kept longer, it would split states for nothing. */
function dropCallFacts(s: State): void {
  if (!s.facts.size) return;
  for (const k of s.facts.keys()) if (k.charCodeAt(0) === 64 /* @ */) ownFacts(s).delete(k);
}

function hasSideEffect(n: Ast): boolean {
  if (n.type === 'update_expression' || n.type === 'assignment_expression') return true;
  return n.kids.some(hasSideEffect);
}

function hasCallIn(n: Ast): boolean {
  if (n.type === 'call_expression') return true;
  return n.kids.some(hasCallIn);
}

function stripCast(n: Ast): Ast {
  while (n.type === 'cast_expression' || n.type === 'parenthesized_expression') {
    const v = n.type === 'cast_expression' ? child(n, 'value') : namedKids(n)[0];
    if (!v) break;
    n = v;
  }
  return n;
}

export function declName(d: Ast, src: string): string | undefined {
  if (d.type === 'identifier') return textOf(src, d);
  const inner = child(d, 'declarator');
  return inner ? declName(inner, src) : undefined;
}

function isPageLockClass(cls: string, ix: ProfileIndex): boolean {
  const k = ix.classes.get(cls)?.kind;
  return k === 'page_lock' || k === 'bit_spinlock';
}

function describeKind(cls: string, ix: ProfileIndex): string {
  const c = ix.classes.get(cls);
  return c ? `${cls}, a ${c.kind}` : cls;
}

function checkBalance(exits: State[], fn: FunctionInput,
  report: (code: FindingCode, at: Ast, message: string, locks: string[], classes: (string | null)[], related: RawFinding['related']) => void): void {
  if (exits.length < 2) return;
  const all = new Map<string, Held>();
  for (const s of exits) for (const h of s.held) if (!h.assumed && !all.has(h.instance)) all.set(h.instance, h);
  const groups = new Map<string, State[]>();
  for (const s of exits) {
    const k = s.retFact ?? 'unknown';
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(s);
  }
  const heldIn = (s: State, h: Held): boolean => s.held.some((x) => x.instance === h.instance || (h.class !== null && x.class === h.class && !x.assumed));
  // Taken and dropped again on this path: the function's discipline is to release it.
  const releasedOn = (s: State, h: Held): boolean => s.touched.has(h.instance) && !heldIn(s, h);
  const failure = (s: State): boolean => s.retFact === 'err' || s.retFact === 'nullfail' || (s.retFact === 'zero' && !!fn.returnsPointer);
  const success = (s: State): boolean => s.retFact === 'ok' || (s.retFact === 'zero' && !fn.returnsPointer);
  for (const h of all.values()) {
    // Held on every exit: the function's role is to return with it held.
    if (exits.every((s) => heldIn(s, h))) continue;
    // Never released on any path: a (conditional) lock helper, whose job is to return holding it.
    if (!exits.some((s) => releasedOn(s, h))) continue;
    let leak: State | undefined;
    let other: State | undefined;
    let ret: string | undefined;
    // An error return that keeps a lock the success return drops: the classic missed unlock.
    const errHeld = exits.find((s) => failure(s) && heldIn(s, h));
    const okFree = exits.find((s) => success(s) && releasedOn(s, h));
    if (errHeld && okFree) { leak = errHeld; other = okFree; ret = errHeld.retFact; }
    else {
      for (const [r, g] of groups) {
        const yes = g.find((s) => heldIn(s, h));
        const no = g.find((s) => releasedOn(s, h));
        if (yes && no) { leak = yes; other = no; ret = r; break; }
      }
    }
    if (!leak || !other) continue;
    const at: Ast = leak.retSite
      ? makeAst('return', 0, 0, leak.retSite.line - 1, leak.retSite.col - 1, (leak.retSite.endLine ?? leak.retSite.line) - 1, (leak.retSite.endCol ?? leak.retSite.col) - 1, null, true, false)
      : makeAst('end', 0, 0, fn.endLine - 1, 0, fn.endLine - 1, 1, null, true, false);
    report('unbalanced-lock', at,
      `${fn.name}() can return with ${h.label} held (taken at line ${h.site.line})${ret && ret !== 'unknown' && ret !== 'void' ? ` when returning ${retWords(ret)}` : ''}, but without it on other paths${other.retSite ? ` (e.g. the return at line ${other.retSite.line})` : ''}`,
      [h.label], [h.class],
      [{ file: h.site.file, line: h.site.line, column: h.site.col, message: `${h.label} taken here` },
        ...(other.retSite ? [{ file: fn.file, line: other.retSite.line, column: other.retSite.col, message: 'returns without it here' }] : [])]);
  }
}

function retWords(f: string): string {
  switch (f) {
    case 'zero': return '0/NULL';
    case 'ok': return 'a valid value';
    case 'err': return 'an error';
    case 'nullfail': return 'NULL or an error';
    default: return 'non-zero';
  }
}

/**
 * The function's exits as its callers see them: grouped by return value and lock effect, then
 * reduced to its contract. Kept out of analyzeFunction: V8 deoptimised that whole (large) function
 * over the array shapes in here, hundreds of times in one run.
 */
type WalkExit = Omit<SummaryExit, 'acquired' | 'released'> & { acquired: Template[]; released: Template[] };
function exitEffects(exits: State[], fn: FunctionInput, toTemplate: (h: Held | Template) => Template): WalkExit[] {
  type SummaryExit = WalkExit;
  const exitGroups = new Map<string, SummaryExit>();
  for (const s of exits) {
    // In the order they were taken (callers replay them in that order; the key sorts separately).
    const acquired = s.held.filter((h) => !h.assumed).map(toTemplate).sort(bySite);
    const released = s.released.map((inst) => toTemplate({ class: null, instance: inst, label: inst, mode: 'write', spins: false, vspins: false, nested: false, site: { file: fn.file, line: fn.line, col: 1 } }));
    const key = acquired.map((a) => a.instance).sort().join(',') + '/' + released.map((r) => r.instance).join(',') + `/${s.rcu}${s.dropped}${s.preempt}${s.irqOff}`;
    const ret = s.retFact ?? 'unknown';
    const gk = `${ret}|${key}`;
    if (!exitGroups.has(gk)) exitGroups.set(gk, { ret, acquired, released, rcu: s.rcu - (s.dropped && !s.rcu ? 1 : 0), preempt: s.preempt, irqOff: s.irqOff });
  }
  let exitsList = [...exitGroups.values()];
  const distinctEffects = new Set(exitsList.map((e) => e.acquired.map((a) => a.instance).join(',') + '/' + e.released.map((r) => r.instance).join(',') + `/${e.rcu ?? 0}${e.preempt ?? 0}${e.irqOff ?? 0}`));
  // Per return value, the exit with the most lock effects: a conditional lock helper
  // (`if (anon_vma) spin_lock(&anon_vma->lock)`) is, to its callers, one that takes the lock.
  const weight = (e: SummaryExit) => e.acquired.length + e.released.length + Math.abs(e.rcu ?? 0);
  if (distinctEffects.size <= 1) exitsList = exitsList.slice(0, 1).map((e) => ({ ...e, ret: 'unknown' as const }));
  else {
    // A pure lock helper never drops a lock it took: its exits differ only in whether it took it,
    // and callers take it to have. Any other function's odd exit is a path, not its contract:
    // callers see its balanced (fewest effects) exit.
    const pureHelper = !exits.some((s) => [...s.touched].some((i) => !s.held.some((h) => h.instance === i) && !s.released.includes(i)));
    const better = (e: SummaryExit, o: SummaryExit) => (pureHelper ? weight(e) > weight(o) : weight(e) < weight(o));
    const byRet = new Map<string, SummaryExit>();
    for (const e of exitsList) { const o = byRet.get(e.ret); if (!o || better(e, o)) byRet.set(e.ret, e); }
    exitsList = [...byRet.values()];
    const effects = new Set(exitsList.map((e) => e.acquired.map((a) => a.instance).join(',') + '/' + e.released.map((r) => r.instance).join(',')));
    if (effects.size <= 1) exitsList = [{ ...exitsList.reduce((a, b) => (better(b, a) ? b : a)), ret: 'unknown' as const }];
  }
  return exitsList;
}
