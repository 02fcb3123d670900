import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import Ajv from 'ajv';
import { parse as parseToml } from 'smol-toml';
import { Converter, type ConvertOptions, type RuleResult } from '../../src/convert';
import { createFsLoader } from '../../src/cli/fs-loader';
import { kqlDiagnostics } from '../support/kusto';
import { parseConf } from './conf-parser';
import { defenderDetectionRuleSchema, elasticRuleSchema, sentinelArmSchema } from './vendor-schemas';

const ROOT = path.resolve(__dirname, '..', '..');
const RULE_FILE = 'sigma/t1040/net_sniffing_t1040.yml';
const RULES = fs.readFileSync(path.join(ROOT, RULE_FILE), 'utf8');
const converter = new Converter(createFsLoader(ROOT));
const ajv = new Ajv({ allErrors: true, strict: false });

function convert(target: string, format: string, text = RULES, extra: Partial<ConvertOptions> = {}): RuleResult[] {
  return converter.convertText(text, RULE_FILE, { target, format, ...extra });
}

function outputs(target: string, format: string, extra: Partial<ConvertOptions> = {}): string[] {
  const results = convert(target, format, RULES, extra);
  for (const r of results) expect(r.errors).toEqual([]);
  expect(results).toHaveLength(3);
  return results.map((r) => r.queries[0] as string);
}

function kqlErrors(query: string) {
  return kqlDiagnostics(query).map((d) => `${d.code} ${d.message} at ${d.start}: ${query.slice(d.start, d.start + 40)}`);
}

