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
}

/** The java launcher and a Lucene core jar, or the reason they are not there. */
export function findLucene(): LuceneSetup | { missing: string } {
  const jar = process.env.LUCENE_JAR ?? debianLuceneJar();
  if (!jar || !fs.existsSync(jar)) return { missing: `no Lucene core jar (${jar ?? `${DEBIAN_JARS}/lucene-core*.jar`}; set LUCENE_JAR)` };
  const java = process.env.JAVA ?? 'java';
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { missing: `no java launcher ('${java} -version' failed; set JAVA)` };
  return { java, jar };
}

function debianLuceneJar(): string | null {
  if (!fs.existsSync(DEBIAN_JARS)) return null;
  // Debian 12's liblucene8-java ships Lucene 8.8.1 as lucene-core-8.7.0.jar: take whichever core jar is there.
  const name = fs.readdirSync(DEBIAN_JARS).filter((f) => /^lucene-core(-[\d.]+)?\.jar$/.test(f)).sort().pop();
  return name ? path.join(DEBIAN_JARS, name) : null;
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
  const input = regexes.map((r) => `${r.caseInsensitive ? 'i' : 's'} ${JSON.stringify(r.pattern)}\n`).join('');
  return new Promise((resolve, reject) => {
    const child = spawn(setup.java, ['-Xss8m', '-cp', setup.jar, CHECKER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = stdout.split('\n');
      const version = /^LUCENE (\S+)$/.exec(lines[0] ?? '')?.[1];
      const verdicts = lines.slice(1, regexes.length + 1);
      if (code !== 0 || !version || verdicts.length !== regexes.length || verdicts.some((v) => v !== 'OK' && !v.startsWith('REJECTED '))) {
        reject(new Error(`the Lucene checker failed (exit ${code}): ${stderr.slice(0, 2000)}${stdout.slice(0, 500)}`));
        return;
      }
      resolve({ version, rejections: verdicts.map((v) => (v === 'OK' ? null : v.slice('REJECTED '.length))) });
    });
    child.stdin.end(input);
  });
}
