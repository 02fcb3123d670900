import { SigmaError, toDiagnostic, type Diagnostic } from '../core/errors';

import { parseYamlDocuments, scanTopLevelScalar, type YamlDocument } from '../rule/yaml-source';
import { documentKind, parseRule, type ParseOptions } from '../rule/parse-rule';
import type { SigmaRule } from '../rule/model';
import type { DocumentOrigin, RuleReference, SigmaCorrelation, SigmaFilter } from './model';
import { parseCorrelation } from './parse-correlation';
import { parseFilter } from './parse-filter';

export interface SourceText {
  readonly file: string;
  readonly text: string;
}

/** One document of the set, parsed or failed. */
export type SetEntry =
  | { readonly kind: 'rule'; readonly origin: DocumentOrigin; readonly rule: SigmaRule }
  | { readonly kind: 'correlation'; readonly origin: DocumentOrigin; readonly correlation: SigmaCorrelation }
  | { readonly kind: 'filter'; readonly origin: DocumentOrigin; readonly filter: SigmaFilter; readonly extra: boolean }
  | { readonly kind: 'error'; readonly origin: DocumentOrigin; readonly id: string | null; readonly title: string | null; readonly error: Diagnostic };

export type Referable = Extract<SetEntry, { kind: 'rule' | 'correlation' }>;

/**
 * Every document of every file of one conversion run ("rule set"), indexed by id and name so that
 * correlations and filters can refer to rules in other files. Building it never throws: a broken
 * document becomes an error entry and the others stay usable.
 */
export class RuleSet {
  readonly entries: SetEntry[] = [];
  private readonly byRef = new Map<string, Referable>();
  /** Problems found while indexing (duplicate ids/names), keyed by entry. */
  readonly indexErrors = new Map<SetEntry, Diagnostic>();

  constructor(sources: readonly SourceText[], extraFilters: readonly SourceText[], options: ParseOptions) {
    for (const src of sources) this.addFile(src, options, false);
    for (const src of extraFilters) this.addFile(src, options, true);
    for (const e of this.entries) {
      if (e.kind !== 'rule' && e.kind !== 'correlation') continue;
      const item = e.kind === 'rule' ? e.rule : e.correlation;
      for (const key of [item.id, item.name]) {
        if (!key) continue;
        const other = this.byRef.get(key);
        if (other && other !== e) {
          this.indexErrors.set(e, toDiagnostic(new SigmaError('correlation', `'${key}' also names ${describe(other)}; ids and names must be unique among the files converted together`, item.loc)));
          continue;
        }
        this.byRef.set(key, e);
      }
    }
  }

  private addFile(src: SourceText, options: ParseOptions, extra: boolean): void {
    const lines = src.text.split('\n');
    for (const doc of parseYamlDocuments(src.text)) {
      const origin = { file: src.file, document: doc.index };
      const meta = doc.error ? { id: scanTopLevelScalar(lines, doc.firstLine, 'id'), title: scanTopLevelScalar(lines, doc.firstLine, 'title') } : documentMeta(doc.value);
      this.entries.push(parseEntry(doc, lines, origin, options, extra, meta));
    }
  }

  /** The rule or correlation a reference names, or a correlation error naming the reference. */
  resolve(ref: RuleReference, from: string): Referable {
    const found = this.byRef.get(ref.ref);
    if (found) return found;
    throw new SigmaError('correlation', `${from} refers to '${ref.ref}', which is neither the id nor the name of a rule given in this run; convert the files that define it together`, ref.loc);
  }

  private specialEntries: SetEntry[] | null = null;

  /** Filter and correlation entries (few), so per-rule lookups do not scan a whole corpus (quadratic). */
  private special(): SetEntry[] {
    this.specialEntries ??= this.entries.filter((e) => e.kind === 'filter' || e.kind === 'correlation');
    return this.specialEntries;
  }

  /** The filters that apply to a rule, checked against its logsource. */
  filtersFor(entry: Extract<SetEntry, { kind: 'rule' }>): SigmaFilter[] {
    const out: SigmaFilter[] = [];
    for (const e of this.special()) {
      if (e.kind !== 'filter') continue;
      if (!e.filter.rules.some((r) => this.byRef.get(r.ref) === entry)) continue;
      out.push(e.filter);
    }
    return out;
  }

