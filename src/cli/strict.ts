import * as fs from 'fs';
import { closestName, printable } from '../core/suggest';

/** What yargs' getOptions() returns that we read: option names and their aliases. */
export interface KnownOptions {
  readonly key: Readonly<Record<string, unknown>>;
  readonly alias: Readonly<Record<string, readonly string[]>>;
}

/**
 * yargs says "Unknown argument: fromat"; this adds the option meant: "unknown option --fromat; did you
 * mean --format?". Other messages are returned as they are.
 */
export function unknownOptionMessage(message: string, options: KnownOptions): string {
  const m = /^Unknown arguments?: (.+)$/.exec(message);
  if (!m) return message;
  const known = new Set<string>();
  for (const k of Object.keys(options.key)) known.add(k);
  for (const list of Object.values(options.alias)) for (const a of list) known.add(a);
  const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  // yargs adds camelCase aliases (timeField for --time-field): suggest the spelling the help shows.
  const candidates = [...known].filter((k) => k.length > 1 && k !== '$0' && k !== 'paths' && k !== 'what' && !(k !== kebab(k) && known.has(kebab(k))));
  const parts = (m[1] as string).split(', ').map((name) => {
    const shown = printable(name.length === 1 ? `-${name}` : `--${name}`);
    const meant = closestName(name, candidates);
    return meant ? `unknown option ${shown}; did you mean --${meant}?` : `unknown option ${shown}`;
  });
  return parts.join('\nsigma-convert: ');
}

/**
 * `sigma-convert lisst targets`: the first word is neither a command nor an existing path but close
 * to a command name. Anything else is left to the default (convert) command, which names missing files.
 */
export function suggestCommand(argv: readonly string[], commands: readonly string[]): string | null {
  const first = argv[0];
  if (first === undefined || first.startsWith('-') || commands.includes(first) || fs.existsSync(first)) return null;
  const meant = closestName(first, commands);
  return meant ? `unknown command '${printable(first)}'; did you mean '${meant}'?` : null;
}
