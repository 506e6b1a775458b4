// The lock-ordering comments of mm/rmap.c ("Lock ordering in mm:") and mm/filemap.c ("Lock ordering:")
// as data. Each is an indentation tree: a line nested under another names a lock taken while the outer
// one is held. Stanzas are separated by blank lines; a stanza under a later header ("hugetlbfs
// PageHuge() take locks in this order:") or after "(code doesn't rely on that order so it could be
// switched around)" documents a special case, so its edges are weak (order.ts sets them aside when
// they contradict the rest instead of reporting a cycle).
import type { LockClass, LockKind, OrderEdge, Profile } from './profile-types';
import { addClass, clean, lookupName, nameIndex, type NameIndex } from './class-names';

export { mapName } from './class-names';

export interface CommentNode {
  /** The lock as written, without "->" and notes: "mm->page_table_lock or pte_lock". */
  name: string;
  /** The locks the line names: alternatives ("X or Y") and lists ("X,Y") split. */
  names: string[];
  /** Parenthesised notes, with continuation lines joined: "(in mark_page_accessed, isolate_lru_page)". */
  note: string;
  /** 1-based line in the text given. */
  line: number;
  /** Indentation column of the name. */
  depth: number;
  /** Index of the stanza (blank-line separated block) the line is in. */
  stanza: number;
  /** In a special-case stanza (see above). */
  weak: boolean;
  /** Why the stanza is special: the header or the "(code doesn't rely ...)" line. */
  context?: string;
}

export interface ParsedOrdering {
  /** 1-based line of the "Lock ordering" header; the comment runs to `endLine` (inclusive). */
  startLine: number;
  endLine: number;
  nodes: CommentNode[];
  /** parent -> child, as indices into `nodes` */
  edges: { parent: number; child: number }[];
}

const HEADER = /^\s*(?:\/?\*+)?\s*Lock ordering(?: in mm)?:\s*$/;
/** The real comments run 20-60 lines; an unclosed one in a damaged file stops here. */
const MAX_LINES = 400;

/**
 * Finds the ordering comment in a whole source file (or in an extract that starts at the header) and
 * parses it; null when the text has none. Lines may carry the ` * ` comment prefix or not.
 */
export function parseOrderingComment(text: string): ParsedOrdering | null {
  const lines = text.split(/\r\n|\r|\n/);
  const start = lines.findIndex((l) => HEADER.test(l));
  if (start < 0) return null;
  const nodes: CommentNode[] = [];
  const edges: { parent: number; child: number }[] = [];
  let stack: number[] = [];
  let stanza = 0;
  let inStanza = false;
  let header: string | undefined;        // a later header: the stanzas under it are special cases
  let remark: string | undefined;        // a "(...)" line: a remark about the stanza that follows
  let stanzaContext: string | undefined;
  let stanzaWeak = false;
  let end = Math.min(lines.length - 1, start + MAX_LINES);
  for (let i = start + 1; i < lines.length && i <= start + MAX_LINES; i++) {
    let raw = lines[i];
    const close = raw.indexOf('*/');
    const last = close >= 0;
    if (last) raw = raw.slice(0, close);
    const m = /^\s*\*(?!\/)(.*)$/.exec(raw);
    const body = expandTabs(m ? m[1] : raw);
    const text = body.trim();
    const prev = nodes.length ? nodes[nodes.length - 1] : undefined;
    if (text === '') {
      if (inStanza) { stanza++; inStanza = false; }
      stack = [];
    } else if (prev && inStanza && openParens(prev.note) > 0) {
      prev.note += ' ' + text; // a note running over several lines
    } else if (/:\s*$/.test(text)) {
      if (inStanza) { stanza++; inStanza = false; }
      stack = [];
      header = text.replace(/^\*\s*/, '');
    } else if (text.startsWith('(')) {
      remark = text;
    } else {
      if (!inStanza) {
        inStanza = true;
        // "(code doesn't rely on that order so it could be switched around)"
        const switchable = !!remark && /rely on that order|switch/i.test(remark);
        stanzaWeak = switchable || !!header;
        stanzaContext = remark ?? header;
        remark = undefined;
      }
      const depth = body.length - body.trimStart().length;
      const { name, note } = splitNote(text);
      const node: CommentNode = { name, names: splitNames(name), note, line: i + 1, depth, stanza, weak: stanzaWeak };
      if (stanzaContext) node.context = stanzaContext;
      while (stack.length && nodes[stack[stack.length - 1]].depth >= depth) stack.pop();
      const idx = nodes.push(node) - 1;
      if (stack.length) edges.push({ parent: stack[stack.length - 1], child: idx });
      stack.push(idx);
    }
    if (last) { end = i; break; }
  }
  return { startLine: start + 1, endLine: end + 1, nodes, edges };
}

