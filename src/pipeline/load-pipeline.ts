import { parseDataYaml } from '../core/data-yaml';
import { checkDefinition } from '../core/definition-schema';
import { SigmaError } from '../core/errors';
import type { ResourceLoader } from '../core/resources';
import type { PipelineDef, TableSchemas } from './types';

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
const schema = {
  type: 'object',
  required: ['name', 'target', 'logsources'],
  properties: {
    name: { type: 'string' },
    target: { type: 'string' },
    description: { type: 'string' },
    schema: { type: 'string' },
    keep_unmapped: { type: 'boolean' },
    keyword_field: { type: 'string' },
    field_types: { type: 'object', additionalProperties: { type: 'string' } },
    cidr_needs_ip: { type: 'boolean' },
    stages: { type: 'array', items: { type: 'string' }, minItems: 1 },
    query_template: { type: 'string' },
    fields: fieldMap,
    default: { type: 'object', properties: { table: { type: 'string' }, conditions: { type: 'array', items: condition }, data_source: dataSource }, additionalProperties: false },
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
        },
      },
    },
  },
} as const;

export const PIPELINE_SCHEMA = schema;

function readYaml(loader: ResourceLoader, path: string, code: 'pipeline-definition'): unknown {
  const text = loader.read(path);
  if (text === undefined) return undefined;
  return parseDataYaml(text, path, code);
}

export function listPipelines(loader: ResourceLoader): string[] {
  return loader
    .list('backends/pipelines')
    .filter((f) => f.endsWith('.yml'))
    .map((f) => f.replace(/\.yml$/, ''));
}

export function loadPipeline(loader: ResourceLoader, name: string): PipelineDef {
  const path = `backends/pipelines/${name}.yml`;
  const data = readYaml(loader, path, 'pipeline-definition');
  if (data === undefined) {
    throw new SigmaError('pipeline-definition', `unknown pipeline '${name}'; available: ${listPipelines(loader).join(', ')}, none`);
  }
  checkDefinition(schema, data, `${path}: invalid pipeline`, 'pipeline-definition');
  return data as unknown as PipelineDef;
}

export function loadSchemas(loader: ResourceLoader, name: string): TableSchemas {
  const path = `backends/schemas/${name}.yml`;
  const data = readYaml(loader, path, 'pipeline-definition');
  if (data === undefined || data === null || typeof data !== 'object') {
    throw new SigmaError('pipeline-definition', `missing or empty table schema file ${path}`);
  }
  return data as TableSchemas;
}
