// Guard types a header defines with the <linux/cleanup.h> macros, read from its text:
//   DEFINE_GUARD(mutex, struct mutex *, mutex_lock(_T), mutex_unlock(_T))
//   DEFINE_LOCK_GUARD_1(spinlock, spinlock_t, spin_lock(_T->lock), spin_unlock(_T->lock))
//   DEFINE_LOCK_GUARD_0(rcu, do { rcu_read_lock(); ... } while (0), rcu_read_unlock())
//   DEFINE_GUARD_COND(mutex, _intr, mutex_lock_interruptible(_T) == 0)
// so a tree's own guards (a newer kernel's, a subsystem's) are understood like its lock wrappers.
import type { Guard } from '../model/profile-types';

const DEFINE = /\bDEFINE_(GUARD|LOCK_GUARD_0|LOCK_GUARD_1|GUARD_COND|LOCK_GUARD_1_COND)\s*\(/g;
/** Calls that are bookkeeping, not the lock operation (`__acquire(x)`, lockdep annotations). */
const NOT_THE_LOCK = /^(__acquire|__release|__acquires|__releases|__cond_acquires|lockdep_\w+|rcu_lock_acquire|WARN\w*|BUG\w*|do|while|if|sizeof|typeof)$/;

/** The arguments of the macro call whose '(' is at `open`, split at top-level commas. */
function argsAt(text: string, open: number): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let from = open + 1;
  for (let i = open; i < text.length && i < open + 4000; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) { out.push(text.slice(from, i).trim()); return out; }
    } else if (c === ',' && depth === 1) { out.push(text.slice(from, i).trim()); from = i + 1; }
  }
  return undefined;
}

/** The first function called in an expression or statement list that is not bookkeeping. */
function firstCall(code: string): string | undefined {
  for (const m of code.matchAll(/([A-Za-z_]\w*)\s*\(/g)) if (!NOT_THE_LOCK.test(m[1])) return m[1];
  return undefined;
}

export function guardsDefinedIn(text: string, file: string): Guard[] {
  if (!text.includes('GUARD')) return [];
  const plain = new Map<string, Guard>();
  const conds: { base: string; ext: string; lock: string; intr: boolean; line: number; kind: string }[] = [];
  const lineOf = (at: number) => { let n = 1; for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) n++; return n; };
  for (const m of text.matchAll(DEFINE)) {
    const at = m.index! + m[0].length - 1;
    // `#define DEFINE_GUARD(_name, _type, _lock, _unlock) \` is the macro itself, not a use.
    const lineStart = text.lastIndexOf('\n', m.index!) + 1;
    if (/^\s*#\s*define\b/.test(text.slice(lineStart, m.index!))) continue;
    const args = argsAt(text, at);
    if (!args || !/^[A-Za-z_]\w*$/.test(args[0] ?? '')) continue;
    const kind = m[1];
    if (kind === 'GUARD_COND' || kind === 'LOCK_GUARD_1_COND') {
      const lock = args[2] !== undefined ? firstCall(args[2]) : undefined;
      if (lock && /^_\w+$/.test(args[1] ?? '')) conds.push({ base: args[0], ext: args[1], lock, intr: /==\s*0\s*$/.test(args[2]), line: lineOf(m.index!), kind });
      continue;
    }
    const [lockArg, unlockArg] = kind === 'LOCK_GUARD_0' ? [args[1], args[2]] : [args[2], args[3]];
    const lock = lockArg !== undefined ? firstCall(lockArg) : undefined;
    const unlock = unlockArg !== undefined ? firstCall(unlockArg) : undefined;
    if (lock && unlock) plain.set(args[0], { name: args[0], lock, unlock, source: `${file}:${lineOf(m.index!)} DEFINE_${kind}` });
  }
  const out = [...plain.values()];
  for (const c of conds) {
    const base = plain.get(c.base);
    if (!base) continue;
    out.push({ name: c.base + c.ext, lock: c.lock, unlock: base.unlock, cond: c.intr ? 'intr' : 'try', source: `${file}:${c.line} DEFINE_${c.kind}` });
  }
  return out;
}
