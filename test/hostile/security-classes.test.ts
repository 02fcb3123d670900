/**
 * Injection classes, each closed for every target and format (property tests with fast-check):
 * replacement patterns, prototype-named keys, comment and markup injection, .conf stanza names,
 * terminal control sequences, generated names that shadow user or real columns.
 */
import fc from 'fast-check';
import * as path from 'path';
import { createFsLoader } from '../../src/cli/fs-loader';
import { TARGETS } from '../support/targets';
import { Converter } from '../../src/convert';
import { commentText, confStanzaName, markdownText, terminalText } from '../../src/render/escape';
import { fillTemplate } from '../../src/render/render-expr';
import { kqlDiagnostics } from '../support/kusto';

const ROOT = path.resolve(__dirname, '..', '..');
const converter = new Converter(createFsLoader(ROOT));
const FORMATS: Record<string, string[]> = {
  kql: ['query', 'sentinel-rule', 'sentinel-arm', 'defender-detection', 'page'],
  splunk: ['query', 'savedsearch', 'page'],
  eql: ['query', 'elastic-rule', 'elastic-toml', 'page'],
};
const PROTO = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const RUNS = { numRuns: 60 };

function rule(opts: { title?: string; id?: string; field?: string; value?: string; extra?: string } = {}): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    `title: ${q(opts.title ?? 'T')}`,
    ...(opts.id !== undefined ? [`id: ${q(opts.id)}`] : []),
    'logsource: {category: process_creation, product: windows}',
    'detection:',
    `    sel: {${q((opts.field ?? 'Image') + '|endswith')}: ${q(opts.value ?? 'x.exe')}}`,
    '    condition: sel',
    ...(opts.extra ? [opts.extra] : []),
  ].join('\n');
}

describe('replacement patterns: user text is never a String.replace replacement', () => {
  it('fillTemplate puts every value verbatim and in one pass', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (name, query) => {
        expect(fillTemplate('let {name} = {query};', { name, query })).toBe(`let ${name} = ${query};`);
      }),
      RUNS,
    );
  });

  const dollar = fc.stringMatching(/^[a-z$&`' ]{1,12}$/);
  it.each(['kql', 'splunk'])('%s correlation: values with $\' $` $& $$ appear verbatim, once per rule', (target) => {
    fc.assert(
      fc.property(dollar, (value) => {
        const text = `title: C\ncorrelation: {type: temporal, rules: [a, b], group-by: [Computer], timespan: 5m}\n---\n${rule({ title: 'A', value }).replace('title: "A"', 'title: A\nname: a')}\n---\n${rule({ title: 'B', value: 'b.exe' }).replace('title: "B"', 'title: B\nname: b')}\n`;
        const [r] = converter.convertCollection([{ file: 'c.yml', text }], { target, pipeline: 'none', table: 'T' });
        expect(r?.errors).toEqual([]);
        const q = r?.queries.join('\n') ?? '';
        expect(q.split(value).length - 1).toBeGreaterThanOrEqual(1);
        if (target === 'kql') expect(q.match(/^let sigma_\d+ = /gm)).toHaveLength(2);
      }),
      { numRuns: 30 },
    );
  });
});

