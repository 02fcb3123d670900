/** `sigma-convert test` applies filter documents to the rules they name, as conversion does. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';

const RULES = path.join(__dirname, '..', 'rules', 'filters', 'filter_same_file.yml');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (l) => (err += l + '\n') });
  return { code, out, err };
}

describe('filters in sigma-convert test', () => {
  let dir: string;
  let events: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-filter-'));
    events = path.join(dir, 'events.jsonl');
    const rows = [
      { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Image: 'C:\\Program Files\\Wireshark\\tshark.exe', User: 'CORP\\alice' },
      { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Image: 'C:\\Program Files\\Wireshark\\tshark.exe', User: 'netops_bob' },
      { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Image: 'C:\\Windows\\notepad.exe', User: 'CORP\\alice' },
    ];
    fs.writeFileSync(events, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the filtered account no longer matches; everything else is unchanged', async () => {
    const r = await run(['test', '--json', '--events', events, RULES]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { id: string; matched: number[] });
    const rule = lines.find((l) => l.id === '7a2e4c1d-5b6f-4e80-9c1a-2b3c4d5e6f01');
    expect(rule?.matched).toEqual([0]);
  });
});
