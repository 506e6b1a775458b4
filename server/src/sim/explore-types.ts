// Types of the multi-CPU interleaving explorer (input: Trace[], output: ExploreResult).

export type StepOp = 'lock' | 'unlock' | 'trylock';

export interface DeadlockThread {
  name: string;              // function name or scenario title
  source?: string;           // file of a touched function
  scenario?: string;         // scenario id when the trace comes from the library
  tree?: string;             // corpus tree the scenario's file:line refer to
  note?: string;             // variant note ("pte lock is mm->page_table_lock when ...")
}

export interface DeadlockStep {
  thread: number;            // index into Deadlock.threads (CPU number)
  op: StepOp;
  lock: string;              // lock identity (class id)
  class?: string;            // class id for explaining the rule (usually == lock)
  mode: 'read' | 'write';
  label: string;             // as the producer printed it ("mm->page_table_lock", "&anon_vma->lock")
  file?: string;
  line?: number;
  blocked?: boolean;         // the attempt that never completes
  failed?: boolean;          // a trylock that found the lock taken (the CPU went on without it)
}

export interface Deadlock {
  threads: DeadlockThread[];
  steps: DeadlockStep[];
  /** Lock labels around the waits-for cycle: threads[cycleThreads[i]] holds cycle[i] and waits for cycle[i+1]. */
  cycle: string[];
  /** Class ids of `cycle`, in the same order (for explaining the rule). */
  cycleClasses?: string[];
  /** The CPUs in the cycle, in cycle order. */
  cycleThreads?: number[];
}

export interface ExploreOptions {
  /** Distinct states to visit before giving up (default 200,000). */
  maxStates?: number;
  /** Wall-clock budget in ms (default 2,000). */
  maxMs?: number;
  signal?: AbortSignal;
  /** Drop events on locks that can never block anyone (default true). */
  reduce?: boolean;
  /** Stop after this many distinct deadlocks (default 8). */
  maxDeadlocks?: number;
}

export interface ExploreResult {
  explored: number;          // distinct states visited
  bounded: boolean;          // a state/time bound or cancellation stopped the search
  boundReason?: string;
  deadlocks: Deadlock[];
}
