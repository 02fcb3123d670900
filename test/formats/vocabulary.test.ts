/**
 * The SIEMs' words the output formats write (trigger operators, Defender's default category and required
 * columns, generated columns, severity words) come from backends/metadata/vocabulary.yml, checked on load:
 * changing the file changes the output, and a word outside it is refused naming the file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Converter } from '../../src/convert';
import { createMapLoader, type ResourceLoader } from '../../src/core/resources';

const ROOT = path.resolve(__dirname, '..', '..');
const RULE_FILE = 'sigma/t1040/net_sniffing_t1040.yml';
const RULES = fs.readFileSync(path.join(ROOT, RULE_FILE), 'utf8');

/** backends/ and templates/ as a map, with some files replaced. */
function loaderWith(replace: Readonly<Record<string, (text: string) => string>>): ResourceLoader {
  const files: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(ROOT, rel))) {
      const child = `${rel}/${name}`;
      if (fs.statSync(path.join(ROOT, child)).isDirectory()) walk(child);
      else files[child] = fs.readFileSync(path.join(ROOT, child), 'utf8');
    }
  };
  walk('backends');
  walk('templates');
  for (const [file, edit] of Object.entries(replace)) files[file] = edit(files[file] as string);
  return createMapLoader(files);
}

const VOCABULARY = 'backends/metadata/vocabulary.yml';

describe('backends/metadata/vocabulary.yml', () => {
  test('the trigger words of Sentinel ARM and Splunk come from the file', () => {
    const edited = new Converter(loaderWith({ [VOCABULARY]: (t) => t.replace('gt: {arm: GreaterThan, splunk: greater than}', 'gt: {arm: MoreThan, splunk: above}') }));
    const shipped = new Converter(loaderWith({}));
    const arm = (c: Converter) => c.convertText(RULES, RULE_FILE, { target: 'kql', format: 'sentinel-arm' })[0]?.queries[0] ?? '';
    const conf = (c: Converter) => c.convertText(RULES, RULE_FILE, { target: 'splunk', format: 'savedsearch' })[0]?.queries[0] ?? '';
    expect(arm(shipped)).toContain('"triggerOperator": "GreaterThan"');
    expect(arm(edited)).toContain('"triggerOperator": "MoreThan"');
    expect(conf(shipped)).toMatch(/^relation = greater than$/m);
    expect(conf(edited)).toMatch(/^relation = above$/m);
  });

  test("Defender's required columns come from the file", () => {
    const edited = new Converter(loaderWith({ [VOCABULARY]: (t) => t.replace('required_columns: [Timestamp, DeviceId, ReportId]', 'required_columns: [Timestamp, NoSuchColumn]') }));
    const [r] = edited.convertText(RULES, RULE_FILE, { target: 'kql', format: 'defender-detection' });
    expect(r?.ok).toBe(false);
    expect(r?.errors[0]?.message).toMatch(/must return NoSuchColumn/);
  });

  test('a severity word in levels.yml outside the vocabulary is refused, naming both files', () => {
    const edited = new Converter(loaderWith({ 'backends/metadata/levels.yml': (t) => t.replace('sentinel: Medium', 'sentinel: Moderate') }));
    const [r] = edited.convertText(RULES, RULE_FILE, { target: 'kql', format: 'sentinel-rule' });
    expect(r?.ok).toBe(false);
    expect(r?.errors[0]?.message).toMatch(/backends\/metadata\/levels\.yml: medium\.sentinel 'Moderate' is not one of Informational, Low, Medium, High \(backends\/metadata\/vocabulary\.yml grades\.sentinel\)/);
  });

  test('an unknown key in the file is refused', () => {
    const edited = new Converter(loaderWith({ [VOCABULARY]: (t) => `${t}\nsentinel_words: [x]\n` }));
    const [r] = edited.convertText(RULES, RULE_FILE, { target: 'kql', format: 'sentinel-rule' });
    expect(r?.errors[0]?.code).toBe('backend-definition');
    expect(r?.errors[0]?.message).toMatch(/^backends\/metadata\/vocabulary\.yml: .*must NOT have additional properties/);
  });
});
