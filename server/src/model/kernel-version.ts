// Kernel versions: reading VERSION/PATCHLEVEL/SUBLEVEL from a tree's Makefile, comparing, printing.
import type { KernelVersion } from './profile-types';

export interface TreeVersion extends KernelVersion { patch: number; extra: string }

/** The version a kernel Makefile declares, or null when the text is not a kernel Makefile. */
export function parseMakefileVersion(text: string): TreeVersion | null {
  // Only the first 40 lines: the variables are at the top, and a big unrelated file stays cheap.
  const head = text.split(/\r?\n/, 40);
  const get = (name: string): string | undefined => {
    for (const l of head) {
      const m = new RegExp(`^${name}\\s*[:?]?=\\s*(\\S*)\\s*$`).exec(l);
      if (m) return m[1];
    }
    return undefined;
  };
  const major = get('VERSION');
  const minor = get('PATCHLEVEL');
  if (!major || !minor || !/^\d+$/.test(major) || !/^\d+$/.test(minor)) return null;
  const sub = get('SUBLEVEL');
  return { major: +major, minor: +minor, patch: sub && /^\d+$/.test(sub) ? +sub : 0, extra: get('EXTRAVERSION') ?? '' };
}

export function compareVersions(a: KernelVersion, b: KernelVersion): number {
  return a.major - b.major || a.minor - b.minor || (a.patch ?? 0) - (b.patch ?? 0);
}

/** "2.6.34", "6.12", "5.14-rc5" (patch shown for 2.x kernels, where it names the release, or when asked). */
export function formatVersion(v: KernelVersion & { extra?: string }, withPatch = v.major < 3): string {
  const base = `${v.major}.${v.minor}${withPatch && v.patch !== undefined ? `.${v.patch}` : ''}`;
  return base + (v.extra ?? '');
}
