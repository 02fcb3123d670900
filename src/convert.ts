import { SigmaError, toDiagnostic, type Diagnostic } from './core/errors';
import { didYouMean } from './core/suggest';
import type { ResourceLoader } from './core/resources';
import { iterateYamlDocuments, parseYamlDocuments, scanTopLevelScalar, type YamlDocument } from './rule/yaml-source';
import { documentKind, parseRule, type SourceLines, requireRuleDocument } from './rule/parse-rule';
import type { SigmaRule } from './rule/model';
import type { Placeholders } from './rule/modifiers';
import { loadBackendDef, sourceTable, type BackendDef } from './render/backend-def';
import { loadFieldSchema, loadPipeline, loadPipelineChain, loadSchemas } from './pipeline/load-pipeline';
import { mergeTables, type PipelineSource } from './pipeline/merge-pipeline';
import type { FieldSchema, PipelineDef, TableSchemas } from './pipeline/types';
import { applyPipeline, identityPipeline, mappingFacts, type AllowUnmapped, type MappingFacts, type PipelineResult } from './pipeline/apply-pipeline';
import { renderQuery, sourceName, type RenderedQuery } from './render/render-query';
import { createTemplateEnvironment, type TemplateFn } from './render/handlebars';
import { convertCollection } from './correlation/convert-collection';
import type { SourceText } from './correlation/rule-set';
import { FormatRenderer, type FormatOutput } from './output/format-renderer';
import type { SettingsOverrides } from './output/settings';
import { locateWarnings } from './output/locate-warnings';
import { own } from './core/own';
import type { Limits } from './core/limits';

export interface ConvertOptions {
  readonly target: string;
  /**
   * A built-in pipeline name, 'none', or undefined for the target's default; or pipelines applied in
   * order: a built-in name or a pipeline file's text first, then files stacked on it (docs/pipelines.md).
   */
  readonly pipeline?: string | readonly PipelineSource[];
  readonly format?: string;
  readonly table?: string;
  readonly index?: string;
  readonly placeholders?: Placeholders;
  /** --settings: schedule, severity, index patterns... for the deployable formats (backends/metadata/settings-defaults.yml). */
  readonly settings?: SettingsOverrides;
  /**
   * Fields outside the pipeline's field schema to keep anyway (--allow-unmapped FIELD / --allow-unmapped-all):
   * by default such a field is refused, since the SIEM's data does not carry it.
   */
  readonly allowUnmapped?: AllowUnmapped;
  /** Bounds on what one rule or data file may cost (core/limits.ts); unset fields keep their defaults. */
  readonly limits?: Partial<Limits>;
}

export interface RuleResult {
  readonly file: string;
  readonly document: number;
  readonly id: string | null;
  readonly title: string | null;
  readonly target: string;
  readonly pipeline: string;
  readonly format: string;
  readonly ok: boolean;
  readonly queries: string[];
  readonly errors: Diagnostic[];
  /** Located like errors: the field's first use for an unmapped field, else the rule. */
  readonly warnings: Diagnostic[];
  /** What the pipeline did beyond renaming (see PipelineResult); not part of the --json output. */
  readonly mapping?: MappingFacts;
}


/** The parts of one rule's conversion that output formats are rendered from. */
export interface ConvertedRule {
  readonly rule: SigmaRule;
  readonly mapped: PipelineResult;
  readonly query: RenderedQuery;
  readonly text: string;
  /** The output format's template context and its warnings. */
  readonly output: FormatOutput;
}

/**
 * The conversion core: text in, text out. Definitions and templates come through the loader and
 * are parsed once per Converter; converting one rule never depends on another.
 */
export class Converter {
  private readonly backends = new Map<string, BackendDef>();
  private readonly pipelines = new Map<string, PipelineDef>();
  private readonly schemas = new Map<string, TableSchemas>();
  private readonly chains = new Map<string, PipelineDef>();
  private readonly mergedSchemas = new WeakMap<PipelineDef, TableSchemas>();
  private readonly fieldSchemas = new Map<string, FieldSchema>();
  private readonly templates = new Map<string, TemplateFn>();
  private readonly hb = createTemplateEnvironment();
  /** Output formats: metadata, settings and the template context of deployable rules. */
  readonly formats: FormatRenderer = new FormatRenderer(this);

  constructor(readonly loader: ResourceLoader) {}

  backend(target: string): BackendDef {
    let def = this.backends.get(target);
    if (!def) {
      def = loadBackendDef(this.loader, target);
      this.backends.set(target, def);
    }
    return def;
  }

  pipeline(name: string): PipelineDef {
    let def = this.pipelines.get(name);
    if (!def) {
      def = this.withFieldSchema(loadPipeline(this.loader, name));
      this.pipelines.set(name, def);
    }
    return def;
  }

