import { parseDataYaml } from '../core/data-yaml';
import { checkDefinition } from '../core/definition-schema';
import { SigmaError } from '../core/errors';
import { didYouMean } from '../core/suggest';
import type { ResourceLoader } from '../core/resources';
import type { FieldSchema, PipelineDef, TableSchemas } from './types';
import { readPipelineFile } from './pipeline-file';
import { completePipeline, overlayPipeline, type PipelineLayer, type PipelineSource } from './merge-pipeline';
import { VALUE_TRANSFORM_SCHEMA } from './values/value-transform-def';

const stringOrList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
const condition = {
  type: 'object',
  required: ['field', 'value'],
  additionalProperties: false,
  properties: {
    field: { type: 'string' },
    value: { anyOf: [{ type: ['string', 'number'] }, { type: 'array', items: { type: ['string', 'number'] } }] },
  },
};
const fieldMap = { type: 'object', additionalProperties: stringOrList };
const strings = { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } };
const dataSourceProps = {
  index: strings,
  sourcetype: strings,
  source: strings,
  risk_object: {
    type: 'object',
    required: ['field', 'type'],
    additionalProperties: false,
    properties: { field: { type: 'string', minLength: 1 }, type: { enum: ['system', 'user', 'other'] } },
  },
};
const dataSource = {
  type: 'object',
  additionalProperties: false,
  properties: { ...dataSourceProps, products: { type: 'object', additionalProperties: { type: 'object', additionalProperties: false, properties: dataSourceProps } } },
};
/**
 * One schema for every pipeline file, built-in or a user's (--pipeline FILE). Unknown keys are errors at
 * every level, so a typo (`keyword_feild`) never loads silently. `name`, `target` and `logsources` are
 * required of a complete pipeline; a file that `extends` a built-in one, or stacks on the previous
 * --pipeline, inherits them (checked after merging: src/pipeline/merge-pipeline.ts).
 */
const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    target: { type: 'string' },
    data_model: { type: 'string' },
    description: { type: 'string' },
    extends: { type: 'string' },
    timestamp: { type: 'string' },
    schema: { type: 'string' },
    field_schema: { type: 'string' },
    assume_product: { type: 'string' },
    tables: { type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'string' } } },
    conditions: { type: 'array', items: condition },
    keep_unmapped: { type: 'boolean' },
    keyword_field: { type: 'string' },
    field_types: { type: 'object', additionalProperties: { type: 'string' } },
    cidr_needs_ip: { type: 'boolean' },
    stages: { type: 'array', items: { type: 'string' }, minItems: 1 },
    query_template: { type: 'string' },
    fields: fieldMap,
    value_transforms: { type: 'array', items: VALUE_TRANSFORM_SCHEMA },
    default: {
      type: 'object',
      properties: {
        table: { type: 'string' },
        conditions: { type: 'array', items: condition },
        field_sets: { type: 'array', items: { type: 'string' } },
        data_source: dataSource,
      },
      additionalProperties: false,
    },
    data_source: dataSource,
    logsources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['match'],
        additionalProperties: false,
        properties: {
          match: {
            type: 'object',
            additionalProperties: false,
            properties: { category: stringOrList, product: stringOrList, service: stringOrList },
          },
          table: { type: 'string' },
          data_source: dataSource,
          conditions: { type: 'array', items: condition },
          fields: fieldMap,
          implied: { type: 'object', additionalProperties: { type: 'array', items: { type: ['string', 'number', 'boolean'] } } },
          dynamic_fields: { type: 'string' },
          dynamic_exclude: { type: 'array', items: { type: 'string' } },
          field_sets: { type: 'array', items: { type: 'string' }, minItems: 1 },
        },
      },
    },
  },
} as const;

export const PIPELINE_SCHEMA = schema;

/** A field schema file (see FieldSchema): set name -> {description, include, fields, prefixes, name_pattern}. */
export const FIELD_SCHEMA_SCHEMA = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    properties: {
      description: { type: 'string' },
      include: { type: 'array', items: { type: 'string' } },
      fields: { type: 'object', additionalProperties: { type: 'string' } },
      prefixes: { type: 'array', items: { type: 'string', minLength: 1 } },
      name_pattern: { type: 'string' },
    },
  },
} as const;