describe('prototype names are ordinary names in every target and format', () => {
  it.each(Object.entries(FORMATS).flatMap(([t, fs]) => fs.map((f) => [t, f])))('%s %s', (target, format) => {
    for (const name of PROTO) {
      const text = rule({ title: name, id: '4d4c0f2a-1a1e-4d1c-9b1e-0c6d4b8d6a01', field: name, value: name, extra: `status: ${name}\nlevel: ${name === 'toString' ? 'high' : 'low'}\ntags: [attack.${name}, ${name}.x]\nfalsepositives: [${name}]` });
      const [r] = converter.convertCollection([{ file: 'p.yml', text }], { target, format, pipeline: 'none', table: 'T', index: 'main' });
      expect(r?.errors.filter((e) => e.code === 'internal')).toEqual([]);
      const out = r?.queries.join('\n') ?? '';
      expect(out).not.toMatch(/native code|function Object|\[null\]|"tactics": \[null|\[object Object\]/);
    }
  });

  it.each(PROTO)('a placeholder, a table, a format and a pipeline named %s are unknown names, not internal errors', (name) => {
    const text = rule({ field: 'Image', value: 'x', extra: '' }).replace(`"Image|endswith": "x"`, `"Image|expand": "%${name}%"`);
    const [r] = converter.convertCollection([{ file: 'p.yml', text }], { target: 'kql', pipeline: 'none', table: name, placeholders: { other: ['v'] } });
    expect(r?.errors.map((e) => e.code)).not.toContain('internal');
    expect(r?.errors.map((e) => e.message).join('\n')).toContain(name);
    expect(() => converter.convertCollection([{ file: 'p.yml', text: rule() }], { target: 'kql', format: name })).toThrow(/format/);
    expect(() => converter.convertCollection([{ file: 'p.yml', text: rule() }], { target: 'kql', pipeline: name })).toThrow(/pipeline/);
  });
});

/** Every character a reader may treat as a line end, and the controls around them. */
const TERMINATORS = ['\n', '\r', '\r\n', '\u2028', '\u2029', '\u0085', '\u000b', '\u000c', '\u001b', '\u009b'];
const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...TERMINATORS, '| union NoSuchTable', '*/', '//', '`', '<script>', '](javascript:x)', '#', '[default]', '|'), fc.string({ maxLength: 4 })), { maxLength: 8 })
  .map((parts) => parts.join(''));

describe('query comments: no line terminator survives, so no text leaves the comment', () => {
  it('commentText removes every line terminator and control', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(commentText(s)).not.toMatch(/[\n\r\u2028\u2029\u0085\u000b\u000c\u0000-\u001f\u007f-\u009f]/);
      }),
      RUNS,
    );
  });

  it("KQL hunting: a hostile title, id and file name add no statement (Microsoft's parser)", () => {
    fc.assert(
      fc.property(hostileText, hostileText, hostileText, (title, id, file) => {
        const text = rule({ title: title || 't', id: id || 'i' });
        const out = converter.convertCollectionFormat(text, file + '.yml', { target: 'kql', format: 'hunting', pipeline: 'defender-xdr' });
        expect(out.text).not.toBeNull();
        const hunt = out.text ?? '';
        expect(kqlDiagnostics(hunt, undefined, 'defender-xdr')).toEqual([]);
        expect(hunt.match(/^union$/gm)).toHaveLength(1);
        // Lines as KQL reads them: U+0085 inside a string literal is a character of the string, not a line break
        // (Microsoft's parser above agrees), so it does not start a line here.
        for (const line of hunt.split(/\r\n?|[\n\u2028\u2029]/)) expect(line).not.toMatch(/^\s*\| union NoSuchTable/);
      }),
      { numRuns: 12 },
    );
  });
});

