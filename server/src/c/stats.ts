// Parse coverage figures for `mmlock stats`: how many functions parse cleanly, how many lock calls
// they hold. Pure over its inputs (texts in, numbers out); the CLI reads the files.
import { calleeName, callNodes } from './calls';
import { LOCK_API_NAMES } from './lock-apis';
import { disposeC, initParser, parseC } from './parser';

export interface StatsInput { name: string; text: string }

export interface StatsOptions {
  /** Lock API names to count (default: lock-api-names.json). */
  lockApis?: ReadonlySet<string>;
  iteratorMacros?: string[];
  /** At most this many functions with parse errors are listed (default 200). */
  maxListed?: number;
}

export interface ParseStats {
  files: number;
  functions: number;
  functionsWithParseErrors: number;
  lockCalls: number;
  /** Lock calls whose lock the model cannot name (0 until resolution is wired in). */
  unresolvedLockCalls: number;
  ms: number;
  /** The first functions with ERROR/MISSING nodes. */
  errorFunctions: { file: string; line: number; function: string }[];
}

export async function collectStats(inputs: Iterable<StatsInput> | AsyncIterable<StatsInput>, opts: StatsOptions = {}): Promise<ParseStats> {
  const t0 = Date.now();
  await initParser();
  const apis = opts.lockApis ?? LOCK_API_NAMES;
  const maxListed = opts.maxListed ?? 200;
  const s: ParseStats = { files: 0, functions: 0, functionsWithParseErrors: 0, lockCalls: 0, unresolvedLockCalls: 0, ms: 0, errorFunctions: [] };
  for await (const input of inputs) {
    const file = parseC(input.text, { iteratorMacros: opts.iteratorMacros });
    try {
      s.files++;
      for (const fn of file.functions) {
        s.functions++;
        if (fn.hasErrors) {
          s.functionsWithParseErrors++;
          if (s.errorFunctions.length < maxListed) s.errorFunctions.push({ file: input.name, line: fn.startLine, function: fn.name });
        }
        for (const call of callNodes(fn.body)) {
          const name = calleeName(call);
          if (name && apis.has(name)) s.lockCalls++;
        }
      }
    } finally {
      disposeC(file);
    }
  }
  s.ms = Date.now() - t0;
  return s;
}
