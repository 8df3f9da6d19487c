// Command-line flags as data: one table per command, from which both the parser options
// (node:util parseArgs) and the `--help` text are derived, so they cannot disagree.
import { parseArgs } from 'node:util';

export interface FlagSpec {
  name: string;
  /** Placeholder for the value (e.g. 'DIR'); absent for a boolean switch. */
  value?: string;
  /** What `--help` shows as the default ('off', 'plaintext', a number …). */
  default: string;
  help: string;
  multiple?: boolean;
}

export type FlagTable = readonly FlagSpec[];

/** A bad flag, a bad value or a bad command line: exit code 2. */
export class ConfigError extends Error {}

export type FlagValues = Record<string, string | string[] | boolean | undefined>;

export interface ParsedFlags {
  values: FlagValues;
  positionals: string[];
  help: boolean;
}

/** Parses argv against a table; `--help`/`-h` is always accepted. Unknown flags are a ConfigError. */
export function parseFlags(table: FlagTable, argv: string[], allowPositionals = false): ParsedFlags {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const f of table)
    options[f.name] = { type: f.value ? 'string' : 'boolean', ...(f.multiple ? { multiple: true } : {}) };
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals });
    const help = values.help === true;
    delete values.help;
    return { values: values as FlagValues, positionals, help };
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      throw new ConfigError(`${(err as Error).message} (--help lists the flags)`);
    throw err;
  }
}

export const stringFlag = (values: FlagValues, name: string): string | undefined => {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
};

export const listFlag = (values: FlagValues, name: string): string[] => {
  const v = values[name];
  return Array.isArray(v) ? v : [];
};

export const booleanFlag = (values: FlagValues, name: string): boolean => values[name] === true;

/** `usage` line, then one row per flag: name and value, default, meaning. */
export function helpText(usage: string, summary: string, table: FlagTable): string {
  const left = (f: FlagSpec) => `--${f.name}${f.value ? ` ${f.value}` : ''}${f.multiple ? ' (repeatable)' : ''}`;
  const width = Math.max(...table.map((f) => left(f).length), '--help'.length);
  const rows = table.map((f) => `  ${left(f).padEnd(width)}  ${f.help} [default: ${f.default}]`);
  return `usage: ${usage}\n\n${summary}\n\nflags:\n${rows.join('\n')}\n  ${'--help'.padEnd(width)}  print this help\n`;
}
