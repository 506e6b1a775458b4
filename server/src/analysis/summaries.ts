// Callee summaries on demand: the functions of the file being analysed, of the other files the
// patch touches, and of the tree's headers (static inline wrappers such as anon_vma_lock()) are
// analysed when first called, once, and their summaries used at call sites.
import { analyzeFunction, FunctionInput, FunctionResult, InterpretContext, Limits, OrderLike } from '../sim/interpret';
import type { Summary } from '../sim/summary-types';
import type { ProfileIndex } from '../model/resolve';

export interface FunctionSource {
  /** The definition of a function by name, or undefined. */
  lookup(name: string): FunctionInput | undefined;
}

const MAX_DEPTH = 6;

function failedResult(fn: FunctionInput, why: string): FunctionResult {
  return {
    findings: [], traces: [], sites: [], nestings: [], limit: `internal error: ${why}`,
    summary: { name: fn.name, file: fn.file, maySleep: null, gfpParams: [], takes: [], exits: [{ ret: 'unknown', acquired: [], released: [] }], requires: [], complete: false },
  };
}

export class SummaryProvider {
  private readonly memo = new Map<string, FunctionResult | null>();
  private readonly active = new Set<string>();
  private depth = 0;

  constructor(
    private readonly sources: FunctionSource[],
    private readonly ix: ProfileIndex,
    private readonly order: OrderLike,
    private readonly globals: Map<string, string>,
    private readonly limits?: Limits,
  ) {}

  /** The key of a function: its file and name (the same name may be defined in pre and post images). */
  private static key(fn: FunctionInput): string { return `${fn.file}\0${fn.line}\0${fn.name}`; }

  summaryOf = (name: string): Summary | undefined => {
    const fn = this.find(name);
    if (!fn) return undefined;
    const r = this.resultOf(fn, false);
    return r?.summary;
  };

  find(name: string): FunctionInput | undefined {
    for (const s of this.sources) {
      const f = s.lookup(name);
      if (f) return f;
    }
    return undefined;
  }

  context(collect: { sites?: boolean; traces?: boolean } = {}): InterpretContext {
    return {
      ix: this.ix, order: this.order, globals: this.globals, summaryOf: this.summaryOf,
      limits: this.limits, collectSites: collect.sites, collectTraces: collect.traces,
    };
  }

  /** Analyse a function (memoised unless sites/traces are wanted, which need a fresh run). */
  resultOf(fn: FunctionInput, fresh: boolean, collect: { sites?: boolean; traces?: boolean } = {}): FunctionResult | undefined {
    const k = SummaryProvider.key(fn);
    if (!fresh && this.memo.has(k)) return this.memo.get(k) ?? undefined;
    if (this.active.has(k) || this.depth >= MAX_DEPTH) return undefined; // recursion: no summary
    this.active.add(k);
    this.depth++;
    try {
      let r: FunctionResult;
      try {
        r = analyzeFunction(fn, this.context(collect));
      } catch (e) {
        // Never let one function take the run down: it is reported as not analysed.
        r = failedResult(fn, (e as Error).message);
      }
      if (!this.memo.has(k) || !fresh) this.memo.set(k, r);
      return r;
    } finally {
      this.depth--;
      this.active.delete(k);
    }
  }
}
