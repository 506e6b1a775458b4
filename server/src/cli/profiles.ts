// `mmlock profiles`: the built-in profiles (id, era, counts); `mmlock profiles ID|FILE` one profile's
// classes, hierarchy and documented edges; `mmlock profiles auto --tree DIR` what auto picks for a tree.
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from './io';
import { oneOf, parseArgs, UsageError } from './args';
import type { Profile } from '../model/profile-types';
import { listProfiles, loadProfile, sinceOf } from '../model/profiles';
import { autoProfile } from '../model/auto-profile';
import { orderOf } from '../model/order';
import { hierarchyLines } from '../model/order-text';
import { formatVersion } from '../model/kernel-version';

export const runProfiles: Command = async (argv, io) => {
  const args = parseArgs(argv, { format: 'value', tree: 'value' });
  const format = oneOf('format', args.flags.format, ['text', 'json'] as const, 'text');
  if (args.positional.length > 1) throw new UsageError('give at most one profile (an id, a file, or auto)');
  const which = args.positional[0] ?? (args.flags.tree ? 'auto' : undefined);
  if (!which) {
    listAll(format, io.out);
    return 0;
  }
  let profile: Profile;
  let origin: string | undefined;
  if (which === 'auto') {
    const tree = path.resolve(io.cwd, typeof args.flags.tree === 'string' ? args.flags.tree : '.');
    const a = autoProfile((rel) => {
      try { return fs.readFileSync(path.join(tree, rel), 'utf8'); } catch { return undefined; }
    });
    profile = a.profile;
    origin = a.origin;
  } else {
    if (args.flags.tree) throw new UsageError('--tree goes with auto (mmlock profiles auto --tree DIR)');
    profile = loadProfile(which, { cwd: io.cwd });
  }
  if (format === 'json') io.out(JSON.stringify(detailJson(profile, origin), null, 2) + '\n');
  else io.out(detailText(profile, origin));
  return 0;
};

function listAll(format: 'text' | 'json', out: (s: string) => void): void {
  const rows = listProfiles().map((s) => {
    const p = loadProfile(s.id);
    return { id: s.id, era: s.era, description: s.description, version: s.version, since: s.since,
      classes: p.classes.length, edges: p.order.length, apis: p.apis.length };
  });
  if (format === 'json') { out(JSON.stringify({ version: 1, profiles: rows }, null, 2) + '\n'); return; }
  const head = ['ID', 'ERA', 'CLASSES', 'EDGES', 'APIS', 'DESCRIPTION'];
  const cells = rows.map((r) => [r.id, r.era, String(r.classes), String(r.edges), String(r.apis), r.description]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : i >= 2 && i <= 4 ? x.padStart(w[i]) : x.padEnd(w[i]))).join('  ');
  out([line(head), ...cells.map(line)].join('\n') + '\n');
}

function detailJson(p: Profile, origin?: string): unknown {
  const o = orderOf(p);
  return {
    version: 1, ...(origin ? { origin } : {}), profile: p,
    order: {
      edges: o.edges, rejected: o.rejected(), cycles: o.cycles(),
      chains: Object.fromEntries(p.classes.map((c) => [c.id, o.chainThrough(c.id)])),
    },
  };
}

function detailText(p: Profile, origin?: string): string {
  const o = orderOf(p);
  const L: string[] = [];
  L.push(`${p.id}: ${p.description}`);
  L.push(`  version ${formatVersion(p.version)}, for trees from ${formatVersion(sinceOf(p))}${p.extends ? `, extends ${p.extends}` : ''}`);
  if (origin) L.push(`  chosen: ${origin}`);
  L.push('', `Classes (${p.classes.length}):`);
  const w = Math.max(...p.classes.map((c) => c.id.length));
  for (const c of p.classes) {
    const kind = `${c.kind}${c.sleeps ? ', sleeps' : ''}${c.irqSafe ? ', irq-safe' : ''}`;
    L.push(`  ${c.id.padEnd(w)}  ${kind.padEnd(22)}  ${c.description}`);
    L.push(`  ${' '.repeat(w)}  ${''.padEnd(22)}  [${c.source}]`);
  }
  L.push('', 'Hierarchy (outer above inner; "..." = drawn above):', ...hierarchyLines(o, '  ').map((l) => `  ${l}`));
  L.push('', `Edges (${o.edges.length} used):`);
  const ew = Math.max(...o.edges.map((e) => `${e.outer} -> ${e.inner}`.length));
  for (const e of o.edges) {
    L.push(`  ${`${e.outer} -> ${e.inner}`.padEnd(ew)}  ${e.source}${e.note ? ` ${e.note}` : ''}${e.weak ? ' [weak]' : ''}`);
  }
  const rej = o.rejected();
  if (rej.length) {
    L.push('', 'Set aside (they contradict the edges above):');
    for (const r of rej) {
      L.push(`  ${r.edge.outer} -> ${r.edge.inner}  ${r.edge.source}${r.edge.weak ? ' [weak]' : ''}: would close ${r.cycle.join(' -> ')}`);
    }
  }
  return L.join('\n') + '\n';
}
