// SARIF 2.1.0 for code-scanning UIs (GitHub code scanning, VS Code SARIF viewer, CI bots): one run,
// one rule per finding code with its description and help link, results with the post-image
// location (1-based lines and columns in UTF-16 code units, endColumn exclusive as SARIF wants),
// the function as a logical location, related locations (the other lock site, the rule's source)
// and a fingerprint that survives line shifts. The output validates against the OASIS schema
// (test/unit/sarif.test.ts).
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Finding, FindingCode, Severity } from '../findings';
import { DEFAULT_SEVERITY } from '../findings';
import { CODE_DOCS } from '../finding-docs';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/mmlock/mmlock';
/** The base that relative (tree) paths are resolved against; consumers map it to the checkout. */
export const SRCROOT = '%SRCROOT%';

type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', info: 'note' };
/** GitHub code scanning's `problem.severity` property. */
const PROBLEM_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'recommendation' };

export interface SarifOptions {
  /** Notes of the run (hunk-only mode, hunks that did not apply, ...): tool execution notifications. */
  notes?: string[];
  /** The kernel tree the post-image paths are relative to (becomes originalUriBaseIds.%SRCROOT%). */
  srcRoot?: string;
  /** Where the profile came from ("tree Makefile", "--profile", ...). */
  profileOrigin?: string;
  /** The tool version (default: the package's). */
  toolVersion?: string;
}

type Json = Record<string, unknown>;

/** `lock-order` -> `LockOrder` (SARIF rule names are identifier-like; the id stays the stable code). */
function ruleName(code: string): string {
  return code.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** A path as a SARIF URI: absolute paths as file: URLs, relative ones percent-encoded per segment. */
export function pathToUri(p: string): { uri: string; uriBaseId?: string } {
  const slashed = p.replace(/\\/g, '/');
  if (path.isAbsolute(p) || /^[A-Za-z]:\//.test(slashed)) return { uri: pathToFileURL(p).href };
  const uri = slashed.split('/').map((seg) => encodeURIComponent(seg)).join('/');
  return { uri: uri || '.', uriBaseId: SRCROOT };
}

function artifact(p: string): Json {
  const { uri, uriBaseId } = pathToUri(p);
  return uriBaseId ? { uri, uriBaseId } : { uri };
}

/** A region SARIF accepts: every number a positive integer, the end never before the start. */
function region(line: number, column?: number, endLine?: number, endColumn?: number): Json {
  const pos = (n: number | undefined) => (typeof n === 'number' && Number.isFinite(n) && n >= 1 ? Math.floor(n) : undefined);
  const startLine = pos(line) ?? 1;
  const startColumn = pos(column);
  const r: Json = { startLine };
  if (startColumn !== undefined) r.startColumn = startColumn;
  let el = pos(endLine);
  if (el !== undefined && el < startLine) el = undefined;
  let ec = pos(endColumn);
  if (ec !== undefined && (el ?? startLine) === startLine && startColumn !== undefined && ec < startColumn) ec = startColumn;
  if (el !== undefined && el !== startLine) r.endLine = el;
  if (ec !== undefined && startColumn !== undefined) r.endColumn = ec;
  return r;
}

function text(s: string | undefined, fallback: string): string {
  const t = (s ?? '').trim();
  return t ? t : fallback;
}

/** A rule source like "mm/rmap.c:11 ordering comment" names a file and line that can be opened. */
function sourceLocation(source: string | undefined): { file: string; line: number } | undefined {
  const m = /^([\w./+-]+\.[ch]|[\w./+-]*\.rst|[\w./+-]*\.txt):(\d+)\b/.exec(source ?? '');
  if (!m || path.isAbsolute(m[1]) || m[1].split('/').includes('..')) return undefined;
  return { file: m[1], line: Number(m[2]) };
}

/** FNV-1a, 64 bits as hex: stable, dependency-free fingerprints. */
function fnv64(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/** What identifies a finding across edits that only move lines: code, file, function, classes/locks. */
export function fingerprint(f: Finding): string {
  const what = f.classes?.length ? [...f.classes].sort().join(',') : f.locks.join(',');
  return fnv64([f.code, f.file, f.function, what].join('\0'));
}

let packageVersion: string | undefined;
/** The package's version, from the package.json above this file (bundled: server/out/cli.js). */
function toolVersion(): string {
  if (packageVersion !== undefined) return packageVersion;
  packageVersion = '0.1.0';
  for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'mmlock' && typeof pkg.version === 'string') { packageVersion = pkg.version; break; }
    } catch { /* not here */ }
  }
  return packageVersion;
}