  /** The pipeline of a list of sources (a built-in name or files, applied in order); remembered per list. */
  resolvePipeline(sources: string | readonly PipelineSource[]): PipelineDef {
    if (typeof sources === 'string') return this.pipeline(sources);
    if (sources.length === 1 && typeof sources[0] === 'string') return this.pipeline(sources[0]);
    const key = sources.map((s) => (typeof s === 'string' ? `name:${s}` : `file:${s.file}\u0000${s.text}`)).join('\u0001');
    let def = this.chains.get(key);
    if (!def) {
      def = this.withFieldSchema(loadPipelineChain(sources, (name) => this.pipeline(name)));
      this.chains.set(key, def);
    }
    return def;
  }

  /** The pipeline with the field schema its `field_schema` names attached (backends/field-schemas/). */
  private withFieldSchema(def: PipelineDef): PipelineDef {
    if (!def.field_schema) return def.loadedFieldSchema ? { ...def, loadedFieldSchema: undefined } : def;
    let schema = this.fieldSchemas.get(def.field_schema);
    if (!schema) {
      schema = loadFieldSchema(this.loader, def.field_schema);
      this.fieldSchemas.set(def.field_schema, schema);
    }
    return { ...def, loadedFieldSchema: schema };
  }

  /** The tables a pipeline's fields are checked against: its schema file, with the tables it declares itself merged in. */
  schemasFor(pipeline: PipelineDef): TableSchemas | null {
    if (!pipeline.tables) return pipeline.schema ? this.schema(pipeline.schema) : null;
    let merged = this.mergedSchemas.get(pipeline);
    if (!merged) {
      merged = mergeTables(pipeline.schema ? this.schema(pipeline.schema) : undefined, pipeline.tables) ?? {};
      this.mergedSchemas.set(pipeline, merged);
    }
    return merged;
  }

  schema(name: string): TableSchemas {
    let s = this.schemas.get(name);
    if (!s) {
      s = loadSchemas(this.loader, name);
      this.schemas.set(name, s);
    }
    return s;
  }

  template(path: string): TemplateFn {
    let fn = this.templates.get(path);
    if (!fn) {
      const source = this.loader.read(path);
      if (source === undefined) throw new SigmaError('backend-definition', `missing template ${path}`);
      fn = this.hb.compile(source, path, this.loader.built?.(path, source)?.template);
      this.templates.set(path, fn);
    }
    return fn;
  }

  /** Checks options before any rule is read: unknown target, pipeline or format are usage errors. */
  resolveOptions(options: ConvertOptions): { backend: BackendDef; pipeline: PipelineDef | null; pipelineName: string; format: string } {
    const backend = this.backend(options.target);
    const requested = options.pipeline ?? backend.default_pipeline;
    const pipeline = requested === 'none' ? null : this.resolvePipeline(requested);
    const pipelineName = pipeline ? pipeline.name : 'none';
    if (pipeline && !acceptsPipeline(backend, pipeline)) {
      const what = pipeline.data_model ? `describes data model '${pipeline.data_model}', which target '${backend.name}' does not query (it queries ${(backend.data_models ?? []).join(', ') || 'no shared data model'})` : `is for target '${pipeline.target}', not '${backend.name}'`;
      throw new SigmaError('pipeline-definition', `pipeline '${pipelineName}' ${what}`);
    }
    if (pipeline) this.schemasFor(pipeline);
    const format = options.format ?? 'query';
    if (!own(backend.formats, format)) {
      throw new SigmaError('unsupported-feature', `target '${backend.name}' has no format '${format}'; available: ${Object.keys(backend.formats).join(', ')}${didYouMean(format, Object.keys(backend.formats))}`);
    }
    if (backend.source.required && !pipeline && sourceName(backend.source, options) === undefined) {
      const named = backend.source.from.filter((f) => f !== 'pipeline').map((f) => `--${f} NAME`);
      throw new SigmaError('unknown-logsource', `--pipeline none with target '${backend.name}' needs ${named.join(' or ')} (${backend.source.what} to query)`);
    }
    return { backend, pipeline, pipelineName, format };
  }

  /**
   * Converts the documents of a file of detection rules one at a time, as the results are consumed (a
   * 50 MB file never holds more than one parsed rule). For files without correlations or filters: the
   * caller checks with mayReferToOtherDocuments.
   */
  *convertTextLazily(text: string, file: string, options: ConvertOptions): Generator<RuleResult> {
    const resolved = this.resolveOptions(options);
    // Split into lines only if a document needs them (error locations): a 50 MB file is a million strings.
    let lines: string[] | null = null;
    const source = (): readonly string[] => (lines ??= text.split('\n'));
    for (const doc of iterateYamlDocuments(text)) yield this.convertDocument(doc, source, file, options, resolved);
  }

