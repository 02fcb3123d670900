import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Converter } from '../src/convert';
import { createFsLoader } from '../src/cli/fs-loader';
import { SigmaError } from '../src/core/errors';
import { main } from '../src/cli/main';

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'bin', 'sigma-convert.js');
const example = path.join(root, 'docs', 'examples', 'soc-splunk-pipeline.yml');
const exampleEvents = path.join(root, 'docs', 'examples', 'soc-events.jsonl');
const t1040 = path.join(root, 'sigma', 't1040', 'net_sniffing_t1040.yml');

const rule = (detection: string, logsource = '{category: process_creation, product: windows}') =>
  `title: t\nid: 3c6f1a52-0b9e-4d6c-9a57-2f0e8d1b7a11\nlogsource: ${logsource}\ndetection:\n${detection}\n`;
const procRule = rule(`  sel:\n    Image|endswith: '\\tshark.exe'\n    CommandLine|contains: ' -w '\n  condition: sel`);

function convert(pipeline: Parameters<Converter['resolvePipeline']>[0], text = procRule, target = 'splunk') {
  const [r] = new Converter(createFsLoader(root)).convertText(text, 'r.yml', { target, pipeline });
  return r;
}

function loadError(pipeline: Parameters<Converter['resolvePipeline']>[0]): string {
  try {
    new Converter(createFsLoader(root)).resolvePipeline(pipeline);
  } catch (err) {
    expect(err).toBeInstanceOf(SigmaError);
    return (err as Error).message;
  }
  throw new Error('expected the pipeline to be refused');
}

