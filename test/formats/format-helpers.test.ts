import * as yaml from 'js-yaml';
import fc from 'fast-check';
import { parse as parseToml } from 'smol-toml';
import { confStanza, confValue, tomlString, yamlValue } from '../../src/render/handlebars';
import { parseConf } from './conf-parser';

/** Text of any Unicode code points (no lone surrogates: no text format here can carry them). */
const text = fc.string({ unit: 'binary', maxLength: 60 });
const multiline = fc.array(fc.oneof(text, fc.constantFrom('', ' ', '\\', "'''", '"""', '  lead', '#x', '[s]', 'k = v', '- item', ': x')), { maxLength: 6 }).map((l) => l.join('\n'));
const hostile = fc.oneof(text, multiline);

describe('yaml helper', () => {
  it('any string round-trips as a value nested at any depth', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 0, max: 8 }), (s, depth) => {
        const pad = ' '.repeat(depth);
        const doc = `${pad}k: ${yamlValue(s, depth)}\n${pad}after: 1\n`;
        const parsed = yaml.load(depth ? `outer:\n${doc}` : doc) as Record<string, unknown>;
        const inner = (depth ? parsed.outer : parsed) as Record<string, unknown>;
        expect(inner.k).toBe(s);
        expect(inner.after).toBe(1);
      }),
      { numRuns: 400 },
    );
  });

  it('writes a multi-line query as a block scalar', () => {
    expect(yamlValue('T\n| where x == "a"', 2)).toBe('|-\n    T\n    | where x == "a"');
  });

  it('refuses a lone surrogate', () => {
    expect(() => yamlValue('\uD800')).toThrow(/surrogate/);
  });
});

describe('toml helper', () => {
  it('any string round-trips, in basic and block form', () => {
    fc.assert(
      fc.property(hostile, fc.boolean(), (s, block) => {
        const parsed = parseToml(`k = ${tomlString(s, block)}\nafter = 1\n`);
        expect(parsed.k).toBe(s);
        expect(parsed.after).toBe(1);
      }),
      { numRuns: 400 },
    );
  });

  it("uses a literal block for readable queries and a basic string when ''' is inside", () => {
    expect(tomlString('a\nb "c" \\d')).toBe("'''\na\nb \"c\" \\d'''");
    expect(tomlString("a\n'''")).toBe('"a\\n\'\'\'"');
    expect(tomlString('x\u007F\u0001')).toBe('"x\\u007F\\u0001"');
  });
});

describe('conf helper (Splunk .conf continuation)', () => {
  it('any value reads back, and never swallows the next setting', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const conf = `[${confStanza(s || 'x')}]\nk = ${confValue(s)}\nafter = 1\n`;
        const stanzas = parseConf(conf);
        const stanza = [...stanzas.values()][1] as Map<string, string>;
        expect(stanza.get('after')).toBe('1');
        // A line that ends in a backslash gets one space after it, so that it does not read as a continuation.
        const expected = s.replace(/\r\n?/g, '\n').replace(/\\$/gm, '\\ ');
        expect(stanza.get('k')).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('a multi-line search keeps its lines', () => {
    expect(confValue('index=x\n| where a=1')).toBe('index=x\\\n| where a=1');
  });
});
