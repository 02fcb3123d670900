import type { Finding } from './finding';
import { own } from '../core/own';

/** Short descriptions of the finding codes, for SARIF's rule table. */
const CODE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'yaml-syntax': 'The file is not valid YAML',
  'yaml-limit': 'The YAML is too deep or too large to read safely',
  'duplicate-key': 'A mapping holds the same key twice',
  schema: 'The rule does not match the Sigma rule schema',
  'invalid-rule': 'The document is not a usable Sigma rule',
  'invalid-detection': 'The detection section is malformed',
  'invalid-modifier': 'A value modifier chain is invalid',
  'invalid-value': 'A detection value is invalid for its modifiers',
  'invalid-regex': 'A regular expression does not compile',
  'condition-syntax': 'The condition is not valid Sigma condition syntax',
  'condition-identifier': 'The condition names a search identifier that does not exist',
  'invalid-id': 'The rule id is not a (version 4) UUID',
  'duplicate-id': 'Two rules share one id',
  'invalid-tag': 'A tag does not follow the Sigma tag format',
  'invalid-date': 'A date is not an existing YYYY-MM-DD date',
  'unused-identifier': 'A search identifier is not used by the condition',
  'unmapped-field': 'The pipeline cannot map a field of the rule',
  'unknown-logsource': 'The pipeline has no table for the logsource',
  'value-transform': 'The pipeline cannot rewrite a value into the form the SIEM stores',
  'unsupported-feature': 'The target cannot express part of the rule',
  placeholder: 'A placeholder has no values',
  internal: 'An unexpected internal error',
};

function ruleText(f: Finding): string {
  const who = f.title ? `rule '${f.title}'` : f.id ? `rule ${f.id}` : 'rule';
  return f.documents > 1 ? `${who} (document ${f.document} of ${f.documents})` : who;
}

/** A SARIF 2.1.0 log of the findings, for code-scanning tools (e.g. GitHub code scanning). */
export function toSarif(findings: readonly Finding[], toolVersion: string, toUri: (file: string) => string): object {
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  const rules = codes.map((code) => ({
    id: code,
    name: code.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: own(CODE_DESCRIPTIONS, code) ?? code },
  }));
  const results = findings.map((f) => ({
    ruleId: f.code,
    ruleIndex: codes.indexOf(f.code),
    level: f.severity,
    message: { text: `${f.message} — ${ruleText(f)}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: toUri(f.file) },
          ...(f.line > 0 ? { region: { startLine: f.line, startColumn: Math.max(1, f.col) } } : {}),
        },
      },
    ],
    properties: { document: f.document, title: f.title, ruleId: f.id },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'sigma-convert', version: toolVersion, informationUri: 'https://github.com/SigmaHQ/sigma-specification', rules } },
        results,
      },
    ],
  };
}
