import { parseCorrelation } from '../correlation/parse-correlation';
import { parseFilter } from '../correlation/parse-filter';
import { SigmaError, toDiagnostic, type ErrorCode } from '../core/errors';
import type { ConversionPlan } from '../conversion/plan';
import type { ResourceCache } from '../conversion/resource-cache';
import { convertRule } from '../conversion/convert-rule';
import type { Expr, Predicate, SourceLocation } from '../ir/types';
import { parseCondition, ConditionSyntaxError } from '../condition/parser';
import { expandCondition } from '../condition/expand';
import { parseYamlDocuments, scanTopLevelScalar, type YamlDocument } from '../rule/yaml-source';
import { documentKind, parseRule } from '../rule/parse-rule';
import { checkModifierChain, type Placeholders } from '../rule/modifiers';
import type { SigmaRule } from '../rule/model';
import { applyPipeline } from '../pipeline/apply-pipeline';
import type { PipelineDef, TableSchemas } from '../pipeline/types';
import type { Finding, Severity } from './finding';
import { locatePointer } from './locate';
import { toJsonValue } from './json-value';
import { RuleSchema } from './schema-check';
import { checkAttackTechnique, checkTagNamespace } from './tag-check';
import type { AttackData } from '../output/metadata';
import { DATE_PATTERN } from './sigma-rule-schema';
import { pipelineSigmaFields, type LogsourceKey, type Taxonomy } from './taxonomy';
import { didYouMean } from '../core/suggest';
import { predicatesOf } from '../ir/visit';

/** The pipeline whose field mappings a rule is checked against, and the plan and resources that hold it. */
export interface PipelineCheck {
  readonly resources: ResourceCache;
  readonly plan: ConversionPlan;
  readonly pipeline: PipelineDef;
  readonly schemas: TableSchemas | null;
}

/** A rule id and where it was declared, for the duplicate check across files. */
export interface IdDeclaration {
  readonly id: string;
  readonly finding: Omit<Finding, 'severity' | 'code' | 'message'>;
}

export interface TextValidation {
  readonly findings: Finding[];
  readonly ids: IdDeclaration[];
  /** Number of documents checked (every document counts, broken ones too). */
  readonly documents: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Placeholders (%name%) are valid Sigma whose values come from the user at conversion time; to
 * check the rest of such a rule, every placeholder stands for one neutral value.
 */
const ANY_PLACEHOLDER: Placeholders = new Proxy({}, { get: (_t, name) => (typeof name === 'string' ? ['placeholder'] : undefined) });

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * Validates the rules of one file's text: schema, then everything a schema cannot say. Never
 * throws for a bad rule; an unexpected exception becomes an `internal` finding for that document.
 */
export class RuleValidator {
  private readonly schema = new RuleSchema();

  constructor(
    private readonly pipelineCheck: PipelineCheck | null = null,
    /** Logsource values and field names checked against the Sigma taxonomy (warnings). */
    private readonly taxonomy: Taxonomy | null = null,
    /** ATT&CK data (backends/metadata/attack.yml): technique ids it does not know are reported. */
    private readonly attack: AttackData | null = null,
  ) {}

  validateText(text: string, file: string): TextValidation {
    const lines = text.split('\n');
    const docs = parseYamlDocuments(text);
    const findings: Finding[] = [];
    const ids: IdDeclaration[] = [];
    if (docs.length === 0) {
      findings.push({ file, line: 0, col: 0, document: 0, documents: 0, title: null, id: null, severity: 'warning', code: 'invalid-rule', message: 'the file holds no YAML documents; nothing to check' });
    }
    for (const doc of docs) {
      const meta = doc.error
        ? { id: scanTopLevelScalar(lines, doc.firstLine, 'id'), title: scanTopLevelScalar(lines, doc.firstLine, 'title') }
        : documentMeta(doc.value);
      const base = { file, document: doc.index, documents: docs.length, title: meta.title, id: meta.id };
      const add = (severity: Severity, code: ErrorCode, message: string, loc?: SourceLocation): void => {
        findings.push({ ...base, line: loc?.line ?? doc.firstLine, col: loc?.col ?? 1, severity, code, message });
      };
      try {
        this.validateDocument(doc, lines, add, file);
      } catch (err) {
        const d = toDiagnostic(err);
        add('error', d.code, d.code === 'internal' ? `${d.message}; the other rules were still checked` : d.message, d.line ? { line: d.line, col: d.col ?? 1 } : undefined);
      }
      if (meta.id !== null && !doc.error) {
        const loc = isObj(doc.value) ? doc.positions.get(doc.value)?.keys.get('id') : undefined;
        ids.push({ id: meta.id.toLowerCase(), finding: { ...base, line: loc?.line ?? doc.firstLine, col: loc?.col ?? 1 } });
      }
    }
    return { findings: dedupe(findings), ids, documents: docs.length };
  }

