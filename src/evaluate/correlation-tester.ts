import { toDiagnostic, type Diagnostic } from '../core/errors';
import type { PipelineSource } from '../pipeline/merge-pipeline';
import type { ResourceCache } from '../conversion/resource-cache';
import { mapRuleField } from '../correlation/field-map';
import type { SigmaCorrelation, SigmaFilter } from '../correlation/model';
import { parseFilter } from '../correlation/parse-filter';
import { RuleSet, type SourceText } from '../correlation/rule-set';
import type { Placeholders } from '../rule/modifiers';
import { documentKind } from '../rule/parse-rule';
import { parseYamlDocuments } from '../rule/yaml-source';
import { DEFAULT_TIME_FIELD, evaluateCorrelation, eventTime, type CorrelationFiring, type TimedEvent } from './correlation';
import type { PreparedEvent, PreparedRule } from './rule-tester';

/** The documents of a file that are correlations or filters (which `test` evaluates as a set, not one by one). */
export function setDocuments(text: string): Set<number> {
  return new Set(
    parseYamlDocuments(text)
      .filter((d) => !d.error && (documentKind(d.value) === 'correlation' || documentKind(d.value) === 'filter'))
      .map((d) => d.index),
  );
}

/** The filter documents of the run's files; broken ones are reported through `onError`. */
export function collectFilters(texts: readonly { name: string; text: string }[], placeholders: Placeholders | undefined, onError: (file: string, text: string, doc: number, d: Diagnostic) => void): SigmaFilter[] {
  const out: SigmaFilter[] = [];
  for (const { name, text } of texts) {
    const lines = text.split('\n');
    for (const doc of parseYamlDocuments(text)) {
      if (doc.error || documentKind(doc.value) !== 'filter') continue;
      try {
        out.push(parseFilter(doc, lines, { file: name, document: doc.index }, { placeholders }));
      } catch (err) {
        onError(name, text, doc.index, toDiagnostic(err));
      }
    }
  }
  return out;
}

export interface CorrelationVerdict {
  readonly correlation: SigmaCorrelation;
  readonly fired: CorrelationFiring[];
  readonly errors: Diagnostic[];
}

/**
 * Evaluates every correlation of the rule set on one events file: the referenced rules match events
 * through their prepared (per-event) evaluators, then the correlation windows are applied.
 */
export function testCorrelations(
  texts: readonly SourceText[],
  prepared: readonly PreparedRule[],
  events: readonly { index: number; event: PreparedEvent }[],
  options: { resources: ResourceCache; pipeline: string | readonly PipelineSource[]; placeholders?: Placeholders; timeField?: string; maxAlternatives?: number },
): CorrelationVerdict[] {
  const set = new RuleSet(texts, [], { placeholders: options.placeholders, maxAlternatives: options.maxAlternatives });
  const correlations = set.entries.flatMap((e) => (e.kind === 'correlation' ? [e.correlation] : []));
  if (correlations.length === 0) return [];
  const pipeline = options.pipeline === 'none' ? null : options.resources.resolvePipeline(options.pipeline);
  const schemas = pipeline ? options.resources.schemasFor(pipeline) : null;
  const byDoc = new Map(prepared.map((r) => [`${r.file}\u0000${r.document}`, r]));
  const preparedEvents = new Map(events.map((e) => [e.index, e.event]));
  let timed: TimedEvent[] | null = null;
  let timeError: unknown = null;
  try {
    timed = events.map((e) => ({ index: e.index, accessor: e.event.accessor, time: eventTime(e.event.accessor, options.timeField ?? DEFAULT_TIME_FIELD, e.index) }));
  } catch (err) {
    timeError = err;
  }
  return correlations.map((c) => {
    try {
      if (!timed) throw timeError;
      const fired = evaluateCorrelation(c, {
        set,
        events: timed,
        matches: (entry, ev) => {
          const rule = byDoc.get(`${entry.origin.file}\u0000${entry.origin.document}`);
          const pe = preparedEvents.get(ev.index);
          return rule !== undefined && pe !== undefined && rule.errors.length === 0 && rule.matches(pe);
        },
        fieldOf: (entry, field) => mapRuleField(entry.rule, field, pipeline, schemas),
      });
      return { correlation: c, fired, errors: [] };
    } catch (err) {
      return { correlation: c, fired: [], errors: [toDiagnostic(err)] };
    }
  });
}
