// The abstract state at one program point: held locks, atomic context, path facts.
import type { TraceEvent } from './trace-types';

export interface Site { file: string; line: number; col: number; endLine?: number; endCol?: number }

export interface Held {
  class: string | null;
  instance: string;
  label: string;
  mode: 'read' | 'write';
  nested: boolean;           // taken with a nesting annotation (subclass, nest_lock)
  spins: boolean;            // holding it makes the context atomic
  /** `spins` under the variant profile of a what-if run (the edited kinds); = spins without one. */
  vspins: boolean;
  assumed: boolean;          // held on entry by the caller (assertion, __must_hold) rather than taken here
  site: Site;
  via?: string;              // the callee that took it (summaries)
}

/** Values a path can know about an expression. */
export type Fact = 'zero' | 'ok' | 'err' | 'nullfail' | 'nonzero';

/** Persistent list of trace events (shared tails between states). */
export interface TraceCell { ev: TraceEvent; prev: TraceCell | null; len: number }

export interface State {
  held: Held[];              // sorted by instance
  released: string[];        // caller-held locks this function released (instances), sorted
  releasedAt: Map<string, number>; // where each was released (a loop re-running one unlock is not a double unlock)
  touched: Set<string>;      // instances this path has acquired or released (not part of the key)
  dropped: number;           // rcu/preempt sections of the caller this path has left (rcu_read_unlock at depth 0)
  rcu: number;
  preempt: number;
  irqOff: number;
  atomicSite?: Site;         // where the non-lock atomic context began (rcu_read_lock, preempt_disable, ...)
  atomicWhy?: string;
  facts: Map<string, Fact>;
  binds: Map<string, string>;   // lock pointer expression -> class (ptl = pmd_lock(...))
  trace: TraceCell | null;
  retFact?: Fact | 'void' | 'unknown';
  retSite?: Site;
  /** The state's key, once computed (a pushed state is never changed again; clones drop it). */
  key?: string;
  /** Containers still shared with another state (copy-on-write bits, see own()). */
  shared: number;
}

// Copy-on-write: a clone shares its containers until one is changed. Most clones only read them
// (a branch taken, a call without lock effects), and copying four maps per step dominated.
const FACTS = 1, BINDS = 2, TOUCHED = 4, RELEASED_AT = 8, HELD = 16, RELEASED = 32, ALL = 63;

export function ownFacts(s: State): Map<string, Fact> {
  if (s.shared & FACTS) { s.facts = new Map(s.facts); s.shared &= ~FACTS; }
  return s.facts;
}
export function clearFacts(s: State): void {
  s.facts = new Map();
  s.shared &= ~FACTS;
}
export function ownBinds(s: State): Map<string, string> {
  if (s.shared & BINDS) { s.binds = new Map(s.binds); s.shared &= ~BINDS; }
  return s.binds;
}
export function ownTouched(s: State): Set<string> {
  if (s.shared & TOUCHED) { s.touched = new Set(s.touched); s.shared &= ~TOUCHED; }
  return s.touched;
}
export function ownReleasedAt(s: State): Map<string, number> {
  if (s.shared & RELEASED_AT) { s.releasedAt = new Map(s.releasedAt); s.shared &= ~RELEASED_AT; }
  return s.releasedAt;
}
export function ownHeld(s: State): Held[] {
  if (s.shared & HELD) { s.held = s.held.slice(); s.shared &= ~HELD; }
  return s.held;
}
export function ownReleased(s: State): string[] {
  if (s.shared & RELEASED) { s.released = s.released.slice(); s.shared &= ~RELEASED; }
  return s.released;
}

const CAP = 3;

export function initialState(): State {
  return {
    held: [], released: [], releasedAt: new Map(), touched: new Set(), dropped: 0, rcu: 0, preempt: 0, irqOff: 0,
    atomicSite: undefined, atomicWhy: undefined, facts: new Map(), binds: new Map(), trace: null,
    retFact: undefined, retSite: undefined, key: undefined, shared: 0,
  };
}

/** All fields written in one order, never spread: states of one shape keep the simulator's hot
 *  loop optimised (spread copies of differently built objects made V8 deoptimise it hundreds of times). */
export function clone(s: State): State {
  s.shared = ALL;
  return {
    held: s.held, released: s.released, releasedAt: s.releasedAt, touched: s.touched, dropped: s.dropped, rcu: s.rcu,
    preempt: s.preempt, irqOff: s.irqOff, atomicSite: s.atomicSite, atomicWhy: s.atomicWhy, facts: s.facts, binds: s.binds,
    trace: s.trace, retFact: s.retFact, retSite: s.retSite, key: undefined, shared: ALL,
  };
}

