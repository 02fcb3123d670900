/**
 * A target is data: backends/<name>.yml names its dialect, quoting styles, regex engine, source clause,
 * NOT / IN forms and case modes. These tests write variants of the shipped EQL and Splunk definitions and
 * check what the engine does with them, and that every mistake in such a file is reported at file:line:col.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createFsLoader } from '../src/cli/fs-loader';
import { Converter } from '../src/convert';
import type { ResourceLoader } from '../src/core/resources';
import { loadBackendDef } from '../src/render/backend-def';
import { dialectNames, findDialect, findRegexEngine, regexEngineNames } from '../src/render/dialects';
import { TARGETS } from './support/targets';

const ROOT = path.resolve(__dirname, '..');
const fsLoader = createFsLoader(ROOT);
const EQL = fs.readFileSync(path.join(ROOT, 'backends/eql.yml'), 'utf8');
const SPLUNK = fs.readFileSync(path.join(ROOT, 'backends/splunk.yml'), 'utf8');

/** The project's files, with backends/<name>.yml replaced or added. */
function loaderWith(files: Readonly<Record<string, string>>): ResourceLoader {
  return {
    read: (p) => (Object.hasOwn(files, p) ? files[p] : fsLoader.read(p)),
    list: (dir) => [...new Set([...fsLoader.list(dir), ...Object.keys(files).filter((f) => f.startsWith(dir + '/')).map((f) => f.slice(dir.length + 1))])].sort(),
  };
}

/** The EQL definition with one text replaced (the replaced text must be there). */
function eqlWith(from: string, to: string): string {
  expect(EQL).toContain(from);
  return EQL.replace(from, () => to);
}

function definitionError(text: string, name = 'eql'): string {
  try {
    loadBackendDef(loaderWith({ [`backends/${name}.yml`]: text }), name);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the definition loaded');
}

/** The line (1-based) of the first occurrence of `needle` in the text. */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  return text.slice(0, at).split('\n').length;
}

function rule(detection: string, logsource = 'product: windows\n    category: process_creation'): string {
  return `title: t\nlogsource:\n    ${logsource}\ndetection:\n${detection}\n`;
}

function convert(backendText: string, detection: string, target = 'eql', options: { pipeline?: string; index?: string } = {}): { query: string | null; error: string | null } {
  const converter = new Converter(loaderWith({ [`backends/${target}.yml`]: backendText }));
  const [r] = converter.convertText(rule(detection), 'r.yml', { target, pipeline: options.pipeline ?? 'none', index: options.index });
  return { query: r?.queries[0] ?? null, error: r?.errors[0]?.message ?? null };
}

describe('the dialect registry', () => {
  it('every name a shipped backend uses is registered, and every registered dialect writes a plain field', () => {
    for (const target of TARGETS) {
      const def = loadBackendDef(fsLoader, target);
      for (const stage of def.stages) {
        expect(dialectNames()).toContain(stage.dialect);
        if (stage.regex) expect(regexEngineNames()).toContain(stage.regex.engine);
      }
    }
    for (const name of dialectNames()) expect(findDialect(name)?.field('Image')).toMatch(/^\W?Image\W?$/);
    expect(findRegexEngine('re2')?.fromWildcard({ type: 'string', parts: ['a.b', { wildcard: 'multi' }] }, false).pattern).toBe('(?is)^a\\.b.*$');
    expect(findRegexEngine('lucene')?.fromWildcard({ type: 'string', parts: ['a.b', { wildcard: 'multi' }] }, false)).toEqual({ pattern: 'a\\.b.*', caseInsensitiveOp: true });
  });
});

