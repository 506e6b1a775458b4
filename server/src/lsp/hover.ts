// Hover on a lock call or lock-taking helper: the class, whether it sleeps or spins, its place in
// the hierarchy, what is held there on each simulated path, and the documented rule (with source)
// between it and each held lock.
import type { Position, Range } from 'vscode-languageserver/node';
import type { LockSite } from '../analysis-types';
import type { ProfileView } from './deps';
import type { DocContext } from './doc-context';
import { docRange, isThisFile } from './locate';

export interface SiteHit { site: LockSite; range: Range }

function contains(r: Range, p: Position): boolean {
  if (p.line < r.start.line || p.line > r.end.line) return false;
  if (p.line === r.start.line && p.character < r.start.character) return false;
  if (p.line === r.end.line && p.character > r.end.character) return false;
  return true;
}

/** The lock site under the cursor (the narrowest, for nested calls). */
export function siteAt(sites: readonly LockSite[], ctx: DocContext, pos: Position): SiteHit | null {
  let best: SiteHit | null = null;
  for (const site of sites) {
    if (ctx.kind === 'c' ? site.line !== pos.line + 1 || !isThisFile(ctx, site.file)
      : site.inputLine !== undefined && site.inputLine !== pos.line + 1) continue;
    const range = docRange(ctx, site.file, site.line, site.column, site.line, site.endColumn,
      ctx.kind === 'patch' ? site.inputLine : undefined);
    if (!range || !contains(range, pos)) continue;
    const width = range.end.character - range.start.character;
    if (!best || width < best.range.end.character - best.range.start.character) best = { site, range };
  }
  return best;
}

const RW_KINDS = new Set(['rwsem', 'rwlock']);
const RELEASING = /release|unlock|downgrade/;

/** What the call does to the lock, in words. */
function opPhrase(op: string): string {
  switch (op) {
    case 'acquire': return 'takes';
    case 'try-acquire': return 'tries to take';
    case 'acquire-return': return 'returns with';
    case 'release': return 'releases';
    case 'downgrade': return 'downgrades';
    case 'call': return 'takes (in the helper)';
    case 'assert-held': return 'asserts held:';
    default: return op;
  }
}

function kindPhrase(view: ProfileView | null, cls: string): string {
  const c = view?.classes.get(cls);
  if (!c) return '';
  if (c.kind === 'rcu') return 'RCU read side: must not sleep inside';
  if (c.kind === 'srcu') return 'SRCU read side: may sleep inside';
  if (c.kind === 'seqcount') return 'seqcount: readers retry, writers spin';
  if (c.kind === 'pseudo') return 'pseudo-lock (ordering point)';
  return c.sleeps ? `${c.kind}: sleeps — not in atomic context` : `${c.kind}: spins — atomic context until released`;
}

function heldLabel(view: ProfileView | null, h: LockSite['held'][number]): string {
  let s = '`' + h.lock + '`';
  if (h.class && h.class !== h.lock) s += ` [${h.class}]`;
  const kind = h.class ? view?.classes.get(h.class)?.kind : undefined;
  if (h.mode === 'read' || (kind && RW_KINDS.has(kind))) s += ` (${h.mode})`;
  return s;
}

/** "held here on all 3 paths: `mm->mmap_sem` (read); on 1 of 3: `pte_ptl`" */
export function heldSummary(view: ProfileView | null, site: LockSite): string {
  const n = Math.max(site.paths, 1);
  if (!site.held.length) return n === 1 ? 'Nothing held here.' : `Nothing held here on any of the ${n} paths.`;
  const groups = new Map<number, string[]>();
  for (const h of site.held) {
    const k = Math.min(h.paths, n);
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(heldLabel(view, h));
  }
  const parts: string[] = [];
  for (const k of [...groups.keys()].sort((a, b) => b - a)) {
    const names = groups.get(k)!.join(', ');
    if (k === n) parts.push(n === 1 ? `Held here: ${names}` : `Held here on all ${n} paths: ${names}`);
    else parts.push(`${parts.length ? 'on' : 'Held here on'} ${k} of ${n}: ${names}`);
  }
  return parts.join('; ') + (groups.has(n) || n === 1 ? '' : ` (nothing on the others)`);
}

function chainText(edges: { outer: string; inner: string }[]): string {
  return [edges[0].outer, ...edges.map((e) => e.inner)].map((c) => '`' + c + '`').join(' → ');
}

function sources(edges: { source: string; note?: string }[]): string {
  return [...new Set(edges.map((e) => e.source + (e.note ? ` ${e.note}` : '')))].join('; ');
}

/** The documented rule between the class taken here and each class held here. */
export function ruleLines(view: ProfileView | null, site: LockSite): string[] {
  const cls = site.class;
  if (!cls || !view || RELEASING.test(site.op)) return [];
  const me = view.classes.get(cls);
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const h of site.held) {
    if (!h.class || seen.has(h.class)) continue;
    seen.add(h.class);
    const other = view.classes.get(h.class);
    const partial = h.paths < site.paths ? ` (on ${h.paths} of ${site.paths} paths)` : '';
    if (h.class === cls) {
      lines.push(`✗ \`${cls}\` is already held${partial}: a second acquisition without a nesting annotation deadlocks`);
      continue;
    }
    if (me?.sleeps && other && !other.sleeps && other.kind !== 'seqcount' && other.kind !== 'pseudo') {
      lines.push(`✗ \`${cls}\` sleeps, but \`${h.class}\` (${other.kind}) is held${partial}: sleeping in atomic context`);
    }
    const fwd = view.explain(h.class, cls);
    if (fwd) { lines.push(`✓ ${chainText(fwd)} — ${sources(fwd)}`); continue; }
    const back = view.explain(cls, h.class);
    if (back) {
      lines.push(`✗ order is ${chainText(back)}, but \`${h.class}\` is held here${partial} — ${sources(back)}`);
      continue;
    }
    lines.push(`· no documented order between \`${h.class}\` and \`${cls}\``);
  }
  return lines;
}

export function hoverMarkdown(site: LockSite, view: ProfileView | null, profileId: string): string {
  const out: string[] = [];
  const cls = site.class;
  const head = `**\`${site.api}()\`** ${opPhrase(site.op)} \`${site.instance}\` in \`${site.function}()\``;
  out.push(head);
  // Most useful first: what kind of lock, what is held here and which rule that breaks or follows;
  // then where the class sits in the whole order.
  if (cls) {
    const kind = kindPhrase(view, cls);
    out.push(`Class **\`${cls}\`**${kind ? ` — ${kind}` : ''}`);
  } else {
    out.push(`\`${site.instance}\` is not a class of the ${profileId} profile: tracked for balance and double locking only, with no order.`);
  }
  out.push(heldSummary(view, site));
  const rules = ruleLines(view, site);
  if (rules.length) out.push(rules.map((r) => `- ${r}`).join('\n'));
  if (cls && view) {
    const chain = view.chainThrough(cls);
    if (chain.length > 1) {
      out.push(`Order (outer → inner, ${view.id}): ` + chain.map((c) => (c === cls ? `**${c}**` : c)).join(' → '));
    } else out.push(`Order (${view.id}): no documented edge for \`${cls}\``);
  }
  const c = cls ? view?.classes.get(cls) : undefined;
  if (c) out.push(`_${c.description}_ — ${c.source}`);
  return out.join('\n\n');
}
