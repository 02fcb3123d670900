/**
 * Events in the page, as `sigma-convert test --events FILE RULES` evaluates them: which rules match which
 * events, and which correlations fire (on the events their rules match), with the rules' own field names
 * or a pipeline's.
 */
import type { Converter } from '../../src/index';
import type { ResourceLoader } from '../../src/core/resources';
import { RuleTester } from '../../src/evaluate/rule-tester';
import { parseEvents } from '../../src/evaluate/read-events';
import { createEventAccessor } from '../../src/evaluate/event-accessor';
import { collectFilters, setDocuments, testCorrelations } from '../../src/evaluate/correlation-tester';

export interface RuleVerdict {
  readonly title: string;
  readonly kind: 'rule' | 'correlation';
  readonly matched: readonly number[];
  readonly fired?: readonly { group: Record<string, unknown>; events: number[] }[];
  readonly errors: readonly string[];
}

export interface EventsReport {
  readonly total: number;
  readonly problems: readonly string[];
  readonly verdicts: readonly RuleVerdict[];
}

export function evaluateEvents(loader: ResourceLoader, converter: Converter, rulesText: string, file: string, eventsText: string, pipeline: string): EventsReport {
  const tester = new RuleTester(loader);
  tester.checkPipeline(pipeline);
  const parsed = parseEvents(eventsText);
  const problems = parsed.problems.map((p) => `events${p.line ? `:${p.line}` : ''}: ${p.message}`);
  if (parsed.moreProblems) problems.push(`events: ${parsed.moreProblems} more problem${parsed.moreProblems === 1 ? '' : 's'}`);
  const events = parsed.events.map((e) => ({ index: e.index, event: tester.prepareEvent(createEventAccessor(e.value)) }));
  const filterErrors: string[] = [];
  const filters = collectFilters([{ name: file, text: rulesText }], undefined, (_f, _t, doc, d) => filterErrors.push(`document ${doc}: ${d.message}`));
  const setDocs = setDocuments(rulesText);
  const rules = tester.prepareText(rulesText, file, { pipeline, filters }).filter((r) => !setDocs.has(r.document));
  const verdicts: RuleVerdict[] = rules.map((rule) => ({
    title: rule.title ?? rule.id ?? `document ${rule.document}`,
    kind: 'rule',
    matched: rule.errors.length ? [] : events.filter((e) => rule.matches(e.event)).map((e) => e.index),
    errors: rule.errors.map((d) => `${d.line ? `${d.line}:${d.col ?? 1}: ` : ''}${d.message}`),
  }));
  for (const v of testCorrelations([{ file, text: rulesText }], rules, events, { resources: converter.resources, pipeline })) {
    verdicts.push({
      title: v.correlation.title,
      kind: 'correlation',
      matched: [...new Set(v.fired.flatMap((f) => f.events))].sort((a, b) => a - b),
      fired: v.fired,
      errors: v.errors.map((d) => d.message),
    });
  }
  return { total: events.length, problems: [...problems, ...filterErrors], verdicts };
}

/** The report as text, in the shape of `sigma-convert test`'s output. */
export function formatEventsReport(report: EventsReport): string {
  const out: string[] = [...report.problems];
  for (const v of report.verdicts) {
    out.push(`${v.kind === 'correlation' ? 'correlation' : 'rule'}: ${v.title}`);
    for (const e of v.errors) out.push(`  error: ${e}`);
    if (v.fired) {
      out.push(`  fired ${v.fired.length} time${v.fired.length === 1 ? '' : 's'}`);
      for (const f of v.fired) out.push(`    group ${JSON.stringify(f.group)}: events ${f.events.join(', ')}`);
    } else if (!v.errors.length) {
      out.push(`  ${v.matched.length} of ${report.total} event${report.total === 1 ? '' : 's'} matched${v.matched.length ? `: ${v.matched.map((i) => `[${i}]`).join(' ')}` : ''}`);
    }
  }
  return out.join('\n');
}