function readYaml(loader: ResourceLoader, path: string, code: 'pipeline-definition'): unknown {
  const text = loader.read(path);
  if (text === undefined) return undefined;
  return parseDataYaml(text, path, code, loader);
}

export function listPipelines(loader: ResourceLoader): string[] {
  return loader
    .list('backends/pipelines')
    .filter((f) => f.endsWith('.yml'))
    .map((f) => f.replace(/\.yml$/, ''));
}

export function loadPipeline(loader: ResourceLoader, name: string): PipelineDef {
  const path = `backends/pipelines/${name}.yml`;
  const text = /^[\w.-]+$/.test(name) ? loader.read(path) : undefined;
  if (text === undefined) {
    const names = [...listPipelines(loader), 'none'];
    throw new SigmaError(
      'pipeline-definition',
      `unknown pipeline '${name}'; available: ${names.join(', ')}, or a pipeline file (--pipeline ./mine.yml)${didYouMean(name, names)}`,
    );
  }
  const layer = readPipelineFile(text, path, schema, loader) as PipelineLayer;
  if (layer.extends !== undefined) throw new SigmaError('pipeline-definition', `${path}: a built-in pipeline cannot extend another`);
  return completePipeline(layer, path);
}

/**
 * The pipeline several sources make, applied in order: the first is a built-in name, or a file that is
 * complete or `extends` a built-in one; each later one is a file stacked on the result so far
 * (override rules: src/pipeline/merge-pipeline.ts). `builtin` loads built-in pipelines (cached by the caller).
 */
export function loadPipelineChain(sources: readonly PipelineSource[], builtin: (name: string) => PipelineDef): PipelineDef {
  let def: PipelineDef | null = null;
  for (const source of sources) {
    if (typeof source === 'string') {
      if (def) throw new SigmaError('pipeline-definition', `built-in pipeline '${source}' can only be the first --pipeline; later ones are pipeline files stacked on it`);
      def = builtin(source);
      continue;
    }
    const layer = readPipelineFile(source.text, source.file, schema) as PipelineLayer;
    if (layer.extends !== undefined) {
      if (def) throw new SigmaError('pipeline-definition', `${source.file}: 'extends' is only allowed in the first --pipeline; this file stacks on '${def.name}' already`);
      def = overlayPipeline(builtin(layer.extends), layer, source.file);
    } else {
      def = def ? overlayPipeline(def, layer, source.file) : completePipeline(layer, source.file);
    }
  }
  if (!def) throw new SigmaError('pipeline-definition', 'no pipeline given');
  return def;
}

export function loadSchemas(loader: ResourceLoader, name: string): TableSchemas {
  const path = `backends/schemas/${name}.yml`;
  const data = readYaml(loader, path, 'pipeline-definition');
  if (data === undefined || data === null || typeof data !== 'object') {
    throw new SigmaError('pipeline-definition', `missing or empty table schema file ${path}`);
  }
  return data as TableSchemas;
}

/** backends/field-schemas/<name>.yml as a field schema; every `include` must name a set of the same file. */
export function loadFieldSchema(loader: ResourceLoader, name: string): FieldSchema {
  const path = `backends/field-schemas/${name}.yml`;
  const data = /^[\w.-]+$/.test(name) ? readYaml(loader, path, 'pipeline-definition') : undefined;
  if (data === undefined || data === null || typeof data !== 'object') {
    throw new SigmaError('pipeline-definition', `missing or empty field schema file ${path}`);
  }
  checkDefinition(FIELD_SCHEMA_SCHEMA, data, `${path}: invalid field schema`, 'pipeline-definition');
  const sets = data as FieldSchema;
  for (const [setName, set] of Object.entries(sets)) {
    for (const inc of set.include ?? []) {
      if (!Object.hasOwn(sets, inc)) throw new SigmaError('pipeline-definition', `${path}: set '${setName}' includes unknown set '${inc}'`);
    }
  }
  return sets;
}