export function toSarif(findings: Finding[], profile: string, opts: SarifOptions = {}): Json {
  const codes = Object.keys(CODE_DOCS) as FindingCode[];
  const version = opts.toolVersion ?? toolVersion();
  const rules = codes.map((c) => {
    const doc = CODE_DOCS[c];
    const sev = DEFAULT_SEVERITY[c];
    return {
      id: c,
      name: ruleName(c),
      shortDescription: { text: doc.title },
      fullDescription: { text: doc.description },
      helpUri: doc.url,
      help: { text: `${doc.description} See ${doc.url}`, markdown: `${doc.description}\n\n[Documentation of \`${c}\`](${doc.url})` },
      defaultConfiguration: { level: LEVEL[sev] },
      properties: { tags: ['concurrency', 'locking', 'linux-mm'], 'problem.severity': PROBLEM_SEVERITY[sev] },
    };
  });
  const results = findings.map((f) => {
    const related: Json[] = [];
    for (const r of f.related ?? []) {
      if (!(r.line > 0) || !r.file) continue;
      related.push({
        id: related.length + 1,
        message: { text: text(r.message, 'related location') },
        physicalLocation: { artifactLocation: artifact(r.file), region: region(r.line, r.column) },
      });
    }
    const src = sourceLocation(f.source);
    if (src) {
      related.push({
        id: related.length + 1,
        message: { text: `rule documented in ${f.source}` },
        physicalLocation: { artifactLocation: artifact(src.file), region: region(src.line) },
      });
    }
    const props: Json = { introduced: f.introduced, locks: f.locks, classes: f.classes ?? [] };
    if (f.input !== undefined) props.input = f.input;
    if (f.inputLine !== undefined) props.inputLine = f.inputLine;
    if (f.source) props.source = f.source;
    const location: Json = {
      physicalLocation: { artifactLocation: artifact(f.file), region: region(f.line, f.column, f.endLine, f.endColumn) },
    };
    if (f.function) location.logicalLocations = [{ name: f.function, fullyQualifiedName: `${f.file}:${f.function}`, kind: 'function' }];
    return {
      ruleId: f.code,
      ruleIndex: codes.indexOf(f.code),
      level: LEVEL[f.severity] ?? 'warning',
      message: { text: text(f.message, CODE_DOCS[f.code]?.title ?? f.code) },
      locations: [location],
      ...(related.length ? { relatedLocations: related } : {}),
      partialFingerprints: { 'mmlockFinding/v1': fingerprint(f) },
      properties: props,
    };
  });
  const run: Json = {
    tool: {
      driver: {
        name: 'mmlock', fullName: 'mmlock — MM lock checker', informationUri: INFORMATION_URI,
        version, semanticVersion: version, rules,
      },
    },
    invocations: [{
      executionSuccessful: true,
      ...(opts.notes?.length ? { toolExecutionNotifications: opts.notes.map((n) => ({ level: 'note', message: { text: text(n, 'note') } })) } : {}),
    }],
    columnKind: 'utf16CodeUnits',
    ...(opts.srcRoot ? { originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(opts.srcRoot.replace(/[\\/]*$/, '') + '/').href } } } : {}),
    results,
    properties: { profile, ...(opts.profileOrigin ? { profileOrigin: opts.profileOrigin } : {}) },
  };
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}
