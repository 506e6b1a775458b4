// mmlock check --what-if: re-check a tree under an edited hierarchy (issue 8; being built).
import { UsageError } from './args';
import type { CliIO } from './io';

export interface WhatIfArgs { edits: string[]; tree?: string; profile?: string; format: string; inputs: string[]; io: CliIO }

export async function runWhatIf(a: WhatIfArgs): Promise<number> {
  void a;
  throw new UsageError('--what-if is not available in this build yet');
}
