/**
 * Where the time of a whole-corpus conversion goes, phase by phase, in one process: walk, read, YAML
 * parse, rule parse, pipeline, render, format, write. Each phase runs over every rule before the
 * next starts (so one phase's cost is not hidden in another's warm-up), for plain detection rules
 * the way Converter.convertRule does it; documents a phase refuses drop out of the later phases.
 * Used by `npm run bench`; also runnable alone: `node dist/scripts/bench-phases.js [target]`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Converter, type ConvertOptions } from '../src/convert';
import { SigmaError } from '../src/core/errors';
import { createFsLoader } from '../src/cli/fs-loader';
import { expandInputs, readRuleText } from '../src/cli/inputs';
import { parseYamlDocuments, type YamlDocument } from '../src/rule/yaml-source';
import { documentKind, parseRule } from '../src/rule/parse-rule';
import type { SigmaRule } from '../src/rule/model';
import { applyPipeline, identityPipeline, ruleInput, type PipelineResult } from '../src/pipeline/apply-pipeline';
import { renderQuery, type RenderedQuery } from '../src/render/render-query';
import { renderRuleFormat } from '../src/output/format-renderer';
import { CORPUS_FOLDERS } from './corpus-run';

export interface PhaseTimes {
  readonly target: string;
  readonly files: number;
  readonly rules: number;
  /** Milliseconds per phase, in pipeline order. */
  readonly phases: readonly { readonly name: string; readonly ms: number }[];
}

/** Times each phase of converting the corpus for one target (its default pipeline, format query). */
export function benchPhases(corpus: string, target: string): PhaseTimes {
  const converter = new Converter(createFsLoader());
  const options: ConvertOptions = { target };
  const phases: { name: string; ms: number }[] = [];
  const time = <T>(name: string, fn: () => T): T => {
    const started = process.hrtime.bigint();
    const result = fn();
    phases.push({ name, ms: Number(process.hrtime.bigint() - started) / 1e6 });
    return result;
  };
  const resolved = time('definitions', () => converter.plan(options));
  const { backend, pipeline } = resolved;
  const schemas = pipeline?.schema ? converter.resources.schema(pipeline.schema) : null;

  // As the CLI does: the folders walked, each file read (bounded) and decoded.
  const inputs = time('walk', () => expandInputs(CORPUS_FOLDERS.map((f) => path.join(corpus, f)).filter((d) => fs.existsSync(d))).files);
  const files = inputs.map((f) => f.name);
  const texts = time('read', () =>
    inputs.map((f) => {
      try {
        return readRuleText(f);
      } catch (err) {
        if (!(err instanceof SigmaError)) throw err;
        return '';
      }
    }),
  );
  // Lines are split only when a rule needs them (an error location), as in the CLI.
  const docs = time('yaml parse', () => texts.map((text) => ({ lines: () => text.split('\n'), docs: parseYamlDocuments(text) })));
  const rules = time('rule parse', () => {
    const out: { rule: SigmaRule; file: string }[] = [];
    docs.forEach((d, i) => {
      for (const doc of d.docs as YamlDocument[]) {
        if (doc.error || documentKind(doc.value) !== 'rule') continue;
        try {
          out.push({ rule: parseRule(doc, d.lines), file: files[i] as string });
        } catch (err) {
          if (!(err instanceof SigmaError)) throw err;
          // refused rules drop out, as in the CLI (which reports them)
        }
      }
    });
    return out;
  });
  const mapped = time('pipeline', () => {
    const out: { rule: SigmaRule; file: string; mapped: PipelineResult }[] = [];
    for (const r of rules) {
      try {
        out.push({ ...r, mapped: pipeline ? applyPipeline(ruleInput(r.rule), pipeline, schemas) : identityPipeline(ruleInput(r.rule)) });
      } catch (err) {
        if (!(err instanceof SigmaError)) throw err;
        // unmapped logsource: reported by the CLI
      }
    }
    return out;
  });
  const rendered = time('render', () => {
    const out: { rule: SigmaRule; file: string; mapped: PipelineResult; query: RenderedQuery }[] = [];
    for (const r of mapped) {
      try {
        out.push({ ...r, query: renderQuery(r.mapped.expr, backend, { pipelineTable: r.mapped.table, logsourceLoc: r.rule.logsourceLoc }, pipeline?.stages) });
      } catch (err) {
        if (!(err instanceof SigmaError)) throw err;
        // inexpressible in the target: reported by the CLI
      }
    }
    return out;
  });
  const blocks = time('format', () => {
    const out: string[] = [];
    for (const r of rendered) {
      try {
        out.push(renderRuleFormat(converter.resources, resolved, { rule: r.rule, mapped: r.mapped, query: r.query, table: r.mapped.table }, r.file, () => []).text);
      } catch (err) {
        if (!(err instanceof SigmaError)) throw err;
        // a format refusal: reported by the CLI
      }
    }
    return out;
  });
  time('write', () => {
    const fd = fs.openSync('/dev/null', 'w');
    fs.writeSync(fd, blocks.join('\n\n') + '\n');
    fs.closeSync(fd);
  });
  return { target, files: files.length, rules: blocks.length, phases };
}

if (require.main === module) {
  const corpus = process.env.SIGMA_CORPUS ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'sigmahq');
  const r = benchPhases(corpus, process.argv[2] ?? 'kql');
  console.log(`${r.target}: ${r.files} files, ${r.rules} queries; ` + r.phases.map((p) => `${p.name} ${p.ms.toFixed(0)} ms`).join(', '));
}