  private validateDocument(doc: YamlDocument, lines: readonly string[], add: (s: Severity, c: ErrorCode, m: string, loc?: SourceLocation) => void, file: string): void {
    if (doc.error) {
      const e = doc.error;
      const duplicate = /duplicated mapping key/.test(e.message);
      add(
        'error',
        duplicate ? 'duplicate-key' : e.code,
        duplicate ? 'the same key appears twice in one mapping (YAML forbids it, and tools disagree on which one wins); remove or rename one of them' : e.message,
        e.loc,
      );
      return;
    }
    const kind = documentKind(doc.value);
    if (kind === 'correlation' || kind === 'filter') {
      // Their structure is checked by the parsers conversion uses (errors carry their location);
      // references to rules are resolved when the rule set is converted.
      const origin = { file, document: doc.index };
      if (kind === 'correlation') parseCorrelation(doc, origin);
      else parseFilter(doc, lines, origin, { placeholders: {} });
      return;
    }
    const value = doc.value;
    const at = (pointer: string) => locatePointer(doc, pointer);

    const json = toJsonValue(value, doc, lines);
    for (const p of this.schema.check(json)) {
      add('error', schemaCode(p.pointer, p.keyword), p.message, at(p.pointer));
    }
    if (!isObj(value)) return;

    this.checkMetadata(value, json as Obj, at, add);
    checkModifierChains(value, doc, add);
    checkConditions(value, doc, lines, add);

    let rule: SigmaRule;
    try {
      rule = parseRule(doc, lines, { placeholders: ANY_PLACEHOLDER });
    } catch (err) {
      if (!(err instanceof SigmaError)) throw err;
      add('error', err.code, err.message, err.loc);
      return;
    }
    const detectionPos = isObj(value.detection) ? doc.positions.get(value.detection) : undefined;
    for (const name of rule.unusedIdentifiers) {
      add('warning', 'unused-identifier', `search identifier '${name}' is not used by the condition; use it in the condition or remove it`, detectionPos?.keys.get(name));
    }
    if (this.taxonomy) checkTaxonomy(rule, this.taxonomy, at, add);
    if (this.pipelineCheck) checkPipeline(rule, this.pipelineCheck, at('/logsource'), add);
  }

  private checkMetadata(value: Obj, json: Obj, at: (p: string) => SourceLocation | undefined, add: (s: Severity, c: ErrorCode, m: string, loc?: SourceLocation) => void): void {
    const id = json.id;
    if (typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) && !UUID_V4.test(id)) {
      add('warning', 'invalid-id', `id '${id}' is not a random (version 4) UUID as the specification recommends; generate one with e.g. \`uuidgen\``, at('/id'));
    }
    for (const key of ['date', 'modified'] as const) {
      const text = json[key];
      if (typeof text !== 'string' || !new RegExp(DATE_PATTERN).test(text)) continue;
      const [y, m, d] = text.split('-').map(Number) as [number, number, number];
      const date = new Date(Date.UTC(y, m - 1, d));
      if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
        add('error', 'invalid-date', `'${key}' is ${text}, which is not a day of the calendar; write an existing date as 'YYYY-MM-DD'`, at('/' + key));
      }
    }
    if (typeof json.date === 'string' && typeof json.modified === 'string' && json.modified < json.date && /^\d{4}-\d\d-\d\d$/.test(json.date)) {
      add('warning', 'invalid-date', `'modified' (${json.modified}) is earlier than 'date' (${json.date}); one of them is wrong`, at('/modified'));
    }
    if (Array.isArray(value.tags)) {
      value.tags.forEach((tag, i) => {
        if (typeof tag !== 'string') return;
        const problem = checkTagNamespace(tag) ?? (this.attack ? checkAttackTechnique(tag, this.attack) : null);
        if (problem) add('warning', 'invalid-tag', problem, at(`/tags/${i}`));
      });
    }
  }
}

