import type { LogsourceMatch } from '../logsource-match';

/**
 * Value transformations as pipeline data (`value_transforms:` in backends/pipelines/*.yml, see
 * docs/pipelines.md): where a SIEM stores a Sigma field's value in another form or across several
 * columns. Each one rewrites a predicate exactly, or refuses the rule naming field, value and reason.
 */
export interface ValueTransformBase {
  /** The Sigma field, as rules write it. */
  readonly field: string;
  /** Only for rules of these logsources (every key given must match). */
  readonly logsource?: LogsourceMatch;
  /** Only where the pipeline chose one of these tables / event categories for the rule. */
  readonly tables?: readonly string[];
}

/** Literal prefixes of a value rewritten into the SIEM's spelling (registry hives; a list: any of these), or refused with a reason. */
export interface PrefixRewrite {
  readonly prefixes?: Readonly<Record<string, string | readonly string[]>>;
  readonly refuse_prefixes?: Readonly<Record<string, string>>;
}

/** One field holding several columns joined by a separator (registry key + value name, DOMAIN\user). */
export interface JoinTransform extends ValueTransformBase, PrefixRewrite {
  readonly join: {
    readonly columns: readonly [string, string];
    readonly separator: string;
    /** Whether each column's values may themselves contain the separator (registry keys and value names do). */
    readonly first_has_separator?: boolean;
    readonly last_has_separator?: boolean;
    /** The text the source writes for an empty last column ('(Default)' for a key's default value). */
    readonly empty_last?: string;
    /** A value without the separator (a bare user name) is compared with the last column: equals, startswith, endswith; contains tests both. */
    readonly bare_is_last?: boolean;
    /** Events whose field is the first column alone (registry key events), told apart by a column's values. */
    readonly first_only_when?: { readonly field: string; readonly values: readonly string[] };
    /** The first column is not stored (only a file name is): patterns that need it are refused. */
    readonly first_missing?: boolean;
    /** The column that says the field is present (`exists`, correlation group-by, projected fields); default the first. */
    readonly presence?: 'first' | 'last';
  };
}

/** The field under another name, its value's prefix rewritten (a registry key path's hive). */
export interface PrefixTransform extends ValueTransformBase, PrefixRewrite {
  readonly prefix_rewrite: { readonly to: string };
}

/** A full path (Image) where the table keeps only the file name: `*\\name.exe` is exact, anything needing the folder is refused. */
export interface FileNameTransform extends ValueTransformBase {
  readonly file_name: { readonly to: string };
}

/** Sysmon's `ALGO=hex,ALGO=hex` list: one column per algorithm. An algorithm without a column refuses the rule. */
export interface HashesTransform extends ValueTransformBase {
  readonly hashes: {
    readonly columns: Readonly<Record<string, string>>;
    /** The store keeps hashes in lower case (ECS). */
    readonly lowercase?: boolean;
  };
}

/** A closed vocabulary mapped to the SIEM's (registry EventType -> ActionType, Initiated -> direction). */
export interface ValueMapTransform extends ValueTransformBase {
  readonly value_map: { readonly to: string; readonly values: Readonly<Record<string, string>> };
}

/** Sysmon's registry data text (`DWORD (0x0000000a)`) as the SIEM stores it (decimal text, with a type column). */
export interface RegistryDataTransform extends ValueTransformBase {
  readonly registry_data: {
    readonly to: string;
    /** The column holding the value's type, and the SIEM's names for DWORD / QWORD (QWORD values are refused without one). */
    readonly type_field?: string;
    readonly dword_type?: string;
    readonly qword_type?: string;
    /** The SIEM's text for what Sysmon writes as '(Empty)'. */
    readonly empty?: string;
  };
}

/** A hexadecimal text (Sysmon's LogonId '0x3e7') compared with a numeric column. */
export interface HexNumberTransform extends ValueTransformBase {
  readonly hex_number: { readonly to: string };
}

export type ValueTransformDef =
  | JoinTransform
  | PrefixTransform
  | FileNameTransform
  | HashesTransform
  | ValueMapTransform
  | RegistryDataTransform
  | HexNumberTransform;

const stringOrList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const base = {
  field: { type: 'string' },
  logsource: { type: 'object', additionalProperties: false, properties: { category: stringOrList, product: stringOrList, service: stringOrList } },
  tables: { type: 'array', items: { type: 'string' }, minItems: 1 },
} as const;
const prefixes = {
  prefixes: { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] } },
  refuse_prefixes: stringMap,
} as const;

function kind(key: string, body: object, extra: object = {}): object {
  return {
    type: 'object',
    required: ['field', key],
    additionalProperties: false,
    properties: { ...base, ...extra, [key]: { type: 'object', additionalProperties: false, ...body } },
  };
}

/** The JSON schema of one `value_transforms` entry: exactly one kind, unknown keys rejected. */
export const VALUE_TRANSFORM_SCHEMA = {
  oneOf: [
    kind(
      'join',
      {
        required: ['columns', 'separator'],
        properties: {
          columns: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 },
          separator: { type: 'string', minLength: 1, maxLength: 1 },
          first_has_separator: { type: 'boolean' },
          last_has_separator: { type: 'boolean' },
          empty_last: { type: 'string' },
          bare_is_last: { type: 'boolean' },
          first_only_when: {
            type: 'object',
            required: ['field', 'values'],
            additionalProperties: false,
            properties: { field: { type: 'string' }, values: { type: 'array', items: { type: 'string' }, minItems: 1 } },
          },
          first_missing: { type: 'boolean' },
          presence: { enum: ['first', 'last'] },
        },
      },
      prefixes,
    ),
    kind('file_name', { required: ['to'], properties: { to: { type: 'string' } } }),
    kind('prefix_rewrite', { required: ['to'], properties: { to: { type: 'string' } } }, prefixes),
    kind('hashes', { required: ['columns'], properties: { columns: stringMap, lowercase: { type: 'boolean' } } }),
    kind('value_map', { required: ['to', 'values'], properties: { to: { type: 'string' }, values: stringMap } }),
    kind('registry_data', {
      required: ['to'],
      properties: { to: { type: 'string' }, type_field: { type: 'string' }, dword_type: { type: 'string' }, qword_type: { type: 'string' }, empty: { type: 'string' } },
    }),
    kind('hex_number', { required: ['to'], properties: { to: { type: 'string' } } }),
  ],
} as const;
