/**
 * Shared by the browser tests and `npm run bench`: Debian's Chromium driven by playwright-core (no browser
 * download), launched with the flags that keep it off the network, each run with a fresh profile.
 */
import * as fs from 'fs';
import type { AddressInfo } from 'net';
import type { Server } from 'http';
import { chromium, type Browser } from 'playwright-core';
import { createStaticServer } from '../src/cli/serve-command';

export const CHROMIUM = process.env.SIGMA_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM);
}

export interface RunningBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<RunningBrowser> {
  // Playwright gives every launch a fresh temporary profile (its own --user-data-dir), removed on close.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** The folder served on a free localhost port, as `sigma-convert serve` serves it. */
export async function serveFolder(dir: string): Promise<RunningServer> {
  const server: Server = createStaticServer(dir);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
