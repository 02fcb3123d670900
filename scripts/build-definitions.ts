/**
 * Build step: parses every backends/**\/*.yml once and stores the values as JSON, so a CLI run reads
 * a definition with JSON.parse instead of the YAML parser (most of a one-rule run's definition cost).
 * Each entry keeps its source text and is used only when the file read at run time is exactly that
 * text: a definition edited without rebuilding is parsed from YAML as before. Values JSON cannot
 * carry unchanged (dates, non-finite numbers) are left out.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { parseDataYaml } from '../src/core/data-yaml';

const root = path.join(__dirname, '..', '..');
const entries: string[] = [];
const walk = (rel: string): void => {
  for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
    const child = `${rel}/${name}`;
    if (fs.statSync(path.join(root, child)).isDirectory()) walk(child);
    else if (name.endsWith('.yml')) {
      const source = fs.readFileSync(path.join(root, child), 'utf8');
      let value: unknown;
      try {
        value = parseDataYaml(source, child, 'backend-definition');
      } catch {
        continue; // a broken file keeps its error at run time
      }
      const json = JSON.stringify(value);
      if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) continue;
      entries.push(`${JSON.stringify(child)}: { source: ${JSON.stringify(source)}, json: ${JSON.stringify(json)} }`);
    }
  }
};
walk('backends');
const out = path.join(__dirname, '..', 'src', 'generated');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'definition-data.js'), `"use strict";\nmodule.exports = {\n${entries.join(',\n')}\n};\n`);
console.log(`stored ${entries.length} parsed definition files in dist/src/generated/`);
