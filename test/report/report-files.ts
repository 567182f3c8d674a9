import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { htmlReport, reportAppPath } from '../../reports/writers/html.js';
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
