/**
 * This project's JSON schema (draft-07) for a Sigma detection rule, written from the Sigma rules
 * specification v2 (sigma-rules-specification.md, "Components"). It checks shape and vocabulary;
 * what a schema cannot express (condition grammar, modifier chains, calendar dates, tag
 * namespaces, duplicate ids) is checked in code by the other modules of src/validate/.
 *
 * Where the specification and SigmaHQ's published schema disagree, this schema follows the
 * specification; test/validate-schema.test.ts lists every such difference.
 */

const RELATION_TYPES = ['derived', 'obsolete', 'merged', 'renamed', 'similar'];
const STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'];
const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];

/** ISO 8601 calendar date with separators; day-of-month validity is checked in code. */
export const DATE_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';
/** Spec "Tags": lower-case letters, digits, `_` and `-`, namespaced with dots. */
export const TAG_PATTERN = '^[a-z0-9_-]+\\.[a-z0-9._-]+$';

const scalarValue = { type: ['string', 'number', 'boolean', 'null'] };

/** A search identifier: a list (keywords or maps, OR-ed) or a map (field → value(s), AND-ed). */
const searchIdentifier = {
  anyOf: [
    {
      type: 'array',
      items: { anyOf: [{ type: 'string' }, { type: 'integer' }, { $ref: '#/definitions/fieldMap' }] },
    },
    { $ref: '#/definitions/fieldMap' },
  ],
};

export const SIGMA_RULE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://sigma-convert.local/schemas/sigma-rule.json',
  title: 'Sigma detection rule (sigma-convert)',
  type: 'object',
  required: ['title', 'logsource', 'detection'],
  definitions: {
    uuid: { type: 'string', format: 'uuid' },
    date: { type: 'string', pattern: DATE_PATTERN },
    stringList: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    fieldMap: {
      type: 'object',
      additionalProperties: { anyOf: [scalarValue, { type: 'array', items: scalarValue }] },
    },
  },
  properties: {
    title: { type: 'string', maxLength: 256 },
    id: { $ref: '#/definitions/uuid' },
    name: { type: 'string', maxLength: 256 },
    related: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'type'],
        properties: { id: { $ref: '#/definitions/uuid' }, type: { enum: RELATION_TYPES } },
      },
    },
    taxonomy: { type: 'string', maxLength: 256 },
    status: { enum: STATUSES },
    description: { type: 'string', maxLength: 65535 },
    license: { type: 'string' },
    author: { type: 'string' },
    references: { $ref: '#/definitions/stringList' },
    date: { $ref: '#/definitions/date' },
    modified: { $ref: '#/definitions/date' },
    logsource: {
      type: 'object',
      properties: {
        category: { type: 'string' },
        product: { type: 'string' },
        service: { type: 'string' },
        definition: { type: 'string' },
      },
    },
    detection: {
      type: 'object',
      required: ['condition'],
      properties: {
        // "The condition can be a list, in this case, each of them generates a query."
        condition: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] },
      },
      additionalProperties: searchIdentifier,
    },
    fields: { $ref: '#/definitions/stringList' },
    falsepositives: { type: 'array', items: { type: 'string', minLength: 2 }, uniqueItems: true },
    level: { enum: LEVELS },
    tags: { type: 'array', items: { type: 'string', pattern: TAG_PATTERN }, uniqueItems: true },
    scope: { type: 'array', items: { type: 'string', minLength: 2 } },
  },
} as const;

/** What to do about a schema finding on a top-level attribute: appended to the message. */
export const ATTRIBUTE_ADVICE: Readonly<Record<string, string>> = {
  title: 'give a short title of at most 256 characters',
  id: 'use a random UUID (version 4), e.g. from `uuidgen`',
  related: "list items of the form {id: <uuid>, type: derived|obsolete|merged|renamed|similar}",
  status: `use one of ${STATUSES.join(', ')}`,
  level: `use one of ${LEVELS.join(', ')}`,
  date: "write the date as 'YYYY-MM-DD'",
  modified: "write the date as 'YYYY-MM-DD'",
  tags: 'write tags in lower case as namespace.name, e.g. attack.t1040 (see the Sigma tags appendix)',
  references: 'make it a list of distinct strings',
  fields: 'make it a list of distinct field names',
  falsepositives: 'make it a list of distinct descriptions of at least 2 characters',
  scope: 'make it a list of strings',
  logsource: 'give a mapping with category, product and/or service',
  detection: 'give search identifiers (maps or lists) and a condition',
};