function expandTabs(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\t') out += ' '.repeat(8 - (out.length % 8));
    else out += ch;
  }
  return out;
}

function openParens(s: string): number {
  let n = 0;
  for (const ch of s) {
    if (ch === '(') n++;
    else if (ch === ')' && n > 0) n--;
  }
  return n;
}

/**
 * "page->flags PG_locked (lock_page)" -> name + note. A note starts at a "(" after white space, or at
 * a run of two or more spaces (tabs are expanded); a "(" right after a name is part of it
 * ("zone_lru_lock(zone)").
 */
function splitNote(text: string): { name: string; note: string } {
  const t = text.replace(/^->\s*/, '');
  const m = /\s\(|\s{2,}/.exec(t);
  if (!m) return { name: t.trim(), note: '' };
  return { name: t.slice(0, m.index).trim(), note: t.slice(m.index).trim() };
}

/** "mm->page_table_lock or pte_lock" -> both; "anon_vma->rwsem,mapping->i_mmap_rwsem" -> both; braces kept. */
export function splitNames(name: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of name) {
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) { parts.push(cur); cur = ''; } else cur += ch;
  }
  parts.push(cur);
  return parts
    .flatMap((p) => (/[{}]/.test(p) ? [p] : p.split(/\s+or\s+/)))
    .map((p) => p.trim().replace(/^->\s*/, ''))
    .filter(Boolean);
}

// ---- From comment to order edges --------------------------------------------------------------

export interface CommentSource {
  /** the file the comment is in: "mm/rmap.c" */
  file: string;
  /** added to the line numbers of the text (when the text is an extract) */
  lineOffset?: number;
  /** appended to each source: "(6.12.117)" */
  label?: string;
}

export interface CommentEdges {
  /** whether the text had an ordering comment */
  found: boolean;
  edges: OrderEdge[];
  /** classes made for names the profile does not know (a patch documenting its new lock) */
  newClasses: LockClass[];
  /** every name on a lock line and what it mapped to */
  names: { name: string; line: number; class: string; created: boolean }[];
}

/** The order edges an ordering comment documents, with names mapped to the profile's classes. */
export function commentEdges(text: string, profile: Profile, comment: 'rmap' | 'filemap', src?: CommentSource): CommentEdges {
  const parsed = parseOrderingComment(text);
  const out: CommentEdges = { found: !!parsed, edges: [], newClasses: [], names: [] };
  if (!parsed) return out;
  const file = src?.file ?? (comment === 'rmap' ? 'mm/rmap.c' : 'mm/filemap.c');
  const where = (line: number) => `${file}:${line + (src?.lineOffset ?? 0)} ordering comment${src?.label ? ` (${src.label})` : ''}`;
  // A copy of the profile's index: names this comment introduces become classes as they come.
  const base = nameIndex(profile);
  const ix: NameIndex = {
    ...base, exact: new Map(base.exact), field: new Map(base.field), global: new Map(base.global),
    fieldName: new Map([...base.fieldName].map(([k, v]) => [k, new Set(v)] as const)),
  };
  const ids = new Set(profile.classes.map((c) => c.id));
  const classesOf = parsed.nodes.map((node) => node.names.map((name) => {
    let cls = lookupName(name, ix);
    let created = false;
    if (!cls) {
      const c = newClass(name, where(node.line), profile, ids);
      addClass(ix, c);
      ids.add(c.id);
      out.newClasses.push(c);
      cls = c.id;
      created = true;
    }
    out.names.push({ name, line: node.line, class: cls, created });
    return cls;
  }));
  const seen = new Set<string>();
  for (const { parent, child } of parsed.edges) {
    const node = parsed.nodes[child];
    for (const outer of classesOf[parent]) {
      for (const inner of classesOf[child]) {
        const key = `${outer}>${inner}`;
        if (outer === inner || seen.has(key)) continue;
        seen.add(key);
        const e: OrderEdge = { outer, inner, source: where(node.line), comment };
        const note = [node.note, node.weak ? node.context : undefined].filter(Boolean).join('; ');
        if (note) e.note = note;
        if (node.weak) e.weak = true;
        else if (comment === 'rmap' && node.stanza === 0) e.main = true;
        out.edges.push(e);
      }
    }
  }
  return out;
}

