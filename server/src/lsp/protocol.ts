// mmlock's LSP extensions: custom requests and notifications, shared by the server and any client.
// Plain types and strings only (no imports), so the VS Code client can bundle it and other editors
// (Neovim, Emacs, Helix) can read it as the protocol's documentation.

/** 0-based line/character, as LSP. */
export interface Pos { line: number; character: number }

/** A place a user can open: a document URI and a 0-based line. */
export interface Place { uri: string; line: number; character?: number }

export const Methods = {
  /** Request: simulate the touched functions (or the given ones / the one at `position`). */
  simulate: 'mmlock/simulate',
  /** Request: the active profile's lock order, laid out as a layered graph. */
  hierarchy: 'mmlock/hierarchy',
  /** Request: the built-in profiles and the active one. */
  profiles: 'mmlock/profiles',
  /** Notification server -> client: active profile, its origin, tree or hunk-only mode. */
  status: 'mmlock/status',
  /** Notification client -> server: the workspace became trusted (or not). */
  trust: 'mmlock/didChangeTrust',
  /** Request: re-check the workspace's kernel tree (its mm/*.c) under edits of the hierarchy. */
  whatIf: 'mmlock/whatIf',
  /** Notification server -> client: files done of a what-if run. */
  whatIfProgress: 'mmlock/whatIfProgress',
} as const;

export interface WhatIfParams { edits: string[] }
export interface WhatIfProgress { done: number; total: number }
/** The site list as the tree view shows it (file -> function -> site), plus the summary text. */
export interface WhatIfReply {
  tree: string;
  label: string;
  text: string;
  notes: string[];
  files: { file: string; breaks: number; allowed: number; functions: { name: string; line: number; sites: WhatIfReplySite[] }[] }[];
}
export interface WhatIfReplySite {
  change: 'breaks' | 'allowed';
  code: string;
  severity: string;
  line: number; column: number; endLine: number; endColumn: number;
  cause: string;
  explanation: string;
  message: string;
}

export interface SimulateParams {
  textDocument: { uri: string };
  /** Function names; absent: the touched functions (or the one at `position`). */
  functions?: string[];
  position?: Pos;
  /** Overrides mmlock.simulation.maxStates. */
  maxStates?: number;
}

export interface SimThread { name: string; source?: string; scenario?: string; tree?: string; note?: string }

export interface SimStep {
  thread: number;
  op: string;                 // lock / unlock / trylock (as the explorer prints)
  lock: string;               // "mm->page_table_lock"
  class?: string;             // its class id (CPUs contend by class, as lockdep reasons)
  file?: string;              // post-image path (for a kernel-path scenario: a file of the scenario's own tree)
  line?: number;              // 1-based post-image line
  /** Where the step can be opened (tree file or patch line), when known. */
  place?: Place;
  /** The thread waits here for a lock another thread holds (the last step of each thread in the cycle). */
  blocked?: boolean;
}

export interface SimDeadlock { threads: SimThread[]; steps: SimStep[]; cycle: string[] }

/** The `mmlock simulate --format json` shape (DESIGN.md) plus what an editor needs to show it. */
export interface SimulateResult {
  version: 1;
  profile: { id: string; origin: string };
  functions: string[];        // the functions simulated
  explored: number;
  bounded: boolean;
  deadlocks: SimDeadlock[];
  /** Lockdep-style text ("Possible unsafe locking scenario"), for the output channel. */
  text: string;
  notes: string[];
}

export interface HierarchyParams { textDocument?: { uri: string }; profile?: string }

export interface HierarchyNode {
  id: string;
  kind: string;               // spinlock, rwsem, ...
  sleeps: boolean;
  description: string;
  source: string;
  layer: number;              // order depth (0 = outermost)
  x: number; y: number; width: number; height: number;
  used: boolean;              // taken in the current file
  isolated: boolean;          // no documented order with any other class (drawn in a last row)
}

export interface HierarchyEdge {
  outer: string;
  inner: string;
  source: string;
  note?: string;
  /** Implied by a longer chain of documented edges: drawn faintly (or not at all). */
  implied: boolean;
  points: { x: number; y: number }[];
}

export interface HierarchyResult {
  profile: { id: string; origin: string; description: string };
  nodes: HierarchyNode[];
  edges: HierarchyEdge[];
  width: number;
  height: number;
  /** Plain text form, for the output channel. */
  text: string;
}

export interface ProfilesResult {
  active: { id: string; origin: string } | null;
  profiles: { id: string; description: string }[];
}

export interface StatusParams {
  profile: string;            // "linux-2.6.34"
  origin: string;             // "tree Makefile", "setting", "default"
  mode: 'tree' | 'hunk-only' | 'c-file';
  tree: string | null;        // kernel tree directory in use
  /** One line for the status bar tooltip; said once per change of state. */
  message: string;
  trusted: boolean;
}
