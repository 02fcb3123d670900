/**
 * Field schemas of the ecs and splunk-windows pipelines: a field the SIEM's stored data does not carry
 * is refused (naming field, logsource and pipeline), unless the user allows it; per-logsource
 * restrictions follow the data (Sysmon event IDs, channels, datasets).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createFsLoader } from '../src/cli/fs-loader';
import { Converter, type ConvertOptions } from '../src/convert';
import { editDistance, knownFields } from '../src/pipeline/field-schema';

const ROOT = path.resolve(__dirname, '..');
const converter = new Converter(createFsLoader(ROOT));

function rule(logsource: string, detection: string): string {
  return `title: t\nid: 5d1f0a6e-3c1b-4f57-9a55-1b1f3d2e4c11\nlogsource: ${logsource}\ndetection:\n${detection}\n    condition: sel\n`;
}

function convert(text: string, options: ConvertOptions) {
  const [r] = converter.convertText(text, 'rule.yml', options);
  if (!r) throw new Error('no result');
  return r;
}

// Sysmon 1 has no grandparent: no data source of process_creation carries it.
const UNKNOWN = rule('{category: process_creation, product: windows}', "    sel:\n        Image|endswith: '\\\\x.exe'\n        GrandParentImage|endswith: '\\\\explorer.exe'");

describe('a field outside the field schema', () => {
  test('is refused with the field, the logsource and the pipeline named, and how to allow it', () => {
    const r = convert(UNKNOWN, { target: 'eql', pipeline: 'ecs' });
    expect(r.ok).toBe(false);
    expect(r.errors[0]?.code).toBe('unmapped-field');
    const m = r.errors[0]?.message ?? '';
    expect(m).toContain("field 'GrandParentImage'");
    expect(m).toContain('logsource category: process_creation, product: windows');
    expect(m).toContain("pipeline 'ecs'");
    expect(m).toContain('--allow-unmapped GrandParentImage');
    expect(r.errors[0]?.line).toBe(7);
  });

  test('suggests close names the data does carry', () => {
    const typo = rule('{category: process_creation, product: windows}', "    sel:\n        process.executabel: 'x'");
    const r = convert(typo, { target: 'eql', pipeline: 'ecs' });
    expect(r.errors[0]?.message).toMatch(/did you mean 'process\.executable'/);
  });

  test('suggests the same names for the same field every time, whatever a caller did with an earlier answer', () => {
    const ecs = converter.pipeline('ecs');
    const schema = ecs.loadedFieldSchema;
    if (!schema) throw new Error('ecs has no field schema');
    const view = knownFields(schema, ['endpoint.process']);
    const first = view.suggest('process.executabel');
    expect(first[0]).toBe('process.executable');
    first.length = 0;
    expect(view.suggest('process.executabel')).toEqual(knownFields(schema, ['endpoint.process']).suggest('process.executabel'));
    expect(view.suggest('process.executabel')[0]).toBe('process.executable');
    expect(view.suggest('process.executabel', 1)).toEqual(['process.executable']);
  });

  test('a mapped field whose target the data source does not keep is refused too (Sysmon 7 has no command line)', () => {
    const r = convert(rule('{category: image_load, product: windows}', "    sel:\n        CommandLine|contains: 'x'"), { target: 'splunk', pipeline: 'splunk-windows' });
    expect(r.ok).toBe(false);
    expect(r.errors[0]?.message).toMatch(/field 'CommandLine' is not a field that the data of logsource category: image_load/);
  });

  test('is kept when allowed by name, and reported as allowed', () => {
    const r = convert(UNKNOWN, { target: 'eql', pipeline: 'ecs', allowUnmapped: { fields: ['GrandParentImage'] } });
    expect(r.ok).toBe(true);
    expect(r.queries[0]).toContain('GrandParentImage : "*\\\\explorer.exe"');
    expect(r.mapping?.allowedUnmapped).toEqual(['GrandParentImage']);
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(/'GrandParentImage'.*kept because it is allowed/);
  });

  test('is kept with allow-all; another field name does not allow it', () => {
    expect(convert(UNKNOWN, { target: 'eql', pipeline: 'ecs', allowUnmapped: { all: true } }).mapping?.allowedUnmapped).toEqual(['GrandParentImage']);
    expect(convert(UNKNOWN, { target: 'eql', pipeline: 'ecs', allowUnmapped: { fields: ['Other'] } }).ok).toBe(false);
  });

  test('fields the data carries convert without a report', () => {
    const r = convert(rule('{category: process_creation, product: windows}', "    sel:\n        Image|endswith: '\\\\x.exe'"), { target: 'eql', pipeline: 'ecs' });
    expect(r.ok).toBe(true);
    expect(r.mapping?.allowedUnmapped).toEqual([]);
  });
});

describe('a pipeline file stacked on a built-in one', () => {
  const layer = { file: 'soc.yml', text: 'extends: splunk-windows\nfields:\n  Image: process_path\n' };
  const imageLoad = (field: string) => rule('{category: image_load, product: windows}', `    sel:\n        ${field}|endswith: '\\\\x.exe'`);

  test('declares the fields it maps to: they are not refused by the base field schema', () => {
    const r = convert(imageLoad('Image'), { target: 'splunk', pipeline: [layer] });
    expect(r.errors).toEqual([]);
    expect(r.queries[0]).toContain('process_path="*\\\\x.exe"');
  });

  test('other fields are still checked against the data source', () => {
    expect(convert(imageLoad('CommandLine'), { target: 'splunk', pipeline: [layer] }).errors[0]?.code).toBe('unmapped-field');
  });
});

describe('restrictions that follow the stored data', () => {
  const q = (logsource: string, detection: string, target: string, pipeline: string) => {
    const r = convert(rule(logsource, detection), { target, pipeline });
    expect(r.errors).toEqual([]);
    return r.queries[0] ?? '';
  };

  test.each([
    ['file_event', 'Image', 'EventCode=11 '],
    ['process_creation', 'Image', 'EventCode=1 '],
    ['create_remote_thread', 'SourceImage', 'EventCode=8 '],
    ['registry_set', 'Image', 'EventCode=13 '],
    ['pipe_created', 'Image', 'EventCode=17 OR EventCode=18 '],
    ['file_delete', 'Image', 'EventCode=23 OR EventCode=26 '],
  ])('splunk-windows %s (%s): the Sysmon channel and %s', (category, field, code) => {
    const text = q(`{category: ${category}, product: windows}`, `    sel:\n        ${field}|endswith: '\\\\x.exe'`, 'splunk', 'splunk-windows');
    expect(text).toContain('"XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"');
    expect(text).toContain(code);
  });

  test('ecs create_remote_thread is Sysmon 8 only (not the process-access events of the same category)', () => {
    const text = q('{category: create_remote_thread, product: windows}', "    sel:\n        SourceImage|endswith: '\\\\x.exe'", 'eql', 'ecs');
    expect(text).toBe('process where winlog.channel : "Microsoft-Windows-Sysmon/Operational" and event.code : "8" and process.executable : "*\\\\x.exe"');
  });

  test('ecs image_load reads Sysmon 7 as Elastic stores it (process category, the DLL in file.path)', () => {
    const text = q('{category: image_load, product: windows}', "    sel:\n        ImageLoaded|endswith: '\\\\x.dll'", 'eql', 'ecs');
    expect(text).toBe('process where winlog.channel : "Microsoft-Windows-Sysmon/Operational" and event.code : "7" and file.path : "*\\\\x.dll"');
  });

  test('ecs: a logsource without a data source is refused, not queried as an unrestricted any where', () => {
    const r = convert(rule('{product: opencanary, category: application}', "    sel:\n        logtype: 1001"), { target: 'eql', pipeline: 'ecs' });
    expect(r.errors[0]?.code).toBe('unknown-logsource');
  });

  test('Windows Defender fields: spaces become underscores in Splunk, ECS keeps them in winlog.event_data', () => {
    const det = "    sel:\n        EventID: 1119\n        ThreatName|endswith: 'EICAR_Test_File'\n        SourceName: 'Real-Time Protection'";
    expect(q('{product: windows, service: windefend}', det, 'splunk', 'splunk-windows')).toContain('Threat_Name="*EICAR_Test_File" Source_Name="Real-Time Protection"');
    const eql = q('{product: windows, service: windefend}', det, 'eql', 'ecs');
    expect(eql).toContain('winlog.event_data.Threat_Name : "*EICAR_Test_File"');
    expect(eql).toContain('winlog.event_data.Source_Name : "Real-Time Protection"');
  });

  test('WMI-Activity fields are read from UserData in ECS', () => {
    const eql = q('{product: windows, service: wmi}', "    sel:\n        EventID: 5858\n        Operation|contains: 'cleareventlog'", 'eql', 'ecs');
    expect(eql).toContain('winlog.user_data.Operation : "*cleareventlog*"');
  });

  test('splunk-cim proxy rules query the Web.Proxy dataset', () => {
    const spl = q('{category: proxy}', "    sel:\n        c-useragent|startswith: 'rclone/'", 'splunk', 'splunk-cim');
    expect(spl).toContain('from datamodel=Web.Proxy where Web.http_user_agent="rclone/*"');
  });
});

describe('pipeline data', () => {
  test.each(['ecs', 'splunk-windows'])('%s: every logsource names field sets that exist', (name) => {
    const def = converter.pipeline(name);
    const sets = def.loadedFieldSchema ?? {};
    for (const entry of def.logsources) {
      expect({ match: entry.match, sets: entry.field_sets?.length ?? 0 }).toEqual({ match: entry.match, sets: expect.any(Number) });
      expect(entry.field_sets?.length).toBeGreaterThan(0);
      for (const s of entry.field_sets ?? []) expect([s, Object.hasOwn(sets, s)]).toEqual([s, true]);
    }
  });

  test('edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('CLI --allow-unmapped', () => {
  const bin = path.join(ROOT, 'bin', 'sigma-convert.js');
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-allow-'));
    fs.writeFileSync(path.join(dir, 'rule.yml'), UNKNOWN);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, '-t', 'eql', ...args, 'rule.yml'], { cwd: dir, encoding: 'utf8' });

  test('refused by default (exit 1), converted with --allow-unmapped FIELD or --allow-unmapped-all (exit 0)', () => {
    const refused = run();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/rule\.yml:7:9: error\[unmapped-field\]: field 'GrandParentImage'/);
    const allowed = run('--allow-unmapped', 'GrandParentImage');
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toContain('GrandParentImage : "*\\\\explorer.exe"');
    expect(run('--allow-unmapped-all').status).toBe(0);
    expect(run('--allow-unmapped', 'Other').status).toBe(1);
  });
});