  /** Converts every document of one file; a broken document yields an error result, never an exception. */
  convertText(text: string, file: string, options: ConvertOptions): RuleResult[] {
    const resolved = this.resolveOptions(options);
    const lines = text.split('\n');
    const docs = parseYamlDocuments(text);
    // Correlations and filters refer to other documents: the file is converted as a rule set.
    if (docs.some((d) => !d.error && documentKind(d.value) !== 'rule' && documentKind(d.value) !== 'unknown')) {
      return this.convertCollection([{ file, text }], options);
    }
    return docs.map((doc) => this.convertDocument(doc, lines, file, options, resolved));
  }

  /**
   * Converts the files of one run together, so that correlations and filters can name rules of any
   * of them; `filters` are extra filter files (--filter) applied to the rules they name.
   */
  convertCollection(files: readonly SourceText[], options: ConvertOptions, filters: readonly SourceText[] = []): RuleResult[] {
    const results = convertCollection(this, files, options, filters);
    const resolved = this.resolveOptions(options);
    return own(resolved.backend.formats, resolved.format)?.extension === 'conf' ? refuseDuplicateStanzas(results) : results;
  }

  private convertDocument(
    doc: YamlDocument,
    source: SourceLines,
    file: string,
    options: ConvertOptions,
    resolved: ReturnType<Converter['resolveOptions']>,
  ): RuleResult {
    const lines = (): readonly string[] => (typeof source === 'function' ? source() : source);
    const meta = doc.error
      ? { id: scanTopLevelScalar(lines(), doc.firstLine, 'id'), title: scanTopLevelScalar(lines(), doc.firstLine, 'title') }
      : documentMeta(doc.value);
    const base = {
      file,
      document: doc.index,
      id: meta.id,
      title: meta.title,
      target: resolved.backend.name,
      pipeline: resolved.pipelineName,
      format: resolved.format,
    };
    try {
      requireRuleDocument(doc, 'plain conversion');
      const rule = parseRule(doc, source, { placeholders: options.placeholders, maxAlternatives: options.limits?.alternatives });
      const converted = this.convertRule(rule, options, resolved, file);
      return {
        ...base,
        ok: true,
        queries: [converted.text],
        errors: [],
        warnings: locateWarnings([...converted.mapped.warnings, ...converted.output.warnings], rule),
        mapping: mappingFacts(converted.mapped),
      };
    } catch (err) {
      return { ...base, ok: false, queries: [], errors: [toDiagnostic(err)], warnings: [] };
    }
  }

  /** Pipeline, render and output format for one parsed rule. */
  convertRule(rule: SigmaRule, options: ConvertOptions, resolved = this.resolveOptions(options), file = ''): ConvertedRule {
    const { backend, pipeline } = resolved;
    const mapped = pipeline
      ? applyPipeline(rule, pipeline, this.schemasFor(pipeline), { allowUnmapped: options.allowUnmapped })
      : identityPipeline(rule, sourceTable(backend, options));
    const query = renderQuery(mapped.expr, backend, { pipelineTable: mapped.table, table: options.table, index: options.index }, resolved.pipeline?.stages);
    const format = own(backend.formats, resolved.format);
    if (!format) throw new SigmaError('unsupported-feature', `no format '${resolved.format}'`);
    const output = this.formats.render(rule, options, resolved, mapped, query, file);
    return { rule, mapped, query, text: output.text, output };
  }
}

/** A pipeline serves every target that queries its data model (a pipeline without one: its own target). */
export function acceptsPipeline(backend: BackendDef, pipeline: PipelineDef): boolean {
  if (pipeline.data_model !== undefined) return backend.data_models?.includes(pipeline.data_model) ?? false;
  return pipeline.target === backend.name;
}

function documentMeta(value: unknown): { id: string | null; title: string | null } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { id: null, title: null };
  const v = value as Record<string, unknown>;
  const s = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? String(x) : null);
  return { id: s(v.id), title: s(v.title) };
}

/** What templates may read about a rule. */
export function ruleContext(rule: SigmaRule): Record<string, unknown> {
  return {
    id: rule.id ?? null,
    name: rule.name ?? null,
    title: rule.title,
    status: rule.status ?? null,
    description: rule.description ?? null,
    author: rule.author ?? null,
    date: rule.date ?? null,
    modified: rule.modified ?? null,
    references: rule.references,
    tags: rule.tags,
    level: rule.level ?? null,
    falsepositives: rule.falsepositives,
    fields: rule.fields,
    logsource: rule.logsource,
  };
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

/**
 * Whether a file may hold a correlation or a filter, which need the whole rule set: any `correlation:` or
 * `filter:` key, at any indentation or in flow style (a false positive only costs the slower path).
 */
export function mayReferToOtherDocuments(text: string): boolean {
  return /\b(correlation|filter)\b["']?\s*:/.test(text);
}
