// What a function does to locks, as seen by its callers. Instances are templates: `$0->lock` names
// the lock reached from parameter 0, `$ret` the returned value; anything else is a global.
import type { Fact, Site } from './state';

export interface LockTemplate {
  class: string | null;
  instance: string;
  label: string;
  mode: 'read' | 'write';
  spins: boolean;
  nested: boolean;
  site: Site;
}

export interface SummaryExit {
  ret: Fact | 'void' | 'unknown';
  acquired: LockTemplate[];   // held on return, not held on entry
  released: LockTemplate[];   // held by the caller on entry, released inside
  /** Net change of the atomic context on return (page_lock_anon_vma returns inside rcu_read_lock). */
  rcu?: number;
  preempt?: number;
  irqOff?: number;
}

export interface Summary {
  name: string;
  file: string;
  /** The first sleeping operation reachable inside (directly or through callees). */
  maySleep: { site: Site; why: string } | null;
  /** Parameters whose GFP flags decide whether it sleeps. */
  gfpParams: number[];
  /** Locks taken inside at any point (transitively), with the first site. */
  takes: LockTemplate[];
  /** Net effect per return value; one element when it does not depend on the return value. */
  exits: SummaryExit[];
  /** Locks the function asserts or is annotated to need on entry. */
  requires: LockTemplate[];
  /** Whether the function enters atomic context and leaves it (rcu/preempt/irq changes are net zero). */
  complete: boolean;
}