function validator(schema: object) {
  const validate = ajv.compile(schema);
  return (doc: unknown) => {
    validate(doc);
    return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

describe('sentinel-rule (YAML of the Azure-Sentinel content repository)', () => {
  const docs = outputs('kql', 'sentinel-rule').map((t) => yaml.load(t) as Record<string, unknown>);
  const REQUIRED = ['id', 'name', 'description', 'severity', 'requiredDataConnectors', 'queryFrequency', 'queryPeriod', 'triggerOperator', 'triggerThreshold', 'tactics', 'relevantTechniques', 'query', 'entityMappings', 'version', 'kind'];

  it('parses and carries every required field with Sentinel values', () => {
    for (const d of docs) {
      for (const k of REQUIRED) expect(d).toHaveProperty(k);
      expect(d.kind).toBe('Scheduled');
      expect(['Informational', 'Low', 'Medium', 'High']).toContain(d.severity);
      expect(d.queryFrequency).toMatch(/^\d+[mhd]$/);
      expect(d.tactics).toEqual(['CredentialAccess', 'Discovery']);
      expect(d.relevantTechniques).toEqual(['T1040']);
      expect(d.requiredDataConnectors).toEqual([{ connectorId: 'MicrosoftThreatProtection', dataTypes: [expect.stringMatching(/^Device/)] }]);
    }
    expect(docs.map((d) => d.severity)).toEqual(['Medium', 'High', 'High']);
  });

  it('maps projected columns to entities (DeviceName -> Host, AccountName -> Account)', () => {
    const first = docs[0]?.entityMappings as { entityType: string; fieldMappings: { identifier: string; columnName: string }[] }[];
    expect(first).toContainEqual({ entityType: 'Host', fieldMappings: [{ identifier: 'HostName', columnName: 'DeviceName' }] });
    expect(first).toContainEqual({
      entityType: 'Account',
      fieldMappings: [
        { identifier: 'Name', columnName: 'AccountName' },
        { identifier: 'NTDomain', columnName: 'AccountDomain' },
        { identifier: 'Sid', columnName: 'AccountSid' },
      ],
    });
    expect(first).toContainEqual({
      entityType: 'Process',
      fieldMappings: [
        { identifier: 'CommandLine', columnName: 'ProcessCommandLine' },
        { identifier: 'ProcessId', columnName: 'ProcessId' },
      ],
    });
    for (const d of docs) {
      for (const e of d.entityMappings as { fieldMappings: { columnName: string }[] }[]) {
        for (const m of e.fieldMappings) expect(String(d.query)).toMatch(new RegExp(`\\| project .*\\b${m.columnName}\\b`));
      }
    }
  });

  it('keeps the multi-line query intact and parseable by Microsoft\'s KQL parser', () => {
    for (const d of docs) {
      expect(String(d.query)).toContain('\n| project Timestamp, DeviceId, DeviceName, ReportId');
      expect(kqlErrors(String(d.query))).toEqual([]);
    }
    expect(String(docs[0]?.query)).toContain('| extend CaptureToFile = ProcessCommandLine contains "-w "');
  });

  it('a stdout stream of several rules is a valid multi-document YAML', () => {
    const stream = convert('kql', 'sentinel-rule').map((r) => r.queries[0]).join('\n---\n');
    expect(yaml.loadAll(stream)).toHaveLength(3);
  });
});

describe('sentinel-arm (ARM template)', () => {
  const check = validator(sentinelArmSchema);
  it('validates against the ARM alert rule schema, and its query parses', () => {
    for (const t of outputs('kql', 'sentinel-arm')) {
      const doc = JSON.parse(t);
      expect(check(doc)).toEqual([]);
      const props = doc.resources[0].properties;
      expect(props.queryFrequency).toBe('PT1H');
      expect(props.tactics).toEqual(['CredentialAccess', 'Discovery']);
      expect(kqlErrors(props.query)).toEqual([]);
    }
  });

  it("escapes a leading '[' that ARM would read as an expression", () => {
    const text = RULES.replace('title: Network Sniffing - Known Packet Capture Tool Execution', "title: '[x] Network Sniffing - Known Packet Capture Tool Execution'");
    const doc = JSON.parse(convert('kql', 'sentinel-arm', text)[0]?.queries[0] as string);
    expect(doc.resources[0].properties.displayName).toBe('[[x] Network Sniffing - Known Packet Capture Tool Execution');
  });
});

describe('defender-detection (Microsoft Graph detectionRule)', () => {
  const check = validator(defenderDetectionRuleSchema);
  it('validates against the detectionRule schema and projects Timestamp, DeviceId and ReportId', () => {
    for (const t of outputs('kql', 'defender-detection')) {
      const doc = JSON.parse(t);
      expect(check(doc)).toEqual([]);
      const q: string = doc.queryCondition.queryText;
      expect(q).toMatch(/\| project Timestamp, DeviceId, DeviceName, ReportId/);
      expect(kqlErrors(q)).toEqual([]);
      expect(doc.detectionAction.alertTemplate.mitreTechniques).toEqual(['T1040']);
      expect(doc.detectionAction.alertTemplate.category).toBe('CredentialAccess');
    }
  });

  it('refuses a schedule Defender cannot run, and a table without the required columns', () => {
    const r = convert('kql', 'defender-detection', RULES, { settings: { schedule: { frequency: '5m', lookback: '5m' } } });
    expect(r[0]?.errors[0]?.message).toMatch(/every 1, 3, 12 or 24 hours/);
    const sec = convert('kql', 'defender-detection', 'title: t\nid: 1\nlogsource: {product: windows, service: security}\ndetection: {s: {EventID: 4624}, condition: s}\n', { pipeline: 'sentinel' });
    expect(sec[0]?.errors[0]?.message).toMatch(/must return Timestamp.*ReportId, which SecurityEvent does not have/);
  });
});

describe('hunting (one query for the whole file)', () => {
  it('unions every rule, tags each branch with DetectionType, and parses', () => {
    const out = converter.convertCollectionFormat(RULES, RULE_FILE, { target: 'kql', format: 'hunting' });
    expect(out.results.every((r) => r.ok)).toBe(true);
    const q = out.text as string;
    expect(q.match(/\| extend DetectionType = /g)).toHaveLength(3);
    expect(q).toMatch(/^union\n\(/m);
    expect(q).toMatch(/\| sort by Timestamp desc$/);
    expect(kqlErrors(q)).toEqual([]);
  });

  it('says which rules it leaves out and why', () => {
    const bad = RULES + '\n---\ntitle: broken\nlogsource: {category: process_creation}\ndetection: {s: {CurrentDirectory: x}, condition: s}\n';
    const out = converter.convertCollectionFormat(bad, RULE_FILE, { target: 'kql', format: 'hunting' });
    expect(out.results.filter((r) => !r.ok)).toHaveLength(1);
    expect(out.text).toMatch(/^\/\/ not included: broken: .*CurrentDirectory/m);
    expect(kqlErrors(out.text as string)).toEqual([]);
  });
});

describe('savedsearch (savedsearches.conf)', () => {
  it('parses back into the same stanza, multi-line search included', () => {
    const results = convert('splunk', 'savedsearch');
    for (const r of results) {
      const stanzas = parseConf(r.queries[0] as string);
      const stanza = stanzas.get(r.title as string);
      expect(stanza).toBeDefined();
      const query = converter.convertText(RULES, RULE_FILE, { target: 'splunk' }).find((q) => q.id === r.id)?.queries[0];
      // The pipeline's data source restricts the search to the Windows add-ons' sourcetypes.
      expect(stanza?.get('search')).toBe(`sourcetype IN ("XmlWinEventLog", "WinEventLog", "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational") ${query}`);
      expect(stanza?.get('cron_schedule')).toBe('0 * * * *');
      // Lookback longer than the schedule: events indexed late are still searched.
      expect(stanza?.get('dispatch.earliest_time')).toBe('-65m');
      expect(stanza?.get('action.risk.param._risk_object')).toBe('host');
      expect(JSON.parse(stanza?.get('action.correlationsearch.annotations') as string)).toEqual({ mitre_attack: ['TA0006', 'TA0007', 'T1040'] });
    }
    const first = parseConf(results[0]?.queries[0] as string).get(results[0]?.title as string);
    expect(first?.get('search')?.split('\n').length).toBeGreaterThan(1);
    expect(first?.get('description')).toContain('\nrawshark, NetworkMiner');
  });

  it('a line ending in a backslash cannot swallow the next setting', () => {
    const text = RULES.replace('    raise it when the enrichment flags', '    C:\\Tools\\\n    raise it when the enrichment flags');
    const out = convert('splunk', 'savedsearch', text)[0]?.queries[0] as string;
    const stanza = parseConf(out).get('Network Sniffing - Known Packet Capture Tool Execution');
    expect(stanza?.get('description')).toContain('C:\\Tools\\ \nraise it');
    expect(stanza?.has('search')).toBe(true);
  });
});

describe('elastic-rule (NDJSON for Kibana import)', () => {
  const check = validator(elasticRuleSchema);
  it('one JSON object per line, valid against the rule schema, with the ATT&CK threat mapping', () => {
    for (const t of outputs('eql', 'elastic-rule')) {
      expect(t.includes('\n')).toBe(false);
      const doc = JSON.parse(t);
      expect(check(doc)).toEqual([]);
      expect(doc.threat.map((x: { tactic: { id: string } }) => x.tactic.id)).toEqual(['TA0006', 'TA0007']);
      expect(doc.threat[0].technique).toEqual([{ id: 'T1040', name: 'Network Sniffing', reference: 'https://attack.mitre.org/techniques/T1040/', subtechnique: [] }]);
    }
  });

  it('lists the enrichment flags EQL cannot compute in the note', () => {
    const doc = JSON.parse(outputs('eql', 'elastic-rule')[0] as string);
    expect(doc.note).toMatch(/CaptureToFile: the capture is written to a file \(CommandLine contains "-w "\)/);
    expect(doc.risk_score).toBe(47);
  });
});

describe('elastic-toml (detection-rules repository layout)', () => {
  it('parses as TOML with the detection-rules field names', () => {
    for (const t of outputs('eql', 'elastic-toml')) {
      const doc = parseToml(t) as { metadata: Record<string, unknown>; rule: Record<string, unknown> };
      expect(Object.keys(doc).sort()).toEqual(['metadata', 'rule']);
      expect(doc.metadata).toMatchObject({ creation_date: '2026/11/26', maturity: 'experimental', updated_date: '2026/11/26' });
      for (const k of ['author', 'description', 'from', 'index', 'language', 'name', 'risk_score', 'rule_id', 'severity', 'type', 'query', 'threat']) {
        expect(doc.rule).toHaveProperty(k);
      }
      const threat = doc.rule.threat as { framework: string; tactic: { id: string }; technique: { id: string }[] }[];
      expect(threat[0]).toMatchObject({ framework: 'MITRE ATT&CK', tactic: { id: 'TA0006' }, technique: [{ id: 'T1040' }] });
      expect(String(doc.rule.query)).toMatch(/ where /);
    }
  });
});

describe('page (Markdown)', () => {
  it('shows ATT&CK, severity, the query, every other target, false positives and telemetry', () => {
    const page = outputs('kql', 'page')[0] as string;
    expect(page).toMatch(/^# Network Sniffing - Known Packet Capture Tool Execution/);
    expect(page).toContain('| Credential Access | [TA0006](https://attack.mitre.org/tactics/TA0006/) |');
    expect(page).toContain('| Network Sniffing | [T1040](https://attack.mitre.org/techniques/T1040/) |');
    expect(page).toContain('### splunk (pipeline `splunk-windows`)');
    expect(page).toContain('### eql (pipeline `ecs`)');
    expect(page).toContain('## False positives');
    expect(page).toContain('- [test/t1040/events/atomic-test-1-tcpdump-linux.jsonl]');
  });

  it('shows a target that refuses the rule with its reason', () => {
    const text = 'title: t\nid: 5d2d9e0a-0000-4000-8000-000000000001\nlogsource: {category: process_creation}\ndetection: {s: {CurrentDirectory: x}, condition: s}\n';
    const page = convert('splunk', 'page', text)[0]?.queries[0] as string;
    expect(page).toMatch(/### kql \(pipeline `defender-xdr`\)\n\nNot converted: .*CurrentDirectory/);
  });

  it('every telemetry file a rule links exists', () => {
    const docs = yaml.loadAll(RULES) as { telemetry?: { path: string }[] }[];
    const paths = docs.flatMap((d) => d.telemetry ?? []).map((t) => t.path);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(fs.existsSync(path.join(ROOT, p))).toBe(true);
  });
});

describe('settings', () => {
  it('a settings file changes schedule and severity, and per-rule entries win', () => {
    const settings = {
      schedule: { frequency: '5m', lookback: '10m' },
      rules: { '0a8838d1-0f59-4568-a0a5-e2837a2511c8': { severity: 'critical' as const } },
    };
    const docs = outputs('kql', 'sentinel-rule', { settings }).map((t) => yaml.load(t) as Record<string, unknown>);
    expect(docs[0]).toMatchObject({ queryFrequency: '5m', queryPeriod: '10m', severity: 'High' });
    const conf = parseConf(outputs('splunk', 'savedsearch', { settings })[0] as string);
    const stanza = conf.get('Network Sniffing - Known Packet Capture Tool Execution');
    expect(stanza?.get('cron_schedule')).toBe('*/5 * * * *');
    expect(stanza?.get('alert.severity')).toBe('6');
  });

  it('refuses a lookback shorter than the frequency', () => {
    const r = convert('eql', 'elastic-rule', RULES, { settings: { schedule: { frequency: '1h', lookback: '5m' } } });
    expect(r[0]?.errors[0]?.message).toMatch(/lookback \(5m\) is shorter than schedule.frequency \(1h\)/);
  });
});

describe('enrichment attribute', () => {
  it('a malformed flag is an error of the rule', () => {
    const text = 'title: t\nlogsource: {category: process_creation}\ndetection: {s: {Image: x}, condition: s}\nenrichment: {Bad Name: {description: d, field: CommandLine, contains: x}}\n';
    expect(convert('kql', 'query', text)[0]?.errors[0]).toMatchObject({ code: 'invalid-rule', message: expect.stringMatching(/must be an identifier/) });
  });

  it('goes through the pipeline and escaping like the detection', () => {
    const text = 'title: t\nlogsource: {category: process_creation}\ndetection: {s: {Image: x}, condition: s}\nenrichment: {Q: {description: d, field: CommandLine, endswith: [\'"quoted\\\\\']}}\n';
    const q = convert('kql', 'query', text)[0]?.queries[0] as string;
    expect(q).toContain('| extend Q = ProcessCommandLine endswith "\\"quoted\\\\"');
    expect(kqlErrors(q)).toEqual([]);
  });
});