/** Schema findings about ids, dates and tags get the codes of those checks. */
function schemaCode(pointer: string, keyword: string): ErrorCode {
  const top = pointer.split('/')[1];
  if (top === 'id' && keyword === 'format') return 'invalid-id';
  if ((top === 'date' || top === 'modified') && (keyword === 'pattern' || keyword === 'type')) return 'invalid-date';
  if (top === 'tags' && keyword === 'pattern') return 'invalid-tag';
  return 'schema';
}

/** Every field key of every search identifier: its modifier chain must be valid, each one reported. */
function checkModifierChains(value: Obj, doc: YamlDocument, add: (s: Severity, c: ErrorCode, m: string, loc?: SourceLocation) => void): void {
  const detection = value.detection;
  if (!isObj(detection)) return;
  const maps: Obj[] = [];
  for (const [name, body] of Object.entries(detection)) {
    if (name === 'condition') continue;
    if (isObj(body)) maps.push(body);
    else if (Array.isArray(body)) for (const item of body) if (isObj(item)) maps.push(item);
  }
  for (const map of maps) {
    const pos = doc.positions.get(map);
    for (const key of Object.keys(map)) {
      const [field, ...mods] = key.split('|');
      if (mods.length === 0) continue;
      try {
        checkModifierChain(field ?? '', mods, pos?.keys.get(key));
      } catch (err) {
        if (!(err instanceof SigmaError)) throw err;
        add('error', err.code, err.message, err.loc);
      }
    }
  }
}

/** Each condition on its own, so that a broken search identifier does not hide a condition error. */
function checkConditions(value: Obj, doc: YamlDocument, lines: readonly string[], add: (s: Severity, c: ErrorCode, m: string, loc?: SourceLocation) => void): void {
  const detection = value.detection;
  if (!isObj(detection)) return;
  const names = new Map<string, Expr>();
  for (const name of Object.keys(detection)) if (name !== 'condition' && name !== 'timeframe') names.set(name, { kind: 'const', value: true });
  const raw = detection.condition;
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  const detPos = doc.positions.get(detection);
  const listPos = Array.isArray(raw) ? doc.positions.get(raw) : undefined;
  list.forEach((c, i) => {
    if (typeof c !== 'string') return; // the schema reports it
    const loc = listPos?.items[i] ?? detPos?.keys.get('condition');
    try {
      expandCondition(parseCondition(c), names);
    } catch (err) {
      if (!(err instanceof ConditionSyntaxError)) throw err;
      add('error', err.code, `condition '${c}', column ${err.offset + 1}: ${err.message}`, columnInLine(c, err.offset, loc, lines));
    }
  });
}

function columnInLine(text: string, offset: number, loc: SourceLocation | undefined, lines: readonly string[]): SourceLocation | undefined {
  if (!loc) return undefined;
  for (let l = loc.line; l <= Math.min(loc.line + 1, lines.length); l++) {
    const idx = (lines[l - 1] ?? '').indexOf(text, l === loc.line ? loc.col - 1 : 0);
    if (idx >= 0) return { line: l, col: idx + offset + 1 };
  }
  return loc;
}

/**
 * The rule's logsource values and field names against the Sigma taxonomy: a value the taxonomy does
 * not list, and a field name close to a known one but not it ('Commandline'), are warnings with the
 * name meant. A field far from every known name is left alone: the taxonomy lists only some fields.
 */
function checkTaxonomy(rule: SigmaRule, taxonomy: Taxonomy, at: (p: string) => SourceLocation | undefined, add: (s: Severity, c: ErrorCode, m: string, loc?: SourceLocation) => void): void {
  for (const key of ['category', 'product', 'service'] as LogsourceKey[]) {
    const value = rule.logsource[key];
    if (typeof value !== 'string') continue;
    const problem = taxonomy.logsourceProblem(key, value);
    if (problem) add('warning', 'taxonomy', problem, at(`/logsource/${key}`));
  }
  const byField = new Map<string, Predicate[]>();
  collectPredicates(rule.expr, byField);
  // Fields are those of the logsource meant: a misspelt category still gets its fields checked.
  const logsource = taxonomy.corrected(rule.logsource);
  for (const [field, preds] of byField) {
    const meant = taxonomy.fieldSuggestion(field, logsource);
    if (meant !== undefined) {
      add('warning', 'taxonomy', `field '${field}' is not a Sigma taxonomy field; did you mean '${meant}'? (field names are case-sensitive; a misspelt one is kept as written and matches nothing)`, preds[0]?.loc);
    }
  }
}

