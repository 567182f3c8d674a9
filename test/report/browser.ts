import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); playwright-core downloads no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * True when Chromium is installed. Without it the browser tests skip with a printed reason, except
 * under CI=true, where a missing browser means the checks did not run: that throws (fails).
 */
export function hasChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${CHROMIUM} is missing: install it (apt-get install -y chromium) so the browser report tests run`);
  console.warn(`skipping the browser report tests: ${CHROMIUM} not found (apt-get install -y chromium)`);
  return false;
}

/** A headless Chromium with a fresh profile, nothing in the background that could reach a network. */
export async function launchBrowser(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'headroom-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** An opened report and everything it did: requests, console errors, dialogs, its time to first render. */
export interface OpenedReport {
  page: Page;
  url: string;
  requests: string[];
  errors: string[];
  dialogs: string[];
  /** Milliseconds from navigation start to the app's "headroom:rendered" mark. */
  renderMs: number;
}

/** openReport(context, path) -> the page once the app has rendered, with every request and error recorded. */
export async function openReport(context: BrowserContext, path: string): Promise<OpenedReport> {
  const page = await context.newPage();
  const url = pathToFileURL(path).href;
  const opened: OpenedReport = { page, url, requests: [], errors: [], dialogs: [], renderMs: Number.NaN };
  page.on('request', (request) => opened.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') opened.errors.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => opened.errors.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    opened.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url);
  await page.waitForSelector('html[data-rendered="true"]', { timeout: 30_000 });
  opened.renderMs = await page.evaluate(() => performance.getEntriesByName('headroom:rendered')[0]?.startTime ?? Number.NaN);
  return opened;
}
