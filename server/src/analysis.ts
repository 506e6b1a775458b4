// The one analysis entry used by the CLI, the language server and the tests.
// (Being built by the lead: the signatures are final, the bodies are not yet.)
import type { AnalyzeOptions, AnalysisResult } from './analysis-types';
import type { Profile } from './model/profile-types';
import type { Trace } from './sim/trace-types';

export async function analyze(opts: AnalyzeOptions): Promise<AnalysisResult> {
  return {
    profile: { id: opts.profile ?? 'auto', origin: 'default' },
    mode: 'hunk-only', findings: [], functions: [], sites: [], notes: ['analysis not built yet'],
    stats: { files: 0, functions: 0, ms: 0 },
  };
}

/** Lock-event traces of the touched functions (or of `functions` by name), one per distinct lock behaviour. */
export async function collectTraces(
  opts: AnalyzeOptions & { functions?: string[] },
): Promise<{ profile: Profile | null; traces: Trace[]; notes: string[] }> {
  void opts;
  return { profile: null, traces: [], notes: ['analysis not built yet'] };
}
