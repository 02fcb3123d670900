import { SigmaError } from '../core/errors';
import { didYouMean } from '../core/suggest';
import { own } from '../core/own';
import type { ResourceLoader } from '../core/resources';
import { readDefinitionFile } from '../pipeline/pipeline-file';
import { parseYamlDocuments } from '../rule/yaml-source';
import { locatePointer } from '../validate/locate';
import { dialectNames, findDialect, findRegexEngine, regexEngineNames } from './dialects';
import { CORRELATION_DEF_SCHEMA, type CorrelationDef } from '../correlation/correlation-def';

export type BoolOp = 'and' | 'or' | 'not';

/**
 * How a stage writes a string match of one kind, case-insensitively (Sigma's default) or with `|cased`:
 * native: the operator's own template (`equals`, `equals_cased`, ...) is that comparison;
 * fold: the template compares the folded field (e.g. `lower({field}) = {value}`), the dialect folds the value;
 * regex: the stage writes it as a regex (its `regex` operators);
 * refuse: the stage cannot (a later stage may; else the rule is refused with the reason).
 * A value the operator cannot quote (a literal '*' for a wildcard language) falls back to a regex, if the
 * stage has regexes.
 */
export type CaseMode = 'native' | 'fold' | 'regex' | 'refuse';
/** The kinds of string match a case mode is declared for. */
export const MATCH_KINDS = ['equals', 'contains', 'startswith', 'endswith', 'pattern', 'any', 'keyword', 'fieldref'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];
/** One mode for every kind, or a mode per kind with a default. */
export type CaseModes = CaseMode | ({ readonly default: CaseMode } & Partial<Readonly<Record<MatchKind, CaseMode>>>);

/** An operator: its template, and the quoting style of the stage's dialect its value takes (default: the stage's). */
export interface OperatorDef {
  readonly template: string;
  readonly quoting?: string;
}

export interface StageDef {
  readonly name: string;
  /** The query language of this stage: field names, value quoting, case folding (src/render/dialects.ts). */
  readonly dialect: string;
  /** The dialect's quoting style for values, unless an operator names its own. */
  readonly quoting?: string;
  /** The quoting style of |cased matches when it differs (SQLite: LIKE for case-insensitive, GLOB for |cased). */
  readonly quoting_cased?: string;
  /** The regex engine the stage's regex operators take, and the quoting style of the regex text. */
  readonly regex?: { readonly engine: string; readonly quoting: string };
  readonly precedence: readonly BoolOp[];
  readonly tokens: { readonly and: string; readonly or: string; readonly group: string };
  /** NOT: its template, and whether the template itself delimits its operand (`not({expr})`) so no group is added. */
  readonly not: { readonly template: string; readonly groups: boolean };
  /**
   * An OR of equalities on one field as one list (`{field} in ({values})`), the values joined by `separator`;
   * `cased` is the |cased form; `wildcards`: values may hold the language's wildcards. The text is one term.
   */
  readonly in?: { readonly template?: string; readonly cased?: string; readonly separator: string; readonly wildcards?: boolean; readonly quoting?: string };
  readonly case_insensitive: CaseModes;
  readonly case_sensitive: CaseModes;
  readonly operators: Readonly<Record<string, string | OperatorDef>>;
  readonly compare_ops?: Readonly<Record<string, string>>;
  readonly time_parts?: Readonly<Record<string, string>>;
  /** Longest run of terms joined by one and/or before the run is split into parenthesised groups (parser depth limits). */
  readonly max_chain?: number;
  /** Parenthesise every and/or nested in the other (for clauses whose precedence is not documented). */
  readonly group_mixed?: boolean;
  /** Used only when a pipeline names it in its `stages` (e.g. Splunk's tstats for CIM data models). */
  readonly optional?: boolean;
}

/**
 * Where the query reads from and how that is written: the word before `where` (EQL), the table (KQL),
 * `index=...` (SPL). `from` lists where the name comes from, first found wins: `pipeline` (the pipeline's
 * table for the rule's logsource), `table` (--table), `index` (--index).
 */
