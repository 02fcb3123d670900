import { BACKEND_DEFINITION_SCHEMA } from '../render/backend-def';
import { FIELD_SCHEMA_SCHEMA, PIPELINE_SCHEMA } from '../pipeline/load-pipeline';
import { LOGSOURCE_MAP_SCHEMA } from '../evaluate/logsource-map';
import { attackSchema, levelsSchema, microsoftSchema, statusesSchema, vocabularySchema } from '../output/metadata';
import { settingsSchema } from '../output/settings';

/** Every schema of the project's own data files: precompiled at build time, meta-checked by a test. */
export const DEFINITION_SCHEMAS: Readonly<Record<string, object>> = {
  backend: BACKEND_DEFINITION_SCHEMA,
  pipeline: PIPELINE_SCHEMA,
  fieldSchema: FIELD_SCHEMA_SCHEMA,
  logsourceMap: LOGSOURCE_MAP_SCHEMA,
  attack: attackSchema,
  levels: levelsSchema,
  statuses: statusesSchema,
  microsoft: microsoftSchema,
  vocabulary: vocabularySchema,
  settings: settingsSchema,
};
