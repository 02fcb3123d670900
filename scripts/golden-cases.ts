/**
 * What every golden file must hold: each rule of sigma/ and test/rules/ converted for every target,
 * in process, printed exactly as the CLI prints it (queries on stdout, diagnostics on stderr).
 * Shared by `npm run golden:update` (writes) and test/golden.test.ts (compares byte for byte).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { Converter, type ConvertOptions, type RuleResult } from '../src/convert';
import { createFsLoader } from '../src/cli/fs-loader';
import { formatDiagnostic } from '../src/cli/report';
import type { Placeholders } from '../src/rule/modifiers';
import { computeFormatGoldens } from './format-goldens';
import { parseYamlDocuments } from '../src/rule/yaml-source';

import { listTargets } from '../src/render/backend-def';

/** Every target of backends/: a new backend file gets its goldens with no list to edit. */
export function goldenTargets(root: string): string[] {
  return listTargets(createFsLoader(root));
}
/** The table KQL reads with --pipeline none in the feature suite (declared for the parser check). */
export const FEATURE_TABLE = 'SigmaEvents';

/** A folder of rules and how they are converted. Rule paths are relative to the project root. */
interface RuleSet {
  readonly dir: string;
  /** Where its goldens go below test/golden/<target>/. */
  readonly goldenDir: string;
  /** 'none' keeps field names as written; undefined is the target's default pipeline; else a named pipeline. */
  readonly pipeline: string | undefined;
  /** Convert the folder's files together (correlations and filters name rules of other files), as the CLI does. */
  readonly together?: boolean;
}

const RULE_SETS: readonly RuleSet[] = [
  { dir: 'sigma', goldenDir: 'sigma', pipeline: undefined, together: true },
  { dir: 'test/rules/correlation', goldenDir: 'correlation', pipeline: undefined, together: true },
  { dir: 'test/rules/filters', goldenDir: 'filters', pipeline: undefined, together: true },
  { dir: 'test/rules/features/none', goldenDir: 'features/none', pipeline: 'none' },
  { dir: 'test/rules/features/mapped', goldenDir: 'features/mapped', pipeline: undefined },
  { dir: 'test/rules/invalid', goldenDir: 'invalid', pipeline: 'none' },
  // The non-default pipelines (each for the target it declares), on the shipped pack and the mapped feature rules.
  { dir: 'sigma', goldenDir: 'pipeline-sentinel/sigma', pipeline: 'sentinel', together: true },
  { dir: 'test/rules/features/mapped', goldenDir: 'pipeline-sentinel/features/mapped', pipeline: 'sentinel' },
  { dir: 'sigma', goldenDir: 'pipeline-splunk-cim/sigma', pipeline: 'splunk-cim', together: true },
  { dir: 'test/rules/features/mapped', goldenDir: 'pipeline-splunk-cim/features/mapped', pipeline: 'splunk-cim' },
];

/** Values for `|expand` placeholders used by the feature rules (what --placeholders FILE supplies). */
export const PLACEHOLDERS_FILE = 'test/rules/placeholders.yml';

export interface GoldenEntry {
  /** Path relative to the project root, e.g. test/golden/kql/sigma/t1040/net_sniffing_t1040.kql */
  readonly goldenPath: string;
  readonly content: string;
  readonly target: string;
  readonly pipeline: string;
  readonly rulePath: string;
  /** The queries the file holds (empty for an .error.txt golden). */
  readonly queries: readonly string[];
}

function listRules(root: string, dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  const out: string[] = [];
  for (const name of fs.readdirSync(abs).sort()) {
    const rel = `${dir}/${name}`;
    const stat = fs.statSync(path.join(root, rel));
    if (stat.isDirectory()) out.push(...listRules(root, rel));
    else if (/\.ya?ml$/i.test(name)) out.push(rel);
  }
  return out;
}

