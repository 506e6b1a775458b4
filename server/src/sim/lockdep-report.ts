// Explorer results as kernel developers read them: lockdep's "Possible unsafe locking scenario"
// table (kernel/locking/lockdep.c print_circular_lock_scenario), extended with file:line after
// each step, one column per CPU beyond two, and the documented rules that make it a deadlock;
// and the `mmlock simulate --format json` object (DESIGN.md, contract).
import type { Deadlock, DeadlockStep, ExploreResult } from './explore-types';

/** One documented ordering rule: `outer` is taken before `inner`. */
export interface RuleEdge { outer: string; inner: string; source: string }
/** The documented order path from class a to class b (a before b), or null when none is known. */
export type Explain = (a: string, b: string) => RuleEdge[] | null;

// lockdep's layout: "       CPU0                    CPU1" and steps at column 2 (CPU0) and 31 (CPU1).
// Further CPUs continue the same 29-column pitch as CPU1 (lockdep itself prints only two).
const PITCH = 29;
const stepColumn = (cpu: number): number => 2 + PITCH * cpu;
const headColumn = (cpu: number): number => (cpu === 0 ? 7 : stepColumn(cpu));

/** lockdep names a class after the lock's init expression: "&mm->page_table_lock", but "tasklist_lock". */
export function lockdepName(label: string): string {
  const l = label.trim();
  if (l.startsWith('&')) return l;
  return /->|\./.test(l) ? `&${l}` : l;
}

/** The label as plain kernel text (no leading '&'), used in JSON. */
export function plainName(label: string): string {
  return label.trim().replace(/^&\s*/, '');
}

/**
 * One printed name per lock, as lockdep prints one name per class: the scenario's label (written
 * as lockdep names the class) when a scenario takes it, else the first label seen. Two CPUs often
 * reach the same class through different expressions ("avc->anon_vma->lock", "anon_vma->lock").
 */
export function displayNames(d: Deadlock): Map<string, string> {
  const names = new Map<string, string>();
  const fromScenario = d.steps.filter((s) => d.threads[s.thread]?.scenario !== undefined);
  for (const s of [...fromScenario, ...d.steps]) if (!names.has(s.lock)) names.set(s.lock, lockdepName(s.label));
  return names;
}

function stepText(s: DeadlockStep, names: Map<string, string>): string {
  const name = names.get(s.lock) ?? lockdepName(s.label);
  const fn = s.op === 'unlock' ? 'unlock'
    : s.op === 'trylock' ? (s.mode === 'read' ? 'tryrlock' : 'trylock')
    : s.mode === 'read' ? 'rlock' : 'lock';
  const where = s.file ? `   ${s.file}${s.line !== undefined ? `:${s.line}` : ''}` : '';
  const failed = s.failed ? '   (fails)' : '';
  return `${fn}(${name});${where}${failed}`;
}

function row(cpu: number, text: string): string {
  return ' '.repeat(stepColumn(cpu)) + text;
}

function header(n: number, label: (c: number) => string): string {
  let line = '';
  for (let c = 0; c < n; c++) line = line.padEnd(headColumn(c)) + label(c);
  return line;
}

function threadLine(d: Deadlock, cpu: number): string {
  const t = d.threads[cpu];
  const parts: string[] = [];
  if (t.scenario) parts.push(`scenario ${t.scenario}${t.tree ? `, ${t.tree}` : ''}`);
  else if (t.source) parts.push(t.source);
  let s = `CPU${cpu}: ${t.name}${parts.length ? ` (${parts.join('; ')})` : ''}`;
  if (t.note) s += `\n      ${t.note}`;
  return s;
}

/** The CPUs that appear in the table: those with a step, in index order. */
function shownCpus(d: Deadlock): number[] {
  return [...new Set(d.steps.map((s) => s.thread))].sort((a, b) => a - b);
}

export function renderDeadlockText(d: Deadlock, explain?: Explain | null): string {
  const cpus = shownCpus(d);
  const col = new Map(cpus.map((c, i) => [c, i]));
  const names = displayNames(d);
  const out: string[] = [];
  for (const c of cpus) out.push(threadLine(d, c));
  out.push('');
  if (d.cycle.length > 2) {
    out.push('Chain exists of:');
    out.push('  ' + cycleNames(d, names).join(' --> '));
    out.push('');
  }
  out.push(' Possible unsafe locking scenario:');
  out.push('');
  out.push(header(cpus.length, (i) => `CPU${cpus[i]}`));
  out.push(header(cpus.length, () => '----'));
  for (const s of d.steps) out.push(row(col.get(s.thread) ?? 0, stepText(s, names)));
  out.push('');
  out.push(' *** DEADLOCK ***');
  out.push('');
  const rules = renderRules(d, names, explain);
  if (rules.length) out.push(...rules, '');
  return out.join('\n') + '\n';          // ends with one blank line
}

