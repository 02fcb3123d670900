import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { computeGoldens } from '../scripts/golden-cases';
import { Converter } from '../src/convert';
import { createFsLoader } from '../src/cli/fs-loader';
import { kqlDiagnostics, type TableColumns } from './support/kusto';

/**
 * Every KQL query we pin must be valid for Microsoft's own analyser: zero syntax errors, zero
 * unknown tables or columns, no operator applied to a type it does not accept.
 */
const ROOT = path.resolve(__dirname, '..');
const featureTables = yaml.load(fs.readFileSync(path.join(ROOT, 'test/rules/sigma-events-table.yml'), 'utf8')) as Record<string, TableColumns>;
const kqlGoldens = computeGoldens(ROOT).filter((e) => e.target === 'kql' && e.queries.length > 0);

/** The schema a pipeline checks columns against (none for --pipeline none: the feature table only). */
function pipelineSchema(pipeline: string): string | undefined {
  if (pipeline === 'none') return undefined;
  const def = yaml.load(fs.readFileSync(path.join(ROOT, 'backends/pipelines', `${pipeline}.yml`), 'utf8')) as { schema?: string };
  return def.schema;
}

function describeErrors(query: string, pipeline: string): string[] {
  return kqlDiagnostics(query, featureTables, pipelineSchema(pipeline)).map((d) => `${d.code} at ${d.start} (…${query.slice(Math.max(0, d.start - 20), d.start + 20)}…): ${d.message}`);
}

describe("KQL goldens pass Microsoft's parser", () => {
  it('has KQL goldens to check', () => {
    expect(kqlGoldens.length).toBeGreaterThan(30);
  });

  it.each(kqlGoldens.map((e) => [e.goldenPath, e] as const))('%s', (_p, entry) => {
    for (const q of entry.queries) expect(describeErrors(q, entry.pipeline)).toEqual([]);
  });

  it('reports an unknown column and a syntax error (the check can fail)', () => {
    expect(kqlDiagnostics('DeviceProcessEvents | where NoSuchColumn =~ "x"').map((d) => d.code)).toEqual(['KS142']);
    expect(kqlDiagnostics('DeviceProcessEvents | where FolderPath =~').length).toBeGreaterThan(0);
    expect(kqlDiagnostics('SigmaEvents | where Elevated =~ true', featureTables).length).toBeGreaterThan(0);
  });
});

describe('the T1040 pack under both KQL pipelines', () => {
  const converter = new Converter(createFsLoader(ROOT));
  const dir = path.join(ROOT, 'sigma');
  const files = (function walk(d: string): string[] {
    return fs.readdirSync(d).sort().flatMap((n) => {
      const p = path.join(d, n);
      return fs.statSync(p).isDirectory() ? walk(p) : /\.ya?ml$/i.test(n) ? [p] : [];
    });
  })(dir);

  it.each(['defender-xdr', 'sentinel'])('pipeline %s: every query parses with no unknown column', (pipeline) => {
    let count = 0;
    // Converted together, as the CLI does for a folder: a correlation names rules of another file.
    const sources = files.map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
    for (const r of converter.convertCollection(sources, { target: 'kql', pipeline })) {
      expect(r.errors).toEqual([]);
      for (const q of r.queries) {
        count++;
        expect(describeErrors(q, pipeline)).toEqual([]);
      }
    }
    expect(count).toBeGreaterThanOrEqual(3);
  });
});
