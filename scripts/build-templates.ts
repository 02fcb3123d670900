/**
 * Build step: precompiles every templates/**\/*.hbs to a Handlebars template spec, so a CLI run loads
 * only the Handlebars runtime. Each entry keeps its source: a template edited without rebuilding is
 * compiled at run time instead.
 */
import Handlebars from 'handlebars';
import { TEMPLATE_OPTIONS } from '../src/render/handlebars';
import { sourceFiles, writeGeneratedMap } from './source-files';

const entries = sourceFiles('templates', '.hbs').map(
  ({ path: file, text: source }) => `${JSON.stringify(file)}: { source: ${JSON.stringify(source)}, spec: ${Handlebars.precompile(source, TEMPLATE_OPTIONS) as string} }`,
);
writeGeneratedMap('templates.js', entries);
console.log(`precompiled ${entries.length} templates into dist/src/generated/`);