export interface SourceDef {
  readonly from: readonly ('pipeline' | 'table' | 'index')[];
  /** Without a name: `required` is an error, else `default` (or no source clause at all). */
  readonly required?: boolean;
  readonly default?: string;
  /** `field`: written as a field name of the first stage; else a quoting style of the first stage's dialect. */
  readonly quoting?: string;
  /**
   * Instead of a clause, a condition: this field equals the name (exact), ANDed to the query (Lucene and
   * ES|QL restrict ECS events by event.category where EQL writes `process where`).
   */
  readonly field?: string;
  /** The name that stands for every source: no condition (the pipelines' `any`). */
  readonly every?: string;
  /** The clause, with {name} the quoted name (default: the name alone). */
  readonly template?: string;
  /** What the name is, for messages: 'a table name'. */
  readonly what: string;
}

export interface FormatDef {
  readonly template: string;
  readonly extension: string;
  readonly description?: string;
  /** The format renders one file for a whole rule collection rather than one block per rule. */
  readonly collection?: boolean;
  /** The template lists the rule's query for every other target too (the page format). */
  readonly others?: boolean;
  /** What separates the outputs of several rules in one file or stream (default: a blank line). */
  readonly separator?: string;
  /**
   * How several rules make one valid document on one stream (src/output/stream.ts): `separator` (the
   * default: outputs joined by `separator`), `conf-stanzas` (likewise, stanza names made unique),
   * `json-array`, `arm-resources` (one ARM template with every rule's resources), or `one-per-file`
   * (several rules need -o DIR/).
   */
  readonly stream?: 'separator' | 'conf-stanzas' | 'json-array' | 'arm-resources' | 'one-per-file';
  /** The output has one tactic field (Defender's alert category): further tactics are reported unless a technique implies them. */
  readonly single_tactic?: boolean;
  /** The output keeps the rule's tags (ATT&CK group and software tags travel there). */
  readonly carries_tags?: boolean;
  /** The format deploys correlation rules too (their query with the correlation's metadata). */
  readonly correlations?: boolean;
  /** The search is restricted to the data source's index / sourcetype (Splunk saved searches). */
  readonly search_prefix?: boolean;
  /** Why the format cannot deploy correlation rules, for the refusal. */
  readonly correlation_refusal?: string;
}

export interface BackendDef {
  readonly name: string;
  readonly description: string;
  readonly default_pipeline: string;
  /** The data models (pipelines' `data_model`) this target can query: a pipeline of any of them may be used. */
  readonly data_models?: readonly string[];
  readonly source: SourceDef;
  readonly stages: readonly StageDef[];
  readonly formats: Readonly<Record<string, FormatDef>>;
  /** The stage whose boolean expressions can also compute a column (enrichment flags); none: the target cannot. */
  readonly column_stage?: string;
  /** How correlation rules are written for this target (docs/correlations.md). */
  readonly correlation?: CorrelationDef;
}

const OPERATOR_PLACEHOLDERS: Readonly<Record<string, readonly string[]>> = {
  equals: ['field', 'value'],
  contains: ['field', 'value'],
  startswith: ['field', 'value'],
  endswith: ['field', 'value'],
  pattern: ['field', 'value'],
  any: ['field'],
  regex: ['field', 'regex'],
  regex_i: ['field', 'regex'],
  number: ['field', 'value'],
  boolean: ['field', 'value'],
  compare: ['field', 'op', 'value'],
  null: ['field'],
  exists: ['field'],
  cidr4: ['field', 'value'],
  cidr6: ['field', 'value'],
  fieldref: ['field', 'other'],
  timepart: ['field', 'part', 'op', 'value'],
  keyword: ['value'],
  keyword_regex: ['regex'],
};

function operatorBase(key: string): string {
  return key.replace(/_cased$/, '');
}

const CASE_MODE = { enum: ['native', 'fold', 'regex', 'refuse'] };
const CASE_MODES = {
  anyOf: [
    CASE_MODE,
    { type: 'object', required: ['default'], additionalProperties: false, properties: Object.fromEntries(['default', ...MATCH_KINDS].map((k) => [k, CASE_MODE])) },
  ],
};
/** Operators whose {value} is a quoted string. */
const QUOTED_OPERATORS = /^(equals|contains|startswith|endswith|pattern|keyword|cidr4|cidr6)(_cased)?$/;
const TEMPLATE_WITH_EXPR = { type: 'string', pattern: '\\{expr\\}' };

