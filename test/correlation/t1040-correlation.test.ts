import * as path from 'path';
import { main } from '../../src/cli/main';

const ROOT = path.resolve(__dirname, '..', '..');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s: string) => (out += s), stderr: (s: string) => (err += s + '\n') } as never);
  return { code, out, err };
}

describe('T1040 correlation (capture library load, then capture tool on the same host within 10m)', () => {
  it('fires on ws1 (load 10:03, WinDump 10:07) and not on ws2 (tool only)', async () => {
    const { out } = await run(['test', '--json', '--events', path.join(ROOT, 'test/correlation/t1040-sequence.jsonl'), path.join(ROOT, 'sigma/t1040')]);
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as { id: string; fired?: unknown });
    const c = rows.find((r) => r.id === '5b0f3f7e-2d59-4c41-9a8e-7f3c6a1e9d40');
    expect(c?.fired).toEqual([{ group: { Computer: 'ws1' }, events: [0, 1] }]);
  });
  it('converting the folder converts the rules (generate: true) and the correlation in every target', async () => {
    for (const target of ['kql', 'splunk', 'eql']) {
      const { code, err } = await run(['--target', target, path.join(ROOT, 'sigma/t1040')]);
      expect(err).toContain('4 converted, 0 failed');
      expect(code).toBe(0);
    }
  });
  it('--filter applies extra exclusions at conversion time', async () => {
    const { out } = await run(['--target', 'kql', '--filter', path.join(ROOT, 'test/rules/filters/filter_other_file.yml'), path.join(ROOT, 'test/rules/filters/filter_rule.yml')]);
    expect(out).toContain('not(InitiatingProcessFolderPath startswith "C:\\\\Program Files\\\\CaptureAppliance\\\\"');
  });
});
