import type HandlebarsNamespace from 'handlebars';
import { jsYaml } from '../core/js-yaml-lazy';
import { SigmaError } from '../core/errors';
import { commentText, confStanzaName, escapeHtml, esqlIndexPattern, singleLine, markdownBlock, markdownLink, markdownText } from './escape';

export type TemplateFn = (context: unknown) => string;

/** What Handlebars passes as the last argument of every helper call. */
interface HelperOptions {
  readonly fn?: (context: unknown) => string;
  readonly hash?: Readonly<Record<string, unknown>>;
}

function isOptions(x: unknown): x is HelperOptions {
  return typeof x === 'object' && x !== null && 'hash' in x && 'data' in x;
}

/**
 * Helpers take their value inline (`{{json title}}`) or as a block (`{{#yaml}}{{query}} | project ...{{/yaml}}`),
 * so a value assembled in the template is escaped as a whole. Returns the value and the hash arguments.
 */
function helperArgs(self: unknown, args: readonly unknown[]): { value: unknown; hash: Readonly<Record<string, unknown>>; rest: unknown[] } {
  const last = args[args.length - 1];
  const options = isOptions(last) ? last : undefined;
  const positional = options ? args.slice(0, -1) : [...args];
  const value = options?.fn ? options.fn(self) : positional.shift();
  return { value, hash: options?.hash ?? {}, rest: positional };
}

/** The longest run of backticks in `s` (at least `min`): a loop, as a spread of every run overflows the stack on large values. */
function longestRun(s: string, min: number): number {
  let longest = min;
  for (const m of s.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return longest;
}

/** Characters no text format here can carry raw and nothing needs: lone UTF-16 surrogates. */
function checkText(s: string, format: string): string {
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)) {
    throw new SigmaError('invalid-value', `a value holds an unpaired UTF-16 surrogate, which ${format} cannot represent`);
  }
  return s;
}

/**
 * One YAML value to place after `key: ` on a line indented by `indent` spaces: js-yaml picks the scalar
 * style (plain, quoted, or a block scalar for multi-line text), and every further line is indented below
 * the key, so a multi-line query stays inside its key at any nesting depth.
 */
export function yamlValue(value: unknown, indent = 0): string {
  if (typeof value === 'string') checkText(value, 'YAML');
  // Lists and maps in flow style fit after `key: `; strings must not be in flow context, or js-yaml
  // cannot use a block scalar for multi-line text.
  const flow = typeof value === 'object' && value !== null ? { flowLevel: 0 } : {};
  const dumped = jsYaml().dump(value ?? null, { lineWidth: -1, indent: 2, noRefs: true, ...flow }).replace(/\n$/, '');
  const pad = ' '.repeat(indent);
  return dumped
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : pad + line))
    .join('\n');
}

/**
 * A `.conf` value (Splunk): the line breaks of a multi-line value are kept by ending each line but the last
 * with a backslash, Splunk's continuation. A line that itself ends in a backslash would read as a
 * continuation (and swallow the next line or key), so a space is added after it; `\r` is dropped.
 */
export function confValue(value: unknown): string {
  const s = checkText(String(value ?? ''), '.conf');
  return s
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => (line.endsWith('\\') ? line + ' ' : line))
    .join('\\\n');
}

/** A `.conf` stanza name: one line, without the brackets that would end it early, never `[default]` (escape.ts). */
export function confStanza(value: unknown): string {
  return confStanzaName(checkText(String(value ?? ''), '.conf'));
}

