// SARIF 2.1.0 for code-scanning UIs: one run, a rule per finding code with its help link,
// results with the post-image location and related locations.
import type { Finding, FindingCode } from '../findings';
import { DEFAULT_SEVERITY } from '../findings';
import { CODE_DOCS } from '../finding-docs';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export function toSarif(findings: Finding[], profile: string): Record<string, unknown> {
  const codes = Object.keys(CODE_DOCS) as FindingCode[];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'mmlock', informationUri: 'https://github.com/mmlock/mmlock', version: '0.1.0',
          rules: codes.map((c) => ({
            id: c, name: c, shortDescription: { text: CODE_DOCS[c].title },
            fullDescription: { text: CODE_DOCS[c].description }, helpUri: CODE_DOCS[c].url,
            defaultConfiguration: { level: LEVEL[DEFAULT_SEVERITY[c]] },
          })),
        },
      },
      properties: { profile },
      results: findings.map((f) => ({
        ruleId: f.code, ruleIndex: codes.indexOf(f.code), level: LEVEL[f.severity], message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: f.file }, region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn } }, logicalLocations: [{ name: f.function, kind: 'function' }] }],
        relatedLocations: f.related.filter((r) => r.line > 0).map((r, i) => ({ id: i + 1, message: { text: r.message }, physicalLocation: { artifactLocation: { uri: r.file }, region: { startLine: r.line, ...(r.column ? { startColumn: r.column } : {}) } } })),
        properties: { introduced: f.introduced, locks: f.locks, ...(f.input ? { input: f.input, inputLine: f.inputLine } : {}), ...(f.source ? { source: f.source } : {}) },
      })),
    }],
  };
}
