/**
 * Runs rules through the SQL targets and their real engines, and compares the events each query selects
 * with the events the evaluator matches on the same (pipeline-mapped) expression.
 */
import { Converter, type ConvertOptions } from '../../src/convert';
import { compileExpr, type CompiledExpr } from '../../src/evaluate/evaluate-expr';
import { createEventAccessor } from '../../src/evaluate/event-accessor';
import { parseRule } from '../../src/rule/parse-rule';
import { documentKind } from '../../src/rule/parse-rule';
import { parseYamlDocuments } from '../../src/rule/yaml-source';
import type { Placeholders } from '../../src/rule/modifiers';
import { generateEvents } from './sql-events';
import { identityPipeline, ruleInput } from '../../src/pipeline/apply-pipeline';
import type { Expr } from '../../src/ir/types';
import type { SqlEngine } from './sql-engines';

export interface RuleFile {
  readonly file: string;
  readonly text: string;
}

export interface Disagreement {
  readonly file: string;
  readonly engine: string;
  readonly query: string;
  /** The engine's error, when it could not run the query. */
  readonly error?: string;
  /** Events the evaluator matches that the query does not select, and the reverse. */
  readonly missed: readonly Record<string, string>[];
  readonly extra: readonly Record<string, string>[];
}

export interface AgreementReport {
  /** Rules converted and run (per engine). */
  compared: number;
  /** Rules the target refused (per engine), with the first messages. */
  refused: number;
  /** Rules the evaluator cannot run (e.g. a placeholder without values): not compared. */
  notEvaluable: number;
  /** Events checked in total (per engine). */
  events: number;
  /** Events the evaluator matched (so the checks are not all negatives). */
  matched: number;
  readonly refusals: string[];
  readonly disagreements: Disagreement[];
}

export function emptyReport(): AgreementReport {
  return { compared: 0, refused: 0, notEvaluable: 0, events: 0, matched: 0, refusals: [], disagreements: [] };
}

/** Converts each rule document for the engine's target and checks its query against the evaluator. */
export async function checkAgreement(
  converter: Converter,
  engine: SqlEngine,
  files: readonly RuleFile[],
  options: Omit<ConvertOptions, 'target'> & { placeholders?: Placeholders },
  report: AgreementReport,
): Promise<void> {
  const opts: ConvertOptions = { ...options, target: engine.name, format: 'query' };
  for (const { file, text } of files) {
    const lines = text.split('\n');
    for (const doc of parseYamlDocuments(text)) {
      if (doc.error) {
        report.refused++;
        report.refusals.push(`${file}: ${doc.error.message}`);
        continue;
      }
      if (documentKind(doc.value) !== 'rule') continue;
      let query: string;
      let test: CompiledExpr;
      let expr;
      try {
        const rule = parseRule(doc, lines, { placeholders: options.placeholders });
        const converted = converter.convertRule(rule, opts, file);
        query = converted.text.trim();
        // The reference is the rule itself (the flat table keeps its field names), not the pipeline's output:
        // numbers and networks are then checked as Sigma reads them. Keywords search the log line, `message`.
        expr = options.pipeline === 'none' ? converted.mapped.expr : keywordsInMessage(identityPipeline(ruleInput(rule)).expr);
      } catch (err) {
        report.refused++;
        if (report.refusals.length < 2000) report.refusals.push(`${file}: ${(err as Error).message}`);
        continue;
      }
      try {
        test = compileExpr(expr);
      } catch {
        report.notEvaluable++;
        continue;
      }
      const { columns, events } = generateEvents(expr, file.length + doc.index, options.pipeline !== 'none');
      const expected = new Set<number>();
      events.forEach((e, i) => {
        if (test(createEventAccessor(e))) expected.add(i);
      });
      let selected: Set<number>;
      try {
        selected = new Set(await engine.select(columns, events, query));
      } catch (err) {
        report.disagreements.push({ file, engine: engine.name, query, error: (err as Error).message, missed: [], extra: [] });
        continue;
      }
      report.compared++;
      report.events += events.length;
      report.matched += expected.size;
      const missed = [...expected].filter((i) => !selected.has(i)).map((i) => events[i] as Record<string, string>);
      const extra = [...selected].filter((i) => !expected.has(i)).map((i) => events[i] as Record<string, string>);
      if (missed.length || extra.length) report.disagreements.push({ file, engine: engine.name, query, missed: missed.slice(0, 3), extra: extra.slice(0, 3) });
    }
  }
}

/** Keywords (unbound values) as the flat pipelines read them: a case-insensitive contains on `message`. */
function keywordsInMessage(e: Expr): Expr {
  switch (e.kind) {
    case 'and':
    case 'or':
      return { ...e, args: e.args.map(keywordsInMessage) };
    case 'not':
      return { ...e, arg: keywordsInMessage(e.arg) };
    case 'keyword':
      return { kind: 'match', field: 'message', value: { type: 'string', parts: [{ wildcard: 'multi' }, ...e.value.parts, { wildcard: 'multi' }] }, cased: e.cased, loc: e.loc };
    case 'regex':
      return e.field === null ? { ...e, field: 'message' } : e;
    default:
      return e;
  }
}
