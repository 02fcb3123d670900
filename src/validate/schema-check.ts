import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ATTRIBUTE_ADVICE, SIGMA_RULE_SCHEMA } from './sigma-rule-schema';
import { own } from '../core/own';

/** A schema violation: the JSON pointer of the offending value and a message with advice. */
export interface SchemaProblem {
  readonly pointer: string;
  readonly keyword: string;
  readonly message: string;
}

/** Compiles this project's Sigma rule schema once; `check` may be called for any number of rules. */
export class RuleSchema {
  private readonly validate: ValidateFunction;

  constructor() {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv, ['uuid']);
    this.validate = ajv.compile(SIGMA_RULE_SCHEMA);
  }

  /** Problems of one rule (already converted to JSON values), at most one per offending value. */
  check(value: unknown): SchemaProblem[] {
    if (this.validate(value)) return [];
    return summarize(this.validate.errors ?? []);
  }
}

/**
 * ajv reports every failed branch of an anyOf; a person needs one message per place. Keep, per
 * pointer, the most specific error (a branch's own error rather than the anyOf summary), and
 * drop errors of a parent when one of its children has a more precise one.
 */
function summarize(errors: readonly ErrorObject[]): SchemaProblem[] {
  const byPointer = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPointer.get(e.instancePath);
    if (list) list.push(e);
    else byPointer.set(e.instancePath, [e]);
  }
  const out: SchemaProblem[] = [];
  for (const [pointer, list] of byPointer) {
    const anyOf = list.some((e) => e.keyword === 'anyOf');
    const own = list.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'type');
    let message: string;
    let keyword: string;
    if (own.length > 0 && !(anyOf && own.every((e) => e.keyword === 'required' || e.keyword === 'format'))) {
      const first = own[0] as ErrorObject;
      keyword = first.keyword;
      message = describe(first);
    } else if (anyOf) {
      keyword = 'anyOf';
      message = `${where(pointer)} has the wrong type: expected ${expectedFor(pointer)}`;
    } else {
      const first = list[0] as ErrorObject;
      keyword = first.keyword;
      message = describe(first);
    }
    out.push({ pointer, keyword, message: withAdvice(pointer, message) });
  }
  return out;
}

function where(pointer: string): string {
  if (pointer === '') return 'the rule';
  return `'${pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('.')}'`;
}

function expectedFor(pointer: string): string {
  const parts = pointer.split('/');
  if (parts[1] === 'detection' && parts[2] === 'condition') return 'a string or a list of strings';
  if (parts[1] === 'detection' && parts.length === 3) return 'a map of field names to values, or a list of keywords or maps';
  if (parts[1] === 'detection' && parts.length >= 4) return 'a string, number, boolean, null, or a list of them';
  return 'another type';
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${where(e.instancePath)} has no '${String(p.missingProperty)}'`;
    case 'type':
      return `${where(e.instancePath)} must be ${Array.isArray(p.type) ? (p.type as string[]).join(' or ') : String(p.type)}`;
    case 'enum':
      return `${where(e.instancePath)} must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'format':
      return `${where(e.instancePath)} is not a ${String(p.format).toUpperCase()}`;
    case 'pattern':
      return `${where(e.instancePath)} does not have the required form`;
    case 'maxLength':
      return `${where(e.instancePath)} is longer than ${String(p.limit)} characters`;
    case 'minLength':
      return `${where(e.instancePath)} is shorter than ${String(p.limit)} characters`;
    case 'minItems':
      return `${where(e.instancePath)} must not be empty`;
    case 'uniqueItems':
      return `${where(e.instancePath)} lists the same entry twice (items ${Number(p.j) + 1} and ${Number(p.i) + 1})`;
    default:
      return `${where(e.instancePath)} ${e.message ?? 'is invalid'}`;
  }
}

function withAdvice(pointer: string, message: string): string {
  const attribute = pointer.split('/')[1] ?? '';
  const advice = own(ATTRIBUTE_ADVICE, attribute);
  return advice ? `${message}; ${advice}` : message;
}
