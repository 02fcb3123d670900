/**
 * Pipelines describe a data model; a target uses every pipeline of a data model it queries. eql, lucene and
 * esql share the ecs pipeline: the same field mapping, and the EQL event category as an event.category condition.
 */
import * as path from 'path';
import { Converter } from '../src/convert';
import { createFsLoader } from '../src/cli/fs-loader';

const ROOT = path.resolve(__dirname, '..');
const converter = new Converter(createFsLoader(ROOT));

const RULE = `title: Whoami
id: 6f6b6d3c-1111-4a3b-9c1d-000000000001
logsource: {category: process_creation, product: windows}
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  filter:
    ParentImage: 'C:\\Windows\\explorer.exe'
  condition: selection and not filter
`;

function convert(target: string, pipeline?: string | { file: string; text: string }[]) {
  const [r] = converter.convertText(RULE, 'r.yml', { target, pipeline });
  return r;
}

describe('data models', () => {
  it('eql, lucene and esql all take the ecs pipeline by default', () => {
    for (const target of ['eql', 'lucene', 'esql']) {
      const r = convert(target);
      expect(r?.pipeline).toBe('ecs');
      expect(r?.errors).toEqual([]);
    }
  });

  it('the EQL event category is a condition on event.category for lucene and esql', () => {
    expect(convert('eql')?.queries[0]).toMatch(/^process where /);
    expect(convert('lucene')?.queries[0]).toMatch(/^event\.category:"process" AND /);
    expect(convert('esql')?.queries[0]).toContain('| WHERE MV_CONTAINS(event.category, "process") AND ');
  });

  it('the three targets read the same ECS fields', () => {
    for (const target of ['eql', 'lucene', 'esql']) {
      const q = convert(target)?.queries[0] ?? '';
      expect(q).toContain('process.executable');
      expect(q).toContain('process.parent.executable');
      expect(q).not.toContain('ParentImage');
    }
  });

  it('a pipeline of a data model the target does not query is refused, naming both', () => {
    expect(() => converter.resolveOptions({ target: 'kql', pipeline: 'ecs' })).toThrow(
      "pipeline 'ecs' describes data model 'ecs', which target 'kql' does not query (it queries defender, sentinel)",
    );
    expect(() => converter.resolveOptions({ target: 'lucene', pipeline: 'splunk-windows' })).toThrow(/data model 'windows', which target 'lucene' does not query \(it queries ecs\)/);
  });

  it('a pipeline without a data model serves only its own target', () => {
    const own = [{ file: 'mine.yml', text: 'name: mine\ntarget: eql\nlogsources:\n  - match: {category: process_creation}\n    table: process\n' }];
    expect(convert('eql', own)?.errors).toEqual([]);
    expect(() => converter.resolveOptions({ target: 'lucene', pipeline: own })).toThrow("pipeline 'mine' is for target 'eql', not 'lucene'");
  });

  it('a pipeline extending ecs keeps its data model, so lucene can use it', () => {
    const layer = [{ file: 'extra.yml', text: 'extends: ecs\nfields:\n  Image: process.name\n' }];
    const r = convert('lucene', layer);
    expect(r?.errors).toEqual([]);
    expect(r?.queries[0]).toContain('process.name:');
  });
});