describe('custom pipelines: library API', () => {
  it('a file extending a built-in one renames fields everywhere and adds conditions to every query', () => {
    const r = convert([{ file: 'soc.yml', text: fs.readFileSync(example, 'utf8') }]);
    expect(r?.errors).toEqual([]);
    expect(r?.pipeline).toBe('soc-splunk');
    expect(r?.queries[0]).toBe('index="soc_windows" sourcetype="acme:sysmon:process" process_path="*\\\\tshark.exe" process_command_line="* -w *"');
  });

  it('a renamed field also overrides the base pipeline\'s per-logsource mapping of it', () => {
    // defender-xdr maps Image to FolderPath for process_creation; the layer renames it for every logsource
    const layer = 'extends: defender-xdr\nfields:\n  CommandLine: ProcessCommandLine\n  Image: InitiatingProcessFolderPath\n';
    const r = convert([{ file: 'x.yml', text: layer }], procRule, 'kql');
    expect(r?.errors).toEqual([]);
    expect(r?.queries[0]).toBe('DeviceProcessEvents\n| where InitiatingProcessFolderPath endswith "\\\\tshark.exe" and ProcessCommandLine contains " -w "');
  });

  it('stacks files in order: a logsource entry with the same match updates the base one; tables add columns', () => {
    const first = 'extends: defender-xdr\nname: first\nlogsources:\n  - match: {category: process_creation}\n    table: SocProcesses\ntables:\n  SocProcesses: {FolderPath: string, ProcessCommandLine: string}\n';
    const second = 'name: second\ntables:\n  SocProcesses: {Extra: string}\nfields:\n  OriginalFileName: Extra\n';
    const r = convert([{ file: 'a.yml', text: first }, { file: 'b.yml', text: second }], rule(`  sel:\n    OriginalFileName: tshark.exe\n  condition: sel`), 'kql');
    expect(r?.errors).toEqual([]);
    expect(r?.pipeline).toBe('second');
    expect(r?.queries[0]).toMatch(/^SocProcesses\n\| where Extra =~ "tshark.exe"/);
    // the table now has a schema: a field it lacks is refused, not emitted verbatim
    const refused = convert([{ file: 'a.yml', text: first }], rule(`  sel:\n    Company: x\n  condition: sel`), 'kql');
    expect(refused?.errors[0]?.code).toBe('unmapped-field');
  });

  it('rejects unknown keys at file:line:col, naming the nearest known key', () => {
    const text = 'extends: ecs\nkeyword_feild: message\nlogsources:\n  - match: {category: process_creation}\n    tabel: process\n';
    expect(loadError([{ file: 'typo.yml', text }])).toBe(
      [
        "typo.yml:2:1: invalid pipeline: unknown key 'keyword_feild' (did you mean 'keyword_field'?); allowed here: name, target, data_model, description, extends, timestamp, schema, field_schema, assume_product, tables, conditions, keep_unmapped, keyword_field, field_types, cidr_needs_ip, stages, query_template, fields, value_transforms, default, data_source, logsources",
        "typo.yml:5:5: invalid pipeline: unknown key 'tabel' (did you mean 'table'?); allowed here: match, table, data_source, conditions, fields, implied, dynamic_fields, dynamic_exclude, field_sets",
      ].join('\n'),
    );
    expect(loadError([{ file: 't.yml', text: 'extends: ecs\nfields:\n  Image: 3\n' }])).toBe('t.yml:3:3: invalid pipeline: /fields/Image must be string or array');
  });

  it('refuses incomplete files, misplaced extends, other targets and unknown bases', () => {
    expect(loadError([{ file: 'i.yml', text: 'name: x\n' }])).toMatch(/^i\.yml: invalid pipeline: missing 'target', 'logsources'/);
    expect(loadError(['ecs', { file: 'e.yml', text: 'extends: ecs\n' }])).toMatch(/^e\.yml: 'extends' is only allowed in the first --pipeline/);
    expect(loadError([{ file: 'e.yml', text: 'extends: ecs\n' }, 'ecs'])).toMatch(/^built-in pipeline 'ecs' can only be the first/);
    expect(loadError(['ecs', { file: 't.yml', text: 'target: kql\n' }])).toMatch(/^t\.yml: target 'kql' differs from target 'eql'/);
    expect(loadError([{ file: 'u.yml', text: 'extends: nope\n' }])).toMatch(/^unknown pipeline 'nope'/);
    expect(loadError('../etc/x')).toMatch(/^unknown pipeline '\.\.\/etc\/x'/);
  });

  it('refuses an alias bomb quickly, listing a bounded number of problems', () => {
    let text = 'extends: ecs\nx0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 10; i++) text += `x${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]\n`;
    text += 'logsources:\n  - match: {category: process_creation}\n    implied: {A: *a9}\n    fields: {A: *a9}\nfields: {B: *a9}\ntables: {T: *a9}\nconditions: *a9\n';
    const started = Date.now();
    const message = loadError([{ file: 'bomb.yml', text }]);
    expect(Date.now() - started).toBeLessThan(5000);
    const lines = message.split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[0]).toMatch(/^bomb\.yml:2:1: invalid pipeline: unknown key 'x0'/);
    expect(lines[20]).toMatch(/^bomb\.yml: \.\.\. and \d+ more problems/);
  });

  it('every built-in pipeline passes the strict schema', () => {
    const converter = new Converter(createFsLoader(root));
    for (const name of ['defender-xdr', 'sentinel', 'splunk-windows', 'splunk-cim', 'ecs']) expect(converter.pipeline(name).name).toBe(name);
  });
});

