/**
 * Certainty of the fast YAML reader: documents built to hit YAML's corners (every scalar type form, quoting,
 * folding, block scalar headers and indentation, comments, odd characters) and mutants of real rules must
 * read exactly as js-yaml reads them, or be declined. Deterministic (seeded); YAML_MUTANTS=N runs N mutants
 * instead of the default number of corpus mutants, YAML_FLOW_CASES=N N generated flow collections, YAML_MUTANT_SEED=S
 * another seed.
 */
import * as path from 'path';
import { findCorpus, readCorpus } from '../scripts/corpus-run';
import { yamlChunks } from '../src/rule/yaml-source';
import { checkDocument, type Verdict } from './support/yaml-equivalence';
import { seededRandom } from '../scripts/seeded-random';

const ROOT = path.resolve(__dirname, '..');

const rng = seededRandom;

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

/** Scalars and fragments whose reading depends on YAML's type resolution, quoting and escaping. */
const TOKENS: readonly string[] = [
  '', ' ', '  ', '\t', ':', ': ', ' :', '::', 'a:b', 'a: b', '#', ' #', ' # c', 'a#b', '- ', '-', '--', '-a', '? ', '?a', ':a',
  "'", '"', "''", '""', "'a'", '"a"', "'a''b'", "'a'b", '"a\\"b"', '"\\x41\\u00e9\\U0001F600"', '"\\q"', '"\\', '"a\\tb"',
  '"\\ "', '"a \\\n b"', "'a\n  b'", '"a\n\n  b"', "'a  \n b'", '|', '>', '|-', '|+', '>-', '>+', '|2', '>1', '|0', '|2-', '|-2',
  '|x', '| #c', '|#c', '[', ']', '{', '}', ',', '[a, b]', '{a: b}', '&a', '*a', '&a x', '!', '!!str x', '!foo x', '%', '@', '`',
  '~', 'null', 'Null', 'NULL', 'nULL', 'yes', 'no', 'on', 'off', 'y', 'n', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False',
  '.inf', '-.inf', '+.INF', '.Inf', '.nan', '.NaN', '.NAN', '0x1F', '0X1F', '0o17', '0b101', '0b', '0x', '0o8', '-0x1F', '+0b2', '0xfg', '0badd08f-c6a3-4630', '0b1-1', '0x1.5', '0o7e3', '1_000', '012',
  '09', '0', '-0', '+0', '-00', '00', '1', '-1', '+1', '123456789012345', '1234567890123456', '99999999999999999999',
  '1e3', '1E3', '1e+3', '1.5', '1.', '.5', '-.5', '+.5', '1.5e-3', '1e400', '1.2.3', '1.2.3.4', '10.0.0.1/8', '1,000', '1:20',
  '190:20:30', '2024-01-02', '2024-1-2', '2024-01-02 10:00:00', '2024-01-02T10:00:00Z', '2024-01-02t10:00:00.5+01:30',
  '2024-01-02 10:00', '0024-01-02', '2024-13-45', '2024/01/02', '<<', '__proto__', 'constructor', 'toString', 'hasOwnProperty',
  'é', '\u00a0', 'a\u00a0', '\u3000', 'a\u3000', '\u2028', '\x85', '\x7f', '\x01', '\u0000', '\ufeff', '😀', '\ud800',
  '---', '...', '--- x', '\r', '\r\n', 'a\rb', '\n', '\n\n', '\n  ', '\n# c\n', 'C:\\Windows\\*', '*\\cmd.exe', "it's", 'a"b',
  'a b', 'a  b', 'a ', 'a  ', '%TEMP%', '@echo', '`x`', 'x`', 'a,b', 'a[0]', 'a{b}', 'key: value', '- item', '? key',
];

const KEYS: readonly string[] = ['a', 'title', 'a b', 'a-b', "'a'", '"a"', '"a b"', "'a: b'", 'a.b', 'a|b', '1', 'null', 'true', '<<', '__proto__', '-a', '"a', 'a#b'];

