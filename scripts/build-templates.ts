/**
 * Build step: precompiles every templates/**\/*.hbs to a Handlebars template spec, so a CLI run loads
 * only the Handlebars runtime. Each entry keeps its source: a template edited without rebuilding is
 * compiled at run time instead.
 */
import * as fs from 'fs';
import * as path from 'path';
import Handlebars from 'handlebars';
import { TEMPLATE_OPTIONS } from '../src/render/handlebars';

const root = path.join(__dirname, '..', '..');
const entries: string[] = [];
const walk = (rel: string): void => {
  for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
    const child = `${rel}/${name}`;
    if (fs.statSync(path.join(root, child)).isDirectory()) walk(child);
    else if (name.endsWith('.hbs')) {
      const source = fs.readFileSync(path.join(root, child), 'utf8');
      const spec = Handlebars.precompile(source, TEMPLATE_OPTIONS) as string;
      entries.push(`${JSON.stringify(child)}: { source: ${JSON.stringify(source)}, spec: ${spec} }`);
    }
  }
};
walk('templates');
const out = path.join(__dirname, '..', 'src', 'generated');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'templates.js'), `"use strict";\nmodule.exports = {\n${entries.join(',\n')}\n};\n`);
console.log(`precompiled ${entries.length} templates into dist/src/generated/`);
