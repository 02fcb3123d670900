import type { Diagnostic } from '../core/errors';
import type { Limits } from '../core/limits';
import type { Placeholders } from '../rule/modifiers';
import type { PipelineSource } from '../pipeline/merge-pipeline';
import type { AllowUnmapped, MappingFacts } from '../pipeline/apply-pipeline';
import type { SettingsOverrides } from '../output/settings';

/** What a caller asks for; resolved once into a ConversionPlan (plan.ts) before any rule is read. */
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

/** The outcome of one document of a rule file. */
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