function check(doc: string, tally: Record<Verdict, number>, failures: string[]): void {
  try {
    tally[checkDocument(doc)]++;
  } catch (err) {
    if (failures.length < 10) failures.push(`${JSON.stringify(doc)}: ${(err as Error).message}`);
  }
}

describe('fast YAML reader equals js-yaml or declines', () => {
  it('every token as a value, an item, a key and inside nested collections', () => {
    const tally = { fast: 0, declined: 0 };
    const failures: string[] = [];
    for (const t of TOKENS) {
      for (const doc of [
        `a: ${t}\n`,
        `a: ${t}`,
        `a:${t}\n`,
        `a: ${t}\nb: c\n`,
        `a: x ${t}\nb: c\n`,
        `a: x${t}y\n`,
        `a: 'x${t}y'\n`,
        `a: "x${t}y"\n`,
        `a:\n  - ${t}\n  - b\n`,
        `a:\n- ${t}\nb: 1\n`,
        `- ${t}\n`,
        `${t}: v\nb: 1\n`,
        `a:\n  ${t}: v\n  b: 1\n`,
        `a:\n  - ${t}: v\n    b: 1\n  - c\n`,
        `a: ${t}\n  ${t}\nb: 1\n`,
        `a: x\n  ${t}\n\n   y\n`,
        `a: |\n  ${t}\n   ${t}\n\n  z\n`,
        `a: >\n  x\n  ${t}\n\n   y\n  z\nb: 1\n`,
        `a: ${t}\n  x\nb: 1\n`,
        `# ${t}\na: 1\n`,
        `${t}a: 1\n`,
        `a: 1\n${t}\n`,
        `a: 1 ${t}\n`,
      ]) {
        check(doc, tally, failures);
      }
      for (const k of KEYS) {
        check(`${k}: ${t}\nz: 1\n`, tally, failures);
        check(`a:\n  - ${k}: ${t}\n    z: 1\n`, tally, failures);
        check(`a:\n  ${k}: ${t}\nz: 1\n`, tally, failures);
      }
    }
    expect(failures).toEqual([]);
    expect(tally.fast).toBeGreaterThan(tally.declined / 2);
  });

  it('block scalars: every header, indentation and blank-line layout', () => {
    const r = rng(7);
    const tally = { fast: 0, declined: 0 };
    const failures: string[] = [];
    const headers = ['|', '>', '|-', '|+', '>-', '>+', '|1', '|2', '>3', '|2-', '>+1', '|-4', '| # c', '>  #c'];
    const bodies = ['x', 'x y', '  more', ' one', '#not a comment', 'a: b', '- c', "'q'", '', '   ', ' ', '\t'];
    for (let n = 0; n < 4000; n++) {
      const base = pick(r, [0, 2, 4]);
      const pad = ' '.repeat(base);
      const start = pick(r, [`${pad}k: `, `${pad}- `, `${pad}- k: `]);
      const contentIndent = base + pick(r, [1, 2, 2, 3, 4]);
      const lines = [`${start}${pick(r, headers)}`];
      const count = Math.floor(r() * 5);
      for (let i = 0; i < count; i++) lines.push(' '.repeat(Math.max(0, contentIndent + pick(r, [0, 0, 0, 1, 2, -1, -2]))) + pick(r, bodies));
      lines.push(pick(r, ['', `${pad}z: 1`, `${pad}- z`, `${pad}# end`, `${' '.repeat(Math.max(0, base - 2))}q: 2`]));
      const prefix = base === 0 ? '' : base === 2 ? 'top:\n' : 'top:\n  mid:\n';
      check(prefix + lines.join('\n') + pick(r, ['', '\n', '\n\n', '\n  \n']), tally, failures);
    }
    expect(failures).toEqual([]);
    expect(tally.fast).toBeGreaterThan(1000);
  });

  it('multi-line plain and quoted scalars', () => {
    const r = rng(11);
    const tally = { fast: 0, declined: 0 };
    const failures: string[] = [];
    const words = ['x', 'y z', 'a  b', '- d', '#e', 'f #g', 'h:', 'i: j', "k'l", 'm"n', '\\o', '\\', '\\"', "''", '1', 'true', '~', ' ', ''];
    for (let n = 0; n < 4000; n++) {
      const quote = pick(r, ['', '', "'", '"']);
      const base = pick(r, [0, 2]);
      const pad = ' '.repeat(base);
      const lines = [`${pad}${pick(r, ['k: ', '- ', '- k: '])}${quote}${pick(r, words)}`];
      const count = Math.floor(r() * 4);
      for (let i = 0; i < count; i++) lines.push(' '.repeat(Math.max(0, base + pick(r, [-1, 0, 1, 2, 3]))) + pick(r, words));
      lines[lines.length - 1] += quote + pick(r, ['', ' ', ' # c', '#c', 'x']);
      lines.push(pick(r, ['', `${pad}z: 1`, `${pad}- z`]));
      check((base === 0 ? '' : 'top:\n') + lines.join('\n'), tally, failures);
    }
    expect(failures).toEqual([]);
    expect(tally.fast).toBeGreaterThan(500);
  });

  const corpusDir = findCorpus(ROOT);
  (corpusDir ? it : it.skip)('mutants of corpus rules', () => {
    const files = readCorpus(corpusDir as string).filter((_, i) => i % 25 === 0);
    const docs = files.flatMap((f) => yamlChunks(f.text).map((c) => c.text));
    const perSeed = Number(process.env.YAML_MUTANTS ?? 3000);
    const tally = { fast: 0, declined: 0 };
    const failures: string[] = [];
    const r = rng(Number(process.env.YAML_MUTANT_SEED ?? 2026));
    for (let n = 0; n < perSeed; n++) {
      let doc = pick(r, docs);
      const rounds = 1 + Math.floor(r() * 3);
      for (let k = 0; k < rounds; k++) doc = mutate(doc, r);
      check(doc, tally, failures);
    }
    if (process.env.YAML_CORPUS_REPORT) process.stdout.write(`mutants: ${tally.fast} fast, ${tally.declined} declined\n`);
    expect(failures).toEqual([]);
    expect(tally.fast).toBeGreaterThan(perSeed / 4);
  });
});