// The key text of a facts or binds map, once per map: copy-on-write states share their maps, and
// a map is never changed once a state holding it has been keyed (changes copy it first).
const mapKeys = new WeakMap<Map<string, string>, string>();
function mapKey(m: Map<string, string>): string {
  if (!m.size) return '';
  let k = mapKeys.get(m);
  if (k === undefined) {
    k = '';
    for (const a of [...m.keys()].sort()) k += `${a}=${m.get(a)},`;
    mapKeys.set(m, k);
  }
  return k;
}

export function stateKey(s: State): string {
  if (s.key !== undefined) return s.key;
  let k = '';
  for (const h of s.held) k += `${h.instance}|${h.mode}|${h.nested ? 'n' : ''}${h.assumed ? 'a' : ''};`;
  k += '/' + s.released.join(',') + `/${s.dropped ? 'd' : ''}${Math.min(s.rcu, CAP)}${Math.min(s.preempt, CAP)}${Math.min(s.irqOff, CAP)}/`;
  k += mapKey(s.facts) + '/' + mapKey(s.binds);
  if (s.retFact) k += `/r${s.retFact}${s.retSite?.line ?? ''}`;
  s.key = k;
  return k;
}

export function addHeld(s: State, h: Held): void {
  const held = ownHeld(s);
  held.push(h);
  held.sort((a, b) => (a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : 0));
}

/** Whether holding `h` makes the context atomic under view `v` (0: the profile, 1: the variant). */
export function spinsIn(h: Held, v: number): boolean {
  return v ? h.vspins : h.spins;
}

export function isAtomic(s: State, v = 0): boolean {
  if (s.rcu > 0 || s.preempt > 0 || s.irqOff > 0) return true;
  for (const h of s.held) if (v ? h.vspins : h.spins) return true;
  return false;
}

/** Why the context is atomic, in kernel terms, and where that began. */
export function atomicReason(s: State, v = 0): { why: string; site?: Site; lock?: Held } | null {
  let spin: Held | undefined;
  for (let i = s.held.length - 1; i >= 0 && !spin; i--) if (spinsIn(s.held[i], v)) spin = s.held[i];
  if (spin) return { why: `${spin.label} is held (${spin.class ? spin.class + ', ' : ''}a spinning lock)`, site: spin.site, lock: spin };
  if (s.irqOff > 0) return { why: s.atomicWhy ?? 'interrupts are disabled', site: s.atomicSite };
  if (s.preempt > 0) return { why: s.atomicWhy ?? 'preemption is disabled', site: s.atomicSite };
  if (s.rcu > 0) return { why: s.atomicWhy ?? 'inside an RCU read-side critical section', site: s.atomicSite };
  return null;
}

export function pushTrace(s: State, ev: TraceEvent): void {
  if (s.trace && s.trace.len >= 200) return;
  s.trace = { ev, prev: s.trace, len: (s.trace?.len ?? 0) + 1 };
}

export function traceEvents(t: TraceCell | null): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (let c = t; c; c = c.prev) out.push(c.ev);
  return out.reverse();
}

/** Drop facts that mention an identifier (it was assigned). */
export function invalidate(s: State, ident: string): void {
  if (s.facts.size) {
    let facts: Map<string, Fact> | undefined;
    for (const k of s.facts.keys()) if (k === ident || mentions(k, ident)) (facts ??= ownFacts(s)).delete(k);
  }
  if (s.binds.size && s.binds.has(ident)) ownBinds(s).delete(ident);
}

const isWord = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** Whether `text` contains `ident` as a whole word (no RegExp: this runs for every assignment). */
function mentions(text: string, ident: string): boolean {
  for (let i = text.indexOf(ident); i >= 0; i = text.indexOf(ident, i + 1)) {
    const before = i > 0 ? text.charCodeAt(i - 1) : 0;
    const after = i + ident.length < text.length ? text.charCodeAt(i + ident.length) : 0;
    if (!isWord(before) && !isWord(after)) return true;
  }
  return false;
}

export function setFact(s: State, key: string, f: Fact): void {
  if (s.facts.get(key) === f) return;
  const facts = ownFacts(s);
  if (facts.size >= 24 && !facts.has(key)) {
    const first = facts.keys().next().value;
    if (first !== undefined) facts.delete(first);
  }
  facts.set(key, f);
}

export function truthy(f: Fact): boolean | undefined {
  switch (f) {
    case 'zero': case 'nullfail': return false;
    case 'ok': case 'err': case 'nonzero': return true;
  }
}

export function isErrFact(f: Fact): boolean | undefined {
  switch (f) {
    case 'err': case 'nullfail': return true;
    case 'ok': case 'zero': return false;
    default: return undefined;
  }
}
