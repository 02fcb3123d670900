/**
 * Golden files of the output formats (docs/formats.md): the T1040 pack in every format of every target,
 * at test/golden/<target>/<format>/<rule path>.<ext>, exactly as the CLI prints them. Part of
 * computeGoldens, so `npm run golden:update` writes them and test/golden.test.ts compares them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Converter } from '../src/convert';
import { createFsLoader } from '../src/cli/fs-loader';
import { convertCollectionFormat } from '../src/output/collection-format';
import type { GoldenEntry } from './golden-cases';
import { combineStream } from '../src/output/stream';
import { slugify } from '../src/cli/output-names';
import { listTargets } from '../src/render/backend-def';
import type { ConvertOptions } from '../src/convert';

export const FORMAT_GOLDEN_RULES = ['sigma/t1040/net_sniffing_t1040.yml'] as const;
const CORRELATION_GOLDEN = 'sigma/t1040/net_sniffing_t1040_correlation.yml';
/**
 * The other targets a page golden lists, pinned: a page lists every target by default, so without this a
 * new backend would rewrite every other target's page goldens. A new target's own page lists these.
 */
export const PAGE_OTHER_TARGETS = ['eql', 'kql', 'splunk'] as const;

/** Every (target, non-query format) output of each rule file; `queries` stays empty (these are not bare queries). */
export function computeFormatGoldens(root: string): GoldenEntry[] {
  const converter = new Converter(createFsLoader(root));
  const out: GoldenEntry[] = [];
  const targets = listTargets(converter.loader);
  for (const rulePath of FORMAT_GOLDEN_RULES) {
    const text = fs.readFileSync(path.join(root, rulePath), 'utf8');
    for (const target of targets) {
      for (const [format, def] of Object.entries(converter.backend(target).formats)) {
        if (format === 'query') continue;
        const options: ConvertOptions = def.others ? { target, format, settings: { other_targets: PAGE_OTHER_TARGETS } } : { target, format };
        const resolved = converter.resolveOptions(options);
        let content: string;
        if (def.collection) {
          const r = convertCollectionFormat(converter, text, rulePath, options);
          content = (r.text ?? '') + '\n';
        } else {
          const results = converter.convertText(text, rulePath, options);
          const failed = results.filter((r) => !r.ok);
          if (failed.length) throw new Error(`${rulePath} (${target} ${format}): ${failed.map((r) => r.errors.map((e) => e.message).join('; ')).join('; ')}`);
          if (def.stream === 'one-per-file') {
            // One file per rule, as -o DIR/ writes them.
            for (const r of results) {
              out.push({
                goldenPath: `test/golden/${target}/${format}/${rulePath.replace(/\.ya?ml$/i, '')}/${slugify(r.title ?? '')}.${def.extension}`,
                content: r.queries.join('\n\n') + '\n',
                target,
                pipeline: resolved.pipelineName,
                rulePath,
                queries: [],
              });
            }
            continue;
          }
          // The whole file to one stream: one valid document of the format.
          content = combineStream(format, def, results.map((r) => ({ text: r.queries.join('\n\n'), id: r.id }))) + '\n';
        }
        out.push({
          goldenPath: `test/golden/${target}/${format}/${rulePath.replace(/\.ya?ml$/i, '')}.${def.extension}`,
          content,
          target,
          pipeline: resolved.pipelineName,
          rulePath,
          queries: [],
        });
      }
    }
  }
  // The T1040 correlation in every format that deploys correlations, converted with the rules it names.
  const pack = FORMAT_GOLDEN_RULES.map((f) => ({ file: f, text: fs.readFileSync(path.join(root, f), 'utf8') }));
  const correlation = { file: CORRELATION_GOLDEN, text: fs.readFileSync(path.join(root, CORRELATION_GOLDEN), 'utf8') };
  for (const target of targets) {
    for (const [format, def] of Object.entries(converter.backend(target).formats)) {
      if (!def.correlations) continue;
      const options = { target, format };
      const results = converter.convertCollection([...pack, correlation], options).filter((r) => r.file === CORRELATION_GOLDEN);
      const failed = results.filter((r) => !r.ok);
      if (failed.length) throw new Error(`${CORRELATION_GOLDEN} (${target} ${format}): ${failed.map((r) => r.errors.map((e) => e.message).join('; ')).join('; ')}`);
      out.push({
        goldenPath: `test/golden/${target}/${format}/${CORRELATION_GOLDEN.replace(/\.ya?ml$/i, '')}.${def.extension}`,
        content: combineStream(format, def, results.map((r) => ({ text: r.queries.join('\n\n'), id: r.id }))) + '\n',
        target,
        pipeline: converter.resolveOptions(options).pipelineName,
        rulePath: CORRELATION_GOLDEN,
        queries: [],
      });
    }
  }
  return out;
}
