// gcc-style findings for vim/emacs quickfix: FILE:LINE:COL: severity: message [code]
import type { Finding } from '../findings';

export function formatText(findings: Finding[]): string {
  let out = '';
  for (const f of findings) {
    const where = f.inputLine && f.input ? ` (${f.input}:${f.inputLine})` : '';
    out += `${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message}${where} [${f.code}]\n`;
    for (const r of f.related) {
      if (r.line > 0) out += `${r.file}:${r.line}:${r.column ?? 1}: note: ${r.message}\n`;
    }
    if (f.source) out += `${f.file}:${f.line}:${f.column}: note: rule from ${f.source}\n`;
  }
  return out;
}

export function summaryLine(findings: Finding[], functions: number, files: number, profile: string, ms: number): string {
  const n = (s: string) => findings.filter((f) => f.severity === s).length;
  return `mmlock: ${findings.length} finding${findings.length === 1 ? '' : 's'} (${n('error')} errors, ${n('warning')} warnings, ${n('info')} info) in ${functions} functions of ${files} files, profile ${profile}, ${ms} ms`;
}