describe('backend definitions are data the engine follows', () => {
  it('the shipped EQL text through the test loader converts as the shipped file does', () => {
    const detection = '    sel: {Image|endswith: \\cmd.exe}\n    condition: not sel';
    const [shipped] = new Converter(fsLoader).convertText(rule(detection), 'r.yml', { target: 'eql' });
    expect(shipped?.queries).toEqual(['process where event.type : "start" and not process.executable : "*\\\\cmd.exe"']);
    expect(convert(EQL, detection, 'eql', { pipeline: 'ecs' })).toEqual({ query: shipped?.queries[0], error: null });
  });

  it('NOT: a template that groups its operand gets no extra parentheses; one that does not, gets them', () => {
    const detection = '    a: {A: x}\n    b: {B: y}\n    condition: not (a or b)';
    expect(convert(EQL, detection).query).toBe('any where not (A : "x" or B : "y")');
    const grouping = eqlWith("not: {template: 'not {expr}', groups: false}", "not: {template: 'not({expr})', groups: true}");
    expect(convert(grouping, detection).query).toBe('any where not(A : "x" or B : "y")');
  });

  it('IN: the separator and the template come from the definition', () => {
    const detection = '    sel: {A: [x, y, z]}\n    condition: sel';
    expect(convert(EQL, detection).query).toBe('any where A : ("x", "y", "z")');
    const semicolons = eqlWith("separator: ', ', wildcards: true}", "separator: '; ', wildcards: true}");
    expect(convert(semicolons, detection).query).toBe('any where A : ("x"; "y"; "z")');
    const noIn = eqlWith("    in: {template: '{field} : ({values})', cased: '{field} like ({values})', separator: ', ', wildcards: true}\n", '');
    expect(convert(noIn, detection).query).toBe('any where A : "x" or A : "y" or A : "z"');
  });

  it('quoting per operator: a |cased equality quoted as a plain string keeps a literal * that the wildcard quoting cannot write', () => {
    const detection = "    sel: {A|cased: 'a\\*b'}\n    condition: sel";
    // The wildcard quoting has no literal '*': the shipped definition falls back to an exact regex.
    expect(convert(EQL, detection).query).toBe('any where A regex "a\\\\*b"');
    const perOperator = eqlWith("equals_cased: '{field} == {value}'", "equals_cased: {template: '{field} == {value}', quoting: string}");
    expect(convert(perOperator, detection).query).toBe('any where A == "a*b"');
  });

  it('case modes: refusing case-sensitive matches in a stage sends them to the next stage, with the reason when none can', () => {
    const detection = '    sel: {A|cased|contains: x}\n    condition: sel';
    expect(convert(EQL, detection).query).toBe('any where A like "*x*"');
    const refusing = eqlWith('case_sensitive: {default: native, keyword: refuse, fieldref: refuse}', 'case_sensitive: refuse').replace(/ +\w+_cased: .*\n/g, '');
    expect(convert(refusing, detection)).toEqual({ query: null, error: "target 'eql' cannot express A|cased = '*x*' exactly" });
  });

  it('the source clause: quoting, template and default from the definition', () => {
    const detection = '    sel: {A: x}\n    condition: sel';
    expect(convert(SPLUNK, detection, 'splunk', { index: 'win"logs' }).query).toBe('index="win\\"logs" A="x"');
    expect(convert(SPLUNK, detection, 'splunk').query).toBe('A="x"');
    const source = SPLUNK.replace("template: 'index={name}'", () => "template: 'index IN ({name})'");
    expect(convert(source, detection, 'splunk', { index: 'main' }).query).toBe('index IN ("main") A="x"');
    expect(convert(EQL.replace('default: any,', 'default: "process",'), detection).query).toBe('process where A : "x"');
    expect(convert(EQL.replace('default: any,', 'default: "not a category",'), detection).error).toBe("'not a category' cannot be used as an EQL event category");
  });

  it('a source written as a condition: the pipeline\'s table ANDed as an exact match on a field', () => {
    const asCondition = EQL.replace(/^source: .*$/m, () => 'source: {from: [pipeline], field: event.category, every: any, what: an event category}');
    const detection = '    sel: {Image|endswith: \\\\cmd.exe}\n    condition: sel';
    expect(convert(asCondition, detection, 'eql', { pipeline: 'ecs' }).query).toBe(' where event.category == "process" and event.type : "start" and process.executable : "*\\\\cmd.exe"');
    const both = EQL.replace(/^source: .*$/m, () => 'source: {from: [pipeline], field: event.category, quoting: event-category, what: an event category}');
    expect(definitionError(both)).toContain('a source is either a clause (quoting, template) or a condition (field), one of the two');
  });

  it('quoting_cased: the |cased matches of a stage take another quoting style', () => {
    const detection = "    sel: {A|cased: 'a\\*b'}\n    condition: sel";
    const cased = eqlWith('    quoting: wildcard ', '    quoting_cased: string\n    quoting: wildcard ');
    expect(convert(cased, detection).query).toBe('any where A == "a*b"');
    expect(convert(cased, "    sel: {A: 'a\\*b'}\n    condition: sel").query).toBe('any where A regex~ "a\\\\*b"');
  });

  it('a term no one stage can write as a whole names each stage and its reason', () => {
    // search: no |cased at all; where: no free-text keyword here (its keyword_regex removed).
    const split = SPLUNK.replace("      keyword_regex: 'match(_raw, {regex})'\n", '').replace(
      'case_insensitive: {default: regex, any: native, fieldref: fold}\n    case_sensitive: {default: regex, equals: native, any: native, fieldref: native}',
      'case_insensitive: {default: regex, any: native, fieldref: fold, keyword: refuse}\n    case_sensitive: {default: regex, equals: native, any: native, fieldref: native, keyword: refuse}',
    );
    const r = convert(split, "    sel: {A|cased: x}\n    kw: [evil]\n    condition: sel or kw", 'splunk');
    expect(r.error).toBe(
      "target 'splunk' cannot express this condition in one stage: A|cased = 'x' cannot be written in the 'search' stage (it does not write a case-sensitive equals match); " +
        "the keyword (unbound value) 'evil' cannot be written in the 'where' stage (it does not write a case-insensitive keyword match); split the OR into separate rules",
    );
  });
});

