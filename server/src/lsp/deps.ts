// What the language server needs from the analysis core. Injected (createServer(connection, deps)),
// so the tests run the server with a small fake and the real core plugs in through core-adapter.ts.
import type { AnalyzeOptions, AnalysisResult } from '../analysis-types';
import type { OrderEdge } from '../model/profile-types';
import type { SimDeadlock } from './protocol';
import type { WhatIfOptions, WhatIfResult } from '../what-if';

export interface ClassInfo {
  id: string;
  kind: string;               // LockKind
  sleeps: boolean;
  irqSafe?: boolean;
  description: string;
  source: string;
}

/** A profile as the hover and the hierarchy graph read it. */
export interface ProfileView {
  id: string;
  description: string;
  classes: ReadonlyMap<string, ClassInfo>;
  /** Documented edges, outer -> inner, each with its source. */
  edges: readonly OrderEdge[];
  /** The chain of documented edges that puts `a` before `b`, or null when none does. */
  explain(a: string, b: string): OrderEdge[] | null;
  /** The longest documented chain through `cls`, outermost first (["mmap_lock", ..., cls, ...]). */
  chainThrough(cls: string): string[];
}

export type SimulateOptions = AnalyzeOptions & { functions?: string[]; maxStates?: number };

/** The explorer's answer (the `mmlock simulate --format json` shape) plus its lockdep text. */
export interface SimulationOutput {
  profile?: { id: string; origin: string };
  functions: string[];
  explored: number;
  bounded: boolean;
  deadlocks: SimDeadlock[];
  text: string;
  notes: string[];
}

export interface LspDeps {
  analyze(opts: AnalyzeOptions): Promise<AnalysisResult>;
  simulate(opts: SimulateOptions): Promise<SimulationOutput>;
  /** The profile `id` (as AnalysisResult.profile.id names it), or null when unknown. */
  profileView(id: string, opts: { tree?: string; untrusted?: boolean }): ProfileView | null;
  listProfiles(): { id: string; description: string }[];
  /** Tree files, settings or trust changed: drop whatever the core keeps across analyses. */
  invalidate?(): void;
  /** Re-check the tree under an edited hierarchy (server/src/what-if.ts). */
  whatIf?(opts: WhatIfOptions): Promise<WhatIfResult>;
}
