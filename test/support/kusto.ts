/**
 * Microsoft's own KQL parser and analyser (@kusto/language-service-next), with every table of
 * backends/schemas/*.yml declared, so a test can ask "does this query parse, and does every column
 * exist with a type its operators accept?".
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';

/* The package is a Bridge.NET build: it defines the global `Kusto` and has no typings for require. */
/* eslint-disable @typescript-eslint/no-explicit-any */
type KustoNs = any;

export interface KqlDiagnostic {
  readonly code: string;
  readonly message: string;
  /** 0-based offset into the query. */
  readonly start: number;
}

/** Column name → schema type name (string, long, int, datetime, bool, dynamic, real, guid). */
export type TableColumns = Readonly<Record<string, string>>;

const ROOT = path.resolve(__dirname, '..', '..');
let kusto: KustoNs | null = null;
const schemaTables = new Map<string, Map<string, TableColumns>>();
const states = new Map<string, unknown>();

function loadKusto(): KustoNs {
  if (!kusto) {
    const dir = path.join(ROOT, 'node_modules', '@kusto', 'language-service-next');
    require(path.join(dir, 'bridge.js'));
    require(path.join(dir, 'Kusto.Language.Bridge.js'));
    kusto = (globalThis as unknown as { Kusto: { Language: KustoNs } }).Kusto.Language;
  }
  return kusto;
}

/**
 * The tables of one schema file (backends/schemas/<name>.yml), or of all of them when no name is
 * given. Defender XDR and Sentinel hold tables of the same name whose columns differ in type
 * (AdditionalFields is a string in Defender, dynamic in Log Analytics): in the union the first
 * file (sorted) wins, so a check that matters should name its pipeline's schema.
 */
export function schemaTableColumns(schema?: string): Map<string, TableColumns> {
  const key = schema ?? '';
  const cached = schemaTables.get(key);
  if (cached) return cached;
  const dir = path.join(ROOT, 'backends', 'schemas');
  const files = schema ? [`${schema}.yml`] : fs.readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();
  const tables = new Map<string, Record<string, string>>();
  for (const file of files) {
    const data = yaml.load(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, Record<string, string>>;
    for (const [table, cols] of Object.entries(data)) {
      const merged = tables.get(table) ?? {};
      for (const [col, type] of Object.entries(cols)) merged[col] ??= type;
      tables.set(table, merged);
    }
  }
  schemaTables.set(key, tables);
  return tables;
}

function scalarType(K: KustoNs, type: string): unknown {
  const types: Record<string, unknown> = {
    string: K.Symbols.ScalarTypes.String,
    long: K.Symbols.ScalarTypes.Long,
    int: K.Symbols.ScalarTypes.Int,
    datetime: K.Symbols.ScalarTypes.DateTime,
    bool: K.Symbols.ScalarTypes.Bool,
    dynamic: K.Symbols.ScalarTypes.Dynamic,
    real: K.Symbols.ScalarTypes.Real,
    guid: K.Symbols.ScalarTypes.Guid,
    timespan: K.Symbols.ScalarTypes.TimeSpan,
  };
  const t = types[type];
  if (!t) throw new Error(`unknown KQL column type '${type}' in a schema`);
  return t;
}

/** The analyser's global state for the schema tables plus `extraTables`; built once per distinct set. */
function globalState(extraTables: Readonly<Record<string, TableColumns>>, schema: string | undefined): unknown {
  const key = JSON.stringify([schema ?? '', extraTables]);
  const cached = states.get(key);
  if (cached) return cached;
  const K = loadKusto();
  const sym = K.Symbols;
  const all = new Map<string, TableColumns>(schemaTableColumns(schema));
  for (const [name, cols] of Object.entries(extraTables)) all.set(name, cols);
  const tables = [...all].map(
    ([name, cols]) => new sym.TableSymbol.$ctor4(name, Object.entries(cols).map(([c, t]) => new sym.ColumnSymbol(c, scalarType(K, t)))),
  );
  const db = new sym.DatabaseSymbol.ctor('db', tables);
  const gs = K.GlobalState.Default.WithCluster(new sym.ClusterSymbol.ctor('c', [db])).WithDatabase(db);
  states.set(key, gs);
  return gs;
}

/**
 * The errors Microsoft's analyser reports for a query: syntax errors, unknown tables and columns,
 * operators applied to the wrong types. Warnings and suggestions are left out. `schema` names the
 * backends/schemas file whose tables are declared (all of them when omitted); `extraTables` adds
 * ad-hoc tables, e.g. the one a `--pipeline none --table X` conversion reads.
 */
export function kqlDiagnostics(query: string, extraTables: Readonly<Record<string, TableColumns>> = {}, schema?: string): KqlDiagnostic[] {
  const K = loadKusto();
  const diagnostics = K.KustoCode.ParseAndAnalyze(query, globalState(extraTables, schema)).GetDiagnostics();
  const out: KqlDiagnostic[] = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const d = diagnostics.getItem(i);
    if (String(d.Severity) === 'Error') out.push({ code: String(d.Code), message: String(d.Message), start: Number(d.Start) });
  }
  return out;
}
