import { SigmaError } from '../core/errors';
import type { ResourceLoader } from '../core/resources';
import { listTargets, loadBackendDef, type BackendDef } from '../render/backend-def';
import { createTemplateEnvironment, type TemplateFn } from '../render/handlebars';
import { loadFieldSchema, loadPipeline, loadPipelineChain, loadSchemas } from '../pipeline/load-pipeline';
import { mergeTables, type PipelineSource } from '../pipeline/merge-pipeline';
import type { FieldSchema, PipelineDef, TableSchemas } from '../pipeline/types';
import { loadMetadata, loadVocabulary, type Metadata, type Vocabulary } from '../output/metadata';
import { loadDefaultSettings, type Settings } from '../output/settings';

/**
 * Every definition a conversion reads (backends, pipelines, schemas, templates, metadata, default
 * settings), loaded through the loader on first use and kept: parsing a definition costs more than
 * converting a rule. The cache is the only state shared between conversions, and it only grows with
 * what the definitions say, never with the rules converted.
 */
export class ResourceCache {
  private readonly backends = new Map<string, BackendDef>();
  private readonly pipelines = new Map<string, PipelineDef>();
  private readonly schemas = new Map<string, TableSchemas>();
  private readonly chains = new Map<string, PipelineDef>();
  private readonly mergedSchemas = new WeakMap<PipelineDef, TableSchemas>();
  private readonly fieldSchemas = new Map<string, FieldSchema>();
  private readonly templates = new Map<string, TemplateFn>();
  private readonly hb = createTemplateEnvironment();
  private metadataCache: Metadata | null = null;
  private vocabularyCache: Vocabulary | null = null;
  private settingsCache: Settings | null = null;
  private targetsCache: readonly string[] | null = null;

  constructor(readonly loader: ResourceLoader) {}

  /** The targets: the backends/*.yml files, sorted. */
  targets(): readonly string[] {
    this.targetsCache ??= listTargets(this.loader);
    return this.targetsCache;
  }

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

  /** backends/metadata/*.yml: the SIEMs' vocabulary for levels, tactics and ATT&CK. */
  metadata(): Metadata {
    this.metadataCache ??= loadMetadata(this.loader, this.vocabulary());
    return this.metadataCache;
  }

  /** backends/metadata/vocabulary.yml alone: the SIEMs' words (cheaper than all of metadata()). */
  vocabulary(): Vocabulary {
    this.vocabularyCache ??= loadVocabulary(this.loader);
    return this.vocabularyCache;
  }

  /** backends/metadata/settings-defaults.yml: the deployable formats' settings before --settings. */
  defaultSettings(): Settings {
    this.settingsCache ??= loadDefaultSettings(this.loader);
    return this.settingsCache;
  }
}