function loadPlaceholders(root: string): Placeholders {
  const data = yaml.load(fs.readFileSync(path.join(root, PLACEHOLDERS_FILE), 'utf8')) as Record<string, unknown[]>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.map(String)]));
}

/**
 * Every golden file that the rules produce today, keyed by nothing but order (sorted by path).
 * A test may pass its own Converter to look at each rule's conversion on the way.
 */
export function computeGoldens(root: string, converter = new Converter(createFsLoader(root))): GoldenEntry[] {
  const placeholders = loadPlaceholders(root);
  const entries: GoldenEntry[] = [];
  for (const set of RULE_SETS) {
    for (const rulePath of listRules(root, set.dir)) {
      const text = fs.readFileSync(path.join(root, rulePath), 'utf8');
      const stem = set.goldenDir + rulePath.slice(set.dir.length).replace(/\.ya?ml$/i, '');
      for (const target of targetsOf(set, converter, root)) {
        const options: ConvertOptions = {
          target,
          pipeline: set.pipeline,
          table: set.pipeline === 'none' && needsTable(converter, target) ? FEATURE_TABLE : undefined,
          placeholders,
        };
        const ext = converter.plan(options).formatDef.extension ?? 'txt';
        const results = set.together
          ? converter
              .convertCollection(listRules(root, set.dir).map((f) => ({ file: f, text: fs.readFileSync(path.join(root, f), 'utf8') })), options)
              .filter((r) => r.file === rulePath)
          : converter.convertText(text, rulePath, options);
        entries.push(...goldensFor(results, text, rulePath, `test/golden/${target}/${stem}`, ext));
      }
    }
  }
  entries.push(...computeFormatGoldens(root));
  return entries.sort((a, b) => (a.goldenPath < b.goldenPath ? -1 : a.goldenPath > b.goldenPath ? 1 : 0));
}

/** A built-in pipeline is for the one target it declares; the default pipeline and 'none' are for every target. */
function targetsOf(set: RuleSet, converter: Converter, root: string): readonly string[] {
  if (set.pipeline === undefined || set.pipeline === 'none') return goldenTargets(root);
  return [converter.pipeline(set.pipeline).target];
}

/** With --pipeline none, a target whose source is --table reads the feature suite's table. */
export function needsTable(converter: Converter, target: string): boolean {
  return converter.backend(target).source.from.includes('table');
}

/** The query golden (stdout of the CLI) and, when a document failed, the error golden (its stderr lines). */
function goldensFor(results: readonly RuleResult[], text: string, rulePath: string, base: string, ext: string): GoldenEntry[] {
  const first = results[0];
  const common = { target: first?.target ?? '', pipeline: first?.pipeline ?? '', rulePath };
  const out: GoldenEntry[] = [];
  const queries = results.filter((r) => r.ok).flatMap((r) => r.queries);
  if (queries.length) out.push({ ...common, goldenPath: `${base}.${ext}`, content: queries.join('\n\n') + '\n', queries });
  const errors = results.flatMap((r) =>
    r.errors.map((e) =>
      formatDiagnostic(e, { file: rulePath, document: r.document, documents: results.length, title: r.title, id: r.id }, text),
    ),
  );
  // A file of filters only yields no result when its filters are sound: that is not an empty file.
  if (errors.length || (results.length === 0 && parseYamlDocuments(text).length === 0)) {
    const body = errors.length ? errors.join('\n') : `${rulePath}: the file holds no YAML documents`;
    out.push({ ...common, goldenPath: `${base}.error.txt`, content: body + '\n', queries: [] });
  }
  return out;
}

/** Every file under test/golden/ today (paths relative to the project root). */
export function existingGoldenFiles(root: string): string[] {
  const walk = (dir: string): string[] => {
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs)) return [];
    return fs
      .readdirSync(abs)
      .sort()
      .flatMap((name) => (fs.statSync(path.join(abs, name)).isDirectory() ? walk(`${dir}/${name}`) : [`${dir}/${name}`]));
  };
  return walk('test/golden');
}