/** Per CPU of the cycle: the order it takes the two locks in, and the documented rule it breaks or follows. */
function renderRules(d: Deadlock, names: Map<string, string>, explain?: Explain | null): string[] {
  if (!explain || !d.cycleThreads || !d.cycleClasses) return [];
  const out: string[] = [];
  const m = d.cycle.length;
  // Print classes under the names the schedule uses for them.
  const byClass = new Map<string, string>();
  for (const s of d.steps) if (!byClass.has(s.class ?? s.lock)) byClass.set(s.class ?? s.lock, names.get(s.lock) ?? lockdepName(s.label));
  const name = (c: string): string => byClass.get(c) ?? c;
  const shown = cycleNames(d, names);
  const edgeLines = (edges: RuleEdge[]): string[] =>
    edges.map((e) => `    ${name(e.outer)} --> ${name(e.inner)}   ${e.source}`);
  for (let i = 0; i < m; i++) {
    const cpu = d.cycleThreads[i];
    const held = d.cycleClasses[i], wanted = d.cycleClasses[(i + 1) % m];
    const heldName = shown[i], wantedName = shown[(i + 1) % m];
    const against = held === wanted ? null : explain(wanted, held);
    const along = held === wanted ? null : explain(held, wanted);
    if (against) {
      out.push(`CPU${cpu} takes ${wantedName} while holding ${heldName}, against the documented order:`);
      out.push(...edgeLines(against));
    } else if (along) {
      out.push(`CPU${cpu} takes ${heldName} then ${wantedName}, as documented:`);
      out.push(...edgeLines(along));
    } else {
      out.push(`CPU${cpu} takes ${heldName} then ${wantedName}: no documented order between them`);
    }
  }
  return out.length ? ['Documented lock order:', ...out] : [];
}

/** The cycle's locks under their printed names (cycle[i] is held by cycleThreads[i]). */
function cycleNames(d: Deadlock, names: Map<string, string>): string[] {
  // cycleClasses holds the lock identities in cycle order when the explorer produced the deadlock.
  const ids = d.cycleClasses;
  return d.cycle.map((label, i) => {
    const step = ids ? d.steps.find((s) => (s.class ?? s.lock) === ids[i]) : undefined;
    return (step && names.get(step.lock)) ?? lockdepName(label);
  });
}

/** The negative (or truncated) outcome line. */
export function renderNoDeadlockText(r: Pick<ExploreResult, 'explored' | 'bounded' | 'boundReason'>): string {
  return `no deadlock in ${r.explored} states${r.bounded ? ` (bounded: ${r.boundReason ?? 'search bound reached'})` : ''}\n`;
}

/** All deadlocks of a result, separated by a blank line, then the bound if one hit. */
export function renderResultText(r: ExploreResult, explain?: Explain | null): string {
  if (r.deadlocks.length === 0) return renderNoDeadlockText(r);
  const parts = r.deadlocks.map((d) => renderDeadlockText(d, explain));
  let tail = `${r.deadlocks.length} deadlock${r.deadlocks.length === 1 ? '' : 's'} in ${r.explored} states`;
  if (r.bounded) tail += ` (bounded: ${r.boundReason ?? 'search bound reached'})`;
  return parts.join('') + tail + '\n';
}

export interface SimulationJson {
  version: 1;
  explored: number;
  bounded: boolean;
  boundReason?: string;
  deadlocks: {
    threads: ({ name: string; source?: string; scenario?: string; tree?: string; note?: string })[];
    steps: { thread: number; op: string; lock: string; class?: string; mode: string; file?: string; line?: number; blocked?: boolean; failed?: boolean }[];
    cycle: string[];
    cycleClasses?: string[];
  }[];
  [extra: string]: unknown;
}

/** The DESIGN.md `mmlock simulate --format json` object (required fields exactly named; extras allowed). */
export function simulationJson(r: ExploreResult, extra: Record<string, unknown> = {}): SimulationJson {
  return {
    version: 1,
    explored: r.explored,
    bounded: r.bounded,
    ...(r.boundReason ? { boundReason: r.boundReason } : {}),
    deadlocks: r.deadlocks.map((d) => ({
      threads: d.threads.map((t) => ({
        name: t.name,
        ...(t.source !== undefined ? { source: t.source } : {}),
        ...(t.scenario !== undefined ? { scenario: t.scenario } : {}),
        ...(t.tree !== undefined ? { tree: t.tree } : {}),
        ...(t.note !== undefined ? { note: t.note } : {}),
      })),
      steps: d.steps.map((s) => ({
        thread: s.thread, op: s.op, lock: plainName(s.label), class: s.class ?? s.lock, mode: s.mode,
        ...(s.file !== undefined ? { file: s.file } : {}),
        ...(s.line !== undefined ? { line: s.line } : {}),
        ...(s.blocked ? { blocked: true } : {}),
        ...(s.failed ? { failed: true } : {}),
      })),
      cycle: cycleNames(d, displayNames(d)).map(plainName),
      ...(d.cycleClasses ? { cycleClasses: d.cycleClasses } : {}),
    })),
    ...extra,
  };
}