const schema = {
  type: 'object',
  required: ['name', 'description', 'default_pipeline', 'source', 'stages', 'formats'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
    description: { type: 'string' },
    default_pipeline: { type: 'string' },
    data_models: { type: 'array', items: { type: 'string' }, minItems: 1 },
    source: {
      type: 'object',
      required: ['from', 'what'],
      additionalProperties: false,
      properties: {
        from: { type: 'array', items: { enum: ['pipeline', 'table', 'index'] }, uniqueItems: true },
        required: { type: 'boolean' },
        default: { type: 'string' },
        quoting: { type: 'string' },
        template: { type: 'string', pattern: '\\{name\\}' },
        what: { type: 'string' },
        field: { type: 'string', minLength: 1 },
        every: { type: 'string' },
      },
    },
    stages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'dialect', 'precedence', 'tokens', 'not', 'case_insensitive', 'case_sensitive', 'operators'],
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          dialect: { type: 'string' },
          quoting: { type: 'string' },
          quoting_cased: { type: 'string' },
          regex: {
            type: 'object',
            required: ['engine', 'quoting'],
            additionalProperties: false,
            properties: { engine: { type: 'string' }, quoting: { type: 'string' } },
          },
          precedence: { type: 'array', items: { enum: ['and', 'or', 'not'] }, minItems: 3, maxItems: 3, uniqueItems: true },
          tokens: {
            type: 'object',
            required: ['and', 'or', 'group'],
            additionalProperties: false,
            properties: { and: { type: 'string' }, or: { type: 'string' }, group: TEMPLATE_WITH_EXPR },
          },
          not: {
            type: 'object',
            required: ['template', 'groups'],
            additionalProperties: false,
            properties: { template: TEMPLATE_WITH_EXPR, groups: { type: 'boolean' } },
          },
          in: {
            type: 'object',
            required: ['separator'],
            additionalProperties: false,
            properties: { template: { type: 'string' }, cased: { type: 'string' }, separator: { type: 'string' }, wildcards: { type: 'boolean' }, quoting: { type: 'string' } },
          },
          case_insensitive: CASE_MODES,
          case_sensitive: CASE_MODES,
          operators: {
            type: 'object',
            propertyNames: { enum: Object.keys(OPERATOR_PLACEHOLDERS).flatMap((k) => [k, k + '_cased']) },
            additionalProperties: {
              anyOf: [
                { type: 'string' },
                { type: 'object', required: ['template'], additionalProperties: false, properties: { template: { type: 'string' }, quoting: { type: 'string' } } },
              ],
            },
          },
          compare_ops: { type: 'object', additionalProperties: { type: 'string' } },
          time_parts: { type: 'object', additionalProperties: { type: 'string' } },
          max_chain: { type: 'integer', minimum: 2 },
          group_mixed: { type: 'boolean' },
          optional: { type: 'boolean' },
        },
      },
    },
    correlation: CORRELATION_DEF_SCHEMA,
    column_stage: { type: 'string' },
    formats: {
      type: 'object',
      required: ['query'],
      additionalProperties: {
        type: 'object',
        required: ['template', 'extension'],
        additionalProperties: false,
        properties: {
          template: { type: 'string' },
          extension: { type: 'string' },
          description: { type: 'string' },
          collection: { type: 'boolean' },
          others: { type: 'boolean' },
          separator: { type: 'string' },
          stream: { enum: ['separator', 'conf-stanzas', 'json-array', 'arm-resources', 'one-per-file'] },
          carries_tags: { type: 'boolean' },
          single_tactic: { type: 'boolean' },
          correlations: { type: 'boolean' },
          search_prefix: { type: 'boolean' },
          correlation_refusal: { type: 'string' },
        },
      },
    },
  },
} as const;

export const BACKEND_DEFINITION_SCHEMA = schema;

/** Every target: the backends/<name>.yml files, sorted. Scripts, tests, `list` and the page read this, never a list of their own. */
export function listTargets(loader: ResourceLoader): string[] {
  return loader
    .list('backends')
    .filter((f) => f.endsWith('.yml'))
    .map((f) => f.slice(0, -'.yml'.length));
}

/**
 * Loads and fully validates backends/<name>.yml: its shape (unknown keys rejected), then what a schema
 * cannot say (names of dialects, quoting styles and regex engines; template placeholders; case modes that
 * match the operators there are). Every problem is reported at backends/<name>.yml:LINE:COL.
 */
