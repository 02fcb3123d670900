/**
 * JSON schemas written from the vendors' documented formats, to check what the output formats produce:
 * - Microsoft Graph security detectionRule (create body): displayName, isEnabled, queryCondition.queryText,
 *   schedule.period ("0", "1H", "3H", "12H", "24H"), detectionAction.alertTemplate {title, description,
 *   severity, category, recommendedActions, mitreTechniques, impactedAssets}, organizationalScope, responseActions.
 * - ARM deployment template with a Microsoft.OperationalInsights/workspaces/providers/alertRules resource of
 *   kind Scheduled (Sentinel alert rule properties: displayName, severity, enabled, query, queryFrequency,
 *   queryPeriod as ISO 8601 durations, triggerOperator GreaterThan|LessThan|Equal|NotEqual, triggerThreshold,
 *   suppressionDuration, suppressionEnabled, tactics, techniques, entityMappings).
 * - Elastic Security detection rule import (NDJSON line): rule_id, name, description, type eql, language eql,
 *   query, index, interval, from, risk_score 0-100, severity low|medium|high|critical, threat [{framework,
 *   tactic {id,name,reference}, technique [{id,name,reference,subtechnique}]}].
 */
const str = { type: 'string', minLength: 1 } as const;
const strList = { type: 'array', items: str } as const;

export const defenderDetectionRuleSchema = {
  type: 'object',
  required: ['displayName', 'isEnabled', 'queryCondition', 'schedule', 'detectionAction'],
  additionalProperties: false,
  properties: {
    displayName: str,
    isEnabled: { type: 'boolean' },
    queryCondition: { type: 'object', required: ['queryText'], additionalProperties: false, properties: { queryText: str } },
    schedule: { type: 'object', required: ['period'], additionalProperties: false, properties: { period: { enum: ['0', '1H', '3H', '12H', '24H'] } } },
    detectionAction: {
      type: 'object',
      required: ['alertTemplate', 'organizationalScope', 'responseActions'],
      additionalProperties: false,
      properties: {
        alertTemplate: {
          type: 'object',
          required: ['title', 'description', 'severity', 'category', 'mitreTechniques', 'impactedAssets'],
          additionalProperties: false,
          properties: {
            title: str,
            description: str,
            severity: { enum: ['informational', 'low', 'medium', 'high'] },
            category: { type: 'string', pattern: '^[A-Za-z]+$' },
            recommendedActions: { type: ['string', 'null'] },
            mitreTechniques: { type: 'array', items: { type: 'string', pattern: '^T\\d{4}(\\.\\d{3})?$' } },
            impactedAssets: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                required: ['@odata.type', 'identifier'],
                properties: { '@odata.type': { type: 'string', pattern: '^#microsoft\\.graph\\.security\\.impacted\\w+Asset$' }, identifier: str },
              },
            },
          },
        },
        organizationalScope: { type: ['object', 'null'] },
        responseActions: { type: 'array' },
      },
    },
  },
} as const;

const iso = { type: 'string', pattern: '^P(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+S)?)?$' } as const;