  /** Checks a correlation's references: each must exist, and the chain must not loop back on itself. */
  checkCorrelation(c: SigmaCorrelation): void {
    const visit = (cur: SigmaCorrelation, path: SigmaCorrelation[]): void => {
      for (const ref of cur.rules) {
        const target = this.resolve(ref, `correlation '${cur.title}'`);
        if (target.kind !== 'correlation') continue;
        if (target.correlation === c || path.includes(target.correlation)) {
          const names = [...path, target.correlation].map((x) => `'${x.name ?? x.id ?? x.title}'`).join(' → ');
          throw new SigmaError('correlation', `correlation rules refer to each other in a cycle: ${names}`, ref.loc);
        }
        visit(target.correlation, [...path, target.correlation]);
      }
    };
    visit(c, [c]);
  }

  /** Checks that every rule a filter names (unless ignoreUnknown) exists and is a detection rule with a compatible logsource. */
  checkFilter(f: SigmaFilter, ignoreUnknown = false): void {
    for (const ref of f.rules) {
      // A --filter file is a team's list of local exclusions: rules it names that are not converted now are fine.
      if (ignoreUnknown && !this.byRef.has(ref.ref)) continue;
      const target = this.resolve(ref, `filter '${f.title}'`);
      if (target.kind !== 'rule') throw new SigmaError('correlation', `filter '${f.title}' names correlation '${target.correlation.title}'; filters apply to detection rules (name the rules the correlation uses)`, ref.loc);
      const mismatch = (['category', 'product', 'service'] as const).find((k) => {
        const want = f.logsource[k];
        return want !== undefined && want.toLowerCase() !== (target.rule.logsource[k] ?? '').toLowerCase();
      });
      if (mismatch) {
        throw new SigmaError(
          'correlation',
          `filter '${f.title}' is for logsource ${mismatch} '${f.logsource[mismatch]}', but rule '${target.rule.title}' has ${mismatch} '${target.rule.logsource[mismatch] ?? '(none)'}'`,
          ref.loc,
        );
      }
    }
  }

  /** True when some correlation of the set uses the entry and does not ask to generate its rules too. */
  isHiddenByCorrelation(entry: SetEntry): boolean {
    return this.special().some(
      (e) => e.kind === 'correlation' && !e.correlation.generate && e.correlation.rules.some((r) => this.byRef.get(r.ref) === entry),
    );
  }
}

function describe(e: Referable): string {
  return `${e.kind === 'rule' ? 'rule' : 'correlation'} '${e.kind === 'rule' ? e.rule.title : e.correlation.title}' (${e.origin.file}, document ${e.origin.document})`;
}

function parseEntry(
  doc: YamlDocument,
  lines: readonly string[],
  origin: DocumentOrigin,
  options: ParseOptions,
  extra: boolean,
  meta: { id: string | null; title: string | null },
): SetEntry {
  try {
    if (doc.error) throw doc.error;
    const kind = documentKind(doc.value);
    if (extra && kind !== 'filter') {
      throw new SigmaError('invalid-rule', `document ${doc.index} of a --filter file is not a Sigma filter (it has no 'filter' section)`, { line: doc.firstLine, col: 1 });
    }
    switch (kind) {
      case 'rule':
        return { kind: 'rule', origin, rule: parseRule(doc, lines, options) };
      case 'correlation':
        return { kind: 'correlation', origin, correlation: parseCorrelation(doc, origin) };
      case 'filter':
        return { kind: 'filter', origin, filter: parseFilter(doc, lines, origin, options), extra };
      default:
        throw new SigmaError('invalid-rule', `document ${doc.index} is not a Sigma rule: it has no 'detection', 'correlation' or 'filter'`, { line: doc.firstLine, col: 1 });
    }
  } catch (err) {
    return { kind: 'error', origin, ...meta, error: toDiagnostic(err) };
  }
}

export function documentMeta(value: unknown): { id: string | null; title: string | null } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { id: null, title: null };
  const v = value as Record<string, unknown>;
  const s = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? String(x) : null);
  return { id: s(v.id), title: s(v.title) };
}

