import { SigmaError } from '../core/errors';
import type { FormatDef } from '../render/backend-def';

/** One rule's output, as the stream combines it. */
export interface StreamItem {
  readonly text: string;
}

/**
 * Several rules' outputs as one valid document of the format, for one stream (standard output or
 * `-o FILE`): a JSON array of Defender detections, one ARM template holding every rule's resources,
 * NDJSON / multi-document YAML through the format's separator. A format that holds one rule per file
 * (TOML) refuses several rules: the caller reports it as a usage error.
 */
export function combineStream(formatName: string, format: FormatDef, items: readonly StreamItem[]): string {
  const texts = items.map((i) => i.text);
  switch (format.stream ?? 'separator') {
    case 'separator':
      return texts.join(format.separator ?? '\n\n');
    case 'json-array':
      return texts.length === 1 ? (texts[0] as string) : `[\n${texts.join(',\n')}\n]`;
    case 'arm-resources':
      return texts.length === 1 ? (texts[0] as string) : mergeArmTemplates(texts);
    case 'one-per-file':
      if (texts.length > 1) {
        throw new SigmaError(
          'unsupported-feature',
          `format '${formatName}' holds one rule per file and ${texts.length} rules were converted: write them with -o DIR/ (one .${format.extension} file per rule), or convert one rule at a time`,
        );
      }
      return texts[0] ?? '';
  }
}

interface ArmTemplate {
  readonly resources: readonly unknown[];
  readonly [key: string]: unknown;
}

/** The first template's parameters and envelope with every template's resources, in order. */
function mergeArmTemplates(texts: readonly string[]): string {
  const templates = texts.map((t) => JSON.parse(t) as ArmTemplate);
  const [first] = templates;
  if (!first || !Array.isArray(first.resources)) throw new SigmaError('internal', 'an ARM template output has no resources array');
  return JSON.stringify({ ...first, resources: templates.flatMap((t) => t.resources) }, null, 2);
}
