import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Argv } from 'yargs';
import { Converter } from '../convert';
import { ResourceCache } from '../conversion/resource-cache';
import { toDiagnostic } from '../core/errors';
import { sortFindings, type Finding } from '../validate/finding';
import { duplicateIdFindings, RuleValidator, type IdDeclaration, type PipelineCheck } from '../validate/validate-rules';
import { toSarif } from '../validate/sarif';
import { loadTaxonomy, type Taxonomy } from '../validate/taxonomy';
import { expandInputs, readRuleText } from './inputs';
import { formatDiagnostic } from './report';
import { createFsLoader } from './fs-loader';
import { ExitCode, type CliIO } from './io';
import { readPipelineArgs } from './pipeline-args';
import { SigmaError } from '../core/errors';

export interface ValidateArgs {
  target?: string;
  pipeline?: string[];
  json?: boolean;
  sarif?: boolean;
  debug?: boolean;
  failOnWarning?: boolean;
  quiet?: boolean;
  paths: string[];
}

export function addValidateOptions<T>(y: Argv<T>) {
  return y
    .option('target', { alias: 't', type: 'string', describe: "also check that the rules convert for this target (with its default pipeline unless --pipeline)" })
    .option('pipeline', { alias: 'p', type: 'string', array: true, nargs: 1, describe: 'also check that this pipeline (a built-in name or a pipeline file; repeat to stack files) maps every field of every rule' })
    .option('json', { type: 'boolean', describe: 'one JSON object per finding per line' })
    .option('sarif', { type: 'boolean', describe: 'a SARIF 2.1.0 log, for code-scanning tools' })
    .option('fail-on-warning', { alias: 'warnings-as-errors', type: 'boolean', describe: 'exit 1 on warnings too (taxonomy, unused identifiers, unmapped fields...), for CI', default: false })
    .option('debug', { type: 'boolean', describe: 'show stack traces of internal errors', default: false });
}

/** The pipeline check the options ask for: none, the target's default pipeline, or the named one. */
function resolvePipelineCheck(args: ValidateArgs): PipelineCheck | null {
  const sources = readPipelineArgs(args.pipeline);
  if (!args.target && !sources) return null;
  const converter = new Converter(createFsLoader());
  const target = args.target ?? (sources === 'none' ? undefined : converter.resolvePipeline(sources as NonNullable<typeof sources>).target);
  if (!target) throw new SigmaError('invalid-value', '--pipeline none needs --target');
  const options = { target, pipeline: sources };
  const plan = converter.plan({ ...options, table: sources === 'none' ? 'Events' : undefined });
  const { pipeline } = plan;
  if (!pipeline) return null; // --pipeline none: field names are kept, nothing to map
  return { resources: converter.resources, plan, pipeline, schemas: plan.schemas };
}

/** `sigma-convert validate PATH...`: report every problem of every rule; exit 1 when any is an error. */
export function runValidate(args: ValidateArgs, io: CliIO, version: string): number {
  if (args.json && args.sarif) {
    io.stderr('sigma-convert: --json and --sarif cannot be combined; choose one output form');
    return ExitCode.Usage;
  }
  let check: PipelineCheck | null;
  try {
    check = resolvePipelineCheck(args);
  } catch (err) {
    io.stderr(`sigma-convert: ${(err as Error).message}`);
    return ExitCode.Usage;
  }
  if (args.paths.length === 0) {
    io.stderr('sigma-convert: give at least one rule file, folder, or - for standard input');
    return ExitCode.Usage;
  }
  let taxonomy: Taxonomy;
  try {
    taxonomy = loadTaxonomy(createFsLoader());
  } catch (err) {
    io.stderr(`sigma-convert: ${(err as Error).message}`);
    return ExitCode.Usage;
  }
  const validator = new RuleValidator(check, taxonomy, (check?.resources ?? new ResourceCache(createFsLoader())).metadata().attack);
  const { files, problems } = expandInputs(args.paths);
  const findings: Finding[] = [];
  const ids: IdDeclaration[] = [];
  const sources = new Map<string, string>();
  const fileProblem = (file: string, message: string, code: Finding['code'] = 'input'): Finding => ({
    file, line: 0, col: 0, document: 0, documents: 0, title: null, id: null, severity: 'error', code, message,
  });
  for (const p of problems) findings.push(fileProblem(p.name, p.message));
  let rules = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readRuleText(file);
    } catch (err) {
      findings.push(fileProblem(file.name, (err as Error).message));
      continue;
    }
    sources.set(file.name, text);
    try {
      const result = validator.validateText(text, file.name);
      findings.push(...result.findings);
      ids.push(...result.ids);
      rules += result.documents;
    } catch (err) {
      // The validator catches per document; this is a last guard so one file never stops the run.
      findings.push(fileProblem(file.name, `${toDiagnostic(err).message}; the other files were still checked`, 'internal'));
      if (args.debug && err instanceof Error && err.stack) io.stderr(err.stack);
    }
  }
  findings.push(...duplicateIdFindings(ids));
  // --quiet: warnings are left out unless they decide the exit status (--fail-on-warning).
  const sorted = sortFindings(findings).filter((f) => f.severity === 'error' || !args.quiet || args.failOnWarning);
  const errors = sorted.filter((f) => f.severity === 'error').length;
  const warnings = sorted.length - errors;

  if (args.sarif) {
    const toUri = (file: string) => (file === '-' ? 'stdin' : path.isAbsolute(file) ? pathToFileURL(file).href : file.split(path.sep).join('/'));
    io.stdout(JSON.stringify(toSarif(sorted, version, toUri), null, 2) + '\n');
  } else if (args.json) {
    io.stdout(sorted.map((f) => JSON.stringify(f) + '\n').join(''));
  } else {
    const blocks = sorted.map((f) =>
      formatDiagnostic(
        { code: f.code, message: f.message, line: f.line || undefined, col: f.col || undefined },
        { file: f.file, document: f.document, documents: f.documents, title: f.title, id: f.id },
        sources.get(f.file) ?? null,
        f.severity,
      ),
    );
    if (blocks.length) io.stdout(blocks.join('\n') + '\n');
  }
  if (!args.quiet) io.stderr(`sigma-convert validate: ${files.length} file(s), ${rules} document(s): ${errors} error(s), ${warnings} warning(s)${args.failOnWarning && warnings ? ' (--fail-on-warning: exit 1)' : ''}`);
  return errors > 0 || (args.failOnWarning && warnings > 0) ? ExitCode.RuleFailed : ExitCode.Ok;
}