export function loadBackendDef(loader: ResourceLoader, name: string): BackendDef {
  const path = `backends/${name}.yml`;
  const text = loader.read(path);
  if (text === undefined) {
    const targets = listTargets(loader);
    throw new SigmaError('backend-definition', `unknown target '${name}' (no ${path}); available: ${targets.join(', ')}${didYouMean(name, targets)}`);
  }
  const data = readDefinitionFile(text, path, schema, 'backend-definition', 'invalid backend definition', 'a backend definition must be a YAML mapping (name, description, source, stages, formats, ...)', loader);
  const def = data as unknown as BackendDef;
  const problems = backendProblems(def);
  if (problems.length) throw new SigmaError('backend-definition', locateProblems(text, path, 'invalid backend definition', problems));
  return def;
}

/** The table a query reads without a pipeline's: --table, else the source's default (SQL's `events`), when the source reads a table. */
export function sourceTable(def: BackendDef, options: { readonly table?: string }): string | undefined {
  return def.source.from.includes('table') ? (options.table ?? def.source.default) : undefined;
}

/** One semantic problem of a definition: where (a JSON pointer into the file's value) and what. */
interface Problem {
  readonly at: string;
  readonly message: string;
}

function backendProblems(def: BackendDef): Problem[] {
  const out: Problem[] = [];
  if (def.column_stage !== undefined && !def.stages.some((st) => st.name === def.column_stage)) {
    out.push({ at: '/column_stage', message: `column_stage '${def.column_stage}' is not a stage of this target` });
  }
  def.stages.forEach((stage, i) => out.push(...stageProblems(stage, `/stages/${i}`)));
  const first = def.stages[0];
  const firstDialect = first ? findDialect(first.dialect) : undefined;
  if ((def.source.quoting === undefined) === (def.source.field === undefined)) {
    out.push({ at: '/source', message: 'a source is either a clause (quoting, template) or a condition (field), one of the two' });
  } else if (firstDialect && def.source.quoting !== undefined && def.source.quoting !== 'field' && !firstDialect.quoting.has(def.source.quoting)) {
    out.push({ at: '/source/quoting', message: unknownName('quoting style', def.source.quoting, ['field', ...firstDialect.quoting.keys()], `of dialect '${first?.dialect}'`) });
  }
  if (def.correlation) {
    const d = findDialect(def.correlation.dialect);
    if (!d) out.push({ at: '/correlation/dialect', message: unknownName('dialect', def.correlation.dialect, dialectNames()) });
    else if (!d.quoting.has(def.correlation.quoting)) out.push({ at: '/correlation/quoting', message: unknownName('quoting style', def.correlation.quoting, [...d.quoting.keys()], `of dialect '${def.correlation.dialect}'`) });
  }
  return out;
}

function unknownName(kind: string, name: string, known: readonly string[], scope = ''): string {
  return `unknown ${kind} '${name}'${scope ? ` ${scope}` : ''}${didYouMean(name, [...known])}; known: ${known.join(', ')}`;
}

function stageProblems(stage: StageDef, at: string): Problem[] {
  const out: Problem[] = [];
  const dialect = findDialect(stage.dialect);
  if (!dialect) return [{ at: `${at}/dialect`, message: unknownName('dialect', stage.dialect, dialectNames()) }];
  const quotings = [...dialect.quoting.keys()];
  const checkQuoting = (name: string | undefined, where: string): void => {
    if (name !== undefined && !dialect.quoting.has(name)) out.push({ at: where, message: unknownName('quoting style', name, quotings, `of dialect '${stage.dialect}'`) });
  };
  checkQuoting(stage.quoting, `${at}/quoting`);
  checkQuoting(stage.quoting_cased, `${at}/quoting_cased`);
  checkQuoting(stage.in?.quoting, `${at}/in/quoting`);
  if (stage.regex) {
    if (!findRegexEngine(stage.regex.engine)) out.push({ at: `${at}/regex/engine`, message: unknownName('regex engine', stage.regex.engine, regexEngineNames()) });
    checkQuoting(stage.regex.quoting, `${at}/regex/quoting`);
  }
  for (const [key, op] of Object.entries(stage.operators)) {
    const template = typeof op === 'string' ? op : op.template;
    if (typeof op !== 'string') checkQuoting(op.quoting, `${at}/operators/${key}/quoting`);
    const allowed = OPERATOR_PLACEHOLDERS[operatorBase(key)] ?? [];
    // `\x{A0}` in a template is a regex escape (RE2), not a placeholder.
    for (const m of template.matchAll(/(?<!\\x)\{(\w+)\}/g)) {
      if (!allowed.includes(m[1] as string)) {
        out.push({ at: `${at}/operators/${key}`, message: `operator '${key}' of stage '${stage.name}' uses {${m[1]}}; it may use ${allowed.map((a) => `{${a}}`).join(', ')}` });
      }
    }
  }
  for (const [key, template] of [['template', stage.in?.template], ['cased', stage.in?.cased]] as const) {
    for (const m of (template ?? '').matchAll(/\{(\w+)\}/g)) {
      if (m[1] !== 'field' && m[1] !== 'values') out.push({ at: `${at}/in/${key}`, message: `the in-list template uses {${m[1]}}; it may use {field}, {values}` });
    }
  }
  const hasRegex = Object.keys(stage.operators).some((k) => k.startsWith('regex') || k === 'keyword_regex');
  if (hasRegex && !stage.regex) out.push({ at: `${at}/operators`, message: `stage '${stage.name}' has regex operators but no regex: {engine, quoting}` });
  const unquoted = Object.entries(stage.operators).filter(([k, op]) => QUOTED_OPERATORS.test(k) && (typeof op === 'string' || op.quoting === undefined));
  if ((unquoted.length || stage.in) && stage.quoting === undefined) {
    out.push({ at, message: `stage '${stage.name}' quotes values (${[...unquoted.map(([k]) => k), ...(stage.in ? ['in'] : [])].join(', ')}) but has no quoting: a quoting style of dialect '${stage.dialect}'` });
  }
  out.push(...caseModeProblems(stage, at, dialect.foldCase !== undefined));
  return out;
}

