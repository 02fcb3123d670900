import { toDiagnostic } from './core/errors';
import type { ResourceLoader } from './core/resources';
import { iterateYamlDocuments, parseYamlDocuments, scanTopLevelScalar, type YamlDocument } from './rule/yaml-source';
import { documentKind, parseRule, type SourceLines, requireRuleDocument } from './rule/parse-rule';
import type { SigmaRule } from './rule/model';
import type { BackendDef } from './render/backend-def';
import type { PipelineSource } from './pipeline/merge-pipeline';
import type { PipelineDef, TableSchemas } from './pipeline/types';
import { mappingFacts } from './pipeline/apply-pipeline';
import type { TemplateFn } from './render/handlebars';
import { convertCollection } from './correlation/convert-collection';
import type { SourceText } from './correlation/rule-set';
import { convertCollectionFormat, type CollectionOutput } from './output/collection-format';
import { locateWarnings } from './output/locate-warnings';
import { ResourceCache } from './conversion/resource-cache';
import { resolvePlan, type ConversionPlan, type RuleObserver } from './conversion/plan';
import { convertRule, type ConvertedRule } from './conversion/convert-rule';
import type { ConvertOptions, RuleResult } from './conversion/options';

export type { ConvertOptions, RuleResult } from './conversion/options';
export type { ConvertedRule } from './conversion/convert-rule';
export type { ConversionPlan } from './conversion/plan';
export { acceptsPipeline } from './conversion/plan';
export { ruleContext } from './output/rule-context';

/**
 * The conversion core's entry point: text in, text out. Definitions and templates come through the
 * loader into one resource cache, parsed once per Converter; the options of a run are resolved once
 * into a ConversionPlan; converting one rule never depends on another. The work itself is done by
 * the modules below (conversion/, correlation/, output/), which never import this one.
 */
export class Converter {
  readonly resources: ResourceCache;
  /** Plans already resolved, per options object (a run passes the same options for every file). */
  private readonly plans = new WeakMap<ConvertOptions, ConversionPlan>();

  /** `observe` sees every rule this Converter converts (tests collect what the queries hold). */
  constructor(
    readonly loader: ResourceLoader,
    private readonly observe?: RuleObserver,
  ) {
    this.resources = new ResourceCache(loader);
  }

  backend(target: string): BackendDef {
    return this.resources.backend(target);
  }

  pipeline(name: string): PipelineDef {
    return this.resources.pipeline(name);
  }

  /** The pipeline of a list of sources (a built-in name or files, applied in order); remembered per list. */
  resolvePipeline(sources: string | readonly PipelineSource[]): PipelineDef {
    return this.resources.resolvePipeline(sources);
  }

  /** The tables a pipeline's fields are checked against: its schema file, with the tables it declares itself merged in. */
  schemasFor(pipeline: PipelineDef): TableSchemas | null {
    return this.resources.schemasFor(pipeline);
  }

  template(path: string): TemplateFn {
    return this.resources.template(path);
  }

  /** Checks options before any rule is read (unknown target, pipeline or format are usage errors) and resolves them once. */
  plan(options: ConvertOptions): ConversionPlan {
    let plan = this.plans.get(options);
    if (!plan) {
      plan = resolvePlan(this.resources, options, this.observe);
      this.plans.set(options, plan);
    }
    return plan;
  }

  /** The older name of plan(), kept for library users. */
  resolveOptions(options: ConvertOptions): ConversionPlan {
    return this.plan(options);
  }

  /**
   * Converts the documents of a file of detection rules one at a time, as the results are consumed (a
   * 50 MB file never holds more than one parsed rule). For files without correlations or filters: the
   * caller checks with mayHoldCorrelationOrFilter (src/rule/top-level-keys.ts).
   */
  *convertTextLazily(text: string, file: string, options: ConvertOptions): Generator<RuleResult> {
    const plan = this.plan(options);
    // Split into lines only if a document needs them (error locations): a 50 MB file is a million strings.
    let lines: string[] | null = null;
    const source = (): readonly string[] => (lines ??= text.split('\n'));
    for (const doc of iterateYamlDocuments(text)) yield this.convertDocument(doc, source, file, plan);
  }

