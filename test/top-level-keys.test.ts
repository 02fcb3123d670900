import * as fs from 'fs';
import * as path from 'path';
import { mayHoldCorrelationOrFilter } from '../src/rule/top-level-keys';
import { parseYamlDocuments } from '../src/rule/yaml-source';
import { documentKind } from '../src/rule/parse-rule';

/** What the parser says: some document of the text is a correlation or a filter. */
function holdsOne(text: string): boolean {
  return parseYamlDocuments(text).some((d) => !d.error && (documentKind(d.value) === 'correlation' || documentKind(d.value) === 'filter'));
}

const RULE = `title: t
id: 1
logsource:
  product: windows
detection:
  selection:
    Image: a
  filter:
    User: b
  condition: selection and not filter
`;

describe('mayHoldCorrelationOrFilter: may a file hold a correlation or filter document?', () => {
  it('says no for rules whose search identifiers are called filter (indented under detection)', () => {
    expect(mayHoldCorrelationOrFilter(RULE)).toBe(false);
    expect(mayHoldCorrelationOrFilter(`# comment\n\n${RULE}---\n${RULE}...\n`)).toBe(false);
    expect(mayHoldCorrelationOrFilter(`%YAML 1.2\n---\n${RULE}`)).toBe(false);
    expect(mayHoldCorrelationOrFilter(RULE.replace(/\n/g, '\r\n'))).toBe(false);
    expect(mayHoldCorrelationOrFilter(`description: |\n  correlation: in a block scalar\n${RULE}`)).toBe(false);
    expect(mayHoldCorrelationOrFilter('')).toBe(false);
    expect(mayHoldCorrelationOrFilter(`${RULE}filters: x\ncorrelation_id: y\n"filter-x": z\n`)).toBe(false);
  });

  // Every case here is a correlation or filter document the parser sees (checked), or text that could hide one.
  const hiding: readonly [string, string][] = [
    ['a correlation key', `title: c\ncorrelation:\n  type: event_count\n  rules: [a]\n`],
    ['a filter key', `title: f\nfilter:\n  rules: [a]\n`],
    ['in a second document', `${RULE}---\ntitle: c\ncorrelation: {type: event_count}\n`],
    ['quoted', `title: c\n"correlation": {type: event_count}\n`],
    ['single-quoted', `title: c\n'filter': {rules: [a]}\n`],
    ['an escape in a quoted key', `title: c\n"\\x63orrelation": {type: event_count}\n`],
    ['an indented root mapping', `  title: c\n  correlation: {type: event_count}\n`],
    ['a flow mapping root', `{title: c,\n  correlation: {type: event_count}}\n`],
    ['an explicit key', `title: c\n? correlation\n: {type: event_count}\n`],
    ['a merge key', `title: c\nbase: &b\n  correlation: {type: event_count}\n<<: *b\n`],
    ['on the document marker line', `--- {title: c, correlation: {type: event_count}}\n`],
    ['an anchored key', `title: c\n&k correlation: {type: event_count}\n`],
    ['a tagged key', `title: c\n!!str correlation: {type: event_count}\n`],
    ['a space before the colon', `title: f\nfilter :\n  rules: [a]\n`],
    ['with CRLF line ends', `title: c\r\ncorrelation:\r\n  type: event_count\r\n`],
    ['a key at the end of a CRLF file', `title: c\r\nfilter:\r`],
    ['after a lone CR (a YAML line break)', `title: c\nkey:\rcorrelation: {type: event_count}\n`],
  ];
  it.each(hiding)('says maybe for %s', (_label, text) => {
    expect(mayHoldCorrelationOrFilter(text)).toBe(true);
  });

  it('never says no where the parser finds one (the cases above that parse)', () => {
    let parsed = 0;
    for (const [, text] of hiding) {
      if (!holdsOne(text)) continue;
      parsed++;
      expect(mayHoldCorrelationOrFilter(text)).toBe(true);
    }
    expect(parsed).toBeGreaterThanOrEqual(9);
  });
});

describe('mayHoldCorrelationOrFilter on the project\'s rule files', () => {
  it('says maybe for every file the parser finds a correlation or filter in', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (/\.ya?ml$/.test(e.name)) files.push(full);
      }
    };
    walk(path.join(__dirname, 'rules'));
    walk(path.join(__dirname, '..', 'sigma'));
    let holding = 0;
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      if (!holdsOne(text)) continue;
      holding++;
      expect([f, mayHoldCorrelationOrFilter(text)]).toEqual([f, true]);
    }
    expect(holding).toBeGreaterThan(5);
  });
});
