import { parseUserDataYaml } from '../core/data-yaml';
import { checkDefinition } from '../core/definition-schema';
import type { Limits } from '../core/limits';
import { SigmaError } from '../core/errors';
import type { ResourceLoader } from '../core/resources';
import { LEVELS, TRIGGER_OPERATORS, type Level, type TriggerOperator } from './metadata';
import { DURATION_PATTERN, parseDuration, type Duration } from './durations';
import { loadYamlData, parseYamlData } from './load-yaml-data';
import { own } from '../core/own';

/** The settings of the deployable formats (backends/metadata/settings-defaults.yml documents each key). */
export interface RuleSettings {
  readonly schedule: { readonly frequency: string; readonly lookback: string };
  readonly severity: Level | null;
  readonly default_level: Level;
  readonly enabled: boolean;
  readonly trigger: { readonly operator: TriggerOperator; readonly threshold: number };
  readonly max_signals: number;
  readonly author: string | null;
  readonly license: string | null;
  readonly index_patterns: readonly string[] | null;
  /** The page formats: which other targets' queries the page lists, in this order; null: every target. */
  readonly other_targets: readonly string[] | null;
  readonly splunk: {
    readonly app: string;
    readonly notable: boolean;
    readonly risk: boolean;
    readonly risk_object: { readonly field: string; readonly type: 'system' | 'user' | 'other' } | null;
    readonly index: readonly string[] | null;
    readonly sourcetype: readonly string[] | null;
  };
}

export interface Settings extends RuleSettings {
  readonly rules: Readonly<Record<string, Partial<RuleSettings>>>;
}

/** Settings as a user file writes them: any key may be left out. */
export type SettingsOverrides = Partial<Omit<Settings, 'rules'>> & { readonly rules?: Settings['rules'] };

const level = { enum: [...LEVELS] };
const nullableList = { anyOf: [{ type: 'null' }, { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }] };
const ruleProps = {
  schedule: {
    type: 'object',
    additionalProperties: false,
    properties: { frequency: { type: 'string', pattern: DURATION_PATTERN }, lookback: { type: 'string', pattern: DURATION_PATTERN } },
  },
  severity: { anyOf: [level, { type: 'null' }] },
  default_level: level,
  enabled: { type: 'boolean' },
  trigger: {
    type: 'object',
    additionalProperties: false,
    properties: { operator: { enum: [...TRIGGER_OPERATORS] }, threshold: { type: 'integer', minimum: 0 } },
  },
  max_signals: { type: 'integer', minimum: 1 },
  author: { type: ['string', 'null'] },
  license: { type: ['string', 'null'] },
  index_patterns: nullableList,
  other_targets: nullableList,
  splunk: {
    type: 'object',
    additionalProperties: false,
    properties: {
      app: { type: 'string', minLength: 1 },
      notable: { type: 'boolean' },
      risk: { type: 'boolean' },
      risk_object: {
        anyOf: [
          { type: 'null' },
          { type: 'object', required: ['field', 'type'], additionalProperties: false, properties: { field: { type: 'string', minLength: 1 }, type: { enum: ['system', 'user', 'other'] } } },
        ],
      },
      index: nullableList,
      sourcetype: nullableList,
    },
  },
};
export const settingsSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { ...ruleProps, rules: { type: ['object', 'null'], additionalProperties: { type: 'object', additionalProperties: false, properties: ruleProps } } },
};

export function loadDefaultSettings(loader: ResourceLoader): Settings {
  const s = loadYamlData<Settings>(loader, 'backends/metadata/settings-defaults.yml', settingsSchema);
  for (const key of Object.keys(ruleProps)) {
    if (!(key in s)) throw new SigmaError('backend-definition', `backends/metadata/settings-defaults.yml: missing key '${key}'`);
  }
  return { ...s, rules: s.rules ?? {} };
}

/** Parses a user's --settings file (YAML); unknown keys and wrong types are errors naming the file. */
export function parseSettings(text: string, name: string, limits?: Pick<Limits, 'dataBytes' | 'dataNodes'>): SettingsOverrides {
  const data = parseUserDataYaml(text, name, 'invalid-value', limits);
  checkDefinition(settingsSchema, data, name, 'invalid-value');
  return (data as SettingsOverrides | null) ?? {};
}

function mergeRule(base: RuleSettings, over: Partial<RuleSettings>): RuleSettings {
  return {
    ...base,
    ...Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined)),
    schedule: { ...base.schedule, ...over.schedule },
    trigger: { ...base.trigger, ...over.trigger },
    splunk: { ...base.splunk, ...over.splunk },
  } as RuleSettings;
}

/** Defaults, then the user's file, then the user's per-rule entry (merged key by key, nested maps too). */
export function mergeSettings(defaults: Settings, user: SettingsOverrides | undefined): Settings {
  if (!user) return defaults;
  const { rules, ...rest } = user;
  return { ...mergeRule(defaults, rest), rules: { ...defaults.rules, ...(rules ?? {}) } };
}

export interface ResolvedSettings extends RuleSettings {
  readonly frequency: Duration;
  readonly lookback: Duration;
}

export function settingsForRule(settings: Settings, ruleId: string | undefined): ResolvedSettings {
  const perRule = ruleId ? own(settings.rules, ruleId) : undefined;
  const s = perRule ? mergeRule(settings, perRule) : settings;
  const frequency = parseDuration(s.schedule.frequency, 'schedule.frequency');
  const lookback = parseDuration(s.schedule.lookback, 'schedule.lookback');
  if (lookback.seconds < frequency.seconds) {
    throw new SigmaError('invalid-value', `schedule.lookback (${lookback.text}) is shorter than schedule.frequency (${frequency.text}): events between runs would never be searched`);
  }
  // Object.assign, not a spread followed by new keys (a slow path of V8 on Node 20, taken for every rule here).
  return Object.assign({}, s, { frequency, lookback });
}
