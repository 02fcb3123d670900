/**
 * The SQL targets' real engines for the tests: SQLite (sql.js, SQLite compiled to WebAssembly) and DuckDB
 * (@duckdb/node-api), each loaded with one flat `events` table of text columns, as docs/targets-sql.md
 * describes. SQLite gets the `regexp` user function the sqlite target requires, with RE2 semantics (re2js).
 */
import initSqlJs, { type Database } from 'sql.js';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { RE2JS } from 're2js';
import { escapeSqlIdentifier, escapeSqlString } from '../../src/render/escape';

/** One event: column -> text; a column not present is NULL. */
export type FlatEvent = Readonly<Record<string, string>>;

export interface SqlEngine {
  readonly name: 'sqlite' | 'duckdb';
  /** Replaces the `events` table by these events (row i has __id i) and runs the query: the ids it selects. */
  select(columns: readonly string[], events: readonly FlatEvent[], query: string): Promise<number[]>;
  /** The one value a `SELECT expr` statement returns (booleans as true/false, NULL as null). */
  scalar(sql: string): Promise<unknown>;
  /** The column names a statement returns. */
  columnNames(sql: string): Promise<string[]>;
  close(): void;
}

function ident(name: string): string {
  const q = escapeSqlIdentifier(name);
  if (q === null) throw new Error(`column '${name}' has no SQL form`);
  return q;
}

function literal(text: string): string {
  const q = escapeSqlString(text);
  if (q === null) throw new Error(`value ${JSON.stringify(text)} has no SQL literal`);
  return q;
}

/** The text columns and the rows as one INSERT ... VALUES statement. */
function insertStatement(columns: readonly string[], events: readonly FlatEvent[]): string {
  const rows = events.map((e, i) => `(${[String(i), ...columns.map((c) => (Object.hasOwn(e, c) ? literal(e[c] as string) : 'NULL'))].join(', ')})`);
  return `INSERT INTO events VALUES ${rows.join(', ')}`;
}

const regexCache = new Map<string, RE2JS>();

/** SQLite's `X REGEXP Y` calls regexp(Y, X): the pattern first. NULL text stays NULL (three-valued, like LIKE). */
function sqliteRegexp(pattern: string | null, text: unknown): number | null {
  if (pattern === null || text === null || text === undefined) return null;
  let re = regexCache.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern); // RE2 syntax, as the sqlite target documents
    regexCache.set(pattern, re);
  }
  return re.test(String(text)) ? 1 : 0;
}

export async function openSqlite(): Promise<SqlEngine> {
  const SQL = await initSqlJs();
  const db: Database = new SQL.Database();
  db.create_function('regexp', sqliteRegexp);
  return {
    name: 'sqlite',
    async select(columns, events, query) {
      db.run('DROP TABLE IF EXISTS events');
      db.run(`CREATE TABLE events ("__id" INTEGER, ${columns.map((c) => `${ident(c)} TEXT`).join(', ')})`);
      if (events.length) db.run(insertStatement(columns, events));
      const result = db.exec(`SELECT "__id" FROM (${query})`);
      return (result[0]?.values ?? []).map((row) => Number(row[0]));
    },
    async scalar(sql) {
      const v = db.exec(sql)[0]?.values[0]?.[0];
      return v === undefined ? undefined : v;
    },
    async columnNames(sql) {
      return db.exec(sql)[0]?.columns ?? [];
    },
    close: () => db.close(),
  };
}

export async function openDuckdb(): Promise<SqlEngine> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection: DuckDBConnection = await instance.connect();
  return {
    name: 'duckdb',
    async select(columns, events, query) {
      await connection.run('DROP TABLE IF EXISTS events');
      await connection.run(`CREATE TABLE events ("__id" INTEGER, ${columns.map((c) => `${ident(c)} VARCHAR`).join(', ')})`);
      if (events.length) await connection.run(insertStatement(columns, events));
      const reader = await connection.runAndReadAll(`SELECT "__id" FROM (${query})`);
      return reader.getRows().map((row) => Number(row[0]));
    },
    async scalar(sql) {
      return (await connection.runAndReadAll(sql)).getRows()[0]?.[0];
    },
    async columnNames(sql) {
      return (await connection.runAndReadAll(sql)).columnNames();
    },
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