describe('backend definition errors are reported at file:line:col', () => {
  it('an unknown key names the closest known one', () => {
    const text = eqlWith('    dialect: eql\n', '    dialect: eql\n    quoteing: wildcard\n');
    expect(definitionError(text)).toContain(`backends/eql.yml:${lineOf(text, 'quoteing')}:5: invalid backend definition: unknown key 'quoteing' (did you mean 'quoting'?)`);
  });

  it('an unknown dialect, quoting style or regex engine', () => {
    expect(definitionError(eqlWith('    dialect: eql\n', '    dialect: eqll\n'))).toMatch(/^backends\/eql\.yml:\d+:\d+: invalid backend definition: unknown dialect 'eqll'; did you mean 'eql'\?/);
    const style = eqlWith('quoting: wildcard ', 'quoting: wildcards ');
    expect(definitionError(style)).toContain(`backends/eql.yml:${lineOf(style, 'quoting: wildcards')}:5: invalid backend definition: unknown quoting style 'wildcards' of dialect 'eql'`);
    const engine = eqlWith('engine: lucene', 'engine: lucen');
    expect(definitionError(engine)).toContain(`backends/eql.yml:${lineOf(engine, 'engine: lucen')}:`);
    expect(definitionError(engine)).toContain("unknown regex engine 'lucen'; did you mean 'lucene'?");
  });

  it('a case mode that does not match the operators', () => {
    const text = eqlWith('case_insensitive: {default: native, keyword: refuse, fieldref: refuse}', 'case_insensitive: {default: native, fieldref: refuse}');
    expect(definitionError(text)).toContain(
      `backends/eql.yml:${lineOf(text, 'case_insensitive')}:5: invalid backend definition: stage 'where': keyword (case-insensitive) is 'native', but there is no operator 'keyword'`,
    );
    const fold = eqlWith('case_insensitive: {default: native,', 'case_insensitive: {default: native, equals: fold,');
    expect(definitionError(fold)).toContain("equals (case-insensitive) is 'fold', but dialect 'eql' has no case folding");
  });

  it('a placeholder an operator may not use', () => {
    const text = eqlWith("null: '{field} == null'", "null: '{field} == {value}'");
    expect(definitionError(text)).toContain(`backends/eql.yml:${lineOf(text, "null: '{field} == {value}'")}:7: invalid backend definition: operator 'null' of stage 'where' uses {value}; it may use {field}`);
  });

  it('the source clause quoting must be a style of the first stage', () => {
    const text = eqlWith('quoting: event-category', 'quoting: category');
    expect(definitionError(text)).toContain(`backends/eql.yml:${lineOf(text, 'quoting: category')}:`);
    expect(definitionError(text)).toContain("unknown quoting style 'category' of dialect 'eql'");
  });
});
