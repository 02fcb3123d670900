import { SigmaError, toDiagnostic } from '../core/errors';
import type { Converter, ConvertOptions, RuleResult } from '../convert';
import { parseYamlDocuments } from '../rule/yaml-source';
import { documentKind, parseRule } from '../rule/parse-rule';
import { own } from '../core/own';

export interface CollectionOutput {
  /** One result per document (queries empty: the rules' text is the collection's). */
  readonly results: RuleResult[];
  /** The collection rendered once for the whole file; null when no rule converted. */
  readonly text: string | null;
}

/**
 * A collection format (`collection: true` in backends/<target>.yml, e.g. KQL `hunting`) renders all rules
 * of one file through one template, which reads `rules` (each rule's full format context) and `failed`
 * (title and reason of each rule that did not convert, so the output says what it leaves out).
 */
export function convertCollectionFormat(converter: Converter, text: string, file: string, options: ConvertOptions): CollectionOutput {
  const resolved = converter.resolveOptions(options);
  const format = own(resolved.backend.formats, resolved.format);
  if (!format?.collection) throw new SigmaError('internal', `format '${resolved.format}' is not a collection format`);
  const lines = text.split('\n');
  const results: RuleResult[] = [];
  const contexts: Record<string, unknown>[] = [];
  const failed: { title: string; error: string }[] = [];
  for (const doc of parseYamlDocuments(text)) {
    const value = (doc.value ?? {}) as Record<string, unknown>;
    const title = typeof value.title === 'string' ? value.title : null;
    const id = typeof value.id === 'string' ? value.id : null;
    const base = { file, document: doc.index, id, title, target: resolved.backend.name, pipeline: resolved.pipelineName, format: resolved.format };
    try {
      if (doc.error) throw doc.error;
      const kind = documentKind(doc.value);
      if (kind !== 'rule') {
        throw new SigmaError('unsupported-feature', `document ${doc.index} is ${kind === 'unknown' ? 'not a Sigma rule' : `a Sigma ${kind} rule`}: the ${resolved.format} format unions detection rules only`, {
          line: doc.firstLine,
          col: 1,
        });
      }
      const rule = parseRule(doc, lines, { placeholders: options.placeholders, maxAlternatives: options.limits?.alternatives });
      const converted = converter.convertRule(rule, options, resolved, file);
      contexts.push(converted.output.context);
      results.push({ ...base, ok: true, queries: [], errors: [], warnings: [...converted.mapped.warnings, ...converted.output.warnings] });
    } catch (err) {
      const diagnostic = toDiagnostic(err);
      failed.push({ title: title ?? `document ${doc.index}`, error: diagnostic.message });
      results.push({ ...base, ok: false, queries: [], errors: [diagnostic], warnings: [] });
    }
  }
  if (contexts.length === 0) return { results, text: null };
  const times = new Set(contexts.map((c) => c.time_column));
  const context = {
    rules: contexts,
    failed,
    file,
    target: resolved.backend.name,
    pipeline: resolved.pipelineName,
    // Sorting needs one time column shared by every branch.
    time_column: times.size === 1 ? (contexts[0]?.time_column ?? null) : null,
  };
  return { results, text: converter.template(format.template)(context).replace(/\s+$/, '') };
}