/** Pieces of flow collections: items and keys of every kind, separators, comments, nesting, odd characters. */
const FLOW_ITEMS: readonly string[] = [
  'a', 'a b', ' a ', 'port 21', '-w', '-', '- a', '-,', '?', '? a', '?a', ':', ':a', 'a:', 'a:b', 'a: b', 'a :b', 'http://x',
  "'a'", "''", "'a''b'", "'-w '", "'a, b'", "'a]'", "'a: b'", "'#'", '"a"', '""', '"a\\"b"', '"\\x41"', '"\\q"', '"a, b"', '"\\u00e9"',
  "'a", '"a', 'a#b', 'a #b', '#', '1', '-1', '0x1F', '0b12', '1.5', '.inf', '~', 'null', 'true', 'False', '2024-01-02',
  '2024-01-02 10:00:00', '<<', '__proto__', 'constructor', '[a]', '{a: b}', '[]', '{}', '&x a', '*x', '!t a', '!!str a', '|', '>',
  '%', '@', '`', 'é', '😀', '\u00a0', 'a\u3000', '', ' ', 'a\\b', 'C:\\x', "it's", 'a"b', 'a[b', 'a]b', 'a{b', 'a}b',
].map((t) => t.replace(/\\u([0-9a-f]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));

/** Items the fast reader reads (most generated entries use these, so that most documents are compared). */
const FLOW_COMMON: readonly string[] = ['a', 'a b', 'port 21', '-w', "'-w '", "'a, b'", '"a: b"', "'a''b'", '"\\x41"', '1', 'true', '~', 'a#b', 'é'];

const FLOW_SEPARATORS: readonly string[] = [', ', ',', ' , ', ',  ', ' ,', ',,', ', , ', ': ', ':', ' '];

describe('fast YAML reader on flow collections', () => {
  it('fixed corner cases', () => {
    const cases: [string, 'fast' | 'declined'][] = [
      ["a: ['-w ']\n", 'fast'],
      ["a: ['-i any', 'promisc', '--promiscuous']\nb: 1\n", 'fast'],
      ['a: {}\nb: []\n', 'fast'],
      ['a: [ ]\nb: { }\n', 'fast'],
      ['a:\n  - [x, y]\n  - {k: v, "q": 2}\n  - []\n', 'fast'],
      ['a: [1, -2, 1.5, true, null, ~, 2024-01-02, x y]\n', 'fast'],
      ['a: {k: 2024-01-02, d:  2024-01-03}\n', 'fast'],
      ['a: [x] # comment\n', 'fast'],
      ['a: {"k":v}\n', 'fast'],
      ['a: {k : v}\n', 'fast'],
      ['a: [x]#c\n', 'declined'],
      ['a: [x, y,]\n', 'declined'],
      ['a: [x,\n  y]\n', 'declined'],
      ['a: [[x]]\n', 'declined'],
      ['a: [x, {k: v}]\n', 'declined'],
      ['a: {k}\n', 'declined'],
      ['a: {k: v, k: w}\n', 'declined'],
      ['a: [&x a, *x]\n', 'declined'],
      ['a: [x] y\n', 'declined'],
      ['a: [x]\n  y\n', 'declined'],
      ['a: [x]: y\n', 'declined'],
      ['a: [? x]\n', 'declined'],
      ['a: [x: y]\n', 'declined'],
      ['a: [x #c\n  ]\n', 'declined'],
    ];
    for (const [doc, verdict] of cases) expect([doc, checkDocument(doc)]).toEqual([doc, verdict]);
  });

  it('generated flow sequences and mappings as values and items', () => {
    const r = rng(Number(process.env.YAML_MUTANT_SEED ?? 17));
    const tally = { fast: 0, declined: 0 };
    const failures: string[] = [];
    const cases = Number(process.env.YAML_FLOW_CASES ?? 6000);
    for (let n = 0; n < cases; n++) {
      const mapping = r() < 0.4;
      const entry = (): string => (r() < 0.7 ? pick(r, FLOW_COMMON) : pick(r, FLOW_ITEMS));
      const count = Math.floor(r() * 5);
      const parts: string[] = [];
      for (let i = 0; i < count; i++) {
        if (i > 0) parts.push(r() < 0.85 ? ', ' : pick(r, FLOW_SEPARATORS));
        parts.push(mapping ? `${entry()}${r() < 0.85 ? ': ' : pick(r, FLOW_SEPARATORS)}${entry()}` : entry());
      }
      const pad = pick(r, ['', '', ' ', '  ']);
      let flow = (mapping ? '{' : '[') + pad + parts.join('') + pad + (mapping ? '}' : ']');
      if (r() < 0.1) flow = flow.slice(0, Math.floor(r() * flow.length)) + pick(r, ['\n  ', ',', ' #c', '#', ']', '}', ' ']) + flow.slice(Math.floor(r() * flow.length));
      const tail = r() < 0.7 ? pick(r, ['', ' ', ' # c']) : pick(r, ['#c', ' x', ':', ': x', '\n  x', '\n- x']);
      const doc = pick(r, [
        `a: ${flow}${tail}\nb: 1\n`,
        `a:${flow}${tail}\n`,
        `a:\n  - ${flow}${tail}\n  - z\n`,
        `a:\n  - k: ${flow}${tail}\n    j: 2\n`,
        `- ${flow}${tail}\n`,
        `${flow}: v\n`,
      ]);
      check(doc, tally, failures);
    }
    expect(failures).toEqual([]);
    expect(tally.fast).toBeGreaterThan(cases / 6);
  });

  it('hostile lengths: long flow lines read in one pass, as js-yaml reads them', () => {
    const many = `a: [${Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? `'q${i}'` : `v ${i}`)).join(', ')}]\n`;
    expect(checkDocument(many)).toBe('fast');
    const keys = `a: {${Array.from({ length: 5_000 }, (_, i) => `k${i}: ${i}`).join(', ')}}\n`;
    expect(checkDocument(keys)).toBe('fast');
    const long = `a: ['${'x'.repeat(200_000)}', ${'y '.repeat(100_000)}]\n`;
    expect(checkDocument(long)).toBe('fast');
    expect(checkDocument(`a: [${'x, '.repeat(50_000)}\n`)).toBe('declined');
    expect(checkDocument(`a: [${'['.repeat(5_000)}]\n`)).toBe('declined');
  });
});

describe('fast YAML reader on hostile input', () => {
  it('declines deep nesting without recursing into it', () => {
    const deep = Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n';
    expect(checkDocument(deep)).toBe('declined');
    const deepItems = Array.from({ length: 2000 }, (_, i) => `${' '.repeat(2 * i)}- a:`).join('\n');
    expect(checkDocument(`x:\n${deepItems}\n`)).toBe('declined');
  });

  it('reads long lines, many keys and many items as js-yaml does', () => {
    const long = 'a: ' + 'x:y #z '.repeat(50_000) + '\n';
    expect(checkDocument(long)).toBe('fast');
    const colons = 'a: ' + ':x'.repeat(100_000) + '\n';
    expect(checkDocument(colons)).toBe('fast');
    const quoted = `a: "${'\\t'.repeat(50_000)}"\n`;
    expect(checkDocument(quoted)).toBe('fast');
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: v${i}`).join('\n');
    expect(checkDocument(keys)).toBe('fast');
    const items = 'a:\n' + Array.from({ length: 20_000 }, (_, i) => `  - ${i % 7 === 0 ? "'q'" : i}`).join('\n');
    expect(checkDocument(items)).toBe('fast');
    const blanks = 'a: |\n  x\n' + '\n'.repeat(50_000) + '  y\nb: >\n' + '  \n'.repeat(20_000) + '  z\n';
    expect(checkDocument(blanks)).toBe('fast');
  });
});

/** One random edit of a document: a token inserted, text deleted, indentation or line structure changed. */
function mutate(doc: string, r: () => number): string {
  const lines = doc.split('\n');
  const li = Math.floor(r() * lines.length);
  const line = lines[li] as string;
  const at = Math.floor(r() * (line.length + 1));
  switch (Math.floor(r() * 12)) {
    case 0:
    case 1:
      lines[li] = line.slice(0, at) + pick(r, TOKENS) + line.slice(at);
      break;
    case 2:
      lines[li] = line.slice(0, at) + line.slice(at + 1 + Math.floor(r() * 3));
      break;
    case 3:
      lines[li] = pick(r, ['', ' ', '  ', '   ']) + line.replace(/^ {0,2}/, pick(r, ['', ' ', '  ', '    ']));
      break;
    case 4: {
      const colon = line.indexOf(': ');
      lines[li] = colon >= 0 ? line.slice(0, colon + 2) + pick(r, TOKENS) : line + pick(r, TOKENS);
      break;
    }
    case 5:
      lines.splice(li, 0, line);
      break;
    case 6:
      lines.splice(li, 1);
      break;
    case 7:
      lines.splice(li, 0, pick(r, ['', ' ', '   ', '#', '  # c', '-', '- x', 'x', '  x', '    - y']));
      break;
    case 8:
      lines[li] = line + pick(r, [' ', '  ', ' #', ' # c', ':', ' :', "'", '"', '\\']);
      break;
    case 9: {
      const lj = Math.floor(r() * lines.length);
      lines[li] = lines[lj] as string;
      lines[lj] = line;
      break;
    }
    case 10:
      return pick(r, [doc.replace(/\n/g, '\r\n'), '\ufeff' + doc, doc.replace(/ {4}/g, '\t'), doc + '\n\n', doc.trimEnd()]);
    default:
      lines[li] = line.replace(/'/g, pick(r, ['"', '', "''"]));
  }
  return lines.join('\n');
}
