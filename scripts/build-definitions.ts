/**
 * Build step: parses every backends/**\/*.yml once and stores the values as JSON, so a CLI run reads
 * a definition with JSON.parse instead of the YAML parser (most of a one-rule run's definition cost).
 * Each entry keeps its source text and is used only when the file read at run time is exactly that
 * text: a definition edited without rebuilding is parsed from YAML as before. Values JSON cannot
 * carry unchanged (dates, non-finite numbers) are left out.
 */
import { isDeepStrictEqual } from 'util';
import { parseDataYaml } from '../src/core/data-yaml';
import { SigmaError } from '../src/core/errors';
import { sourceFiles, writeGeneratedMap } from './source-files';

const entries: string[] = [];
for (const { path: file, text: source } of sourceFiles('backends', '.yml')) {
  let value: unknown;
  try {
    value = parseDataYaml(source, file, 'backend-definition');
  } catch (err) {
    if (!(err instanceof SigmaError)) throw err;
    continue; // a broken file keeps its error at run time
  }
  const json = JSON.stringify(value);
  if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) continue;
  entries.push(`${JSON.stringify(file)}: { source: ${JSON.stringify(source)}, json: ${JSON.stringify(json)} }`);
}
writeGeneratedMap('definition-data.js', entries);
console.log(`stored ${entries.length} parsed definition files in dist/src/generated/`);
