/**
 * The HTML detection page format, `sigma-convert site` and `sigma-convert serve`'s static server, without a
 * browser: hostile rule text stays text, the site's files and index, and the server's refusals.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as http from 'http';
import type { AddressInfo } from 'net';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import { Converter } from '../../src/index';
import { createFsLoader } from '../../src/cli/fs-loader';
import { escapeHtml } from '../../src/render/escape';
import { TARGETS } from '../support/targets';
import { createStaticServer } from '../../src/cli/serve-command';

const ROOT = path.resolve(__dirname, '..', '..');

async function cli(args: string[]): Promise<{ stdout: string; stderr: string; exit: number }> {
  let stdout = '';
  let stderr = '';
  const exit = await main(args, { stdout: (t) => void (stdout += t), stderr: (l) => void (stderr += l + '\n') });
  return { stdout, stderr, exit };
}

describe('escapeHtml', () => {
  test('no markup, attribute end or entity survives, and decoding gives the text back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = escapeHtml(s);
        expect(out).not.toMatch(/[<>"']/);
        expect(out.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
        const decoded = out.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] as string);
        expect(decoded).toBe(s);
      }),
    );
  });
});

describe('the page-html format', () => {
  const converter = new Converter(createFsLoader(ROOT));
  const hostile = [
    'title: "<script>alert(1)</script> & \\"quotes\\""',
    "description: \"</p><img src=x onerror=alert(1)> 'single'\"",
    'references:',
    '    - "javascript:alert(1)"',
    '    - https://example.com/a?b=1&c=<2>',
    'falsepositives:',
    '    - "<b>admins</b>"',
    'tags:',
    '    - attack.t1040',
    'logsource:',
    '    category: process_creation',
    '    product: windows',
    'detection:',
    '    selection:',
    '        CommandLine|contains: \'"><script>x</script>\'',
    '    condition: selection',
    'level: high',
    '',
  ].join('\n');

  test.each(TARGETS)('%s: rule text is escaped everywhere, and only http(s) references become links', (target) => {
    const [result] = converter.convertText(hostile, 'evil.yml', { target, format: 'page-html' });
    expect(result?.errors).toEqual([]);
    const page = result?.queries[0] as string;
    expect(page).not.toMatch(/<script>|<img|<b>|href="javascript:/);
    expect(page).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;</h1>');
    expect(page).toContain('<li>&lt;b&gt;admins&lt;/b&gt;</li>');
    expect(page).toContain('<li>javascript:alert(1)</li>');
    expect(page).toContain('<a href="https://example.com/a?b=1&amp;c=&lt;2&gt;">');
    expect(page).toContain('<a class="download" href="evil.yml" download>Download portable Sigma rule (.yml)</a>');
    // Every target is on the page: its own query and the others under "Other platforms".
    expect(page.match(/<pre class="query" data-target="/g)?.length).toBe(TARGETS.length);
    expect(page).toContain("default-src 'none'");
  });
});

describe('the T1040 pack renders like the seed detection page, for every platform', () => {
  const converter = new Converter(createFsLoader(ROOT));
  const text = fs.readFileSync(path.join(ROOT, 'sigma/t1040/net_sniffing_t1040.yml'), 'utf8');

  test.each(TARGETS)('%s: the seed page sections, in the seed order, for every rule', (target) => {
    const results = converter.convertText(text, 'sigma/t1040/net_sniffing_t1040.yml', { target, format: 'page-html' });
    expect(results.length).toBe(3);
    for (const r of results) {
      expect(r.errors).toEqual([]);
      const page = r.queries[0] as string;
      const order = [
        '<h1>',
        '<h2>MITRE ATT&amp;CK</h2>',
        '<dt>Tactic</dt>',
        '<dt>Technique</dt>',
        `<h2>${target.toUpperCase()} detection query</h2>`,
        'severity</span>',
        '<h2>Data sources</h2>',
        '<h2>Required tables</h2>',
        '<h2>False positives &amp; tuning</h2>',
        'Download portable Sigma rule (.yml)',
        '<h2>Other platforms for T1040</h2>',
        '<h2>Test telemetry</h2>',
      ];
      const at = order.map((needle) => page.indexOf(needle));
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      expect(page).toContain('href="https://attack.mitre.org/techniques/T1040/">T1040 Network Sniffing</a>');
      expect(page.match(/<section class="other"/g)?.length).toBe(TARGETS.length - 1);
    }
  });
});

describe('sigma-convert site', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-site-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test('writes one page per rule and target, the rule files, and an index with the rules ATT&CK and logsources', async () => {
    const run = await cli(['site', path.join(ROOT, 'sigma/t1040'), '-o', out]);
    // The pack's correlation is temporal_ordered: targets whose backend refuses that type (lucene, esql) list it
    // as not converted, with the reason, and the site still succeeds.
    const converter = new Converter(createFsLoader(ROOT));
    // ... and so do targets with no correlation section at all (the SQL targets).
    const refusing = TARGETS.filter((t) => {
      const def = converter.backend(t).correlation;
      return def === undefined || 'refuse' in (def.types.temporal_ordered ?? {});
    }).length;
    expect(refusing).toBeGreaterThan(0);
    expect(run.exit).toBe(0);
    expect(run.stderr).toContain(`site of 4 rules (${4 * TARGETS.length - refusing} pages, 0 not converted, ${refusing} correlation`);
    const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(index).toContain('data-techniques="T1040 Network Sniffing"');
    expect(index).toContain('<option value="TA0006 Credential Access">');
    expect(index).toContain('<option value="image_load / windows">');
    expect(index).toContain('<script src="search.js"></script>');
    const links = [...index.matchAll(/href="([^"]+)"/g)].map((m) => m[1] as string);
    expect(links.length).toBe(4 * (TARGETS.length + 1) - refusing); // a page per target and the rule file
    expect(index.match(/class="refused"/g)?.length).toBe(refusing);
    for (const link of links) expect(fs.existsSync(path.join(out, link))).toBe(true);
    const correlation = links.find((l) => l.endsWith('net_sniffing_t1040_correlation.kql.html')) as string;
    const page = fs.readFileSync(path.join(out, correlation), 'utf8');
    const query = await cli(['-t', 'kql', path.join(ROOT, 'sigma/t1040')]);
    const correlationQuery = query.stdout.trim().split('\n\n').pop() as string;
    expect(page).toContain(escapeHtml(correlationQuery));
  });

  test('a rule that fails in a target is listed as not converted, and the exit status says so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-site-in-'));
    fs.writeFileSync(path.join(dir, 'keywords.yml'), 'title: Keywords\nlogsource:\n    product: windows\ndetection:\n    keywords:\n        - evil\n    condition: keywords\n');
    fs.writeFileSync(path.join(dir, 'broken.yml'), 'title: Broken\nlogsource:\n    product: windows\ndetection:\n    condition: nothing\n');
    const run = await cli(['site', dir, '-o', path.join(out, 'two')]);
    expect(run.exit).toBe(1);
    expect(run.stderr).toMatch(/broken\.yml:\d+:\d+: error\[/);
    const index = fs.readFileSync(path.join(out, 'two', 'index.html'), 'utf8');
    expect(index).toContain('not converted');
    expect(index).toContain('<td>Keywords</td>');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("sigma-convert serve's static server", () => {
  let server: http.Server;
  let base: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-serve-'));
  beforeAll(async () => {
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><p>hi</p>');
    fs.writeFileSync(path.join(os.tmpdir(), 'sigma-serve-secret.txt'), 'secret');
    server = createStaticServer(dir);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function get(pathname: string, method = 'GET'): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const req = http.request(base + pathname, { method }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  test('serves the folder with a no-network CSP, and nothing outside it', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<p>hi</p>');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toContain("connect-src 'none'");
    expect((await get('/../sigma-serve-secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/sigma-serve-secret.txt')).status).toBe(404);
    expect((await get('/missing.js')).status).toBe(404);
    expect((await get('/', 'POST')).status).toBe(405);
  });

  test('serve refuses a folder without index.html and a bad port, with exit status 2', async () => {
    const noIndex = await cli(['serve', '--dir', os.tmpdir() + '/does-not-exist-sigma']);
    expect(noIndex.exit).toBe(2);
    expect(noIndex.stderr).toContain('has no index.html to serve');
    const badPort = await cli(['serve', '--dir', dir, '--port', '70000']);
    expect(badPort.exit).toBe(2);
    expect(badPort.stderr).toContain('--port must be a whole number from 0 to 65535');
  });
});
