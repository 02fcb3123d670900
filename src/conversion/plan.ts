import { SigmaError } from '../core/errors';
import { didYouMean } from '../core/suggest';
import { own } from '../core/own';
import type { Limits } from '../core/limits';
import { sourceTable, type BackendDef, type FormatDef } from '../render/backend-def';
import { sourceName } from '../render/render-query';
import type { PipelineDef, TableSchemas } from '../pipeline/types';
import type { AllowUnmapped, PipelineResult } from '../pipeline/apply-pipeline';
import type { SigmaRule } from '../rule/model';
import type { Placeholders } from '../rule/modifiers';
import { mergeSettings, type Settings, type SettingsOverrides } from '../output/settings';
import type { ConvertOptions } from './options';
import type { ResourceCache } from './resource-cache';

/**
 * Everything one run converts with, resolved and checked once from the options before any rule is read:
 * the backend, the pipeline (with its table schemas), the output format, the settings. Immutable; a
 * variant for another format is derived with withFormat. Functions take the plan, never the options.
 */
export interface ConversionPlan {
  readonly backend: BackendDef;
  /** null: `--pipeline none`, field names kept as written. */
  readonly pipeline: PipelineDef | null;
  /** The pipeline's name, or 'none'. */
  readonly pipelineName: string;
  /** The tables the pipeline's fields are checked against (ResourceCache.schemasFor). */
  readonly schemas: TableSchemas | null;
  /** The output format's name. */
  readonly format: string;
  readonly formatDef: FormatDef;
  /** The target's plain query format, which every other format builds on. */
  readonly queryFormat: FormatDef;
  /** A format other than the plain query (or a collection of queries): it reads settings and metadata. */
  readonly deployable: boolean;
  /** --table as given (the source clause reads it where the backend's `source.from` lists it). */
  readonly table: string | undefined;
  /** The table queried where the pipeline names none: --table, else the source's default, for a source that reads a table. */
  readonly defaultTable: string | undefined;
  readonly index: string | undefined;
  /** Defaults merged with --settings (not yet with a rule's own entry); null for the plain query. */
  readonly settings: Settings | null;
  /** --settings as written: whether the user chose a value matters, not only the value. */
  readonly userSettings: SettingsOverrides | undefined;
  readonly placeholders: Placeholders | undefined;
  readonly allowUnmapped: AllowUnmapped | undefined;
  readonly limits: Partial<Limits> | undefined;
  /** Sees every rule converted with this plan or one derived from it (test/support/regex-collector.ts). */
  readonly observe: RuleObserver | undefined;
}

/** Called after each rule's conversion with its pipeline result, the plan it used and its file. */
export type RuleObserver = (rule: SigmaRule, mapped: PipelineResult, plan: ConversionPlan, file: string) => void;

/** Checks options before any rule is read: an unknown target, pipeline or format is a usage error. */
export function resolvePlan(cache: ResourceCache, options: ConvertOptions, observe?: RuleObserver): ConversionPlan {
  const backend = cache.backend(options.target);
  const requested = options.pipeline ?? backend.default_pipeline;
  const pipeline = requested === 'none' ? null : cache.resolvePipeline(requested);
  const pipelineName = pipeline ? pipeline.name : 'none';
  if (pipeline && !acceptsPipeline(backend, pipeline)) {
    const what = pipeline.data_model
      ? `describes data model '${pipeline.data_model}', which target '${backend.name}' does not query (it queries ${(backend.data_models ?? []).join(', ') || 'no shared data model'})`
      : `is for target '${pipeline.target}', not '${backend.name}'`;
    throw new SigmaError('pipeline-definition', `pipeline '${pipelineName}' ${what}`);
  }
  const schemas = pipeline ? cache.schemasFor(pipeline) : null;
  const formatName = options.format ?? 'query';
  const formatDef = requireFormat(backend, formatName);
  const table = options.table;
  const defaultTable = sourceTable(backend, options);
  if (backend.source.required && !pipeline && sourceName(backend.source, { table: options.table, index: options.index }) === undefined) {
    const named = backend.source.from.filter((f) => f !== 'pipeline').map((f) => `--${f} NAME`);
    throw new SigmaError('unknown-logsource', `--pipeline none with target '${backend.name}' needs ${named.join(' or ')} (${backend.source.what} to query)`);
  }
  const base = {
    backend,
    pipeline,
    pipelineName,
    schemas,
    queryFormat: requireFormat(backend, 'query'),
    table,
    defaultTable,
    index: options.index,
    userSettings: options.settings,
    placeholders: options.placeholders,
    allowUnmapped: options.allowUnmapped,
    limits: options.limits,
    observe,
  };
  return withFormatOf(cache, base, formatName, formatDef);
}

/** A pipeline serves every target that queries its data model (a pipeline without one: its own target). */
export function acceptsPipeline(backend: BackendDef, pipeline: PipelineDef): boolean {
  if (pipeline.data_model !== undefined) return backend.data_models?.includes(pipeline.data_model) ?? false;
  return pipeline.target === backend.name;
}

/** The same plan with another output format of its target (e.g. 'query' for the rules a correlation reads). */
export function withFormat(cache: ResourceCache, plan: ConversionPlan, formatName: string): ConversionPlan {
  return formatName === plan.format ? plan : withFormatOf(cache, plan, formatName, requireFormat(plan.backend, formatName));
}

type FormatFree = Omit<ConversionPlan, 'format' | 'formatDef' | 'deployable' | 'settings'>;

function withFormatOf(cache: ResourceCache, base: FormatFree, format: string, formatDef: FormatDef): ConversionPlan {
  const deployable = format !== 'query' || formatDef.collection === true;
  const settings = deployable ? mergeSettings(cache.defaultSettings(), base.userSettings) : null;
  // Object.assign, not a spread followed by new keys: V8 (Node 20) builds that object key by key, much slower.
  return Object.freeze(Object.assign({}, base, { format, formatDef, deployable, settings }));
}

function requireFormat(backend: BackendDef, name: string): FormatDef {
  const format = own(backend.formats, name);
  if (!format) {
    const names = Object.keys(backend.formats);
    throw new SigmaError('unsupported-feature', `target '${backend.name}' has no format '${name}'; available: ${names.join(', ')}${didYouMean(name, names)}`);
  }
  return format;
}
