// Helpers for comparing what-if answers: a tree's mm/*.c as inputs, the two-run way of answering
// (one analysis per profile and input), and what a user reads of a result.
import * as fs from 'fs';
import * as path from 'path';
import type { WhatIfInput, WhatIfResult, WhatIfRunner } from '../../server/src/what-if';
import { analyze, createCache } from '../../server/src/analysis';
import type { AnalysisResult } from '../../server/src/analysis-types';

export function inputsOf(tree: string): WhatIfInput[] {
  const dir = path.join(tree, 'mm');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.c')).sort().map((f) => ({ name: path.join(dir, f), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

/** The what-if as two separate analyses per input (one per profile), as before one walk served both. */
export function twoRuns(tree: string): WhatIfRunner {
  return async (inputs, variants) => {
    const caches = variants.map(() => createCache());
    const out: AnalysisResult[][] = [];
    for (const input of inputs) {
      const rs: AnalysisResult[] = [];
      for (let i = 0; i < variants.length; i++) {
        rs.push(await analyze({
          name: input.name, text: input.text, tree, profileObject: variants[i].profile, profileOrigin: variants[i].origin,
          all: true, cache: caches[i], sites: false, crossFile: true, skipFunctions: input.skip,
        }));
      }
      out.push(rs);
    }
    return out;
  };
}

/** Everything a user reads of a result (not its timing). */
export function shown(r: WhatIfResult): unknown {
  return { breaks: r.breaks, allowed: r.allowed, files: r.files, causes: r.causes, notes: r.notes, stats: { ...r.stats, ms: 0 } };
}

