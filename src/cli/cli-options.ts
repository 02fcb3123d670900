import { DEFAULT_LIMITS } from '../core/limits';

/**
 * The options of the convert command (the default command) and the global ones, as data: yargs is
 * configured from this table (yargs-main.ts), and the fast parser (fast-args.ts) is derived from the
 * same table, so the two cannot disagree on a name, an alias, a type or a default.
 */
export interface CliOption {
  readonly alias?: string;
  readonly type: 'string' | 'boolean' | 'number';
  /** Repeatable: every occurrence adds one value (yargs `array: true, nargs: 1`). */
  readonly array?: true;
  readonly describe: string;
  readonly default?: string | boolean;
  readonly demandOption?: true;
}

export const CONVERT_OPTIONS: ReadonlyMap<string, CliOption> = new Map<string, CliOption>([
  ['target', { alias: 't', type: 'string', describe: "query language (one of 'sigma-convert list targets')", demandOption: true }],
  [
    'pipeline',
    {
      alias: 'p',
      type: 'string',
      array: true,
      describe: "field mapping pipeline: a built-in name (see: list pipelines), 'none' (field names as written), or a pipeline file; repeat to stack files, applied in order; default per target",
    },
  ],
  ['format', { alias: 'f', type: 'string', describe: 'output format of the target (see: list formats)', default: 'query' }],
  ['output', { alias: 'o', type: 'string', describe: 'write to this file, or one file per rule into this folder (ending in / or existing)' }],
  ['json', { type: 'boolean', describe: 'one JSON object per rule per line', default: false }],
  ['table', { type: 'string', describe: 'table to query (KQL: required with --pipeline none; SQL targets: default events)' }],
  ['index', { type: 'string', describe: 'Splunk index to restrict the search to' }],
  ['placeholders', { type: 'string', describe: 'YAML file mapping placeholder names to value lists, for |expand' }],
  ['settings', { type: 'string', describe: 'YAML settings for rule formats: schedule, severity, index patterns, per-rule overrides (see backends/metadata/settings-defaults.yml)' }],
  ['filter', { type: 'string', array: true, describe: 'Sigma filter file to apply to the rules it names (local exclusions kept outside the rules); repeat for several' }],
  ['fail-on-warning', { alias: 'warnings-as-errors', type: 'boolean', describe: 'exit 1 when any rule converts with a warning (e.g. an unmapped field), for CI', default: false }],
  [
    'allow-unmapped',
    {
      type: 'string',
      array: true,
      describe: "keep this field although the pipeline's field schema says the SIEM's data does not carry it (refused by default); repeat for several",
    },
  ],
  ['allow-unmapped-all', { type: 'boolean', describe: "keep every field outside the pipeline's field schema (refused by default)", default: false }],
  ['max-alternatives', { type: 'number', describe: `values one rule may expand to in total (windash, expand, base64offset ...); default ${DEFAULT_LIMITS.alternatives}` }],
  ['max-file-size', { type: 'number', describe: `bytes one rule file (or standard input) may hold; default ${DEFAULT_LIMITS.fileBytes}` }],
  ['debug', { type: 'boolean', describe: 'show stack traces of internal errors', default: false }],
]);

/** Options every command takes. */
export const GLOBAL_OPTIONS: ReadonlyMap<string, CliOption> = new Map<string, CliOption>([
  ['quiet', { alias: 'q', type: 'boolean', describe: 'print errors only: no warnings, no summary line' }],
]);

/** The named commands (anything else is the convert command); yargs-main.ts registers each of them. */
export const COMMAND_NAMES: readonly string[] = ['list', 'validate', 'test', 'site', 'serve', 'completion'];

/** yargs' spelling of an option in camelCase, which it sets next to the kebab-case key: fail-on-warning → failOnWarning. */
export function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
