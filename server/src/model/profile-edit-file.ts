// A what-if file (`mmlock check --what-if edits.json`): a patch over the base profile in the
// profile format (server/profiles/profile.schema.json: the same kinds, class fields, edges, APIs),
// plus `kinds` (kind changes) and `reverseEdges`. Class names may be ids, aliases or
// ordering-comment names. Checked with ajv; errors name the file and the field.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { LockKind, Profile } from './profile-types';
import { type ClassEdit, EditError, parseEdits, type EditOp, type ProfilePatch } from './profile-edit-parse';

/** A class in a what-if file: the command line's class edit, named by `id`. */
export type ClassEditJson = Omit<ClassEdit, 'name' | 'mustBeNew'> & { id: string };

/** Besides classes and order, a what-if file may patch APIs, field types... (ProfilePatch). */
export interface ProfileEditFile extends ProfilePatch {
  $schema?: string;
  $comment?: string;
  description?: string;
  /** class name -> new kind */
  kinds?: Record<string, LockKind>;
  /** classes to add, or to patch (an existing id: the given fields replace or extend its own) */
  classes?: ClassEditJson[];
  /** edges to add */
  order?: { outer: string; inner: string; source?: string; note?: string }[];
  removeEdges?: { outer: string; inner: string }[];
  reverseEdges?: { outer: string; inner: string }[];
  removeClasses?: string[];
  /** edits in the command-line syntax, applied last */
  edits?: string[];
}

const PROFILE = 'https://mmlock.invalid/profile.schema.json#/definitions/';
const name = { type: 'string', minLength: 1 };
const names = { type: 'array', items: name };
const pair = { type: 'object', additionalProperties: false, required: ['outer', 'inner'], properties: { outer: name, inner: name } };

/** The what-if file schema; kinds, APIs and field types are the profile schema's own definitions. */
export const EDIT_FILE_SCHEMA = {
  $id: 'https://mmlock.invalid/what-if.schema.json',
  title: 'mmlock what-if edits',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    $comment: { type: 'string' },
    description: { type: 'string' },
    kinds: { type: 'object', additionalProperties: { $ref: `${PROFILE}kind` } },
    classes: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['id'],
        properties: {
          id: name, kind: { $ref: `${PROFILE}kind` }, sleeps: { type: 'boolean' }, irqSafe: { type: 'boolean' },
          description: name, source: name, aliases: names,
          fields: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*$' } },
          globals: { type: 'array', items: { $ref: `${PROFILE}cName` } },
          after: names, before: names,
        },
      },
    },
    order: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['outer', 'inner'],
        properties: { outer: name, inner: name, source: name, note: { type: 'string' } },
      },
    },
    removeEdges: { type: 'array', items: pair },
    reverseEdges: { type: 'array', items: pair },
    removeClasses: names,
    apis: { type: 'array', items: { $ref: `${PROFILE}api` } },
    removeApis: names,
    fieldTypes: { type: 'array', items: { $ref: `${PROFILE}fieldType` } },
    nameTypes: { type: 'object', additionalProperties: { $ref: `${PROFILE}cName` } },
    iteratorMacros: { type: 'array', items: { $ref: `${PROFILE}cName` } },
    gfp: {
      type: 'object', additionalProperties: false,
      properties: { blocking: { type: 'array', items: { $ref: `${PROFILE}cName` } }, atomic: { type: 'array', items: { $ref: `${PROFILE}cName` } } },
    },
    edits: names,
  },
} as const;

let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (!validator) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const profileSchema = require('../../profiles/profile.schema.json') as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(profileSchema);
    validator = ajv.compile(EDIT_FILE_SCHEMA);
  }
  return validator;
}

/** Throws EditError (naming the file and the field) unless `data` is a what-if file. */
export function validateEditFile(data: unknown, file: string): asserts data is ProfileEditFile {
  const v = schemaValidator();
  if (v(data)) return;
  throw new EditError(`${file}: ${describe(v.errors ?? [])}`, file);
}

/** Parse and check a what-if file's text. */
export function parseEditFile(text: string, file: string): ProfileEditFile {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new EditError(`${file}: not valid JSON (${(e as Error).message})`, file);
  }
  validateEditFile(data, file);
  return data;
}

function describe(errors: ErrorObject[]): string {
  // The most specific error: the deepest instance path, `if`/`anyOf` wrappers last.
  const sorted = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length
    || Number(a.keyword === 'anyOf' || a.keyword === 'oneOf') - Number(b.keyword === 'anyOf' || b.keyword === 'oneOf'));
  const e = sorted[0];
  if (!e) return 'not a what-if file';
  const at = e.instancePath || '/';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': return `${e.instancePath}/${String(p.additionalProperty)} is not a known field`;
    case 'required': return `${e.instancePath}/${String(p.missingProperty)} is required`;
    case 'enum': return `${at} must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'type': return `${at} must be ${String(p.type)}`;
    case 'minLength': return `${at} must not be empty`;
    default: return `${at} ${e.message ?? 'is invalid'}`;
  }
}

/** The operations a what-if file stands for, in a fixed order: classes, kinds, edges, removals,
 *  the rest of the profile, then its command-line style `edits`. */
export function editFileOps(f: ProfileEditFile, file: string): EditOp[] {
  const ops: EditOp[] = [];
  (f.classes ?? []).forEach((c, i) => {
    const { id, ...rest } = c;
    ops.push({ op: 'class', cls: { name: id, ...rest }, text: `${file} /classes/${i} (${id})` });
  });
  for (const [cls, kind] of Object.entries(f.kinds ?? {})) ops.push({ op: 'kind', cls, kind, text: `${file} /kinds/${cls}=${kind}` });
  (f.removeEdges ?? []).forEach((e, i) => ops.push({ op: 'remove-edge', outer: e.outer, inner: e.inner, text: `${file} /removeEdges/${i} (${e.outer}>${e.inner})` }));
  (f.reverseEdges ?? []).forEach((e, i) => ops.push({ op: 'reverse-edge', outer: e.outer, inner: e.inner, text: `${file} /reverseEdges/${i} (${e.outer}>${e.inner})` }));
  (f.order ?? []).forEach((e, i) => ops.push({ op: 'add-edge', outer: e.outer, inner: e.inner, source: e.source ?? `what-if ${file}`, note: e.note, text: `${file} /order/${i} (${e.outer}>${e.inner})` }));
  (f.removeClasses ?? []).forEach((c, i) => ops.push({ op: 'remove-class', cls: c, text: `${file} /removeClasses/${i} (${c})` }));
  const { apis, removeApis, fieldTypes, nameTypes, iteratorMacros, gfp } = f;
  if (apis || removeApis || fieldTypes || nameTypes || iteratorMacros || gfp) {
    ops.push({ op: 'profile', patch: JSON.parse(JSON.stringify({ apis, removeApis, fieldTypes, nameTypes, iteratorMacros, gfp })), text: `${file} (APIs and types)` });
  }
  if (f.edits?.length) ops.push(...parseEdits(f.edits));
  return ops.map((o) => ({ ...o, from: file }));
}
