/**
 * `npm run bench`, the browser part: the converter page (dist/web, built by `npm run web`) in headless
 * Chromium. Prints the bundle sizes (gzip -9), the time to the first conversion after a load (median of
 * fresh loads: from navigation start, and from app.js's first statement), and the conversion time
 * per keystroke while typing into a typical rule (median and 95th percentile; three targets each time).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import type { Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM, launchChromium, serveFolder } from './web-browser';
import { isFsError } from '../src/cli/fs-errors';

const ROOT = path.resolve(__dirname, '..', '..');
const WEB = path.join(ROOT, 'dist', 'web');
const LOADS = 7;
const KEYSTROKES = 40;
/** What page.evaluate callbacks see (this file is compiled without the DOM library). */
declare const window: unknown;
declare const document: { querySelector(selector: string): unknown };

const GOALS = { appGzipKb: 400, firstConversionMs: 150, keystrokeMs: 30 };

interface PageTimings {
  firstConversionMs: number;
  firstConversionOwnMs: number;
  lastConversionMs: number;
  conversions: number;
}

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}

const median = (values: readonly number[]) => quantile(values, 0.5);
const mark = (ok: boolean) => (ok ? 'ok' : 'OVER');

/** Chromium renderer processes now running (pid → CPU seconds used so far), read from /proc (Linux). */
function rendererCpu(): Map<number, number> {
  const out = new Map<number, number>();
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch (err) {
    if (!isFsError(err)) throw err;
    return out;
  }
  const tick = 100; // USER_HZ on Linux
  for (const pid of pids) {
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      out.set(Number(pid), (Number(fields[11]) + Number(fields[12])) / tick);
    } catch (err) {
      if (!isFsError(err)) throw err;
      // the process ended meanwhile
    }
  }
  return out;
}

function gzipKb(file: string): number {
  return zlib.gzipSync(fs.readFileSync(path.join(WEB, file)), { level: 9 }).length / 1024;
}

/** The page's timings, and the marks that begin and end app.js's top level (scripts/build-web.ts banner and footer). */
async function timings(page: Page): Promise<PageTimings & { appStart: number; appEnd: number }> {
  return page.evaluate(() => {
    const t = (window as unknown as { sigmaConvertPage: { timings: PageTimings } }).sigmaConvertPage.timings;
    const start = performance.getEntriesByName('sigma-app-start')[0]?.startTime ?? 0;
    const end = performance.getEntriesByName('sigma-app-end')[0]?.startTime ?? start;
    return { ...t, appStart: start, appEnd: end };
  });
}

/** The renderer CPU time of loading a blank page (median of a few fresh contexts): what every page costs. */
async function blankPageCpu(browser: import('playwright-core').Browser): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigma-blank-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>blank</title><p>blank</p>');
  const server = await serveFolder(dir);
  const cpu: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const context = await browser.newContext();
      const before = rendererCpu();
      const page = await context.newPage();
      await page.goto(server.url);
      await page.waitForLoadState('load');
      cpu.push([...rendererCpu()].filter(([pid]) => !before.has(pid)).reduce((sum, [, seconds]) => sum + seconds, 0) * 1000);
      await context.close();
    }
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return median(cpu);
}

async function main(): Promise<number> {
  if (!fs.existsSync(path.join(WEB, 'app.js'))) {
    console.error('bench-web: dist/web is not built (npm run web)');
    return 1;
  }
  const app = gzipKb('app.js');
  const editor = gzipKb('editor.js');
  console.log(`converter page (dist/web), headless Chromium (load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs)`);
  console.log(`  bundle, gzip -9: app.js (core + definitions) ${app.toFixed(0)} KB [goal < ${GOALS.appGzipKb} KB: ${mark(app < GOALS.appGzipKb)}], editor.js (CodeMirror) ${editor.toFixed(0)} KB, total ${(app + editor).toFixed(0)} KB`);
  if (!chromiumAvailable()) {
    console.log(`  browser figures skipped: ${CHROMIUM} not found (apt-get install chromium)`);
    return 0;
  }
  const chromium = await launchChromium();
  const server = await serveFolder(WEB);
  try {
    const fromNavigation: number[] = [];
    const fromScript: number[] = [];
    const own: number[] = [];
    const topLevel: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      // A new context each time: an empty cache, as a first visit (and a new renderer process).
      const context = await chromium.browser.newContext();
      const before = rendererCpu();
      const page = await context.newPage();
      await page.goto(server.url);
      // The first conversion, and the editor mounted (which follows it): the CPU time below includes the editor.
      await page.waitForFunction(() => {
        const p = (window as unknown as { sigmaConvertPage?: { timings: PageTimings; editorReady(): boolean } }).sigmaConvertPage;
        return (p?.timings.conversions ?? 0) > 0 && p?.editorReady() === true;
      });
      const t = await timings(page);
      fromNavigation.push(t.firstConversionMs);
      fromScript.push(t.firstConversionMs - t.appStart);
      own.push(t.firstConversionOwnMs);
      topLevel.push(t.appEnd - t.appStart);
      const added = [...rendererCpu()].filter(([pid]) => !before.has(pid));
      if (added.length) cpu.push(added.reduce((sum, [, seconds]) => sum + seconds, 0) * 1000);
      await context.close();
    }
    const first = median(fromScript);
    console.log(
      `  first conversion (example rule, 3 targets), median of ${LOADS} fresh loads: ${first.toFixed(0)} ms after app.js starts [goal < ${GOALS.firstConversionMs} ms: ${mark(first < GOALS.firstConversionMs)}]` +
        ` (fastest ${Math.min(...fromScript).toFixed(0)} ms; of which app.js's top level ${median(topLevel).toFixed(0)} ms, converting ${median(own).toFixed(0)} ms; ${median(fromNavigation).toFixed(0)} ms from navigation start, loading and parsing the scripts included)`,
    );
    if (cpu.length) {
      // CPU time grows less with the machine's load than wall time; a blank page's renderer start-up is the baseline.
      const blank = await blankPageCpu(chromium.browser);
      console.log(
        `  renderer CPU time to the first conversion and the editor's mount, median: ${median(cpu).toFixed(0)} ms; a blank page's: ${blank.toFixed(0)} ms; the page's own: ${(median(cpu) - blank).toFixed(0)} ms`,
      );
    }

    const page = await chromium.browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector('#editor .cm-content') !== null);
    const line = page.locator('#editor .cm-line', { hasText: 'description:' });
    await line.click();
    await page.keyboard.press('End');
    const perKey: number[] = [];
    const text = ' typed to measure each keystroke, one key at a time'.slice(0, KEYSTROKES);
    for (const ch of text) {
      const before = (await timings(page)).conversions;
      await page.keyboard.type(ch);
      await page.waitForFunction((n) => (window as unknown as { sigmaConvertPage: { timings: PageTimings } }).sigmaConvertPage.timings.conversions > n, before);
      perKey.push((await timings(page)).lastConversionMs);
    }
    const keyMedian = median(perKey);
    console.log(
      `  per keystroke (example rule, 3 targets), ${perKey.length} keys: median ${keyMedian.toFixed(1)} ms, p95 ${quantile(perKey, 0.95).toFixed(1)} ms [goal < ${GOALS.keystrokeMs} ms: ${mark(keyMedian < GOALS.keystrokeMs)}]`,
    );
    await page.close();
  } finally {
    await server.close();
    await chromium.close();
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    console.error(`bench-web: ${err.message}`);
    process.exitCode = 1;
  },
);
