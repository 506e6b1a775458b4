// Which profile a run uses, and where that choice came from (shown in the status bar and output).
import { loadProfile, listProfiles } from '../model/profiles';
import { autoProfile } from '../model/auto-profile';
import { buildOrder } from '../model/order';
import { indexProfile, ProfileIndex } from '../model/resolve';
import type { Profile } from '../model/profile-types';
import type { OrderLike } from '../sim/interpret';

export interface ChosenProfile {
  profile: Profile;
  origin: string;
  ix: ProfileIndex;
  order: OrderLike;
}

export interface ProfileRequest {
  profile?: string;          // auto | id | file
  cwd?: string;
  untrusted?: boolean;
  /** Reads a tree file as the analysis sees it (post-image where the input patches it). */
  readTreeFile?: (rel: string) => string | undefined;
  /** Without a tree: the input text, to guess the era from the lock APIs it uses. */
  text?: string;
}

export function chooseProfile(req: ProfileRequest): ChosenProfile {
  const want = req.profile ?? 'auto';
  let profile: Profile;
  let origin: string;
  if (want === 'auto') {
    if (req.readTreeFile && req.readTreeFile('Makefile') !== undefined) {
      const a = autoProfile(req.readTreeFile);
      profile = a.profile;
      origin = a.origin;
    } else {
      const g = guessFromText(req.text ?? '');
      profile = g.profile;
      origin = g.origin;
    }
  } else {
    profile = loadProfile(want, { cwd: req.cwd, untrusted: req.untrusted });
    origin = want.endsWith('.json') ? `profile file ${want}` : '--profile';
  }
  return finish(profile, origin);
}

export function finish(profile: Profile, origin: string): ChosenProfile {
  const order = buildOrder(profile);
  return { profile, origin, ix: indexProfile(profile), order };
}

/**
 * No tree: pick the era whose lock APIs the text uses most (mmap_sem vs mmap_lock, i_mmap_lock vs
 * i_mmap_rwsem, lock_page vs folio_lock...). Ties go to the newest era.
 */
export function guessFromText(text: string): { profile: Profile; origin: string } {
  const ids = listProfiles().map((p) => p.id);
  const words = new Map<string, number>();
  // The first MB says which era as well as the whole would (and a 50 MB input stays cheap).
  for (const m of text.slice(0, 1 << 20).match(/[A-Za-z_]\w+/g) ?? []) words.set(m, (words.get(m) ?? 0) + 1);
  let best: { id: string; score: number; profile: Profile } | undefined;
  for (const id of ids) {
    const p = loadProfile(id);
    const names = new Set<string>();
    for (const a of p.apis) names.add(a.name);
    for (const c of p.classes) for (const f of c.fields ?? []) names.add(f.slice(f.indexOf('.') + 1));
    for (const c of p.classes) for (const g of c.globals ?? []) names.add(g);
    let score = 0;
    for (const [w, n] of words) if (names.has(w)) score += n;
    // Names that exist in this era only count double: they are what tells eras apart.
    if (!best || score > best.score || (score === best.score && newer(p, best.profile))) best = { id, score, profile: p };
  }
  if (!best) throw new Error('no built-in profiles');
  return { profile: best.profile, origin: best.score ? 'guessed from the lock APIs in the input (no kernel tree)' : 'default (no kernel tree)' };
}

function newer(a: Profile, b: Profile): boolean {
  return a.version.major > b.version.major || (a.version.major === b.version.major && a.version.minor > b.version.minor);
}
