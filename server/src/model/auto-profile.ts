// `--profile auto`: the era profile for the tree's Makefile version, with its order refined from the
// tree's own mm/rmap.c and mm/filemap.c ordering comments (the caller passes post-images when the
// patch edits them, so a patch that documents its new lock in the comment is understood).
import type { Profile } from './profile-types';
import { listProfiles, loadProfile } from './profiles';
import { compareVersions, formatVersion, parseMakefileVersion, type TreeVersion } from './kernel-version';
import { refineOrderReport, type RefineReport } from './ordering-comment';

export interface AutoProfile {
  profile: Profile;
  /** how it was chosen: "linux-2.6.34 (tree Makefile 2.6.34, order from mm/rmap.c and mm/filemap.c)" */
  origin: string;
  /** the tree's version, when its Makefile gave one */
  version?: TreeVersion;
  /** classes the tree's comments named that the profile did not know */
  newClasses: string[];
}

/** `readTreeFile(rel)` returns a file of the tree by its path relative to the tree root, or undefined. */
export function autoProfile(readTreeFile: (rel: string) => string | undefined): AutoProfile {
  const profiles = listProfiles();
  const makefile = safeRead(readTreeFile, 'Makefile');
  const version = makefile === undefined ? null : parseMakefileVersion(makefile);
  let chosen = profiles[profiles.length - 1];
  let why: string;
  if (!version) {
    why = makefile === undefined ? 'no tree Makefile: the newest profile' : 'the tree Makefile has no VERSION/PATCHLEVEL: the newest profile';
  } else {
    const at = profiles.filter((p) => compareVersions(p.since, version) <= 0);
    const shown = formatVersion(version, true);
    if (!at.length) {
      chosen = profiles[0];
      why = `tree Makefile ${shown}: older than every profile, the oldest`;
    } else {
      chosen = at[at.length - 1];
      const own = compareVersions(chosen.version, version) === 0
        || (version.major >= 3 && chosen.version.major === version.major && chosen.version.minor === version.minor);
      why = own ? `tree Makefile ${shown}` : `tree Makefile ${shown}: the nearest profile, for ${chosen.era}`;
    }
  }
  const base = loadProfile(chosen.id);
  const texts = { rmap: safeRead(readTreeFile, 'mm/rmap.c'), filemap: safeRead(readTreeFile, 'mm/filemap.c') };
  const report = refineOrderReport(base, texts);
  const from = orderSources(report);
  const newClasses = [...(report.rmap?.newClasses ?? []), ...(report.filemap?.newClasses ?? [])].map((c) => c.id);
  const origin = `${chosen.id} (${why}, ${from})`;
  const out: AutoProfile = { profile: report.profile, origin, newClasses };
  if (version) out.version = version;
  return out;
}

function orderSources(r: RefineReport): string {
  const used = (['rmap', 'filemap'] as const).filter((k) => r[k]?.found).map((k) => `mm/${k}.c`);
  return used.length ? `order from ${used.join(' and ')}` : `order from the profile (no ordering comment in the tree)`;
}

function safeRead(read: (rel: string) => string | undefined, rel: string): string | undefined {
  try {
    return read(rel);
  } catch {
    return undefined;
  }
}