  /** Converts every document of one file; a broken document yields an error result, never an exception. */
  convertText(text: string, file: string, options: ConvertOptions): RuleResult[] {
    const plan = this.plan(options);
    const lines = text.split('\n');
    const docs = parseYamlDocuments(text);
    // Correlations and filters refer to other documents: the file is converted as a rule set.
    if (docs.some((d) => !d.error && documentKind(d.value) !== 'rule' && documentKind(d.value) !== 'unknown')) {
      return this.convertCollection([{ file, text }], options);
    }
    return docs.map((doc) => this.convertDocument(doc, lines, file, plan));
  }

  /**
   * Converts the files of one run together, so that correlations and filters can name rules of any
   * of them; `filters` are extra filter files (--filter) applied to the rules they name.
   */
  convertCollection(files: readonly SourceText[], options: ConvertOptions, filters: readonly SourceText[] = []): RuleResult[] {
    const plan = this.plan(options);
    const results = convertCollection(this.resources, plan, files, filters);
    return plan.formatDef.extension === 'conf' ? refuseDuplicateStanzas(results) : results;
  }

  /** All rules of one file through a collection format (`collection: true`, e.g. KQL `hunting`). */
  convertCollectionFormat(text: string, file: string, options: ConvertOptions): CollectionOutput {
    return convertCollectionFormat(this.resources, this.plan(options), text, file);
  }

  /** Pipeline, render and output format for one parsed rule. */
  convertRule(rule: SigmaRule, options: ConvertOptions, file = ''): ConvertedRule {
    return convertRule(this.resources, this.plan(options), rule, file);
  }

  private convertDocument(doc: YamlDocument, source: SourceLines, file: string, plan: ConversionPlan): RuleResult {
    const lines = (): readonly string[] => (typeof source === 'function' ? source() : source);
    const meta = doc.error
      ? { id: scanTopLevelScalar(lines(), doc.firstLine, 'id'), title: scanTopLevelScalar(lines(), doc.firstLine, 'title') }
      : documentMeta(doc.value);
    // The result is written out key by key: a spread followed by new keys builds the object one key at a time
    // in V8 on Node 20 (a measurable share of a corpus run). Key order is the JSON output's.
    const result = (ok: boolean, queries: string[], errors: RuleResult['errors'], warnings: RuleResult['warnings']): RuleResult => ({
      file,
      document: doc.index,
      id: meta.id,
      title: meta.title,
      target: plan.backend.name,
      pipeline: plan.pipelineName,
      format: plan.format,
      ok,
      queries,
      errors,
      warnings,
    });
    try {
      requireRuleDocument(doc, 'plain conversion');
      const rule = parseRule(doc, source, { placeholders: plan.placeholders, maxAlternatives: plan.limits?.alternatives });
      const converted = convertRule(this.resources, plan, rule, file);
      const warnings = locateWarnings([...converted.mapped.warnings, ...converted.output.warnings], rule);
      return Object.assign(result(true, [converted.text], [], warnings), { mapping: mappingFacts(converted.mapped) });
    } catch (err) {
      return result(false, [], [toDiagnostic(err)], []);
    }
  }
}

function documentMeta(value: unknown): { id: string | null; title: string | null } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { id: null, title: null };
  const v = value as Record<string, unknown>;
  const s = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? String(x) : null);
  return { id: s(v.id), title: s(v.title) };
}

/**
 * Splunk merges .conf stanzas of the same name (the later settings win), so two rules printed into one
 * savedsearches.conf with the same stanza name would become one search: the later rule is an error instead.
 */
function refuseDuplicateStanzas(results: RuleResult[]): RuleResult[] {
  const seen = new Map<string, RuleResult>();
  return results.map((r) => {
    const stanza = r.ok ? /^\[(.*)\]$/m.exec(r.queries[0] ?? '') : null;
    if (!stanza) return r;
    const name = (stanza[1] as string).toLowerCase();
    const first = seen.get(name);
    if (!first) {
      seen.set(name, r);
      return r;
    }
    const message = `the .conf stanza [${stanza[1]}] is already used by rule '${first.title ?? first.id ?? ''}' (${first.file}, document ${first.document}); Splunk would merge the two searches into one: give the rules distinct titles`;
    return { ...r, ok: false, queries: [], errors: [...r.errors, { code: 'invalid-rule', message }] };
  });
}
