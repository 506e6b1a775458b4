// Reads and validates the scenario library files (server/profiles/scenarios/*.json) against
// scenario.schema.json. Bad data is an error naming the file and the JSON path, never a crash
// later in the explorer.
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import type { Scenario, ScenarioFile } from './scenario-types';

export const SCHEMA_FILE = 'scenario.schema.json';

export class ScenarioError extends Error {
  constructor(message: string, readonly file?: string) { super(message); }
}

/** The library directory: found by walking up from this module (works from build/ and from the bundle). */
export function scenarioDir(): string {
  let d = __dirname;
  for (let i = 0; i < 8; i++) {
    for (const rel of ['server/profiles/scenarios', 'profiles/scenarios']) {
      const p = path.join(d, rel);
      if (fs.existsSync(path.join(p, SCHEMA_FILE))) return p;
    }
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  throw new ScenarioError(`scenario library not found above ${__dirname} (looked for profiles/scenarios/${SCHEMA_FILE})`);
}

const validators = new Map<string, ValidateFunction>();
function validator(dir: string): ValidateFunction {
  let v = validators.get(dir);
  if (!v) {
    const schemaPath = path.join(dir, SCHEMA_FILE);
    const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as object;
    v = new Ajv({ allErrors: true, strict: false }).compile(schema);
    validators.set(dir, v);
  }
  return v;
}

/** Validates one parsed file; returns its scenarios or throws a ScenarioError naming file and path. */
export function validateScenarioFile(data: unknown, file: string, dir: string = scenarioDir()): Scenario[] {
  const v = validator(dir);
  if (!v(data)) {
    const errs = [...new Set((v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`))].slice(0, 8);
    throw new ScenarioError(`${file}: invalid scenario file: ${errs.join('; ')}`, file);
  }
  return (data as ScenarioFile).scenarios;
}

export interface LoadedScenario extends Scenario { file: string }

const cache = new Map<string, LoadedScenario[]>();

/** Every scenario of the library, validated (cached per directory). */
export function readScenarioLibrary(dir: string = scenarioDir()): LoadedScenario[] {
  const hit = cache.get(dir);
  if (hit) return hit;
  const out: LoadedScenario[] = [];
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== SCHEMA_FILE).sort();
  for (const f of files) {
    const p = path.join(dir, f);
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(p, 'utf8'));
    } catch (e) {
      throw new ScenarioError(`${p}: ${(e as Error).message}`, p);
    }
    for (const s of validateScenarioFile(data, p, dir)) out.push({ ...s, file: f });
  }
  cache.set(dir, out);
  return out;
}
