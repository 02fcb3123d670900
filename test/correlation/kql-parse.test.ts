import * as fs from 'fs';
import * as path from 'path';
import { kqlDiagnostics } from '../support/kusto';

/** Every KQL correlation and filter golden parses and type-checks with Microsoft's parser, tables declared. */
const ROOT = path.resolve(__dirname, '..', '..');
const files = ['test/golden/kql/correlation', 'test/golden/kql/filters']
  .flatMap((dir) => fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.kql')).map((f) => `${dir}/${f}`))
  .concat(['test/golden/kql/sigma/t1040/net_sniffing_t1040_correlation.kql']);

describe('KQL correlation goldens', () => {
  it('exist for every correlation type and filter case', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });
  it.each(files)('%s parses with the Defender tables declared', (file) => {
    const queries = fs.readFileSync(path.join(ROOT, file), 'utf8').trimEnd().split('\n\n');
    for (const q of queries) expect(kqlDiagnostics(q, {}, 'defender-xdr')).toEqual([]);
  });
});
