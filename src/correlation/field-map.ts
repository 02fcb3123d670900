import { SigmaError } from '../core/errors';
import type { Expr, SourceLocation } from '../ir/types';
import { applyPipeline } from '../pipeline/apply-pipeline';
import type { PipelineDef, TableSchemas } from '../pipeline/types';
import type { SigmaRule } from '../rule/model';
import { predicatesOf } from '../ir/visit';

/**
 * The target column a Sigma field of a rule becomes under the pipeline, found by running the
 * pipeline engine itself on a one-predicate expression, so correlations map `group-by` and
 * `field` exactly as rules map their detections (same logsource entry, same schema checks).
 */
export function mapRuleField(rule: SigmaRule, field: string, pipeline: PipelineDef | null, schemas: TableSchemas | null, loc?: SourceLocation): string {
  if (!pipeline) return field;
  const mapped = applyPipeline({ expr: { kind: 'exists', field, loc: loc ?? rule.loc }, logsource: rule.logsource, span: rule.logsourceLoc }, pipeline, schemas);
  const fields = new Set<string>();
  collectExists(mapped.expr, fields);
  const only = [...fields];
  if (only.length !== 1) {
    throw new SigmaError(
      'correlation',
      `field '${field}' of rule '${rule.title}' maps to ${only.length ? `several fields (${only.join(', ')})` : 'no field'} in pipeline '${pipeline.name}'; a correlation can only group or aggregate on one`,
      loc,
    );
  }
  return only[0] as string;
}

function collectExists(e: Expr, out: Set<string>): void {
  for (const p of predicatesOf(e)) if (p.kind === 'exists') out.add(p.field);
}
