// Lock-event traces: what one CPU does to locks along one simulated path (input of the explorer).

export interface TraceEvent {
  op: 'lock' | 'unlock' | 'trylock';
  lock: string;              // lock identity: class id plus instance ("anon_vma", "mm->page_table_lock")
  class: string;             // class id (for explaining the rule)
  mode: 'read' | 'write';
  label: string;             // as printed: "mm->page_table_lock", "&anon_vma->lock"
  file?: string;
  line?: number;
}

export interface Trace {
  name: string;              // function name or scenario title
  source?: string;           // file the function is in
  scenario?: string;         // scenario id when the trace comes from the library
  tree?: string;             // (scenarios) the corpus tree their file:line refer to, e.g. "linux-2.6.34"
  note?: string;             // (scenarios) variant note, e.g. "pte lock is mm->page_table_lock when split ptlocks are off"
  events: TraceEvent[];
}
