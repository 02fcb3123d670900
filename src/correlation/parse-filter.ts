import { SigmaError } from '../core/errors';
import type { YamlDocument } from '../rule/yaml-source';
import { parseRule, type ParseOptions } from '../rule/parse-rule';
import type { DocumentOrigin, SigmaFilter } from './model';
import { parseRuleList } from './parse-correlation';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Builds a Sigma filter from one YAML document. The `filter` section is a detection section plus
 * `rules`, so it is read by the rule parser itself (same modifiers, same condition grammar, same
 * locations): the document is presented to it with `filter` minus `rules` as its `detection`.
 */
export function parseFilter(doc: YamlDocument, lines: readonly string[], origin: DocumentOrigin, options: ParseOptions = {}): SigmaFilter {
  const value = doc.value;
  if (!isObj(value)) throw new SigmaError('invalid-rule', 'a Sigma filter must be a YAML mapping', { line: doc.firstLine, col: 1 });
  const top = doc.positions.get(value);
  const body = value.filter;
  const bodyLoc = top?.keys.get('filter') ?? top?.loc;
  if (!isObj(body)) throw new SigmaError('invalid-detection', "'filter' must be a mapping of rules, search identifiers and a condition", bodyLoc);
  const bodyPos = doc.positions.get(body);
  const rules = parseRuleList(body.rules, doc, bodyPos?.keys.get('rules') ?? bodyLoc, 'filter');

  const detection: Obj = { ...body };
  delete detection.rules;
  const asRule: Obj = { ...value, detection };
  delete asRule.filter;
  // The copies stand for the same source text: give them the originals' positions.
  if (bodyPos) doc.positions.set(detection, bodyPos);
  if (top) doc.positions.set(asRule, { ...top, keys: new Map([...top.keys, ['detection', bodyLoc ?? top.loc]]) });
  const parsed = parseRule({ ...doc, value: asRule }, lines, options);
  return {
    kind: 'filter',
    origin,
    id: parsed.id,
    title: parsed.title,
    logsource: parsed.logsource,
    rules,
    expr: parsed.expr,
    loc: top?.loc,
  };
}