function tomlEscapeChar(c: string): string {
  const named: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };
  return named[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A TOML string for any text: a multi-line literal string ('''...''') when the text allows it (no ''',
 * no control characters, not ending in a quote), which keeps queries readable; otherwise a basic string
 * with every character TOML forbids escaped (quote, backslash, controls, DEL).
 */
export function tomlString(value: unknown, block = false): string {
  const s = checkText(String(value ?? ''), 'TOML');
  const literalSafe = (block || s.includes('\n')) && !s.includes("'''") && !s.endsWith("'") && !/[\u0000-\u0008\u000B-\u001F\u007F]/.test(s);
  if (literalSafe) return `'''\n${s}'''`;
  return '"' + s.replace(/["\\\u0000-\u001F\u007F]/g, tomlEscapeChar) + '"';
}

/** A TOML array of strings. */
function tomlArray(value: unknown): string {
  const list = Array.isArray(value) ? value : [];
  return '[' + list.map((v) => tomlBasic(v)).join(', ') + ']';
}

function tomlBasic(value: unknown): string {
  const s = checkText(String(value ?? ''), 'TOML');
  return '"' + s.replace(/["\\\u0000-\u001F\u007F]/g, tomlEscapeChar) + '"';
}

/**
 * A JSON string for an ARM template value: in ARM, a string starting with '[' is an expression, and
 * '[[' writes a literal '['.
 */
function armString(value: unknown): string {
  const s = checkText(String(value ?? ''), 'JSON');
  return JSON.stringify(s.startsWith('[') ? '[' + s : s);
}

function jsonValue(value: unknown, indent: unknown): string {
  const text = JSON.stringify(value ?? null, null, typeof indent === 'number' ? indent : undefined) ?? 'null';
  return checkText(text, 'JSON');
}

/** Refuses to render a null or empty value: `{{required schedule.cron "why it is missing"}}`. */
function required(value: unknown, why: unknown): unknown {
  if (value === null || value === undefined || value === '') {
    throw new SigmaError('invalid-value', typeof why === 'string' ? why : 'a required value is missing');
  }
  return value;
}

/**
 * One isolated Handlebars environment: no HTML escaping (query text must never be touched), strict
 * about missing variables (a typo in a template is an error, not an empty string), with helpers that
 * escape for each output format.
 */
export function createTemplateEnvironment(): { compile(source: string, name: string, prebuilt?: unknown): TemplateFn } {
  // The runtime alone runs templates; the compiler is loaded only for a template the build did not
  // precompile (scripts/build-validators.ts), which keeps a conversion's start-up short.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hb = (require('handlebars/runtime') as typeof HandlebarsNamespace).create();
  hb.registerHelper('json', function (this: unknown, ...args: unknown[]) {
    const { value, hash } = helperArgs(this, args);
    return jsonValue(value, hash.indent);
  });
  hb.registerHelper('arm', function (this: unknown, ...args: unknown[]) {
    return armString(helperArgs(this, args).value);
  });
  hb.registerHelper('yaml', function (this: unknown, ...args: unknown[]) {
    const { value, hash } = helperArgs(this, args);
    return yamlValue(value, Number(hash.indent ?? 0));
  });
  hb.registerHelper('conf', function (this: unknown, ...args: unknown[]) {
    return confValue(helperArgs(this, args).value);
  });
  hb.registerHelper('confStanza', function (this: unknown, ...args: unknown[]) {
    return confStanza(helperArgs(this, args).value);
  });
  hb.registerHelper('toml', function (this: unknown, ...args: unknown[]) {
    return tomlString(helperArgs(this, args).value);
  });
  /** `{{tomlBlock query}}`: a multi-line literal string even for one line, as detection-rules writes queries. */
  hb.registerHelper('tomlBlock', function (this: unknown, ...args: unknown[]) {
    return tomlString(helperArgs(this, args).value, true);
  });
  hb.registerHelper('tomlArray', (v: unknown) => tomlArray(v));
  hb.registerHelper('indent', function (this: unknown, ...args: unknown[]) {
    const { value, rest } = helperArgs(this, args);
    const pad = ' '.repeat(Number(rest[0]) || 0);
    return String(value ?? '')
      .split('\n')
      .map((line, i) => (i === 0 || line === '' ? line : pad + line))
      .join('\n');
  });
  hb.registerHelper('required', (v: unknown, why: unknown) => required(v, why));
  /** `{{refuse problem}}`: a non-null problem (a sentence) stops the rendering as an error of the rule. */
  hb.registerHelper('refuse', (problem: unknown) => {
    if (typeof problem === 'string' && problem) throw new SigmaError('unsupported-feature', problem);
    return '';
  });
  /** `{{#ndjson}}...{{/ndjson}}`: the JSON written in the block, checked and put on one line (NDJSON). */
  hb.registerHelper('ndjson', function (this: unknown, ...args: unknown[]) {
    return JSON.stringify(JSON.parse(String(helperArgs(this, args).value)));
  });
  /** Text for a one-line query comment: no line terminator of any kind (U+2028 ends a Kusto comment too). */
  hb.registerHelper('oneLine', (v: unknown) => commentText(String(v ?? '')));
  /** Markdown text (a heading, a table cell, a list item) that renders as written: no HTML, links or emphasis. */
  hb.registerHelper('md', (v: unknown) => markdownText(String(v ?? '')));
  /** A Markdown paragraph of several lines. */
  hb.registerHelper('mdBlock', (v: unknown) => markdownBlock(String(v ?? '')));
  /** `{{mdLink url label?}}`: a link for http(s) URLs, escaped text for anything else. */
  hb.registerHelper('mdLink', (url: unknown, label: unknown) => markdownLink(String(url ?? ''), typeof label === 'string' ? label : undefined));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // ES|QL FROM: index patterns, each bare or quoted (escape.ts), comma-separated.
  hb.registerHelper('esqlSources', (list: unknown) => (Array.isArray(list) ? list.map((p) => esqlIndexPattern(String(p))).join(', ') : ''));
  hb.registerHelper('join', (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : ''));
  hb.registerHelper('lower', (v: unknown) => String(v ?? '').toLowerCase());
  hb.registerHelper('upper', (v: unknown) => String(v ?? '').toUpperCase());
  hb.registerHelper('add', (a: unknown, b: unknown) => Number(a) + Number(b));
  /** Markdown inline code for any text: a backtick fence longer than any backtick run inside. */
  hb.registerHelper('code', (v: unknown) => {
    // A table cell ends at an unescaped `|`, even inside a code span (GFM), and controls have no place here.
    const s = singleLine(String(v ?? '')).replace(/\|/g, '\\|');
    const longest = longestRun(s, 0);
    const fence = '`'.repeat(longest + 1);
    return `${fence}${s.startsWith('`') || s.endsWith('`') ? ' ' + s + ' ' : s}${fence}`;
  });
  /** A Markdown fenced block for any text: the fence is longer than any backtick run inside. */
  hb.registerHelper('fence', function (this: unknown, ...args: unknown[]) {
    const { value, rest } = helperArgs(this, args);
    const s = String(value ?? '');
    const longest = longestRun(s, 2);
    const fence = '`'.repeat(longest + 1);
    return `${fence}${typeof rest[0] === 'string' ? rest[0] : ''}\n${s}\n${fence}`;
  });
  /** `{{html value}}` or `{{#html}}...{{/html}}`: HTML text or attribute value (the HTML detection page). */
  hb.registerHelper('html', function (this: unknown, ...args: unknown[]) {
    return escapeHtml(checkText(String(helperArgs(this, args).value ?? ''), 'HTML'));
  });
  /** A link target only for http(s) URLs: a rule's reference must not become a javascript: or data: link. */
  hb.registerHelper('httpUrl', (v: unknown) => (typeof v === 'string' && /^https?:\/\/[^\s]+$/i.test(v) ? v : null));
  /** The last segment of a '/'-separated path: the rule file a page links to for download. */
  hb.registerHelper('basename', (v: unknown) => String(v ?? '').split(/[\\/]/).pop() ?? '');
  return {
    /** `prebuilt`: the build's template spec of exactly this source (ResourceLoader.built), if any. */
    compile(source: string, name: string, prebuilt?: unknown): TemplateFn {
      const spec = prebuilt ?? compileSpec(source);
      const fn = prepareOnce(hb.template(spec as Parameters<typeof hb.template>[0]), spec);
      return (context: unknown) => {
        try {
          return fn(context);
        } catch (err) {
          if (err instanceof SigmaError) throw err;
          throw new SigmaError('backend-definition', `template ${name}: ${(err as Error).message}`);
        }
      };
    },
  };
}

/** A template function of the Handlebars runtime, with the hook it runs before every top-level call. */
interface RuntimeTemplate {
  (context: unknown): string;
  _setup?: (options: object) => void;
}

/**
 * The Handlebars runtime sets up a template again on every call (runtime.js `ret._setup`): a fresh copy of
 * every helper of the environment, each wrapped in a new closure, and new hook and prototype-access objects,
 * which is most of the cost of a small template such as a query layout. None of it depends on the call: the
 * environment's helpers are all registered before any template is compiled, and calls pass no options. So
 * the set-up runs once here and later calls skip it. Only for templates that use no partials or decorators
 * (none here do): those read per-call options during set-up, so they keep the runtime's own path.
 */
function prepareOnce(fn: RuntimeTemplate, spec: unknown): RuntimeTemplate {
  const flags = spec as { usePartial?: boolean; useDecorators?: boolean };
  const setup = fn._setup;
  if (typeof setup !== 'function' || flags.usePartial || flags.useDecorators) return fn;
  let prepared = false;
  fn._setup = (options: object) => {
    // A call with options of its own (helpers passed in, a partial call) is set up as the runtime does, and
    // the next plain call sets up again.
    const plain = Object.keys(options).length === 0;
    if (plain && prepared) return;
    setup.call(fn, options);
    prepared = plain;
  };
  return fn;
}

/** The options every template is compiled with: never HTML-escape, fail on missing variables. */
export const TEMPLATE_OPTIONS = { noEscape: true, strict: true, knownHelpersOnly: false } as const;

/** Compiles a template to a Handlebars template spec with the full compiler (loaded on demand). */
export function compileSpec(source: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const compiler = require('handlebars') as typeof HandlebarsNamespace;
  const code = compiler.precompile(source, TEMPLATE_OPTIONS) as string;
  return new Function(`return ${code};`)();
}
