// Which scenarios belong to a profile: an era is a profile id ("linux-2.6.34") or an inclusive
// version range ("2.6.34..2.6.39", "6.4..", "..2.6.31"). An upper bound covers its whole series
// ("..6.3" includes 6.3.8); a lower bound is padded with zeros ("6.4.." includes 6.4.0).
import type { Profile } from '../model/profile-types';

export type Version = number[];

export function parseVersion(s: string): Version | null {
  if (!/^\d+(\.\d+)*$/.test(s)) return null;
  return s.split('.').map(Number);
}

type ProfileEra = Pick<Profile, 'id' | 'version'> & { extends?: string };

/** The profile's version: from its id ("linux-2.6.34": three parts matter in the 2.6 era), else from the
 *  id it extends (a user's edited copy), else version.{major,minor}. */
export function profileVersion(p: ProfileEra): Version {
  for (const id of [p.id, p.extends]) {
    const m = id ? /^linux-(\d+(?:\.\d+)+)/.exec(id) : null;
    const v = m ? parseVersion(m[1]) : null;
    if (v) return v;
  }
  return [p.version.major, p.version.minor];
}

function compare(a: Version, b: Version, len = Math.max(a.length, b.length)): number {
  for (let i = 0; i < len; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export function eraMatches(era: string, profile: ProfileEra): boolean {
  if (era.startsWith('linux-')) return era === profile.id || era === profile.extends;
  const dots = era.indexOf('..');
  if (dots < 0) return false;
  const v = profileVersion(profile);
  const lo = era.slice(0, dots), hi = era.slice(dots + 2);
  if (lo) { const l = parseVersion(lo); if (!l || compare(v, l) < 0) return false; }
  if (hi) { const h = parseVersion(hi); if (!h || compare(v, h, h.length) > 0) return false; }
  return true;
}

export function scenarioApplies(eras: string[], profile: ProfileEra): boolean {
  return eras.some((e) => eraMatches(e, profile));
}