/** The case mode a stage declares for one kind of match. */
export function caseMode(stage: StageDef, kind: MatchKind, cased: boolean): CaseMode {
  const modes = cased ? stage.case_sensitive : stage.case_insensitive;
  return typeof modes === 'string' ? modes : (modes[kind] ?? modes.default);
}

/** The operator key a match of this kind and case is written with (`contains`, `contains_cased`, `keyword_cased`). */
export function matchOperatorKey(kind: MatchKind, cased: boolean): string {
  return cased ? `${kind}_cased` : kind;
}

/** Whether the stage can write a match of this kind as a regex (its regex operators and engine). */
export function stageHasRegex(stage: StageDef, keyword: boolean): boolean {
  if (!stage.regex) return false;
  const base = keyword ? 'keyword_regex' : 'regex';
  return own(stage.operators, base) !== undefined || own(stage.operators, base + '_i') !== undefined;
}

/** The declared case modes must agree with the operators: a mode names how, the operators say with what. */
function caseModeProblems(stage: StageDef, at: string, canFold: boolean): Problem[] {
  const out: Problem[] = [];
  for (const cased of [false, true]) {
    const where = `${at}/${cased ? 'case_sensitive' : 'case_insensitive'}`;
    for (const kind of MATCH_KINDS) {
      const mode = caseMode(stage, kind, cased);
      const key = matchOperatorKey(kind, cased);
      const has = own(stage.operators, key) !== undefined;
      const say = (why: string) => out.push({ at: where, message: `stage '${stage.name}': ${kind} ${cased ? '|cased' : '(case-insensitive)'} is '${mode}', but ${why}` });
      if ((mode === 'native' || mode === 'fold') && !has) say(`there is no operator '${key}'`);
      else if ((mode === 'regex' || mode === 'refuse') && has) say(`operator '${key}' would never be used`);
      if (mode === 'fold' && cased) say('fold is for case-insensitive matches');
      if (mode === 'fold' && !canFold && kind !== 'fieldref' && kind !== 'any') say(`dialect '${stage.dialect}' has no case folding`);
      if (mode === 'regex' && (kind === 'fieldref' || !stageHasRegex(stage, kind === 'keyword'))) say(kind === 'fieldref' ? 'a field comparison has no regex form' : 'the stage has no regex operator for it');
    }
  }
  return out;
}

/** `file:line:col: <what>: message` per problem, in file order. */
function locateProblems(text: string, file: string, what: string, problems: readonly Problem[]): string {
  const doc = parseYamlDocuments(text)[0];
  return problems
    .map((p) => {
      const loc = doc && !doc.error ? locatePointer(doc, p.at) : undefined;
      return { line: loc?.line ?? 1, col: loc?.col ?? 1, message: p.message };
    })
    .sort((a, b) => a.line - b.line || a.col - b.col)
    .map((p) => `${file}:${p.line}:${p.col}: ${what}: ${p.message}`)
    .join('\n');
}
