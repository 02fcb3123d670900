import Handlebars from 'handlebars';
import * as yaml from 'js-yaml';

export type TemplateFn = (context: unknown) => string;

/** Serialises a value as one YAML flow/block scalar safe to place after `key: `. */
function yamlScalar(value: unknown): string {
  return yaml.dump(value ?? '', { lineWidth: -1, flowLevel: 0 }).replace(/\n$/, '');
}

/** A `.conf` value: continuation lines end in a backslash, as Splunk's .conf format requires. */
function confValue(value: unknown): string {
  return String(value ?? '').replace(/\\$/gm, '\\\\ ').replace(/\r?\n/g, ' \\\n');
}

/** A TOML basic or multi-line literal string. */
function tomlString(value: unknown): string {
  const s = String(value ?? '');
  if (!s.includes('\n')) return JSON.stringify(s);
  if (!s.includes("'''")) return `'''\n${s}'''`;
  return '"""\n' + s.replace(/\\/g, '\\\\').replace(/"""/g, '""\\"') + '"""';
}

/**
 * One isolated Handlebars environment: no HTML escaping (query text must never be touched),
 * strict about missing variables, with helpers that escape for each output format.
 */
export function createTemplateEnvironment(): { compile(source: string, name: string): TemplateFn } {
  const hb = Handlebars.create();
  hb.registerHelper('json', (v: unknown) => JSON.stringify(v ?? null));
  hb.registerHelper('yaml', (v: unknown) => yamlScalar(v));
  hb.registerHelper('conf', (v: unknown) => confValue(v));
  hb.registerHelper('toml', (v: unknown) => tomlString(v));
  hb.registerHelper('indent', (v: unknown, n: unknown) => String(v ?? '').replace(/\n/g, '\n' + ' '.repeat(Number(n) || 0)));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('join', (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : ''));
  hb.registerHelper('lower', (v: unknown) => String(v ?? '').toLowerCase());
  hb.registerHelper('upper', (v: unknown) => String(v ?? '').toUpperCase());
  return {
    compile(source: string, name: string): TemplateFn {
      const fn = hb.compile(source, { noEscape: true, strict: false, knownHelpersOnly: false });
      return (context: unknown) => {
        try {
          return fn(context);
        } catch (err) {
          throw new Error(`template ${name}: ${(err as Error).message}`);
        }
      };
    },
  };
}
