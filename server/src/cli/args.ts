// Minimal, strict argument parsing shared by every subcommand: known flags only, clear errors.

export class UsageError extends Error {}

export interface FlagSpec {
  /** flag name without dashes -> 'bool' | 'value' | 'multi' (repeatable / comma lists kept as given) */
  [flag: string]: 'bool' | 'value' | 'multi';
}

export interface ParsedArgs {
  flags: Record<string, string | boolean | string[] | undefined>;
  positional: string[];
}

export function parseArgs(argv: string[], spec: FlagSpec): ParsedArgs {
  const flags: ParsedArgs['flags'] = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const kind = spec[name];
      if (!kind) throw new UsageError(`unknown option --${name}`);
      if (kind === 'bool') {
        if (eq >= 0) throw new UsageError(`--${name} takes no value`);
        flags[name] = true;
        continue;
      }
      let value: string;
      if (eq >= 0) value = a.slice(eq + 1);
      else {
        if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
        value = argv[++i];
      }
      if (kind === 'multi') ((flags[name] as string[] | undefined) ?? (flags[name] = [])) && (flags[name] as string[]).push(value);
      else flags[name] = value;
    } else positional.push(a);
  }
  return { flags, positional };
}

export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got ${String(value)})`);
  }
  return value as T;
}