/**
 * Maps every field of the rule through the pipeline one field at a time, so that every unmapped
 * field is reported at its own key, then converts the whole rule for anything else the target refuses.
 */
function checkPipeline(rule: SigmaRule, check: PipelineCheck, logsourceLoc: SourceLocation | undefined, add: (s: Severity, c: ErrorCode, m: string, loc?: SourceLocation) => void): void {
  const byField = new Map<string, Predicate[]>();
  collectPredicates(rule.expr, byField);
  for (const [field, preds] of byField) {
    const expr: Expr = preds.length === 1 ? (preds[0] as Predicate) : { kind: 'or', args: preds };
    const loc = preds[0]?.loc;
    try {
      const mapped = applyPipeline({ expr, logsource: rule.logsource, span: rule.logsourceLoc }, check.pipeline, check.schemas);
      for (const w of mapped.warnings) add('warning', 'unmapped-field', w + suggestField(field, check), loc);
    } catch (err) {
      if (!(err instanceof SigmaError)) throw err;
      if (err.code === 'unknown-logsource') {
        add('error', err.code, err.message, logsourceLoc);
        return;
      }
      add('error', err.code, err.code === 'unmapped-field' ? err.message + suggestField(field, check) : err.message, err.loc ?? loc);
    }
  }
  try {
    convertRule(check.resources, check.plan, rule);
  } catch (err) {
    if (!(err instanceof SigmaError)) throw err;
    if (err.code === 'unmapped-field' || err.code === 'value-transform' || err.code === 'unknown-logsource') return; // reported above
    add('error', err.code, `target '${check.plan.backend.name}': ${err.message}`, err.loc ?? rule.loc);
  }
}

/** `; did you mean 'X'?` for a field the pipeline does not map: X is a field it maps, or a column of its schema. */
function suggestField(field: string, check: PipelineCheck): string {
  const columns = new Set<string>();
  for (const table of Object.values(check.schemas ?? {})) for (const c of Object.keys(table)) columns.add(c);
  return didYouMean(field, pipelineSigmaFields(check.pipeline)) || didYouMean(field, columns);
}

function collectPredicates(e: Expr, out: Map<string, Predicate[]>): void {
  for (const p of predicatesOf(e)) {
    const fields = p.kind === 'fieldref' ? [p.field, p.other] : p.kind === 'keyword' || (p.kind === 'regex' && p.field === null) ? [] : [p.field];
    for (const f of fields) {
      const list = out.get(f as string);
      if (list) list.push(p);
      else out.set(f as string, [p]);
    }
  }
}

function documentMeta(value: unknown): { id: string | null; title: string | null } {
  if (!isObj(value)) return { id: null, title: null };
  const s = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? String(x) : null);
  return { id: s(value.id), title: s(value.title) };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.document}\u0000${f.line}\u0000${f.col}\u0000${f.code}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** An error on every declaration of an id that an earlier rule (in any file given) already uses. */
export function duplicateIdFindings(ids: readonly IdDeclaration[]): Finding[] {
  const first = new Map<string, IdDeclaration>();
  const out: Finding[] = [];
  for (const decl of ids) {
    const earlier = first.get(decl.id);
    if (!earlier) {
      first.set(decl.id, decl);
      continue;
    }
    const e = earlier.finding;
    const where = `${e.file}:${e.line}${e.documents > 1 ? ` (document ${e.document})` : ''}`;
    out.push({
      ...decl.finding,
      severity: 'error',
      code: 'duplicate-id',
      message: `id ${decl.id} is already used by rule '${e.title ?? e.id}' at ${where}; give one of them a new UUID (and relate them with 'related' if one derives from the other)`,
    });
  }
  return out;
}