describe('Markdown/HTML (page): text renders as written', () => {
  it('markdownText leaves no raw HTML, link, emphasis or line structure', () => {
    fc.assert(
      fc.property(hostileText, (s) => {
        const md = markdownText(s);
        expect(md).not.toMatch(/<|\n|(?<!\\)\[|(?<!\\)\||(?<!\\)\*|(?<!\\)_/);
        expect(md).not.toMatch(/^(#|-|\+|=|\d+[.)])/);
      }),
      RUNS,
    );
  });

  it.each(TARGETS)('%s page: a hostile title, description, author and reference stay text', (target) => {
    const extra = `description: "<img src=x onerror=alert(1)>\\n# Heading\\n[click](javascript:alert(1))"\nauthor: "<b>me</b> | col"\nreferences: ["javascript:alert(1)", "https://ok.example/a b>"]`;
    const [r] = converter.convertCollection([{ file: 'p.yml', text: rule({ title: '<script>x</script> *t*', extra }) }], { target, format: 'page', pipeline: 'none', table: 'T' });
    const page = r?.queries[0] ?? '';
    expect(page).not.toMatch(/<script>|<img|<b>|(?<!\\)\]\(javascript:|^# Heading|<https:\/\/ok\.example\/a b>/m);
    expect(page).toContain('&lt;script&gt;x&lt;/script&gt; \\*t\\*');
  });
});

describe('Splunk .conf stanza names', () => {
  it('never default, never a bracket, one line', () => {
    fc.assert(
      fc.property(hostileText, (s) => {
        const name = confStanzaName(s);
        expect(name).not.toMatch(/[[\]\n\r\u2028\u2029]/);
        expect(name.toLowerCase()).not.toBe('default');
        expect(name).not.toBe('');
      }),
      RUNS,
    );
  });

  it('a rule titled default is not [default]; duplicate titles are refused, not merged', () => {
    const files = [
      { file: 'a.yml', text: rule({ title: 'default' }) },
      { file: 'b.yml', text: rule({ title: 'Same' }) },
      { file: 'c.yml', text: rule({ title: 'same' }) },
    ];
    const r = converter.convertCollection(files, { target: 'splunk', format: 'savedsearch' });
    expect(r[0]?.queries[0]).toMatch(/^\[default \(rule\)\]$/m);
    expect(r[1]?.ok).toBe(true);
    expect(r[2]?.ok).toBe(false);
    expect(r[2]?.errors[0]?.message).toMatch(/stanza \[same\] is already used by rule 'Same' \(b\.yml/);
  });
});

describe('terminal output', () => {
  it('terminalText shows ESC and C0/C1 controls as escapes, keeps line feeds and tabs', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(terminalText(s)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
      }),
      RUNS,
    );
    expect(terminalText('a\u001b]0;pwned\u0007b\n')).toBe('a\\x1b]0;pwned\\x07b\n');
  });
});

describe('generated names cannot collide with user names or real columns', () => {
  const corr = (groupBy: string, extra = '') =>
    `title: C\ncorrelation: {type: event_count, rules: [a], group-by: [${groupBy}], timespan: 5m, condition: {gte: 2}${extra}}\n---\n${rule({ title: 'A' }).replace('title: "A"', 'title: A\nname: a')}\n`;
  it.each([
    ['sigma_rule', 'kql'],
    ['event_count', 'kql'],
    ['window_start', 'splunk'],
    ['Timestamp', 'kql'],
    ['_time', 'splunk'],
  ])('group-by %s (%s) is refused with the reason', (name, target) => {
    // pipeline none: the name-collision guard itself (splunk-windows' field schema refuses an unknown field first).
    const [r] = converter.convertCollection([{ file: 'c.yml', text: corr(name) }], { target, pipeline: 'none', table: 'T' });
    expect(r?.errors.map((e) => e.message).join('\n')).toMatch(new RegExp(`'${name}' cannot name a group-by or alias column`));
  });

  it('an alias named like a column the correlation reads is refused', () => {
    const doc = (aliases: string) =>
      `title: C\ncorrelation:\n    type: value_count\n    rules: [a]\n    group-by: [DeviceName]\n    aliases: {DeviceName: {a: ${aliases}}}\n    timespan: 5m\n    condition: {field: DeviceName, gte: 2}\n---\n${rule({ title: 'A' }).replace('title: "A"', 'title: A\nname: a')}\n`;
    const [bad] = converter.convertCollection([{ file: 'c.yml', text: doc('Computer') }], { target: 'kql', pipeline: 'none', table: 'T' });
    expect(bad?.errors.map((e) => e.message).join('\n')).toMatch(/alias 'DeviceName' .* also a column the correlation reads/);
    const [good] = converter.convertCollection([{ file: 'c.yml', text: doc('Computer').replace('field: DeviceName', 'field: User') }], { target: 'kql', pipeline: 'none', table: 'T' });
    expect(good?.errors).toEqual([]);
  });

  it.each([
    ['DeviceId', 'kql'],
    ['Timestamp', 'kql'],
    ['DetectionType', 'kql'],
    ['CommandLine', 'splunk'],
    ['process.command_line', 'eql'],
    ['_raw', 'splunk'],
    ['_time', 'eql'],
  ])('an enrichment flag named %s is refused (%s)', (name, target) => {
    const extra = `enrichment:\n    ${JSON.stringify(name)}: {description: d, field: CommandLine, contains: x}`;
    const [r] = converter.convertCollection([{ file: 'e.yml', text: rule({ field: 'CommandLine', extra }) }], { target });
    expect(r?.ok).toBe(false);
    expect(r?.errors.map((e) => e.message).join('\n')).toMatch(new RegExp(`flag name '${name}' .*(is .*rename the flag|must be an identifier)`));
  });
});
