import { SigmaError } from '../core/errors';
import type { FormatDef } from '../render/backend-def';

/** One rule's output, as the stream combines it. */
export interface StreamItem {
  readonly text: string;
  /** The rule id, to tell apart .conf stanzas of rules with the same title. */
  readonly id?: string | null;
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
    case 'conf-stanzas':
      return uniqueStanzas(items).join(format.separator ?? '\n\n');
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

/**
 * Splunk reads stanzas of the same name in one .conf as one (the last settings win): a stanza whose name
 * (the rule title) is taken already gets the rule id, or a number, after it.
 */
function uniqueStanzas(items: readonly StreamItem[]): string[] {
  const seen = new Set<string>();
  return items.map((item) => {
    const newline = item.text.indexOf('\n');
    const header = newline < 0 ? item.text : item.text.slice(0, newline);
    const name = /^\[(.*)\]$/.exec(header)?.[1];
    if (name === undefined) return item.text;
    let unique = name;
    for (let n = 2; seen.has(unique.toLowerCase()); n++) unique = `${name} (${item.id && n === 2 ? item.id : n})`;
    seen.add(unique.toLowerCase());
    return unique === name ? item.text : `[${unique}]${item.text.slice(header.length)}`;
  });
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
