// The one analysis entry's inputs and outputs (plain data). The shells (cli/, lsp/) use only these.
import type { Finding } from './findings';

export interface AnalyzeOptions {
  name: string;              // input name as given (patch/mbox/.c path, or "-")
  text: string;              // input text
  tree?: string;             // kernel tree directory for pre-images (undefined: hunk-only mode for patches)
  profile?: string;          // "auto" (default), a built-in profile id, or a profile file path
  all?: boolean;             // report pre-existing findings too
  /** Overrides for file contents (unsaved editor buffers), by absolute path. */
  readFile?: (absPath: string) => string | undefined;
  /** A profile object to use as is (what-if: an edited profile), instead of `profile`. */
  profileObject?: import('./model/profile-types').Profile;
  /** Where profileObject came from, for output (e.g. "linux-2.6.34 + what-if i_mmap_lock=mutex"). */
  profileOrigin?: string;
  /** Collect lock sites for hovers (default true; the CLI turns it off). */
  sites?: boolean;
  /** Disallow loading profile files from disk (untrusted workspace). */
  untrusted?: boolean;
  signal?: AbortSignal;
  /** Directory relative paths are resolved from (CLI: the current directory). */
  cwd?: string;
  /** Also summarise non-static callees defined in the other .c files of the analysed file's
   *  directory in the tree. Default: on for patches (a pre-existing error of the model in such a
   *  callee shows in the pre-image too, so it is not "introduced"), off for C files checked whole
   *  (every finding is reported there); what-if runs turn it on (they report differences). */
  crossFile?: boolean;
  /** What-if: a function whose text cannot name a class the edit touches (and whose callees'
   *  summaries do not either) has the same result under both profiles, so results are stored
   *  under `key` for both runs. */
  shareResults?: ShareResults;
  /** C files: leave these functions out (what-if: they cannot differ under the edit). */
  skipFunctions?: string[];
  /** C files: also analyse under this profile in the same simulation (a what-if edit that changes
   *  only lock kinds and the order: see canShareWalks); the result is AnalysisResult.variant. */
  variant?: { profileObject: import('./model/profile-types').Profile; profileOrigin: string };
  /** Shared across the inputs of one run: parsed tree headers, loaded profiles (see createCache). */
  cache?: import('./analysis').AnalysisCache;
}

/** A lock call or lock-taking helper at one site, with what is held there (for hover). */
export interface LockSite {
  file: string;              // post-image path
  line: number;              // 1-based post-image line
  column: number;            // 1-based
  endColumn: number;
  inputLine?: number;        // the patch line showing it, when the patch shows it
  function: string;
  api: string;               // the called function/macro
  op: string;                // acquire / release / try-acquire / ...
  class: string | null;      // resolved class id, or null for a lock unknown to the profile
  instance: string;          // lock expression as normalised ("mm->page_table_lock")
  paths: number;             // number of simulated paths reaching the site
  held: { lock: string; class: string | null; mode: 'read' | 'write'; paths: number }[];
}

export interface FunctionReport {
  name: string;
  file: string;
  line: number;              // post-image start line
  endLine: number;
  inputLine?: number;        // the patch line where this function is first shown
  touched: boolean;
  findings: number;
}

export interface AnalysisResult {
  profile: { id: string; origin: string };   // origin: "tree Makefile", "--profile", "default", ...
  mode: 'tree' | 'hunk-only' | 'c-file';
  findings: Finding[];
  functions: FunctionReport[];
  sites: LockSite[];
  notes: string[];           // e.g. "hunk 3 of mm/mmap.c does not apply; hunk-only mode for that file"
  stats: { files: number; functions: number; ms: number };
  /** With AnalyzeOptions.variant: the same input's result under that profile. */
  variant?: AnalysisResult;
}

/** See AnalyzeOptions.shareResults. */
export interface ShareResults {
  key: string;
  /** Whether a function body may name one of the classes (conservative: true when unsure). */
  mayName(body: string): boolean;
  classes: string[];
}