export const sentinelArmSchema = {
  type: 'object',
  required: ['$schema', 'contentVersion', 'parameters', 'resources'],
  properties: {
    $schema: { const: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#' },
    contentVersion: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+\\.\\d+$' },
    parameters: {
      type: 'object',
      required: ['workspace'],
      properties: { workspace: { type: 'object', required: ['type'], properties: { type: { enum: ['string', 'String'] } } } },
    },
    resources: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['type', 'apiVersion', 'name', 'kind', 'properties'],
        properties: {
          type: { const: 'Microsoft.OperationalInsights/workspaces/providers/alertRules' },
          apiVersion: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(-preview)?$' },
          name: { type: 'string', pattern: "^\\[concat\\(parameters\\('workspace'\\), '/Microsoft\\.SecurityInsights/', '[^']+'\\)\\]$" },
          kind: { const: 'Scheduled' },
          properties: {
            type: 'object',
            required: ['displayName', 'severity', 'enabled', 'query', 'queryFrequency', 'queryPeriod', 'triggerOperator', 'triggerThreshold', 'suppressionDuration', 'suppressionEnabled'],
            additionalProperties: false,
            properties: {
              displayName: str,
              description: { type: 'string' },
              severity: { enum: ['Informational', 'Low', 'Medium', 'High'] },
              enabled: { type: 'boolean' },
              query: str,
              queryFrequency: iso,
              queryPeriod: iso,
              triggerOperator: { enum: ['GreaterThan', 'LessThan', 'Equal', 'NotEqual'] },
              triggerThreshold: { type: 'integer', minimum: 0 },
              suppressionDuration: iso,
              suppressionEnabled: { type: 'boolean' },
              tactics: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z]+$' } },
              techniques: { type: 'array', items: { type: 'string', pattern: '^T\\d{4}$' } },
              entityMappings: {
                type: 'array',
                maxItems: 10,
                items: {
                  type: 'object',
                  required: ['entityType', 'fieldMappings'],
                  additionalProperties: false,
                  properties: {
                    entityType: { enum: ['Account', 'Host', 'IP', 'Process', 'File', 'FileHash', 'URL', 'DNS', 'RegistryKey', 'RegistryValue', 'CloudApplication', 'AzureResource', 'Mailbox', 'MailMessage', 'SecurityGroup', 'Malware', 'MailCluster', 'SubmissionMail', 'IoTDevice'] },
                    fieldMappings: {
                      type: 'array',
                      minItems: 1,
                      items: { type: 'object', required: ['identifier', 'columnName'], additionalProperties: false, properties: { identifier: str, columnName: str } },
                    },
                  },
                },
              },
              eventGroupingSettings: { type: 'object', properties: { aggregationKind: { enum: ['SingleAlert', 'AlertPerResult'] } } },
            },
          },
        },
      },
    },
  },
} as const;

const ref = { type: 'string', pattern: '^https://attack\\.mitre\\.org/' } as const;

export const elasticRuleSchema = {
  type: 'object',
  required: ['rule_id', 'name', 'description', 'type', 'language', 'query', 'index', 'risk_score', 'severity', 'interval', 'from', 'threat'],
  properties: {
    rule_id: str,
    name: str,
    description: str,
    type: { const: 'eql' },
    language: { const: 'eql' },
    query: str,
    index: { ...strList, minItems: 1 },
    interval: { type: 'string', pattern: '^\\d+[smhd]$' },
    from: { type: 'string', pattern: '^now-\\d+[smhd]$' },
    enabled: { type: 'boolean' },
    risk_score: { type: 'integer', minimum: 0, maximum: 100 },
    severity: { enum: ['low', 'medium', 'high', 'critical'] },
    author: strList,
    license: { type: 'string' },
    references: strList,
    false_positives: strList,
    tags: strList,
    note: { type: 'string' },
    max_signals: { type: 'integer', minimum: 1 },
    version: { type: 'integer', minimum: 1 },
    threat: {
      type: 'array',
      items: {
        type: 'object',
        required: ['framework', 'tactic'],
        additionalProperties: false,
        properties: {
          framework: { const: 'MITRE ATT&CK' },
          tactic: {
            type: 'object',
            required: ['id', 'name', 'reference'],
            additionalProperties: false,
            properties: { id: { type: 'string', pattern: '^TA\\d{4}$' }, name: str, reference: ref },
          },
          technique: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'name', 'reference'],
              additionalProperties: false,
              properties: {
                id: { type: 'string', pattern: '^T\\d{4}$' },
                name: str,
                reference: ref,
                subtechnique: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['id', 'name', 'reference'],
                    additionalProperties: false,
                    properties: { id: { type: 'string', pattern: '^T\\d{4}\\.\\d{3}$' }, name: str, reference: ref },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