export interface RefineReport {
  profile: Profile;
  rmap?: CommentEdges;
  filemap?: CommentEdges;
}

/**
 * The profile with its order taken from a tree's own comments: edges the profile has from an ordering
 * comment (`comment: 'rmap' | 'filemap'`) are replaced by the ones the given text documents (when it has
 * such a comment), and names the profile does not know become new classes. The tree's edges come
 * first, so they win where they and the profile's other edges disagree (order.ts).
 */
export function refineOrderReport(
  profile: Profile,
  texts: { rmap?: string; filemap?: string },
  sources: { rmap?: CommentSource; filemap?: CommentSource } = {},
): RefineReport {
  const report: RefineReport = { profile };
  let classes = profile.classes;
  let current = profile;
  const fresh: OrderEdge[] = [];
  const replaced = new Set<string>();
  for (const kind of ['rmap', 'filemap'] as const) {
    const text = texts[kind];
    if (text === undefined) continue;
    const r = commentEdges(text, current, kind, sources[kind]);
    report[kind] = r;
    if (!r.found) continue;
    replaced.add(kind);
    fresh.push(...r.edges);
    if (r.newClasses.length) {
      classes = [...classes, ...r.newClasses];
      current = { ...current, classes };
    }
  }
  if (!replaced.size) return report;
  const kept = profile.order.filter((e) => !(e.comment && replaced.has(e.comment)));
  report.profile = { ...profile, classes, order: [...fresh, ...kept] };
  return report;
}

export function refineOrder(profile: Profile, rmapText?: string, filemapText?: string): Profile {
  return refineOrderReport(profile, { rmap: rmapText, filemap: filemapText }).profile;
}

/** A class for a name the profile does not know: its id from the name, its kind guessed from it. */
function newClass(name: string, source: string, profile: Profile, taken: Set<string>): LockClass {
  const n = clean(name);
  const base = idFromName(n);
  let id = base;
  for (let k = 2; taken.has(id); k++) id = `${base}_${k}`;
  const kind = guessKind(id);
  const c: LockClass = {
    id, kind, sleeps: kind === 'mutex' || kind === 'rwsem',
    description: `${n}: named in the lock-ordering comment, unknown to profile ${profile.id} (kind guessed from the name)`,
    source, aliases: [n],
  };
  const path = /^([A-Za-z_]\w*)(?:->|\.)([A-Za-z_]\w*)$/.exec(n);
  if (path && profile.nameTypes[path[1]]) c.fields = [`${profile.nameTypes[path[1]]}.${path[2]}`];
  else if (/^[A-Za-z_]\w*$/.test(n)) c.globals = [n];
  return c;
}

/**
 * A class id for a name: its last field ("mm->anon_vma_chain_lock" -> anon_vma_chain_lock), the last
 * word when that names a lock ("foo_memcg move_lock" -> move_lock), call arguments dropped, anything
 * else made an identifier ("mem_cgroup_{begin,end}_page_stat" -> mem_cgroup_begin_end_page_stat).
 */
function idFromName(n: string): string {
  let s = n.replace(/\([^()]*\)$/, '');
  s = s.split(/->|\./).pop() ?? s;
  const words = s.trim().split(/\s+/);
  if (words.length > 1 && /(lock|sem|mutex)/i.test(words[words.length - 1])) s = words[words.length - 1];
  s = s.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!s) s = 'lock';
  return /^[A-Za-z_]/.test(s) ? s : `lock_${s}`;
}

/** A name with `mutex` is a mutex, `rwsem`/`_sem` an rwsem, `rwlock` an rwlock, `lock` a spinlock; else a pseudo lock. */
export function guessKind(id: string): LockKind {
  if (/mutex/i.test(id)) return 'mutex';
  if (/rwsem|_sem(?:$|_)|^sem_|semaphore/i.test(id)) return 'rwsem';
  if (/rwlock/i.test(id)) return 'rwlock';
  if (/lock/i.test(id)) return 'spinlock';
  return 'pseudo';
}
