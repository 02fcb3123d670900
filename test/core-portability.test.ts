import * as fs from 'fs';
import * as path from 'path';
import { Converter, createMapLoader } from '../src/index';
import { createFsLoader } from '../src/cli/fs-loader';
import { TARGETS } from './support/targets';

const ROOT = path.resolve(__dirname, '..');

/** Every file of the given folders, as the map a browser bundle would ship. */
function bundle(dirs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(ROOT, rel))) {
      const child = `${rel}/${name}`;
      if (fs.statSync(path.join(ROOT, child)).isDirectory()) walk(child);
      else out[child] = fs.readFileSync(path.join(ROOT, child), 'utf8');
    }
  };
  dirs.forEach(walk);
  return out;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`);
}

describe('the conversion core runs without a file system', () => {
  const rules = fs.readFileSync(path.join(ROOT, 'sigma/t1040/net_sniffing_t1040.yml'), 'utf8');

  test.each(TARGETS)('%s: a bundled map loader gives the same queries as the file loader', (target) => {
    const fromMap = new Converter(createMapLoader(bundle(['backends', 'templates']))).convertText(rules, 'pack.yml', { target });
    const fromFs = new Converter(createFsLoader(ROOT)).convertText(rules, 'pack.yml', { target });
    expect(fromMap.every((r) => r.ok)).toBe(true);
    expect(fromMap.map((r) => r.queries)).toEqual(fromFs.map((r) => r.queries));
  });

  test('a missing definition is a clear error, not a crash', () => {
    const converter = new Converter(createMapLoader({}));
    expect(() => converter.convertText(rules, 'pack.yml', { target: 'kql' })).toThrow(/unknown target 'kql'/);
  });

  test('outside src/cli, no module touches the file system, the process or Node-only globals', () => {
    const offenders = ['src/rule', 'src/condition', 'src/ir', 'src/pipeline', 'src/render', 'src/output', 'src/correlation', 'src/evaluate', 'src/validate', 'src/core']
      .flatMap(sourceFiles)
      .concat(['src/convert.ts', 'src/index.ts'])
      .filter((file) => /from '(fs|path|os|child_process|worker_threads)'|\bprocess\.|\bBuffer\b|__dirname/.test(fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')));
    expect(offenders).toEqual([]);
  });
});
