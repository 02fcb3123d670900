/**
 * A minimal loader of Microsoft's KQL analyser for the corpus report and test, with the tables of
 * one schema (backends/schemas/<name>.yml) declared: a Defender XDR query is checked against the
 * Defender tables only, a Sentinel one against Sentinel's (their column types differ, e.g.
 * AdditionalFields is string in Defender and dynamic in Sentinel). Lives in scripts/ because
 * scripts are compiled to dist/ and cannot import from test/.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';

/* Bridge.NET build: it defines a global `Kusto` and ships no typings usable from require. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type KustoNs = any;

export interface KqlProblem {
  readonly code: string;
  readonly message: string;
}

/** Splits the analyser's errors into the three kinds the corpus report counts. */
export function classifyKqlProblem(p: KqlProblem): 'syntax' | 'unknown-name' | 'semantic' {
  // KS0xx are parser diagnostics; KS142 is "the name 'X' does not refer to any known column, table ...".
  if (/^KS0\d\d$/.test(p.code)) return 'syntax';
  if (p.code === 'KS142' || /does not refer to any known/.test(p.message)) return 'unknown-name';
  return 'semantic';
}

const SCALARS: Readonly<Record<string, string>> = {
  string: 'String',
  long: 'Long',
  int: 'Int',
  datetime: 'DateTime',
  bool: 'Bool',
  dynamic: 'Dynamic',
  real: 'Real',
  guid: 'Guid',
  timespan: 'TimeSpan',
};

/** Returns a checker for one schema: query text → the analyser's errors (warnings left out). */
export function createKqlChecker(root: string, schema: string): (query: string) => KqlProblem[] {
  const dir = path.join(root, 'node_modules', '@kusto', 'language-service-next');
  require(path.join(dir, 'bridge.js'));
  require(path.join(dir, 'Kusto.Language.Bridge.js'));
  const K = (globalThis as unknown as { Kusto: { Language: KustoNs } }).Kusto.Language;
  const sym = K.Symbols;
  const file = path.join(root, 'backends', 'schemas', `${schema}.yml`);
  const tables = yaml.load(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
  const symbols = Object.entries(tables).map(([name, cols]) => {
    const columns = Object.entries(cols).map(([c, t]) => {
      const scalar = SCALARS[t];
      if (!scalar) throw new Error(`schema column ${name}.${c} has unknown type '${t}'`);
      return new sym.ColumnSymbol(c, sym.ScalarTypes[scalar]);
    });
    return new sym.TableSymbol.$ctor4(name, columns);
  });
  const db = new sym.DatabaseSymbol.ctor('db', symbols);
  const gs = K.GlobalState.Default.WithCluster(new sym.ClusterSymbol.ctor('c', [db])).WithDatabase(db);
  return (query) => {
    const diagnostics = K.KustoCode.ParseAndAnalyze(query, gs).GetDiagnostics();
    const out: KqlProblem[] = [];
    for (let i = 0; i < diagnostics.Count; i++) {
      const d = diagnostics.getItem(i);
      if (String(d.Severity) === 'Error') out.push({ code: String(d.Code), message: String(d.Message) });
    }
    return out;
  };
}

/**
 * Checks many queries in a child Node process running the built copy of this file
 * (dist/scripts/kusto-check.js). The analyser is slow (milliseconds per query) and several times
 * slower inside jest's module sandbox, so the corpus test and report run one child per schema, in
 * parallel. Resolves to the problems of each query, in order.
 */
export function checkKqlInChild(root: string, schema: string, queries: readonly string[]): Promise<KqlProblem[][]> {
  const script = path.join(root, 'dist', 'scripts', 'kusto-check.js');
  if (!fs.existsSync(script)) return Promise.reject(new Error(`${script} is missing: run 'npm run build' first`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, root, schema], { stdio: ['pipe', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`KQL checker exited with status ${code}`));
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as KqlProblem[][]);
      } catch (err) {
        reject(err as Error);
      }
    });
    child.stdin.end(JSON.stringify(queries));
  });
}

/** Child mode: `node kusto-check.js ROOT SCHEMA` reads a JSON array of queries on stdin. */
function childMain(): void {
  const [root, schema] = process.argv.slice(2);
  if (!root || !schema) {
    process.stderr.write('usage: kusto-check.js ROOT SCHEMA < queries.json\n');
    process.exitCode = 2;
    return;
  }
  const chunks: Buffer[] = [];
  process.stdin.on('data', (c: Buffer) => chunks.push(c));
  process.stdin.on('end', () => {
    const check = createKqlChecker(root, schema);
    const queries = JSON.parse(Buffer.concat(chunks).toString('utf8')) as string[];
    process.stdout.write(JSON.stringify(queries.map((q) => check(q))));
  });
}

if (require.main === module) childMain();
