// Findings: the stable codes (DESIGN.md, contract) and the shape every layer passes around.

export type FindingCode =
  | 'lock-order' | 'sleep-in-atomic' | 'double-lock' | 'unbalanced-lock'
  | 'unlock-unheld' | 'irq-state' | 'analysis-limit';

export type Severity = 'error' | 'warning' | 'info';

export const DEFAULT_SEVERITY: Record<FindingCode, Severity> = {
  'lock-order': 'error',
  'sleep-in-atomic': 'error',
  'double-lock': 'error',
  'unbalanced-lock': 'warning',
  'unlock-unheld': 'warning',
  'irq-state': 'warning',
  'analysis-limit': 'info',
};

export interface Related { file: string; line: number; column?: number; message: string }

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  file: string;              // post-image path
  line: number;              // 1-based, post-image
  column: number;            // 1-based
  endLine: number;
  endColumn: number;
  function: string;
  introduced: boolean;
  locks: string[];           // the lock expressions (or class ids) involved, outer first
  classes: string[];         // the lock class ids involved (for introduced-vs-pre-existing matching)
  input?: string;            // the patch file name
  inputLine?: number;        // line in the patch when the patch shows this line
  related: Related[];
  source?: string;           // the documented rule's source
}
