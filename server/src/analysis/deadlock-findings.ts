// A deadlock schedule the explorer finds for a touched function is a lock-order finding too: on the
// touched function's blocked step, with the other CPUs' steps as related locations. When the
// checker already reported lock-order there, the schedule's sites are added to that finding.
import type { Finding } from '../findings';
import type { Profile } from '../model/profile-types';
import type { Trace } from '../sim/trace-types';
import { runSimulation } from '../sim/explore-run';
import { hashText } from '../text-hash';
import type { Deadlock } from '../sim/explore-types';

// The explorer's answer for the same traces under the same profile, kept for a few runs: an edit
// that leaves every function's lock behaviour as it was (most keystrokes) explores nothing anew.
// Keyed without lines: an edit above a function moves its events, and the schedule found for the
// old lines is moved with them (each old file:line goes to the new one of the same event).
const contentKeys = new WeakMap<object, string>();
const keyOf = (o: object): string => {
  let k = contentKeys.get(o);
  if (k === undefined) contentKeys.set(o, (k = hashText(JSON.stringify(o, (name, v) => (name === 'line' ? undefined : v)))));
  return k;
};
type Run = ReturnType<typeof runSimulation>;
/** Recent explorer answers (kept by the caller's cache, a few runs long). */
export type DeadlockMemo = Map<string, { traces: Trace[]; run: Run }>;

/** file:line of each event of `from` -> that of the same event in `to`; null if two disagree. */
function lineMap(from: Trace[], to: Trace[]): Map<string, number> | null {
  const m = new Map<string, number>();
  for (let i = 0; i < from.length; i++) {
    const a = from[i].events, b = to[i].events;
    for (let j = 0; j < a.length; j++) {
      if (a[j].line === undefined || b[j].line === undefined) continue;
      const k = `${a[j].file ?? ''}\0${a[j].line}`;
      const seen = m.get(k);
      if (seen !== undefined && seen !== b[j].line) return null;
      m.set(k, b[j].line!);
    }
  }
  return m;
}

function moved(run: Run, map: Map<string, number>): Run {
  const deadlocks: Deadlock[] = run.result.deadlocks.map((d) => ({
    ...d,
    // Scenario CPUs cite the era's kernel: their lines never move.
    steps: d.steps.map((st) => (st.line === undefined || d.threads[st.thread]?.scenario ? st
      : { ...st, line: map.get(`${st.file ?? ''}\0${st.line}`) ?? st.line })),
  }));
  return { ...run, result: { ...run.result, deadlocks } };
}

function explore(traces: Trace[], profile: Profile, recent: DeadlockMemo): Run {
  const key = `${keyOf(profile)}:${traces.map(keyOf).join(',')}`;
  const hit = recent.get(key);
  if (hit) {
    const map = lineMap(hit.traces, traces);
    if (map) return moved(hit.run, map);
  }
  // States decide (20,000 a combination, 400,000 a check: well under a second), so a check gives
  // the same findings on a busy CI machine; the time bounds are a safety net only.
  const run = runSimulation({ profile, touched: traces, maxStates: 20_000, totalMaxStates: 400_000, maxMs: 2_000, totalMaxMs: 10_000 });
  if (recent.size >= 16) recent.delete(recent.keys().next().value!);
  recent.set(key, { traces, run });
  return run;
}

export function addDeadlockFindings(findings: Finding[], traces: Trace[], profile: Profile, input: string | undefined,
  inputLineOf: (file: string, line: number) => number | undefined, introducedOf: (fn: string, classes: string[]) => boolean,
  memo: DeadlockMemo = new Map()): void {
  if (!traces.length) return;
  const run = explore(traces, profile, memo);
  for (const d of run.result.deadlocks) {
    const mine = d.threads.findIndex((t) => !t.scenario && traces.some((x) => x.name === t.name));
    if (mine < 0) continue;
    const blocked = d.steps.find((s) => s.thread === mine && s.blocked);
    if (!blocked?.file || !blocked.line) continue;
    const fn = d.threads[mine].name;
    // Kernel paths of the scenario library cite the era's own kernel (not the tree being checked):
    // their sites go into the message; only sites in the analysed files are related locations.
    const related = otherSites(d, mine).filter((r) => !r.scenario).map(({ scenario: _s, ...r }) => r);
    const schedule = scheduleText(d, mine);
    const existing = findings.find((f) => f.code === 'lock-order' && f.file === blocked.file && f.line === blocked.line);
    if (existing) {
      for (const r of related) if (!existing.related.some((x) => x.file === r.file && x.line === r.line)) existing.related.push(r);
      if (!existing.related.some((r) => r.message.startsWith('deadlock schedule'))) {
        existing.related.push({ file: blocked.file, line: blocked.line, message: `deadlock schedule: ${schedule}` });
      }
      continue;
    }
    const classes = [...new Set(d.cycleClasses ?? d.cycle)];
    const held = d.steps.filter((s) => s.thread === mine && s.op === 'lock' && !s.blocked).map((s) => s.label);
    const others = d.threads.filter((_, i) => i !== mine).map((t) => t.scenario ? `${t.name} (scenario ${t.scenario})` : `${t.name}()`).join(' and ');
    findings.push({
      code: 'lock-order', severity: 'error', file: blocked.file, line: blocked.line, column: 1, endLine: blocked.line, endColumn: 1,
      message: `${fn}() takes ${blocked.label} while holding ${held.join(', ') || 'other locks'}, and ${others} takes them in the other order. Deadlock schedule: ${schedule}`,
      function: fn, introduced: introducedOf(fn, classes), locks: [...held, blocked.label], classes,
      ...(input ? { input } : {}), ...(inputLineOf(blocked.file, blocked.line) !== undefined ? { inputLine: inputLineOf(blocked.file, blocked.line) } : {}),
      related,
    });
  }
}

function otherSites(d: Deadlock, mine: number): (Finding['related'][number] & { scenario?: boolean })[] {
  const out: (Finding['related'][number] & { scenario?: boolean })[] = [];
  for (const s of d.steps) {
    if (s.thread === mine || s.op !== 'lock' || !s.file || !s.line) continue;
    const t = d.threads[s.thread];
    const who = t.scenario ? `CPU${s.thread} (${t.name}${t.tree ? `, ${t.tree}` : ''})` : `CPU${s.thread} (${t.name}())`;
    out.push({ file: s.file, line: s.line, message: `${who} ${s.blocked ? 'waits for' : 'holds'} ${s.label} here`, scenario: !!t.scenario });
  }
  return out;
}

/** The schedule in one line: each step with its CPU and site. */
function scheduleText(d: Deadlock, mine: number): string {
  return d.steps.filter((s) => s.op === 'lock').map((s) => {
    const t = d.threads[s.thread];
    const where = s.file && s.line ? ` at ${t.scenario && t.tree ? `${t.tree} ` : ''}${s.file}:${s.line}` : '';
    return `CPU${s.thread}${s.thread === mine ? '' : ` (${t.name})`} ${s.blocked ? 'waits for' : 'takes'} ${s.label}${where}`;
  }).join('; ');
}
