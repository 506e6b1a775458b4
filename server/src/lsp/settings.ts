// The `mmlock.*` settings as the server uses them, parsed tolerantly from whatever the client sends
// (VS Code's workspace/configuration, or another editor's didChangeConfiguration payload).
import type { FindingCode } from '../findings';

export type SeverityOverride = 'error' | 'warning' | 'information' | 'hint' | 'off';

export const FINDING_CODES: readonly FindingCode[] = [
  'lock-order', 'sleep-in-atomic', 'double-lock', 'unbalanced-lock', 'unlock-unheld', 'irq-state', 'analysis-limit',
];

export interface Settings {
  profile: string;                 // "auto", a profile id, or a profile file (ignored when untrusted)
  kernelTree: string;              // "" = find one in the workspace
  severity: Partial<Record<string, SeverityOverride>>;
  maxStates: number;
}

export const DEFAULT_SETTINGS: Settings = { profile: 'auto', kernelTree: '', severity: {}, maxStates: 200_000 };

const SEVERITIES = new Set<SeverityOverride>(['error', 'warning', 'information', 'hint', 'off']);

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** `raw` is the `mmlock` section: { profile, kernelTree, severity: { 'lock-order': 'warning' }, simulation: { maxStates } }.
 *  Flat keys ("severity.lock-order") are accepted too, as some clients send them unsplit. */
export function parseSettings(raw: unknown): Settings {
  const r = obj(raw);
  const s: Settings = { ...DEFAULT_SETTINGS, severity: {} };
  if (typeof r.profile === 'string' && r.profile.trim()) s.profile = r.profile.trim();
  if (typeof r.kernelTree === 'string') s.kernelTree = r.kernelTree.trim();
  const sev: Record<string, unknown> = { ...obj(r.severity) };
  for (const [k, v] of Object.entries(r)) if (k.startsWith('severity.')) sev[k.slice(9)] = v;
  for (const [code, v] of Object.entries(sev)) {
    if (typeof v === 'string' && SEVERITIES.has(v as SeverityOverride)) s.severity[code] = v as SeverityOverride;
  }
  const sim = obj(r.simulation);
  const ms = sim.maxStates ?? r['simulation.maxStates'];
  if (typeof ms === 'number' && Number.isFinite(ms) && ms > 0) s.maxStates = Math.floor(ms);
  return s;
}

/** What changes the analysis (severity only changes the mapping, not the analysis). */
export function analysisKey(s: Settings, trusted: boolean): string {
  return JSON.stringify([s.profile, s.kernelTree, trusted]);
}