describe('custom pipelines: command line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-pipes-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root });

  it('convert: the worked example of docs/pipelines.md', () => {
    const r = run('-t', 'splunk', '--pipeline', 'docs/examples/soc-splunk-pipeline.yml', t1040);
    expect(r.status).toBe(0);
    const blocks = r.stdout.trim().split('\n\n');
    expect(blocks).toHaveLength(3);
    for (const b of blocks) expect(b.startsWith('index="soc_windows" ')).toBe(true);
    expect(blocks[0]).toMatch(/^index="soc_windows" sourcetype="acme:sysmon:process" process_path IN \("\*tcpdump\*"/);
    expect(blocks[0]).toContain('| eval CaptureToFile=if((isnotnull(process_command_line) AND match(process_command_line,');
    expect(r.stdout).not.toMatch(/\bImage\b|\bCommandLine\b/);
  });

  it('test: the example pipeline evaluates on events stored under the SOC\'s names and index', () => {
    const r = run('test', '--json', '--pipeline', 'docs/examples/soc-splunk-pipeline.yml', '--events', exampleEvents, t1040);
    expect(r.status).toBe(0);
    const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; pipeline: string; matched: number[] });
    expect(results.map((x) => [x.id, x.pipeline, x.matched])).toEqual([
      ['0a8838d1-0f59-4568-a0a5-e2837a2511c8', 'soc-splunk', [0]], // event 2 is the same tool in another index
      ['eb62b9bb-c97e-4875-b5a2-c21dded2d216', 'soc-splunk', []],
      ['703e8596-da22-4643-a2a4-11c35dbc7bfc', 'soc-splunk', []],
    ]);
  });

  it('test --expect: an expectation may name a pipeline file relative to the expectations file', () => {
    // Files an expectation names must be inside the expectations file's folder: copies next to it.
    const expect_ = path.join(dir, 'expect.yml');
    fs.mkdirSync(path.join(dir, 'ex'), { recursive: true });
    fs.copyFileSync(example, path.join(dir, 'ex', 'soc-splunk-pipeline.yml'));
    fs.copyFileSync(exampleEvents, path.join(dir, 'ex', 'soc-events.jsonl'));
    const events = 'ex/soc-events.jsonl';
    const pipeline = 'ex/soc-splunk-pipeline.yml';
    fs.writeFileSync(
      expect_,
      [
        `- {rule: 0a8838d1-0f59-4568-a0a5-e2837a2511c8, events: ${events}, event: 0, match: true, pipeline: ${pipeline}}`,
        `- {rule: 0a8838d1-0f59-4568-a0a5-e2837a2511c8, events: ${events}, event: 2, match: false, pipeline: ${pipeline}}`,
        `- {rule: 0a8838d1-0f59-4568-a0a5-e2837a2511c8, events: ${events}, event: 2, match: true, pipeline: ${pipeline}}`,
      ].join('\n') + '\n',
    );
    const r = run('test', '--expect', expect_, t1040);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('expectations: 2 of 3 as expected');
    expect(r.stderr).toContain(`entry 3: rule 0a8838d1-0f59-4568-a0a5-e2837a2511c8 on ${events}[2] (pipeline ${pipeline}): did not match, expected a match`);
    // ... and one outside it (here: the shipped example, by '..') is refused before anything runs.
    fs.writeFileSync(expect_, `- {rule: 0a8838d1-0f59-4568-a0a5-e2837a2511c8, events: ${events}, match: true, pipeline: ${path.relative(dir, example)}}\n`);
    const out = run('test', '--expect', expect_, t1040);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/entry 1: 'pipeline' must (stay inside the expectations file's folder|be a path relative)/);
  });

  it('validate: checks the rules with the custom pipeline', async () => {
    let out = '';
    let err = '';
    const code = await main(['validate', '--pipeline', example, t1040], { stdout: (t) => (out += t), stderr: (l) => (err += l + '\n') });
    expect({ code, out }).toEqual({ code: 0, out: '' });
    expect(err).toContain('0 error(s)');
  });

  it('a typo in a pipeline file is a usage error naming file:line:col', () => {
    const file = path.join(dir, 'typo.yml');
    fs.writeFileSync(file, 'extends: splunk-windows\nfields:\n  Image: process_path\nkeyword_feild: message\n');
    const r = run('-t', 'splunk', '--pipeline', file, t1040);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${file}:4:1: invalid pipeline: unknown key 'keyword_feild' (did you mean 'keyword_field'?)`);
  });

  it('stacks repeated --pipeline options in order, and reports an unreadable file', () => {
    const extra = path.join(dir, 'extra.yml');
    fs.writeFileSync(extra, 'name: soc-plus\nfields:\n  Image: proc_path\n');
    const r = run('-t', 'splunk', '-p', 'docs/examples/soc-splunk-pipeline.yml', '-p', extra, t1040);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^index="soc_windows" sourcetype="acme:sysmon:process" proc_path IN/);
    const missing = run('-t', 'splunk', '-p', path.join(dir, 'missing.yml'), t1040);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`cannot read pipeline file ${path.join(dir, 'missing.yml')}: no such file`);
  });

  it('list pipelines shows every built-in one with its description', () => {
    const r = run('list', 'pipelines');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^defender-xdr +kql +Microsoft Defender XDR/m);
    expect(r.stdout).toMatch(/^splunk-windows +splunk +Splunk Windows event logs/m);
    expect(r.stdout).toContain('--pipeline FILE');
  });
});
