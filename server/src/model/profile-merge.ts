// `extends`: a profile starts from its base and overrides or adds. Classes and APIs override by
// id/name; order edges and field types are appended (a field type with the same struct.field replaces
// the base's); nameTypes, orderingAliases merge (the child wins); iterator macros and GFP lists are
// unions; version and since are inherited unless given, `abstract` never is. removeClasses drops a
// class with every edge and API naming it; removeEdges/removeApis drop single items.
import type { Api, Profile } from './profile-types';
import type { ProfileFile } from './profile-validate';

export function mergeProfile(base: Profile, child: ProfileFile): Profile {
  const removed = new Set(child.removeClasses ?? []);
  const namesRemoved = (a: Api) => a.effects.some((e) => {
    const c = (e as { class?: string }).class;
    return c !== undefined && removed.has(c);
  });
  const dropEdge = (o: string, i: string) => (child.removeEdges ?? []).some((r) => r.outer === o && r.inner === i);
  const dropApi = new Set(child.removeApis ?? []);

  const classes = base.classes.filter((c) => !removed.has(c.id));
  for (const c of child.classes ?? []) {
    const at = classes.findIndex((b) => b.id === c.id);
    if (at >= 0) classes[at] = c;
    else classes.push(c);
  }
  const order = base.order
    .filter((e) => !removed.has(e.outer) && !removed.has(e.inner) && !dropEdge(e.outer, e.inner))
    .concat(child.order ?? []);
  const apis = base.apis.filter((a) => !dropApi.has(a.name) && !namesRemoved(a));
  for (const a of child.apis ?? []) {
    const at = apis.findIndex((b) => b.name === a.name);
    if (at >= 0) apis[at] = a;
    else apis.push(a);
  }
  const key = (f: { struct: string; field: string }) => `${f.struct}.${f.field}`;
  const childFields = new Set((child.fieldTypes ?? []).map(key));
  const fieldTypes = base.fieldTypes.filter((f) => !childFields.has(key(f))).concat(child.fieldTypes ?? []);
  const union = (a: string[], b: string[] | undefined) => [...new Set([...a, ...(b ?? [])])];
  const orderingAliases = Object.fromEntries(Object.entries({ ...base.orderingAliases, ...child.orderingAliases })
    .filter(([, v]) => !removed.has(v)));

  const out: Profile = {
    id: child.id,
    description: child.description,
    version: child.version ?? base.version,
    extends: child.extends,
    classes,
    order,
    apis,
    fieldTypes,
    iteratorMacros: union(base.iteratorMacros, child.iteratorMacros),
    nameTypes: { ...base.nameTypes, ...child.nameTypes },
    gfp: { blocking: union(base.gfp.blocking, child.gfp?.blocking), atomic: union(base.gfp.atomic, child.gfp?.atomic) },
    orderingAliases,
  };
  // Guards override by name, like APIs.
  const guards = new Map([...(base.guards ?? []), ...(child.guards ?? [])].map((g) => [g.name, g] as const));
  if (guards.size) out.guards = [...guards.values()];
  const since = child.since ?? base.since;
  if (since) out.since = since;
  if (child.abstract) out.abstract = true;
  return out;
}

/** A profile file without `extends`, as a full Profile (the schema made sure the lists are there). */
export function asRootProfile(file: ProfileFile): Profile {
  const { removeClasses: _rc, removeEdges: _re, removeApis: _ra, ...rest } = file as Profile;
  void _rc; void _re; void _ra;
  const p = rest as Profile & { $schema?: string; $comment?: string };
  delete p.$schema;
  delete p.$comment;
  return p;
}
