/**
 * Apache Lucene's own regex classes, as Elasticsearch uses them, run from a test: one JVM checks a
 * whole batch (test/support/LuceneRegexCheck.java, launched as a single-file program, so a JRE is
 * enough). Debian: `apt-get install default-jre-headless liblucene8-java`; $LUCENE_JAR overrides the jar.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const CHECKER = path.join(__dirname, 'LuceneRegexCheck.java');
const DEBIAN_JARS = '/usr/share/java';

export interface LuceneSetup {
  readonly java: string;
  readonly jar: string;
  /** The query parser's jars (lucene-queryparser, lucene-analyzers-common) beside the core jar, when there. */
  readonly queryJars: readonly string[];
}

/** The java launcher and a Lucene core jar, or the reason they are not there. */
export function findLucene(): LuceneSetup | { missing: string } {
  const jar = process.env.LUCENE_JAR ?? debianLuceneJar();
  if (!jar || !fs.existsSync(jar)) return { missing: `no Lucene core jar (${jar ?? `${DEBIAN_JARS}/lucene-core*.jar`}; set LUCENE_JAR)` };
  const java = process.env.JAVA ?? 'java';
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { missing: `no java launcher ('${java} -version' failed; set JAVA)` };
  return { java, jar, queryJars: siblingJars(jar, ['lucene-queryparser', 'lucene-analyzers-common']) };
}

function debianLuceneJar(): string | null {
  if (!fs.existsSync(DEBIAN_JARS)) return null;
  // Debian 12's liblucene8-java ships Lucene 8.8.1 as lucene-core-8.7.0.jar: take whichever core jar is there.
  const name = fs.readdirSync(DEBIAN_JARS).filter((f) => /^lucene-core(-[\d.]+)?\.jar$/.test(f)).sort().pop();
  return name ? path.join(DEBIAN_JARS, name) : null;
}

/** For each prefix, the jar named <prefix>[-version].jar in the core jar's folder; [] unless all are there. */
function siblingJars(coreJar: string, prefixes: readonly string[]): string[] {
  const dir = path.dirname(coreJar);
  const names = fs.readdirSync(dir);
  const found = prefixes.map((p) => names.filter((n) => new RegExp(`^${p}(-[\\d.]+)?\\.jar$`).test(n)).sort().pop());
  return found.every((n): n is string => n !== undefined) ? found.map((n) => path.join(dir, n)) : [];
}

export interface LuceneRegex {
  readonly pattern: string;
  /** Checked with ASCII case folding (EQL `regex~`, a regexp query with case_insensitive). */
  readonly caseInsensitive: boolean;
}

export interface LuceneVerdicts {
  /** The Lucene version that checked, e.g. "8.8.1". */
  readonly version: string;
  /** Per input regex, in order: null when accepted, else Lucene's exception and message. */
  readonly rejections: readonly (string | null)[];
}

/** Parses and compiles every regex as Elasticsearch's regexp query does; rejects if the checker fails. */
export function checkLuceneRegexes(setup: LuceneSetup, regexes: readonly LuceneRegex[]): Promise<LuceneVerdicts> {
  return runChecker(setup, regexes.map((r) => `${r.caseInsensitive ? 'i' : 's'} ${JSON.stringify(r.pattern)}\n`));
}

/** Parses every query with Lucene's classic QueryParser (its regexes and wildcards compiled as Elasticsearch does). */
export function checkLuceneQueries(setup: LuceneSetup, queries: readonly string[]): Promise<LuceneVerdicts> {
  if (!setup.queryJars.length) return Promise.reject(new Error(`no lucene-queryparser / lucene-analyzers-common jar beside ${setup.jar}`));
  return runChecker(setup, queries.map((q) => `q ${JSON.stringify(q)}\n`));
}

function runChecker(setup: LuceneSetup, lines: readonly string[]): Promise<LuceneVerdicts> {
  const input = lines.join('');
  const classPath = [setup.jar, ...setup.queryJars].join(path.delimiter);
  return new Promise((resolve, reject) => {
    const child = spawn(setup.java, ['-Xss8m', '-cp', classPath, CHECKER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const out = stdout.split('\n');
      const version = /^LUCENE (\S+)$/.exec(out[0] ?? '')?.[1];
      const verdicts = out.slice(1, lines.length + 1);
      if (code !== 0 || !version || verdicts.length !== lines.length || verdicts.some((v) => v !== 'OK' && !v.startsWith('REJECTED '))) {
        reject(new Error(`the Lucene checker failed (exit ${code}): ${stderr.slice(0, 2000)}${stdout.slice(0, 500)}`));
        return;
      }
      resolve({ version, rejections: verdicts.map((v) => (v === 'OK' ? null : v.slice('REJECTED '.length))) });
    });
    child.stdin.end(input);
  });
}
