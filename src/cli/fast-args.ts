import { camelCase, COMMAND_NAMES, CONVERT_OPTIONS, GLOBAL_OPTIONS, type CliOption } from './cli-options';
import type { ConvertArgs } from './convert-command';
import { suggestCommand } from './strict';

/**
 * The plain conversion command line (`--target X [--pipeline P] [--format F] [-o OUT] PATH...`) read
 * without yargs: loading and configuring yargs costs more than the rest of a one-rule run's start.
 * It takes only what it reads exactly as yargs would (test/cli/fast-args.test.ts compares the two on a
 * matrix of command lines); anything else returns null and goes to yargs, so every message, help text
 * and exit status comes from the one place as before: commands, --help, --version, unknown or
 * camelCase or negated options, number options, `--`, grouped short flags, `--json true`, a value
 * that starts with '-' or looks like a number, a missing or repeated value, no --target.
 * `argv` is as yargs receives it ('-' already replaced by the stdin token).
 */
export function fastConvertArgs(argv: readonly string[]): ConvertArgs | null {
  if (argv.length === 0 || suggestCommand(argv, COMMAND_NAMES) !== null) return null;
  const values = new Map<string, string | boolean | string[]>();
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (!token.startsWith('-')) {
      if (looksLikeNumber(token)) return null;
      paths.push(token);
      continue;
    }
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const written = eq >= 0 ? token.slice(0, eq) : token;
    const name = OPTION_NAMES.get(written);
    if (name === undefined) return null;
    const option = OPTIONS.get(name) as CliOption;
    if (option.type === 'boolean') {
      const next = argv[i + 1];
      if (eq >= 0 || values.has(name) || next === 'true' || next === 'false') return null;
      values.set(name, true);
      continue;
    }
    if (option.type !== 'string') return null;
    let value: string | undefined;
    if (eq >= 0) value = token.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value.startsWith('-') || looksLikeNumber(value)) return null;
    const before = values.get(name);
    if (option.array) values.set(name, [...((before as string[] | undefined) ?? []), value]);
    else if (before !== undefined) return null;
    else values.set(name, value);
  }
  if (!values.has('target') || (paths.length > 0 && COMMAND_NAMES.includes(paths[0] as string))) return null;
  return argsObject(values, paths);
}

/** Every option the convert command takes, by name. */
const OPTIONS: ReadonlyMap<string, CliOption> = new Map([...CONVERT_OPTIONS, ...GLOBAL_OPTIONS]);

/** `--name` and `-a` (aliases of one letter take one dash, longer ones two) → option name. */
const OPTION_NAMES: ReadonlyMap<string, string> = new Map(
  [...OPTIONS].flatMap(([name, o]) => [[`--${name}`, name] as const, ...(o.alias ? [[`${o.alias.length === 1 ? '-' : '--'}${o.alias}`, name] as const] : [])]),
);

/** What yargs' parser would turn into a number (so a file named like one is left to yargs). */
function looksLikeNumber(token: string): boolean {
  return /^0x[0-9a-f]+$/i.test(token) || /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i.test(token);
}

/** The object yargs hands the command: each option under its name, alias and camelCase spellings; defaults filled in. */
function argsObject(values: ReadonlyMap<string, string | boolean | string[]>, paths: string[]): ConvertArgs {
  const out: Record<string, unknown> = {};
  for (const [name, option] of OPTIONS) {
    const value = values.get(name) ?? option.default;
    if (value === undefined) continue;
    for (const key of [name, ...(option.alias ? [option.alias] : [])]) {
      out[key] = value;
      out[camelCase(key)] = value;
    }
  }
  out.paths = paths;
  return out as unknown as ConvertArgs;
}
