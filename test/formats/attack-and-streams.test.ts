/** ATT&CK kept in the deployable formats, warnings for tags that cannot be carried, streams and -o DIR/ names. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { main } from '../../src/cli/main';
import { Converter } from '../../src/convert';
import { createFsLoader } from '../../src/cli/fs-loader';
import { mapAttackTags } from '../../src/output/attack-mapping';
import { buildAttackData } from '../../src/output/metadata';
import { renderAttackYaml } from '../../scripts/build-attack-data';
import { commonRoot, planOutputNames, slugify } from '../../src/cli/output-names';

const ROOT = path.resolve(__dirname, '..', '..');
const converter = new Converter(createFsLoader(ROOT));
const attack = converter.resources.metadata().attack;

const rule = (tags: string[], extra = '') => `title: Tagged
id: 6f0b2a3c-1d4e-4f5a-8b6c-7d8e9f0a1b2c
date: 2026-01-02
logsource: {category: process_creation, product: windows}
detection:
  sel: {Image|endswith: '\\x.exe'}
  condition: sel
tags: [${tags.join(', ')}]
${extra}`;

async function run(args: string[], cwd?: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const before = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const code = await main(args, { stdout: (t) => (out += t), stderr: (l) => (err += l + '\n') });
    return { code, out, err };
  } finally {
    process.chdir(before);
  }
}

describe('ATT&CK data', () => {
  it('is generated from the shipped ATT&CK JSON when it is present (npm run attack:update)', () => {
    const source = path.resolve(ROOT, '..', 'shared', 'attack', 'enterprise-attack-v18.1.json');
    if (!fs.existsSync(source)) return;
    const generated = renderAttackYaml(JSON.parse(fs.readFileSync(source, 'utf8')), path.basename(source));
    expect(fs.readFileSync(path.join(ROOT, 'backends', 'metadata', 'attack.yml'), 'utf8')).toBe(generated);
  });

  it('knows every technique with its name, and sub-techniques inherit their parent\'s tactics', () => {
    expect(attack.techniques.get('T1003.001')).toEqual({ name: 'LSASS Memory', tactics: ['credential-access'] });
    expect(attack.techniques.get('T1059')?.tactics).toEqual(['execution']);
    expect(attack.techniques.size).toBeGreaterThan(800);
    expect(attack.retired.get('T1086')).toBe('revoked');
  });

  it('refuses data naming a tactic that does not exist', () => {
    expect(() => buildAttackData({ version: 'x', tactics: {}, v19_tactics: {}, techniques: { T1000: ['A', 'nope'] }, revoked: [], deprecated: [] })).toThrow(/unknown tactic 'nope'/);
  });
});

describe('mapAttackTags', () => {
  it('writes the v19 tactics as Defense Evasion, once, and keeps the rule\'s own tags', () => {
    const m = mapAttackTags(['attack.stealth', 'attack.defense-impairment', 'attack.t1027'], attack);
    expect(m.tactics.map((t) => [t.key, t.id, t.from])).toEqual([['DefenseEvasion', 'TA0005', ['stealth', 'defense-impairment']]]);
    expect(m.threat[0]?.technique.map((t) => t.id)).toEqual(['T1027']);
    expect(m.notes).toEqual([]);
  });

  it('derives tactics from techniques whose tactics are not tagged', () => {
    const m = mapAttackTags(['attack.t1003.001'], attack);
    expect(m.tactics.map((t) => [t.tag, t.derived])).toEqual([['credential-access', true]]);
    expect(m.threat[0]?.technique).toEqual([
      { id: 'T1003', name: 'OS Credential Dumping', reference: 'https://attack.mitre.org/techniques/T1003/', subtechnique: [{ id: 'T1003.001', name: 'LSASS Memory', reference: 'https://attack.mitre.org/techniques/T1003/001/' }] },
    ]);
  });

  it('keeps an unknown technique id by id, under the rule\'s tactics, with a note', () => {
    const m = mapAttackTags(['attack.stealth', 'attack.t1685.001'], attack);
    expect(m.techniqueIds).toEqual(['T1685.001']);
    expect(m.threat[0]?.technique[0]).toMatchObject({ id: 'T1685', name: 'T1685', subtechnique: [{ id: 'T1685.001', name: 'T1685.001' }] });
    expect(m.notes).toEqual([expect.stringContaining('technique T1685.001 is not in the shipped ATT&CK v18.1 data')]);
  });

  it('lists tags no output can carry, and never reads a tag as an object key', () => {
    const m = mapAttackTags(['attack.constructor', 'attack.g0016', 'attack.toString'], attack);
    expect(m.unknownTags).toEqual(['attack.constructor', 'attack.toString']);
    expect(m.otherTags).toEqual(['attack.g0016']);
    expect(m.tactics).toEqual([]);
  });
});

describe('warnings for tags that cannot be carried', () => {
  it('reach --json and the text output', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-attack-'));
    fs.writeFileSync(path.join(dir, 'r.yml'), rule(['attack.execution', 'attack.t1059', 'attack.exection', 'attack.s0002']));
    const json = await run(['-t', 'kql', '-f', 'sentinel-rule', '--json', path.join(dir, 'r.yml')]);
    const line = JSON.parse(json.out.trim()) as { warnings: { code: string; message: string }[]; ok: boolean };
    expect(line.ok).toBe(true);
    expect(line.warnings.map((w) => w.message)).toEqual([
      'ATT&CK tags unknown to ATT&CK v18.1 (and its v19 tactics), not carried by this format: attack.exection',
      'ATT&CK group/software/mitigation tags have no place in this format and are not carried: attack.s0002',
    ]);
    const text = await run(['-t', 'eql', '-f', 'elastic-rule', path.join(dir, 'r.yml')]);
    expect(text.err).toContain('warning[invalid-tag]: ATT&CK tags unknown to ATT&CK v18.1');
    // Elastic keeps the rule's tags: the software tag travels there.
    expect(text.err).not.toContain('group/software');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('Defender detections carry one tactic', () => {
  it('warn about a further tactic no technique implies, not about one a technique implies', () => {
    const [r] = converter.convertText(rule(['attack.execution', 'attack.discovery', 'attack.persistence', 'attack.t1053.005']), 'r.yml', { target: 'kql', format: 'defender-detection' });
    expect(r?.ok).toBe(true);
    // T1053.005 (Scheduled Task) is execution, persistence and privilege escalation: Discovery is lost.
    expect(r?.warnings.map((w) => w.message)).toEqual(['ATT&CK tactics beyond the first have no place in this format and no technique of the rule implies them: Discovery']);
  });
});

describe('validate', () => {
  it('reports technique ids ATT&CK does not know, and retired ones', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-attack-'));
    fs.writeFileSync(path.join(dir, 'r.yml'), rule(['attack.execution', 'attack.t1059.001', 'attack.t9999', 'attack.t1086'], 'status: test\nlevel: low\n'));
    const r = await run(['validate', '--json', path.join(dir, 'r.yml')]);
    const messages = r.out.trim().split('\n').map((l) => (JSON.parse(l) as { message: string }).message);
    expect(messages).toEqual([
      "tag 'attack.t9999': ATT&CK v18.1 has no technique T9999; check the id (an id newer than v18.1 is kept by id, without a name, in the rule formats)",
      "tag 'attack.t1086': technique T1086 (PowerShell) is revoked in ATT&CK v18.1; tag the technique that replaces it",
    ]);
    expect(r.code).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('one valid document per stream', () => {
  const pack = path.join(ROOT, 'sigma', 't1040');

  it('sentinel-arm: one ARM template holding every rule, the correlation included', async () => {
    const r = await run(['-t', 'kql', '-f', 'sentinel-arm', pack]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { resources: { properties: { displayName: string } }[] };
    expect(doc.resources.map((x) => x.properties.displayName)).toContain('Network Sniffing - Capture Library Load Followed by Capture Tool on the Same Host');
    expect(doc.resources).toHaveLength(4);
  });

  it('defender-detection: a JSON array; the correlation is refused with the reason', async () => {
    const r = await run(['-t', 'kql', '-f', 'defender-detection', pack]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toHaveLength(3);
    expect(r.err).toContain("format 'defender-detection' cannot deploy correlation rules: a Defender XDR custom detection returns the Timestamp, DeviceId and ReportId of single events");
  });

  it('sentinel-rule: multi-document YAML; elastic-rule: NDJSON', async () => {
    const s = await run(['-t', 'kql', '-f', 'sentinel-rule', pack]);
    expect(s.code).toBe(0);
    expect(yaml.loadAll(s.out)).toHaveLength(4);
    const e = await run(['-t', 'eql', '-f', 'elastic-rule', pack]);
    expect(e.code).toBe(0);
    const lines = e.out.trim().split('\n').map((l) => JSON.parse(l) as { query: string; index: string[] });
    expect(lines).toHaveLength(4);
    expect(lines[3]?.query).toMatch(/^sequence by winlog\.computer_name with maxspan=10m/);
  });

  it('elastic-toml with several rules and no -o DIR/ is a usage error that says what to do', async () => {
    const r = await run(['-t', 'eql', '-f', 'elastic-toml', path.join(pack, 'net_sniffing_t1040.yml')]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain("format 'elastic-toml' holds one rule per file and 3 rules were converted: write them with -o DIR/ (one .toml file per rule)");
  });

  it('the README command deploys the T1040 pack, its correlation included, one file per rule', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-deploy-'));
    for (const [target, format, ext] of [['kql', 'sentinel-rule', 'yaml'], ['kql', 'sentinel-arm', 'json'], ['splunk', 'savedsearch', 'conf'], ['eql', 'elastic-rule', 'ndjson'], ['eql', 'elastic-toml', 'toml']] as const) {
      const out = path.join(dir, format) + path.sep;
      const r = await run(['-t', target, '-f', format, '-o', out, pack]);
      expect([format, r.code]).toEqual([format, 0]);
      expect(fs.readdirSync(out).sort()).toEqual(
        [
          'network-sniffing-capture-library-load-followed-by-capture-tool-on-the-same-host',
          'network-sniffing-known-packet-capture-tool-execution',
          'network-sniffing-scripting-interpreter-using-raw-sockets-or-pcap',
          'network-sniffing-winpcap-npcap-capture-library-loaded-by-non-wireshark-process',
        ].map((n) => `${n}.${ext}`),
      );
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('data sources', () => {
  const convert = (logsource: string, format: string, settings?: object) => {
    const text = `title: T\nid: 6f0b2a3c-1d4e-4f5a-8b6c-7d8e9f0a1b2c\ndate: 2026-01-02\nlogsource: ${logsource}\ndetection:\n  sel: {eventName: x}\n  condition: sel\n`;
    // The field is beside the point here: allowed whatever each source's field schema says.
    const [r] = converter.convertText(text, 'r.yml', { target: 'eql', format, settings: settings as never, allowUnmapped: { all: true, fields: [] } });
    expect(r?.errors).toEqual([]);
    return r?.queries[0] as string;
  };

  it('Elastic rules of cloud and Linux logsources read their own indices', () => {
    expect((JSON.parse(convert('{product: aws, service: cloudtrail}', 'elastic-rule')) as { index: string[] }).index).toEqual(['logs-aws.cloudtrail-*', 'filebeat-*']);
    expect((JSON.parse(convert('{product: okta, service: okta}', 'elastic-rule')) as { index: string[] }).index).toEqual(['logs-okta.system-*', 'filebeat-*']);
    expect((JSON.parse(convert('{product: azure, service: signinlogs}', 'elastic-rule')) as { index: string[] }).index).toEqual(['logs-azure.signinlogs-*', 'filebeat-*']);
    expect((JSON.parse(convert('{product: linux, category: process_creation}', 'elastic-rule')) as { index: string[] }).index).toContain('auditbeat-*');
    expect((JSON.parse(convert('{product: windows, category: process_creation}', 'elastic-rule')) as { index: string[] }).index).toEqual(['logs-endpoint.events.*', 'logs-windows.*', 'logs-system.*', 'winlogbeat-*']);
  });

  it('--settings index_patterns overrides them', () => {
    expect((JSON.parse(convert('{product: aws, service: cloudtrail}', 'elastic-rule', { index_patterns: ['my-ct-*'] })) as { index: string[] }).index).toEqual(['my-ct-*']);
  });

  it('a tstats saved search groups by the risk object it names', () => {
    const text = `title: T\nid: 6f0b2a3c-1d4e-4f5a-8b6c-7d8e9f0a1b2c\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel: {Image|endswith: '\\\\x.exe'}\n  condition: sel\n`;
    const [r] = converter.convertText(text, 'r.yml', { target: 'splunk', pipeline: 'splunk-cim', format: 'savedsearch' });
    const out = r?.queries[0] as string;
    expect(out).toMatch(/^search = \| tstats .* by .*Processes\.dest/m);
    expect(out).toContain('action.risk.param._risk_object = Processes.dest');
  });
});

describe('-o DIR/ names', () => {
  it('a collection format writes one file per rule file, named after it; --json gives it for each of its rules', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-hunt-'));
    const r = await run(['-t', 'kql', '-f', 'hunting', '--json', '-o', dir + path.sep, path.join(ROOT, 'sigma', 't1040', 'net_sniffing_t1040.yml')]);
    expect(r.code).toBe(0);
    const outputs = r.out.trim().split('\n').map((l) => (JSON.parse(l) as { output: string }).output);
    expect(outputs).toEqual([1, 2, 3].map(() => path.join(dir, 'net_sniffing_t1040.kql')));
    expect(fs.readFileSync(path.join(dir, 'net_sniffing_t1040.kql'), 'utf8')).toMatch(/^union$/m);
    fs.rmSync(dir, { recursive: true, force: true });
  });


  it('slugs titles into safe file names', () => {
    expect(slugify('Näive  Title: ../../etc/passwd')).toBe('naive-title-etc-passwd');
    expect(slugify('***')).toBe('');
  });

  it('are relative to the common root, stable and collision-free', () => {
    const root = commonRoot(['/x/rules/a', '/x/rules/b/r.yml'], (p) => !p.endsWith('.yml'));
    expect(root).toBe(path.resolve('/x/rules'));
    const names = planOutputNames(
      [
        { file: '/x/rules/a/one.yml', id: 'aaaa1111-0000-4000-8000-000000000000', title: 'Same', document: 1 },
        { file: '/x/rules/a/two.yml', id: 'bbbb2222-0000-4000-8000-000000000000', title: 'Same', document: 1 },
        { file: '/x/rules/a/three.yml', id: null, title: 'same', document: 1 },
        { file: '/x/rules/b/r.yml', id: null, title: '!!!', document: 2 },
      ],
      root,
      'json',
    );
    expect(names).toEqual([path.join('a', 'same.json'), path.join('a', 'same-bbbb2222.json'), path.join('a', 'same-2.json'), path.join('b', 'r-2.json')]);
  });
});
