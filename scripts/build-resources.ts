/**
 * Build step: prepares every resource file the core reads through its loader (backends/**, templates/**),
 * so a run does no YAML parse, no schema check and no template compile for the built-in files:
 * - a YAML data file: its parsed value, and the names of the definition schemas it satisfies
 *   (checked here with the validators the run would use: src/core/definition-schema.ts);
 * - a Handlebars template: its precompiled template spec.
 * For the CLI each file gets its own entry under dist/src/generated/built/ (a run reads only what it
 * uses), with the text it was made from: src/cli/fs-loader.ts uses an entry only for exactly that text,
 * so a file edited without rebuilding is parsed, checked or compiled at run time as before.
 * The browser bundle (scripts/build-web.ts) embeds the same entries. Values JSON cannot carry unchanged
 * (dates, non-finite numbers) and files that do not parse are left out: they keep their run-time path.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import Handlebars from 'handlebars';
import * as yaml from 'js-yaml';
import { definitionValidator, schemaText } from '../src/core/definition-schema';
import { DEFINITION_SCHEMAS } from '../src/core/definition-schemas';
import { TEMPLATE_OPTIONS } from '../src/render/handlebars';
import { PROJECT_ROOT, sourceFiles } from './source-files';

export interface PreparedResource {
  readonly path: string;
  readonly text: string;
  /** A data file's value as JSON text, and the names (in DEFINITION_SCHEMAS) of the schemas it satisfies. */
  readonly json?: string;
  readonly checked?: readonly string[];
  /** A template's spec, as JavaScript source. */
  readonly templateSpec?: string;
}

/** The folders the core reads through its loader, and the files in them it reads. */
export const RESOURCE_DIRS = ['backends', 'templates'] as const;
export const RESOURCE_FILE = /\.(ya?ml|hbs)$/;

function prepareData(text: string): Pick<PreparedResource, 'json' | 'checked'> | undefined {
  let value: unknown;
  try {
    value = yaml.load(text);
  } catch {
    return undefined; // a broken file keeps its error at run time
  }
  const json = JSON.stringify(value);
  if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) return undefined;
  const checked = Object.entries(DEFINITION_SCHEMAS)
    .filter(([, schema]) => definitionValidator(schema)(JSON.parse(json)))
    .map(([name]) => name);
  return { json, checked };
}

/** Name → JSON text of every definition schema, as the build checked against them (what BuiltResource.checked lists). */
export function schemaTexts(): Record<string, string> {
  return Object.fromEntries(Object.entries(DEFINITION_SCHEMAS).map(([name, schema]) => [name, schemaText(schema)]));
}

/** Every resource file of the project, prepared. */
export function prepareResources(): PreparedResource[] {
  const out: PreparedResource[] = [];
  for (const dir of RESOURCE_DIRS) {
    for (const { path: file, text } of sourceFiles(dir, RESOURCE_FILE)) {
      const base = { path: file, text };
      if (file.endsWith('.hbs')) out.push({ ...base, templateSpec: Handlebars.precompile(text, TEMPLATE_OPTIONS) as string });
      else {
        const data = prepareData(text);
        if (data) out.push({ ...base, ...data });
      }
    }
  }
  return out;
}

/** Writes one entry per file under dist/src/generated/built/ (the layout src/cli/fs-loader.ts reads). */
function writeBuilt(resources: readonly PreparedResource[]): void {
  const out = path.join(__dirname, '..', 'src', 'generated', 'built');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'schemas.json'), JSON.stringify(schemaTexts()));
  for (const r of resources) {
    const file = path.join(out, ...r.path.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (r.templateSpec !== undefined) {
      fs.writeFileSync(`${file}.js`, `"use strict";\nmodule.exports = { source: ${JSON.stringify(r.text)}, template: ${r.templateSpec} };\n`);
    } else {
      fs.writeFileSync(`${file}.json`, `{"source":${JSON.stringify(r.text)},"checked":${JSON.stringify(r.checked)},"value":${r.json}}\n`);
    }
  }
}

if (require.main === module) {
  const resources = prepareResources();
  writeBuilt(resources);
  const templates = resources.filter((r) => r.templateSpec !== undefined).length;
  console.log(`prepared ${resources.length - templates} data files and ${templates} templates into dist/src/generated/built/ (from ${path.relative(process.cwd(), PROJECT_ROOT) || '.'})`);
}
