/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The converter page and the detection site in a real browser (Debian's Chromium through playwright-core):
 * the page's output is the CLI's byte for byte, errors are marked at their line, a shared link restores
 * the state, events are evaluated as `sigma-convert test` does, and no request leaves the page.
 * Screenshots are kept in test-artifacts/web/.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { findCorpus, readCorpus } from '../../scripts/corpus-run';
import { chromiumAvailable, CHROMIUM, launchChromium, serveFolder, type RunningBrowser, type RunningServer } from '../../scripts/web-browser';

const ROOT = path.resolve(__dirname, '..', '..');
// The built CLI (npm test builds it first): what a person runs, and no on-the-fly compilation here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require(path.join(ROOT, 'dist', 'src', 'cli', 'main.js')) as typeof import('../../src/cli/main');
const WEB = path.join(ROOT, 'dist', 'web');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'web');
const PACK = ['sigma/t1040/net_sniffing_t1040.yml', 'sigma/t1040/net_sniffing_t1040_correlation.yml'];
const TARGETS = fs
  .readdirSync(path.join(ROOT, 'backends'))
  .filter((f) => f.endsWith('.yml'))
  .map((f) => f.replace(/\.yml$/, ''));

const available = chromiumAvailable();
if (!available && process.env.SIGMA_REQUIRE_BROWSER) throw new Error(`${CHROMIUM} is missing, and SIGMA_REQUIRE_BROWSER is set (CI installs Debian's chromium)`);
if (!available) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install chromium)`);
const describeBrowser = available ? describe : describe.skip;

/** The CLI in-process, in `cwd`, as a person runs it: its standard output and exit status. */
async function cli(args: string[], cwd: string): Promise<{ stdout: string; stderr: string; exit: number }> {
  let stdout = '';
  let stderr = '';
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const exit = await main(args, { stdout: (t) => void (stdout += t), stderr: (l) => void (stderr += l + '\n') });
    return { stdout, stderr, exit };
  } finally {
    process.chdir(before);
  }
}

interface PaneView {
  target: string;
  pipeline: string;
  format: string;
  stdout: string;
  messages: { text: string }[];
}

async function outputs(page: Page): Promise<PaneView[]> {
  return page.evaluate(() => (window as unknown as { sigmaConvertPage: { outputs(): PaneView[] } }).sigmaConvertPage.outputs());
}

/** Waits until the page has converted at least `n` times (conversions are coalesced per change). */
async function conversionsAbove(page: Page, n: number): Promise<void> {
  await page.waitForFunction((k) => (window as unknown as { sigmaConvertPage: { timings: { conversions: number } } }).sigmaConvertPage.timings.conversions > k, n);
}

async function conversions(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { sigmaConvertPage: { timings: { conversions: number } } }).sigmaConvertPage.timings.conversions);
}

async function openPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => {
    const p = (window as unknown as { sigmaConvertPage?: { timings: { conversions: number }; editorReady(): boolean } }).sigmaConvertPage;
    return !!p && p.timings.conversions > 0 && p.editorReady();
  });
}

async function setRules(page: Page, text: string): Promise<void> {
  const n = await conversions(page);
  await page.evaluate((t) => (window as unknown as { sigmaConvertPage: { setRules(t: string): void } }).sigmaConvertPage.setRules(t), text);
  await conversionsAbove(page, n);
}

async function choose(page: Page, pane: number, select: 'target' | 'pipeline' | 'format', value: string): Promise<void> {
  const n = await conversions(page);
  await page.locator(`[data-pane="${pane}"] select.${select}`).selectOption(value);
  await conversionsAbove(page, n);
}

/** Events as a paste puts them in the text area: the whole text at once, then one input event. */
async function pasteEvents(page: Page, text: string): Promise<void> {
  await page.locator('#events').evaluate((el, value) => {
    (el as HTMLTextAreaElement).value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
}

describeBrowser('the converter page in Chromium', () => {
  let chromium: RunningBrowser;
  let server: RunningServer;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-web-'));
  const packText = PACK.map((p) => fs.readFileSync(path.join(ROOT, p), 'utf8')).join('---\n');

  beforeAll(async () => {
    if (!fs.existsSync(path.join(WEB, 'app.js'))) throw new Error('dist/web is not built: npm test runs `npm run web` first');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(work, 'rules.yml'), packText);
    [chromium, server] = await Promise.all([launchChromium(), serveFolder(WEB)]);
    page = await chromium.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    await openPage(page, server.url);
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('lists targets, pipelines and formats from the definitions, three targets side by side', async () => {
    const panes = await outputs(page);
    // A fresh page shows the three SIEM languages; every target of backends/ can be chosen in each pane.
    expect(panes.map((p) => p.target)).toEqual(['kql', 'splunk', 'eql']);
    expect(await page.locator('[data-pane="0"] select.target option').allTextContents()).toEqual([...TARGETS]);
    for (const [i, target] of ['kql', 'splunk', 'eql'].entries()) {
      const formats = await page.locator(`[data-pane="${i}"] select.format option`).allTextContents();
      const cli = (await main_list('formats')).filter((l) => l.startsWith(`${target} `)).map((l) => l.split(/\s+/)[1]);
      expect(formats).toEqual(cli);
      const pipelines = await page.locator(`[data-pane="${i}"] select.pipeline option`).allTextContents();
      expect(pipelines).toContain('none');
    }
  });

  test('opening the T1040 pack gives the CLI output byte for byte in every target and format', async () => {
    const n = await conversions(page);
    await page.locator('#open').setInputFiles(PACK.map((p) => path.join(ROOT, p)));
    await conversionsAbove(page, n);
    // Every target in turn in the first pane (the page starts with kql there, and is left so).
    const i = 0;
    for (const target of [...TARGETS.filter((t) => t !== 'kql'), 'kql']) {
      await choose(page, i, 'target', target);
      // The folder as the README converts it, and every format of the target on the same text.
      const folder = await cli(['--target', target, path.join(ROOT, 'sigma/t1040/')], work);
      expect((await outputs(page))[i]?.stdout).toBe(folder.stdout);
      const formats = await page.locator(`[data-pane="${i}"] select.format option`).allTextContents();
      for (const format of formats) {
        await choose(page, i, 'format', format);
        const expected = await cli(['--target', target, '--format', format, 'rules.yml'], work);
        const pane = (await outputs(page))[i] as PaneView;
        expect({ target, format, stdout: pane.stdout }).toEqual({ target, format, stdout: expected.stdout });
        // A format of one rule per file (TOML) gives the pack nothing on one stream: a usage error, in the page too.
        if (expected.exit === 2) expect(pane.messages.map((m) => m.text).join('\n')).toContain('holds one rule per file');
        else expect(pane.stdout.length).toBeGreaterThan(0);
      }
      await choose(page, i, 'format', 'query');
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'converter-t1040.png') });
    expect(errors).toEqual([]);
  });

  const corpus = findCorpus(ROOT);
  (corpus ? test : test.skip)('a sample of the SigmaHQ corpus pasted in the page gives the CLI output and messages in every target', async () => {
    const files = readCorpus(corpus as string).filter((_f, i) => i % 40 === 0);
    expect(files.length).toBeGreaterThan(50);
    const stream = files.map((f) => (f.text.endsWith('\n') ? f.text : f.text + '\n')).join('---\n');
    const dir = path.join(work, 'corpus');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'rules.yml'), stream);
    await setRules(page, stream);
    const panes = await outputs(page);
    for (const pane of panes) {
      const expected = await cli(['--target', pane.target, 'rules.yml'], dir);
      expect(pane.stdout).toBe(expected.stdout);
      const messages = expected.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('sigma-convert: ')).join('\n');
      expect(pane.messages.map((m) => m.text).join('\n')).toBe(messages);
    }
  });

  test('a dropped .yml file replaces the rules and is converted', async () => {
    const dropped = fs.readFileSync(path.join(ROOT, PACK[0] as string), 'utf8');
    const n = await conversions(page);
    await page.locator('#editor').evaluate((el, text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'dropped.yml', { type: 'application/x-yaml' }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, dropped);
    await conversionsAbove(page, n);
    expect(await page.evaluate(() => (window as unknown as { sigmaConvertPage: { rules(): string } }).sigmaConvertPage.rules())).toBe(dropped);
    const kql = await cli(['--target', 'kql', path.join(ROOT, PACK[0] as string)], work);
    expect((await outputs(page)).find((p) => p.target === 'kql')?.stdout).toBe(kql.stdout);
  });

  test('an invalid rule is marked at its line and column in the editor, and named like the CLI names it', async () => {
    const rule = ['title: Broken', 'logsource:', '    category: process_creation', '    product: windows', 'detection:', '    selection:', '        CommandLine|contains|startswith: whoami', '    condition: selection', ''].join('\n');
    await setRules(page, rule);
    const mark = page.locator('.cm-lintRange-error').first();
    await mark.waitFor();
    const line = await mark.evaluate((el) => {
      const lineEl = el.closest('.cm-line');
      return lineEl ? [...(lineEl.parentElement as HTMLElement).children].indexOf(lineEl) + 1 : -1;
    });
    expect(line).toBe(7);
    expect(await mark.textContent()).toBe('CommandLine|contains|startswith:');
    fs.writeFileSync(path.join(work, 'broken.yml'), rule);
    const expected = await cli(['--target', 'kql', 'broken.yml'], work);
    expect(expected.exit).toBe(1);
    const kqlPane = (await outputs(page)).find((p) => p.target === 'kql') as PaneView;
    // The same error text as the CLI prints, apart from the file name.
    const cliError = expected.stderr.split('\nsigma-convert:')[0] as string;
    expect(kqlPane.messages.map((m) => m.text).join('\n')).toBe(cliError.replace(/^broken\.yml/, 'rules.yml'));
    expect(kqlPane.stdout).toBe('');
    await page.screenshot({ path: path.join(ARTIFACTS, 'converter-error.png') });
  });

  test('a shared link restores the rules, the events and every pane', async () => {
    await setRules(page, packText);
    const pipelineBefore = (await outputs(page))[2]?.pipeline as string;
    await choose(page, 1, 'format', 'page');
    await choose(page, 2, 'pipeline', 'none');
    // "Copy link" writes the state into the fragment (then tries the clipboard).
    await page.locator('#status').evaluate((el) => (el.textContent = ''));
    await page.locator('#share').click();
    await page.waitForFunction(() => /copied|did not allow/.test(document.getElementById('status')?.textContent ?? ''));
    const url = page.url();
    expect(url).toMatch(/#s=[A-Za-z0-9_-]+$/);
    const before = await outputs(page);
    expect(before[1]?.format).toBe('page');
    const other = await chromium.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    other.on('request', (r) => requests.push(r.url()));
    await openPage(other, url);
    expect(await outputs(other)).toEqual(before);
    expect(await other.evaluate(() => document.querySelector('.cm-content')?.textContent?.length)).toBeGreaterThan(1000);
    await other.close();
    await choose(page, 1, 'format', 'query');
    await choose(page, 2, 'pipeline', pipelineBefore);
  });

  test('events pasted in the page match the rules that `sigma-convert test` says they match', async () => {
    await setRules(page, packText);
    const eventsFile = path.join(ROOT, 'test/t1040/events/atomic-test-2-tshark-windows.jsonl');
    await page.locator('#events-panel summary').click();
    const n = await conversions(page);
    await pasteEvents(page, fs.readFileSync(eventsFile, 'utf8'));
    await conversionsAbove(page, n);
    const report = (await page.locator('#events-result').textContent()) ?? '';
    const expected = await cli(['test', '--json', '--events', eventsFile, 'rules.yml'], work);
    const verdicts = expected.stdout.trim().split('\n').map((l) => JSON.parse(l) as { title: string; matched: number[]; fired?: unknown[] });
    expect(verdicts.length).toBeGreaterThan(3);
    for (const v of verdicts) {
      const block = report.split('\n').findIndex((l) => l.endsWith(`: ${v.title}`));
      expect(block).toBeGreaterThanOrEqual(0);
      const detail = report.split('\n')[block + 1] ?? '';
      if (v.fired) expect(detail).toBe(`  fired ${v.fired.length} time${v.fired.length === 1 ? '' : 's'}`);
      else expect(detail).toMatch(new RegExp(`^  ${v.matched.length} of \\d+ events? matched${v.matched.length ? ': ' + v.matched.map((i) => `\\[${i}\\]`).join(' ') : ''}$`));
    }
    expect(verdicts.some((v) => v.matched.length > 0)).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'converter-events.png') });

    // The same events pasted as pretty-printed objects one after another: the same verdicts.
    const lines = fs.readFileSync(eventsFile, 'utf8').split('\n').filter((l) => l.trim());
    expect(lines.length).toBe(fs.readFileSync(eventsFile, 'utf8').trimEnd().split('\n').length);
    const m = await conversions(page);
    await pasteEvents(page, lines.map((l) => JSON.stringify(JSON.parse(l), null, 2)).join('\n'));
    await conversionsAbove(page, m);
    expect(await page.locator('#events-result').textContent()).toBe(report);
  });

  test('app.js creates no Error while its top level runs (Chromium would reparse the whole bundle for the stack trace)', async () => {
    // An Error made while the bundle's top-level frame is on the stack has Chromium collect that frame's
    // line numbers, reparsing the 1.2 MB script: 300 ms before the first output. The core starts after it.
    const fresh = await chromium.browser.newPage();
    try {
      await fresh.addInitScript(() => {
        const made: string[] = [];
        (window as unknown as { errorsAtTopLevel: string[] }).errorsAtTopLevel = made;
        const topLevel = () => performance.getEntriesByName('sigma-app-start').length > 0 && performance.getEntriesByName('sigma-app-end').length === 0;
        window.Error = new Proxy(Error, {
          construct(target, args, newTarget) {
            if (topLevel()) made.push(`${(newTarget as { name?: string }).name}: ${String(args[0])}`);
            return Reflect.construct(target, args, newTarget) as object;
          },
        });
      });
      await openPage(fresh, server.url);
      const marks = await fresh.evaluate(() => ['sigma-app-start', 'sigma-app-end'].map((m) => performance.getEntriesByName(m).length));
      expect(marks).toEqual([1, 1]);
      expect(await fresh.evaluate(() => (window as unknown as { errorsAtTopLevel: string[] }).errorsAtTopLevel)).toEqual([]);
      expect((await outputs(fresh))[0]?.stdout).toMatch(/\S/);
    } finally {
      await fresh.close();
    }
  });

  test('no request leaves the page, and the CSP refuses any attempt', async () => {
    const origin = new URL(server.url).origin;
    const blocked = await page.evaluate(async (target) => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const results: string[] = [];
      for (const url of [target + 'app.js', 'https://example.com/']) {
        try {
          await fetch(url);
          results.push('fetched');
        } catch {
          results.push('refused');
        }
      }
      await new Promise((r) => setTimeout(r, 50));
      return { results, violations };
    }, server.url);
    expect(blocked.results).toEqual(['refused', 'refused']);
    expect(blocked.violations).toContain('connect-src');
    const outside = requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(outside).toEqual([]);
    expect(requests.filter((u) => u.startsWith(origin)).map((u) => new URL(u).pathname).sort()).toEqual(
      expect.arrayContaining(['/', '/app.js', '/editor.js', '/style.css']),
    );
  });
});

/** `sigma-convert list formats` lines. */
async function main_list(what: string): Promise<string[]> {
  let out = '';
  await main(['list', what], { stdout: (t) => void (out += t), stderr: () => undefined });
  return out.trim().split('\n');
}

describeBrowser('the detection site in Chromium, opened from its folder', () => {
  let chromium: RunningBrowser;
  const site = path.join(ROOT, 'test-artifacts', 'site');

  beforeAll(async () => {
    fs.rmSync(site, { recursive: true, force: true });
    const made = await cli(['site', 'sigma/t1040/', '-o', site], ROOT);
    // Targets that write no correlation rules, or not this type, list the pack's correlation as not converted
    // with the reason; that is the target's limit, not a failure of the site.
    expect(made.exit).toBe(0);
    expect(made.stderr).toContain(', 0 not converted');
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
  });

  test('the index searches by technique, tactic and logsource; a rule page shows the query of every platform', async () => {
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto('file://' + path.join(site, 'index.html'));
    const rows = page.locator('#rules tr');
    const total = await rows.count();
    expect(total).toBe(4);
    await page.locator('#technique').selectOption('T1040 Network Sniffing');
    expect(await page.locator('#rules tr:not([hidden])').count()).toBe(total);
    await page.locator('#logsource').selectOption('image_load / windows');
    expect(await page.locator('#rules tr:not([hidden])').count()).toBe(1);
    await page.locator('#logsource').selectOption('');
    await page.locator('#q').fill('correlation');
    expect(await page.locator('#count').textContent()).toBe(`1 of ${total} rules`);
    await page.locator('#q').fill('');
    await page.screenshot({ path: path.join(ARTIFACTS, 'site-index.png') });

    await page.locator('#rules tr').first().locator('a', { hasText: 'KQL' }).click();
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe('Network Sniffing - Known Packet Capture Tool Execution');
    expect(await page.locator('dl.attack').textContent()).toMatch(/Credential Access.*Discovery[\s\S]*T1040 Network Sniffing/);
    const kql = await cli(['--target', 'kql', 'sigma/t1040/net_sniffing_t1040.yml'], ROOT);
    expect(await page.locator('pre.query[data-target="kql"]').first().textContent()).toBe(kql.stdout.split('\n\n')[0]);
    for (const other of TARGETS.filter((t) => t !== 'kql')) {
      const q = await cli(['--target', other, 'sigma/t1040/net_sniffing_t1040.yml'], ROOT);
      expect(await page.locator(`#other-${other} pre.query`).textContent()).toBe(q.stdout.split('\n\n')[0]);
    }
    expect(await page.locator('ul.tables').textContent()).toContain('DeviceProcessEvents');
    expect(await page.locator('ul.falsepositives li').count()).toBeGreaterThan(2);
    expect(await page.locator('ol.telemetry li').count()).toBeGreaterThan(2);
    const download = page.locator('a.download');
    expect(await download.textContent()).toBe('Download portable Sigma rule (.yml)');
    const href = await download.evaluate((a) => (a as HTMLAnchorElement).href);
    expect(fs.readFileSync(new URL(href), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'sigma/t1040/net_sniffing_t1040.yml'), 'utf8'));
    await page.screenshot({ path: path.join(ARTIFACTS, 'detection-page.png'), fullPage: true });
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    await page.close();
  });
});
