import type { ResourceLoader } from '../core/resources';
import { loadYamlData } from './load-yaml-data';

/** backends/metadata/*.yml: how rule metadata maps to each SIEM's vocabulary (see the files' comments). */
export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

export interface LevelGrades {
  readonly sentinel: string;
  readonly defender: string;
  readonly splunk: { readonly alert_severity: number; readonly notable_severity: string; readonly risk_score: number };
  readonly elastic: { readonly severity: string; readonly risk_score: number };
}

export interface TacticInfo {
  readonly id: string;
  readonly name: string;
  readonly key: string;
}

export interface TechniqueInfo {
  readonly name: string;
  readonly tactics?: readonly string[];
}

export interface AttackData {
  readonly tactics: Readonly<Record<string, TacticInfo>>;
  readonly techniques: Readonly<Record<string, TechniqueInfo>>;
}

export interface EntityRule {
  readonly column: string;
  readonly entity: string;
  readonly identifier: string;
}

export interface MicrosoftData {
  readonly projection: Readonly<Record<string, { readonly time: readonly string[]; readonly always: readonly string[] }>>;
  readonly connectors: Readonly<Record<string, string>>;
  readonly entities: readonly EntityRule[];
}

export interface Metadata {
  readonly levels: Readonly<Record<Level, LevelGrades>>;
  readonly statuses: Readonly<Record<string, string>>;
  readonly attack: AttackData;
  readonly microsoft: MicrosoftData;
}

const str = { type: 'string', minLength: 1 } as const;
const strList = { type: 'array', items: str } as const;

const gradesSchema = {
  type: 'object',
  required: ['sentinel', 'defender', 'splunk', 'elastic'],
  additionalProperties: false,
  properties: {
    sentinel: { enum: ['Informational', 'Low', 'Medium', 'High'] },
    defender: { enum: ['informational', 'low', 'medium', 'high'] },
    splunk: {
      type: 'object',
      required: ['alert_severity', 'notable_severity', 'risk_score'],
      additionalProperties: false,
      properties: {
        alert_severity: { type: 'integer', minimum: 1, maximum: 6 },
        notable_severity: { enum: ['informational', 'low', 'medium', 'high', 'critical'] },
        risk_score: { type: 'integer', minimum: 0, maximum: 100 },
      },
    },
    elastic: {
      type: 'object',
      required: ['severity', 'risk_score'],
      additionalProperties: false,
      properties: { severity: { enum: ['low', 'medium', 'high', 'critical'] }, risk_score: { type: 'integer', minimum: 0, maximum: 100 } },
    },
  },
} as const;

export const levelsSchema = {
  type: 'object',
  required: [...LEVELS],
  additionalProperties: false,
  properties: Object.fromEntries(LEVELS.map((l) => [l, gradesSchema])),
};

export const statusesSchema = { type: 'object', additionalProperties: { enum: ['development', 'experimental', 'beta', 'production', 'deprecated'] } };

export const attackSchema = {
  type: 'object',
  required: ['tactics', 'techniques'],
  additionalProperties: false,
  properties: {
    tactics: {
      type: 'object',
      propertyNames: { pattern: '^[a-z]+(-[a-z]+)*$' },
      additionalProperties: {
        type: 'object',
        required: ['id', 'name', 'key'],
        additionalProperties: false,
        properties: { id: { type: 'string', pattern: '^TA[0-9]{4}$' }, name: str, key: { type: 'string', pattern: '^[A-Za-z]+$' } },
      },
    },
    techniques: {
      type: 'object',
      propertyNames: { pattern: '^T[0-9]{4}(\\.[0-9]{3})?$' },
      additionalProperties: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: { name: str, tactics: strList },
      },
    },
  },
};

export const microsoftSchema = {
  type: 'object',
  required: ['projection', 'connectors', 'entities'],
  additionalProperties: false,
  properties: {
    projection: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['time', 'always'],
        additionalProperties: false,
        properties: { time: strList, always: strList },
      },
    },
    connectors: { type: 'object', additionalProperties: str },
    entities: {
      type: 'array',
      items: {
        type: 'object',
        required: ['column', 'entity', 'identifier'],
        additionalProperties: false,
        properties: { column: str, entity: str, identifier: str },
      },
    },
  },
};

/** Loads and validates every metadata file; techniques must name tactics that exist. */
export function loadMetadata(loader: ResourceLoader): Metadata {
  const attack = loadYamlData<AttackData>(loader, 'backends/metadata/attack.yml', attackSchema);
  for (const [id, t] of Object.entries(attack.techniques)) {
    for (const tactic of t.tactics ?? []) {
      if (!attack.tactics[tactic]) throw new Error(`backends/metadata/attack.yml: technique ${id} names unknown tactic '${tactic}'`);
    }
  }
  return {
    levels: loadYamlData<Record<Level, LevelGrades>>(loader, 'backends/metadata/levels.yml', levelsSchema),
    statuses: loadYamlData<Record<string, string>>(loader, 'backends/metadata/statuses.yml', statusesSchema),
    attack,
    microsoft: loadYamlData<MicrosoftData>(loader, 'backends/metadata/microsoft.yml', microsoftSchema),
  };
}
