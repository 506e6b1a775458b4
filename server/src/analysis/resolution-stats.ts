// Resolution coverage for `mmlock stats`: of the calls to lock APIs (those that name a lock), how
// many resolve to a class of the profile, and which lock expressions most often do not.
import { callNodes, calleeName, toCall } from '../c/calls';
import { globalTypes, localTypes, structFields } from '../c/declarations';
import { disposeC, initParser, parseC } from '../c/parser';
import { normalizeLockExpr, ProfileIndex, resolveCall, TypeEnv } from '../model/resolve';

export interface ResolutionStats {
  lockCalls: number;
  resolvedLockCalls: number;
  /** of those, resolved to a class the profile documents (the rest: classes the tree declares) */
  profileClassLockCalls: number;
  unresolvedLockCalls: number;
  topUnresolved: { expr: string; count: number }[];
}

const LOCK_OPS = new Set(['acquire', 'try-acquire', 'acquire-return', 'release', 'downgrade', 'assert-held', 'lock-break']);

export async function resolutionStats(inputs: { name: string; text: string }[], ix: ProfileIndex,
  headerFields: Map<string, string> = new Map(), headerGlobals: Map<string, string> = new Map()): Promise<ResolutionStats> {
  await initParser();
  const unresolved = new Map<string, number>();
  let lockCalls = 0;
  let resolved = 0;
  let profileClasses = 0;
  for (const input of inputs) {
    const file = parseC(input.text, { iteratorMacros: ix.profile.iteratorMacros });
    try {
      const globals = new Map([...headerGlobals, ...globalTypes(file)]);
      const fields = new Map([...headerFields, ...structFields(file).map((f) => [`${f.struct}.${f.field}`, f.type] as [string, string])]);
      for (const fn of file.functions) {
        const locals = localTypes(fn);
        const params = new Map(fn.params.map((p, i) => [p.name, i] as const));
        const calls = callNodes(fn.body).map((n) => ({ n, name: calleeName(n) })).filter((c) => c.name && ix.apis.has(c.name));
        if (!calls.length) continue;
        // Lock pointers bound anywhere in the function (pte_offset_map_lock(..., &ptl), ptl = pmd_lock()).
        const binds = new Map<string, string>();
        for (const c of calls) {
          const api = ix.apis.get(c.name!)!;
          const call = toCall(c.n);
          for (const e of api.effects) {
            if ((e.op === 'acquire-return' || e.op === 'bind') && e.class) {
              if (e.ptlArg !== undefined && call.argTexts[e.ptlArg]) binds.set(normalizeLockExpr(call.argTexts[e.ptlArg]), e.class);
              const parent = c.n.parent;
              if (e.ptlArg === undefined && parent) {
                const target = parent.type === 'assignment_expression' ? parent.childForFieldName('left')
                  : parent.type === 'init_declarator' ? parent.childForFieldName('declarator') : null;
                if (target) binds.set(normalizeLockExpr(input.text.slice(target.startIndex, target.endIndex)).replace(/^\*+/, ''), e.class);
              }
            }
          }
        }
        const env: TypeEnv = {
          local: (n) => locals.get(n), global: (n) => globals.get(n), bound: (e) => binds.get(e), param: (n) => params.get(n),
          field: (f) => fields.get(f),
        };
        for (const c of calls) {
          const call = toCall(c.n);
          const ops = resolveCall({ name: c.name!, argTexts: call.argTexts }, env, ix) ?? [];
          // pmd_lock() and friends return the lock they take: resolved by their fixed class.
          const lockOps = ops.filter((o) => LOCK_OPS.has(o.op) && (o.lock || o.classOnly))
            .map((o) => o.lock ? o : { ...o, lock: { class: o.classOnly!, instance: c.name!, label: c.name! } });
          if (!lockOps.length) continue;
          lockCalls++;
          const bad = lockOps.find((o) => o.lock!.class === null);
          if (!bad) { resolved++; if (lockOps.every((o) => ix.classes.has(o.lock!.class!))) profileClasses++; continue; }
          const expr = bad.lock!.instance.replace(/\b[a-z_]\w*(?=->)/, 'X');
          unresolved.set(expr, (unresolved.get(expr) ?? 0) + 1);
        }
      }
    } finally {
      disposeC(file);
    }
  }
  const topUnresolved = [...unresolved].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([expr, count]) => ({ expr, count }));
  return { lockCalls, resolvedLockCalls: resolved, profileClassLockCalls: profileClasses, unresolvedLockCalls: lockCalls - resolved, topUnresolved };
}
