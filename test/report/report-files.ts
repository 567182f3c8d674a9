import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { htmlReport, reportAppPath, validateReportInput } from '../../reports/writers/html.js';
import { hasChromium, launchBrowser, openReport, type OpenedReport } from './browser.js';
import type { MadeBy, ReportEntry } from '../../web/src/payload.js';
import { PROJECT_ROOT } from '../cli/run-cli.js';

/** Screenshots and generated reports a person can look at (git-ignored). */
export const OUT_DIR = join(PROJECT_ROOT, 'reports', 'out');

/** Builds the report app once if `npm run build` has not (bare `vitest` runs). */
export function ensureReportApp(): void {
  if (existsSync(reportAppPath())) return;
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (!existsSync(reportAppPath())) throw new Error(`vite build did not produce ${reportAppPath()}`);
}

/** What test pages say made them (fixed, so pages do not depend on the test runner's argv or clock). */
export const TEST_MADE_BY: MadeBy = { command: 'headroom report result.json -o report.html', at: '2025-01-02T03:04:05.000Z' };

/** writeReport(dir, name, entries) -> the path of a report page for these results. */
export function writeReport(dir: string, name: string, entries: ReportEntry[], madeBy: MadeBy = TEST_MADE_BY): string {
  ensureReportApp();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.html`);
  writeFileSync(path, htmlReport(entries, 'headroom test', madeBy));
  return path;
}

/**
 * One browser for a test file: Chromium launched before its tests (when installed) and closed
 * after, a temporary folder for its pages, `openEntries` to write a page for report entries and
 * open it, and `openResult` to do so for a result checked as `headroom report` checks it.
 */
export function reportBrowserSession(prefix: string): {
  available: boolean;
  dir: string;
  context: () => BrowserContext;
  openEntries: (name: string, entries: ReportEntry[], madeBy?: MadeBy) => Promise<OpenedReport>;
  openResult: (name: string, result: unknown, file?: string) => Promise<OpenedReport>;
} {
  const available = hasChromium();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;
  beforeAll(async () => {
    if (!available) return;
    mkdirSync(OUT_DIR, { recursive: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const context = () => browser!.context;
  const openEntries = async (name: string, entries: ReportEntry[], madeBy: MadeBy = TEST_MADE_BY): Promise<OpenedReport> => {
    const path = writeReport(dir, name, entries, madeBy);
    const opened = await openReport(context(), path);
    console.log(`${name}: ${(statSync(path).size / 1024).toFixed(0)} KiB, first render ${opened.renderMs.toFixed(0)} ms after navigation`);
    return opened;
  };
  const openResult = async (name: string, result: unknown, file = `${name}.json`): Promise<OpenedReport> => {
    const read = validateReportInput(JSON.parse(JSON.stringify(result)), file);
    if (!('entry' in read)) throw new Error(read.issues.join('\n'));
    return openEntries(name, [read.entry]);
  };
  return { available, dir, context, openEntries, openResult };
}
