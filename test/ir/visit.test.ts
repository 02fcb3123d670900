/**
 * The IR's one visitor (src/ir/visit.ts) and the spans every predicate carries: the passes built on the
 * visitor (normalise, map predicates, list predicates) keep their meaning, and every predicate that
 * reaches a renderer, parsed from a rule or added by a pipeline, says where it comes from.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Expr, Predicate, SourceLocation } from '../../src/ir/types';
import { findPredicate, predicatesOf, visitExpr } from '../../src/ir/visit';
import { mapPredicates, normalizeExpr } from '../../src/ir/normalize';
import { parseYamlDocuments } from '../../src/rule/yaml-source';
import { parseRule } from '../../src/rule/parse-rule';
import { applyPipeline, ruleInput } from '../../src/pipeline/apply-pipeline';
import { Converter } from '../../src/convert';
import { createFsLoader } from '../../src/cli/fs-loader';
import { SigmaError } from '../../src/core/errors';

const ROOT = path.resolve(__dirname, '..', '..');
const at = (line: number): SourceLocation => ({ line, col: 1 });
const exists = (field: string, line = 1): Predicate => ({ kind: 'exists', field, loc: at(line) });

describe('visitExpr', () => {
  const describeExpr = (e: Expr): string =>
    visitExpr(e, {
      predicate: (p) => (p.kind === 'exists' ? p.field : p.kind),
      and: (node, visit) => `(${node.args.map(visit).join(' & ')})`,
      or: (node, visit) => `(${node.args.map(visit).join(' | ')})`,
      not: (node, visit) => `!${visit(node.arg)}`,
      const: (node) => String(node.value),
    });

  test('calls the handler of each kind, recursing where the handler asks', () => {
    const e: Expr = { kind: 'and', args: [exists('a'), { kind: 'not', arg: { kind: 'or', args: [exists('b'), { kind: 'const', value: false }] } }] };
    expect(describeExpr(e)).toBe('(a & !(b | false))');
  });

  test('a handler that does not recurse stops the walk there', () => {
    let seen = 0;
    const count = (e: Expr): number =>
      visitExpr(e, {
        predicate: () => ++seen,
        and: (node, visit) => node.args.map(visit).length,
        or: () => 0,
        not: (node, visit) => visit(node.arg),
        const: () => 0,
      });
    count({ kind: 'and', args: [exists('a'), { kind: 'or', args: [exists('b'), exists('c')] }] });
    expect(seen).toBe(1);
  });
});

describe('predicatesOf / findPredicate', () => {
  test('depth-first, left to right, under not and inside constants-free branches', () => {
    const e: Expr = { kind: 'or', args: [{ kind: 'and', args: [exists('a'), { kind: 'not', arg: exists('b') }] }, { kind: 'const', value: true }, exists('c')] };
    expect([...predicatesOf(e)].map((p) => (p.kind === 'exists' ? p.field : ''))).toEqual(['a', 'b', 'c']);
  });

  test('a 200,000-way OR and a 100,000-deep NOT chain do not overflow the stack', () => {
    const wide: Expr = { kind: 'or', args: Array.from({ length: 200_000 }, (_, i) => exists(`f${i}`)) };
    expect([...predicatesOf(wide)]).toHaveLength(200_000);
    let deep: Expr = exists('x');
    for (let i = 0; i < 100_000; i++) deep = { kind: 'not', arg: deep };
    expect([...predicatesOf(deep)]).toHaveLength(1);
  });

  test('findPredicate stops at the first match', () => {
    let tested = 0;
    const found = findPredicate({ kind: 'and', args: [exists('a', 1), exists('b', 2), exists('c', 3)] }, (p) => {
      tested++;
      return p.kind === 'exists' && p.field === 'b';
    });
    expect(found?.loc).toEqual(at(2));
    expect(tested).toBe(2);
    expect(findPredicate(exists('a'), () => false)).toBeNull();
  });
});

describe('passes on the visitor', () => {
  test('normalizeExpr flattens, drops neutral constants, absorbs, and removes double negation', () => {
    const a = exists('a');
    const b = exists('b');
    expect(normalizeExpr({ kind: 'and', args: [a, { kind: 'and', args: [b, { kind: 'const', value: true }] }] })).toEqual({ kind: 'and', args: [a, b] });
    expect(normalizeExpr({ kind: 'or', args: [a, { kind: 'const', value: true }] })).toEqual({ kind: 'const', value: true });
    expect(normalizeExpr({ kind: 'not', arg: { kind: 'not', arg: a } })).toBe(a);
    expect(normalizeExpr({ kind: 'not', arg: { kind: 'and', args: [] } })).toEqual({ kind: 'const', value: false });
  });

  test('mapPredicates rewrites every predicate and keeps the shape', () => {
    const e: Expr = { kind: 'and', args: [exists('a'), { kind: 'not', arg: exists('b') }] };
    const renamed = mapPredicates(e, (p) => (p.kind === 'exists' ? { ...p, field: p.field.toUpperCase() } : p));
    expect(renamed).toEqual({ kind: 'and', args: [exists('A'), { kind: 'not', arg: exists('B') }] });
  });
});

describe('every predicate has a span', () => {
  const converter = new Converter(createFsLoader(ROOT));
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (fs.statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(name)) files.push(full);
    }
  };
  walk(path.join(ROOT, 'sigma'));

  test.each(['kql', 'splunk', 'eql'])('parsed rules of sigma/ and their %s pipeline output point into the rule file', (target) => {
    const pipeline = converter.resolvePipeline(converter.backend(target).default_pipeline);
    let checked = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split('\n');
      for (const doc of parseYamlDocuments(text)) {
        if (doc.error || (doc.value as { detection?: unknown } | null)?.detection === undefined) continue;
        const rule = parseRule(doc, lines);
        let mapped: Expr;
        try {
          mapped = applyPipeline(ruleInput(rule), pipeline, converter.schemasFor(pipeline)).expr;
        } catch (err) {
          if (!(err instanceof SigmaError)) throw err;
          continue; // a logsource the pipeline does not map: reported by the converter, no IR
        }
        for (const p of [...predicatesOf(rule.expr), ...predicatesOf(mapped)]) {
          expect(p.loc.line).toBeGreaterThanOrEqual(1);
          expect(p.loc.line).toBeLessThanOrEqual(lines.length);
          expect(p.loc.col).toBeGreaterThanOrEqual(1);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});
