/** `npm test` without ../shared: one line (jest globalSetup) says what is missing and which suites skip. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

type Notice = (() => Promise<void>) & { OPTIONAL: { path: string; label: string; suites: string[] }[] };

function loadNoticeAt(root: string): Notice {
  // A copy of the module in a clone at `root`, so that its ../shared is `root`/../shared.
  const file = path.join(root, 'test', 'support', 'shared.js');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.copyFileSync(path.join(__dirname, 'support', 'shared.js'), file);
  return require(file) as Notice; // eslint-disable-line @typescript-eslint/no-require-imports
}

async function captured(fn: () => Promise<void>): Promise<string> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('the ../shared notice', () => {
  let tmp: string;
  const saved = process.env.SIGMA_CORPUS;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-shared-'));
    delete process.env.SIGMA_CORPUS;
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (saved === undefined) delete process.env.SIGMA_CORPUS;
    else process.env.SIGMA_CORPUS = saved;
  });

  test('nothing there: one line naming every missing part and every skipped suite', async () => {
    const out = await captured(loadNoticeAt(path.join(tmp, 'clone')));
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out).toContain(`not found under ${path.join(tmp, 'shared')}`);
    expect(out).toMatch(/the SigmaHQ corpus \(set SIGMA_CORPUS\), sigma-spec\/json-schema, sigma-spec\/specification/);
    expect(out).toMatch(/skipping corpus conversion, rule schema vs official schema, sigma\/ rules vs official schema, taxonomy data freshness/);
  });

  test('everything there: silent', async () => {
    for (const sub of ['sigmahq/rules', 'sigma-spec/json-schema', 'sigma-spec/specification']) fs.mkdirSync(path.join(tmp, 'shared', sub), { recursive: true });
    expect(await captured(loadNoticeAt(path.join(tmp, 'clone')))).toBe('');
  });
});
