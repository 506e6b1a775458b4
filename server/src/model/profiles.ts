// Loading profiles: a built-in id or a profile file. Every profile file is checked against the schema,
// its `extends` chain resolved (profile-merge.ts) and its references checked; a bad profile throws a
// ProfileError naming the file and the field. Built-ins skip the schema pass (the test suite checks
// them against it, and loading ajv would cost every start ~100 ms) but not the reference checks.
// Built-ins are cached and frozen: callers that change a profile (refineOrder) make a copy.
import { jsonErrorOffset } from './json-error';
import * as fs from 'fs';
import * as path from 'path';
import type { KernelVersion, Profile } from './profile-types';
import { ProfileError } from './profile-error';
import { BUILTIN_PROFILES } from './builtin-profiles';
import { asRootProfile, mergeProfile } from './profile-merge';
import { checkReferences, validateShape, type ProfileFile } from './profile-validate';
import { compareVersions, formatVersion } from './kernel-version';

export { ProfileError } from './profile-error';

export interface LoadOptions {
  /** directory relative profile paths are read from (default: process.cwd()) */
  cwd?: string;
  /** an untrusted workspace: profile files are refused, only built-ins load */
  untrusted?: boolean;
}

const cache = new Map<string, Profile>();

export function builtinIds(): string[] {
  return BUILTIN_PROFILES.map((b) => b.id);
}

export function isBuiltin(id: string): boolean {
  return BUILTIN_PROFILES.some((b) => b.id === id);
}

/** A built-in profile id, or a path to a profile file (JSON). */
export function loadProfile(idOrPath: string, opts: LoadOptions = {}): Profile {
  if (isBuiltin(idOrPath)) return loadBuiltin(idOrPath, []);
  if (idOrPath === 'auto') {
    throw new ProfileError(`'auto' chooses a profile from a kernel tree: use autoProfile() (model/auto-profile.ts)`, idOrPath);
  }
  if (!looksLikePath(idOrPath)) {
    throw new ProfileError(`unknown profile '${idOrPath}' (built-in: ${listProfiles().map((p) => p.id).join(', ')}; or a .json file)`, idOrPath);
  }
  if (opts.untrusted) {
    throw new ProfileError(`${idOrPath}: profile files are not loaded in an untrusted workspace (use a built-in profile)`, idOrPath);
  }
  return loadFile(path.resolve(opts.cwd ?? process.cwd(), idOrPath), idOrPath, []);
}

/** Parses and resolves a profile given as text (an editor buffer, a test). `name` is used in messages. */
export function profileFromText(text: string, name: string, opts: LoadOptions = {}): Profile {
  const data = parseJson(text, name);
  return resolve(data, name, opts.cwd ?? process.cwd(), [], !!opts.untrusted);
}

export interface ProfileSummary {
  id: string;
  description: string;
  /** "2.6.27 – 2.6.39": the tree versions auto gives this profile */
  era: string;
  version: KernelVersion;
  since: KernelVersion;
}

/** The selectable built-in profiles (not the abstract base), oldest first. */
export function listProfiles(): ProfileSummary[] {
  const ps = BUILTIN_PROFILES.map((b) => loadBuiltin(b.id, [])).filter((p) => !p.abstract);
  ps.sort((a, b) => compareVersions(sinceOf(a), sinceOf(b)));
  return ps.map((p, i) => {
    const next = ps[i + 1];
    const from = formatVersion(sinceOf(p));
    const era = next ? `${from} – before ${formatVersion(sinceOf(next))}` : `${from} onwards`;
    return { id: p.id, description: p.description, era, version: p.version, since: sinceOf(p) };
  });
}

export function sinceOf(p: Profile): KernelVersion {
  return p.since ?? p.version;
}

function looksLikePath(s: string): boolean {
  return /[\\/]/.test(s) || /\.json$/i.test(s);
}

function loadBuiltin(id: string, chain: string[]): Profile {
  const hit = cache.get(id);
  if (hit) return hit;
  const entry = BUILTIN_PROFILES.find((b) => b.id === id);
  if (!entry) throw new ProfileError(`unknown profile '${id}'`, id);
  // JSON modules are shared objects: work on a copy so freezing the result cannot touch them.
  const data = JSON.parse(JSON.stringify(entry.load())) as unknown;
  const p = resolve(data, `${id}.json`, '', chain, true, true);
  if (p.id !== id) throw new ProfileError(`${id}.json: /id is '${p.id}', expected '${id}'`, `${id}.json`, '/id');
  deepFreeze(p);
  cache.set(id, p);
  return p;
}

function loadFile(abs: string, shown: string, chain: string[]): Profile {
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ProfileError(`${shown}: cannot read the profile (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, shown);
  }
  return resolve(parseJson(text, shown), shown, path.dirname(abs), chain, false);
}

function parseJson(text: string, name: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(body);
  } catch (e) {
    // One line: V8 quotes the input (line breaks and all) and gives no position for some errors.
    const msg = (e as Error).message.replace(/\s*\n\s*/g, ' ');
    const pos = /position (\d+)/.exec(msg);
    const at = pos ? +pos[1] : jsonErrorOffset(body);
    let where = '';
    if (at >= 0) {
      const before = body.slice(0, at);
      const line = before.split('\n').length;
      where = `:${line}:${at - before.lastIndexOf('\n')}`;
    }
    throw new ProfileError(`${name}${where}: not valid JSON (${msg})`, name);
  }
}

/** Checks one file, resolves its base (a built-in id, or a file relative to `dir`) and merges. */
function resolve(data: unknown, name: string, dir: string, chain: string[], builtinOnly: boolean, trusted = false): Profile {
  if (!trusted) validateShape(data, name);
  const own = data as ProfileFile;
  if (chain.includes(own.id)) {
    throw new ProfileError(`${name}: /extends makes a loop (${[...chain, own.id].join(' -> ')})`, name, '/extends');
  }
  const next = [...chain, own.id];
  if (!own.extends) {
    for (const k of ['removeClasses', 'removeEdges', 'removeApis'] as const) {
      if (own[k]) throw new ProfileError(`${name}: /${k} needs /extends (there is no base to remove from)`, name, `/${k}`);
    }
    const p = asRootProfile(own);
    checkReferences(own, name, p, new Set());
    return p;
  }
  let base: Profile;
  if (isBuiltin(own.extends)) base = loadBuiltin(own.extends, next);
  else if (builtinOnly || !looksLikePath(own.extends)) {
    throw new ProfileError(`${name}: /extends names unknown profile '${own.extends}' (built-in: ${builtinIds().join(', ')})`, name, '/extends');
  } else base = loadFile(path.resolve(dir, own.extends), own.extends, next);
  const merged = mergeProfile(base, own);
  checkReferences(own, name, merged, new Set(base.classes.map((c) => c.id)));
  return merged;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}
