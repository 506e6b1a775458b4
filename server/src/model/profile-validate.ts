// Checking a profile file: JSON Schema (ajv, server/profiles/profile.schema.json) for its shape, then
// the references the schema cannot see (every class an edge, effect or alias names must exist).
// Errors name the file and the field as a JSON pointer.
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { LockClass, Profile } from './profile-types';
import { ProfileError } from './profile-error';

/** A profile as written in a file: with `extends`, every list is optional. */
export type ProfileFile = Partial<Profile> & Pick<Profile, 'id' | 'description'>;

let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (!validator) {
    // Static requires, so esbuild bundles ajv and the schema into cli.js / server.js; loaded on first
    // use only (ajv costs ~100 ms to load and compile, and built-in profiles do not need it).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const schema = require('../../profiles/profile.schema.json') as object;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = (require('ajv') as typeof import('ajv')).default;
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    validator = ajv.compile(schema);
  }
  return validator;
}

/** Throws a ProfileError unless `data` has the shape of a profile file. */
export function validateShape(data: unknown, file: string): asserts data is ProfileFile {
  const validate = schemaValidator();
  if (validate(data)) return;
  const msgs = describeErrors(validate.errors ?? []);
  const first = msgs[0] ?? { ptr: '/', text: '/ is not a valid profile' };
  const more = msgs.length > 1 ? ` (also: ${msgs.slice(1, 4).map((m) => m.text).join('; ')}${msgs.length > 4 ? '; ...' : ''})` : '';
  throw new ProfileError(`${file}: ${first.text}${more}`, file, first.ptr);
}

function describeErrors(errors: ErrorObject[]): { ptr: string; text: string }[] {
  // `if` only says which branch failed; the branch's own errors say why.
  let errs = errors.filter((e) => e.keyword !== 'if');
  // An anyOf of `required` alternatives reads better as one message than as each failed branch.
  const anyOfAt = new Set(errs.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  errs = errs.filter((e) => !(e.keyword === 'required' && anyOfAt.has(e.instancePath) && /\/anyOf\/\d+\/required$/.test(e.schemaPath)));
  const out: { ptr: string; text: string }[] = [];
  const seen = new Set<string>();
  for (const e of errs) {
    const at = e.instancePath || '';
    let ptr = at || '/';
    let text: string;
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'enum':
        text = `${ptr} must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
        break;
      case 'required':
        ptr = `${at}/${String(p.missingProperty)}`;
        text = `${ptr} is required`;
        break;
      case 'additionalProperties':
        ptr = `${at}/${String(p.additionalProperty)}`;
        text = `${ptr} is not a known field`;
        break;
      case 'type':
        text = `${ptr} must be ${String(p.type)}`;
        break;
      case 'anyOf': {
        const alts = Array.isArray(e.schema) ? (e.schema as { required?: string[] }[]).map((s) => (s.required ?? []).join('+')) : [];
        text = alts.length && alts.every(Boolean) ? `${ptr} needs ${alts.join(' or ')}` : `${ptr} ${e.message ?? 'is invalid'}`;
        break;
      }
      case 'pattern':
        text = `${ptr} (${JSON.stringify(e.data)}) must match ${String(p.pattern)}`;
        break;
      case 'minLength':
        text = `${ptr} must not be empty`;
        break;
      default:
        text = `${ptr} ${e.message ?? 'is invalid'}`;
    }
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({ ptr, text });
  }
  return out;
}

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Checks what one file adds against the classes of the merged profile (its own plus its bases'):
 * edges, effects and aliases naming unknown classes, duplicate ids and names, self edges, alias clashes.
 */
export function checkReferences(own: ProfileFile, file: string, merged: Profile, baseClassIds: Set<string>): void {
  const ids = new Set(merged.classes.map((c) => c.id));
  const fail = (ptr: string, text: string): never => { throw new ProfileError(`${file}: ${ptr} ${text}`, file, ptr); };
  const known = (ptr: string, id: string | undefined) => {
    if (id !== undefined && !ids.has(id)) fail(ptr, `names unknown class '${id}'`);
  };
  (own.removeClasses ?? []).forEach((id, i) => {
    if (!baseClassIds.has(id)) fail(`/removeClasses/${i}`, `names unknown class '${id}' (not in the base profile)`);
  });
  const firstClass = new Map<string, number>();
  (own.classes ?? []).forEach((c, i) => {
    const prev = firstClass.get(c.id);
    if (prev !== undefined) fail(`/classes/${i}/id`, `duplicates class '${c.id}' (also /classes/${prev})`);
    firstClass.set(c.id, i);
  });
  (own.order ?? []).forEach((e, i) => {
    known(`/order/${i}/outer`, e.outer);
    known(`/order/${i}/inner`, e.inner);
    if (e.outer === e.inner) fail(`/order/${i}`, `has the same class '${e.outer}' as outer and inner`);
  });
  const firstApi = new Map<string, number>();
  (own.apis ?? []).forEach((a, i) => {
    const prev = firstApi.get(a.name);
    if (prev !== undefined) fail(`/apis/${i}/name`, `duplicates API '${a.name}' (also /apis/${prev})`);
    firstApi.set(a.name, i);
    a.effects.forEach((e, j) => known(`/apis/${i}/effects/${j}/class`, (e as { class?: string }).class));
  });
  for (const [k, v] of Object.entries(own.orderingAliases ?? {})) known(`/orderingAliases/${esc(k)}`, v);
  // A guard is only understood through the APIs it calls.
  const apiNames = new Set(merged.apis.map((a) => a.name));
  (own.guards ?? []).forEach((g, i) => {
    if (!apiNames.has(g.lock)) fail(`/guards/${i}/lock`, `names unknown API '${g.lock}'`);
    if (!apiNames.has(g.unlock)) fail(`/guards/${i}/unlock`, `names unknown API '${g.unlock}'`);
  });
  // An alias must name one class only, or ordering comments could not be mapped.
  const owner = aliasOwners(merged.classes);
  const pos = new Map(merged.classes.map((c, i) => [c.id, i] as const));
  (own.classes ?? []).forEach((c, i) => (c.aliases ?? []).forEach((a, j) => {
    // reported on the later of the two classes
    const other = owner.get(a)?.find((id) => id !== c.id && (pos.get(id) ?? -1) < (pos.get(c.id) ?? -1));
    if (other) fail(`/classes/${i}/aliases/${j}`, `'${a}' is also an alias or id of class '${other}'`);
  }));
  (own.classes ?? []).forEach((c, i) => {
    const other = owner.get(c.id)?.find((id) => id !== c.id);
    if (other) fail(`/classes/${i}/id`, `'${c.id}' is also an alias of class '${other}'`);
  });
}

function aliasOwners(classes: LockClass[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  const add = (k: string, id: string) => {
    const l = m.get(k);
    if (!l) m.set(k, [id]);
    else if (!l.includes(id)) l.push(id);
  };
  for (const c of classes) {
    add(c.id, c.id);
    for (const a of c.aliases ?? []) add(a, c.id);
  }
  return m;
}
