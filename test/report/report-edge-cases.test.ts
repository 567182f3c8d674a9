import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSaturation } from '../../analyzers/saturation/analyze-saturation.js';
import type { SimulationResult } from '../../engine/simulation-result.js';
import { simulate } from '../../engine/simulate.js';
import { NO_WORKLOAD_DATA } from '../../engine/workload/workload-data.js';
import { REPORT_LIMITS, validateReportInput } from '../../reports/writers/html.js';
import { calibrationFixture, withoutOptionalFields } from '../web/fixtures/calibration.js';
import { tinyScenario } from '../helpers/tiny-scenario.js';
import { runCli } from '../cli/run-cli.js';
import { hasChromium, launchBrowser, openReport } from './browser.js';
import { writeReport } from './report-files.js';

/**
 * `report` validates what it embeds, so every page it writes renders: hostile files are refused
 * with the key path (exit 2, no page), and every edge case it accepts draws without an error.
 */
const dir = mkdtempSync(join(tmpdir(), 'headroom-edges-'));
const base = simulate(tinyScenario({ stop: { requests: 100 } }));
const clone = (): SimulationResult => structuredClone(base);

function fileWith(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('report refuses what it could not draw', () => {
  const nullCdf = clone();
  (nullCdf.latency.ttft.cdf as unknown[])[3] = null;
  const bigCdf = clone();
  bigCdf.latency.ttft.cdf = Array.from({ length: 1_000_000 }, (_, i) => ({ fraction: i / 1e6, seconds: i }));
  const outOfRange = clone();
  outOfRange.latency.e2e.cdf[0] = { fraction: 2, seconds: -1 };
  const text = JSON.stringify(base);
  const deep = `{"n":`.repeat(5000) + '1' + '}'.repeat(5000);

  it.each([
    ['a null CDF entry', JSON.stringify(nullCdf), /latency\.ttft\.cdf\[3\]: expected object, got null/],
    ['a million-point CDF', JSON.stringify(bigCdf), /latency\.ttft\.cdf: expected at most 20000 entries, got a list of 1000000/],
    ['a CDF point outside [0, 1]', JSON.stringify(outOfRange), /latency\.e2e\.cdf\[0\]\.fraction: /],
    ['a 5,000-deep nested field', text.replace(/}$/, `,"extra":${deep}}`), /extra(\.n)+: expected nesting at most 32 levels deep/],
    ['an unknown top-level key', text.replace(/}$/, ',"injected":1}'), /injected: unknown key in a simulation result/],
    ['a string of a million characters', text.replace(/"name":"tiny"/, `"name":"${'x'.repeat(1_000_000)}"`), /scenario\.name: expected a string of at most 100000 characters/],
  ])('%s: exit 2 naming the key path, and no page', (_what, content, message) => {
    const input = fileWith(`input-${Math.random().toString(36).slice(2)}.json`, content);
    const out = join(dir, 'never.html');
    const run = runCli('report', input, '-o', out);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});

/** Results at the edges of what the engine writes, each of which the report accepts. */
async function acceptedEdgeCases(): Promise<[string, unknown][]> {
  // Lognormal prompts far past maxModelLen: every request is dropped on arrival.
  const allDropped = simulate(
    tinyScenario({ stop: { requests: 50 }, serving: { maxModelLen: 400 }, workload: { inputTokens: { dist: 'lognormal', mean: 2000, sd: 10 } }, slo: { ttftP99: '2s' } }),
  );
  if (allDropped.requests.completed !== 0) throw new Error('expected every request dropped');
  const oneRequest = simulate(tinyScenario({ stop: { requests: 1 } }));
  const huge = simulate(
    tinyScenario({
      stop: { requests: 200 },
      cluster: { gpu: 'h100-sxm', nodes: 300, gpusPerNode: 8 },
      serving: { replicas: 2400 },
      workload: { arrival: { process: 'poisson', rate: 50 } },
    }),
  );
  const older = clone() as Partial<SimulationResult>;
  delete older.cost;
  delete older.calibration;
  delete (older.throughput as Partial<SimulationResult['throughput']>).window;
  const indeterminate = await analyzeSaturation({ scenario: tinyScenario({ stop: { requests: 300 }, slo: { ttftP99: '1ms' } }), data: NO_WORKLOAD_DATA }, { workers: 1, replications: 1 });
  return [
    ['every request dropped (no latency sample, empty CDFs)', allDropped],
    ['a single request', oneRequest],
    ['2,400 replicas (extremes listed, no per-replica series)', huge],
    ['an older file without cost, calibration or window', older],
    ['a saturation analysis with no knee', indeterminate],
  ];
}

const available = hasChromium();
let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;
beforeAll(async () => {
  if (available) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!available)('every accepted edge case renders in Chromium', () => {
  it('is accepted by validateReportInput and draws with no page error, no dialog and no request', async () => {
    const cases = await acceptedEdgeCases();
    for (const [what, result] of cases) {
      const read = validateReportInput(result, `${what}.json`);
      expect('entry' in read ? [] : read.issues, what).toEqual([]);
      if (!('entry' in read)) continue;
      const path = writeReport(dir, what.replace(/[^a-z0-9]+/gi, '-'), [read.entry]);
      const opened = await openReport(browser!.context, path);
      expect(opened.errors, what).toEqual([]);
      expect(opened.dialogs, what).toEqual([]);
      expect(opened.requests.filter((url) => url !== opened.url), what).toEqual([]);
      expect(await opened.page.locator('[data-card]').count(), what).toBeGreaterThan(0);
      await opened.page.close();
    }
  });
});

/** Calibration checks at the edges of what the report accepts. */
function calibrationEdgeCases(): [string, unknown, number][] {
  const base = calibrationFixture();
  const run = base.runs[0]!;
  const stat = run.statistics[0]!;
  const L = REPORT_LIMITS;
  const most = {
    ...base,
    runs: Array.from({ length: L.calibrationRuns }, (_, i) => ({
      ...run,
      file: `scrapes/run-${i}.prom`,
      statistics: Array.from({ length: L.calibrationStatistics }, (_, j) => ({ ...stat, name: `statistic ${j} (s)`, simulated: stat.measured * (1 + j / 10) })),
    })),
  };
  return [
    ['a run with nothing compared beside one with', { ...base, runs: [{ file: 'idle.prom', format: 'prometheus (vllm)', statistics: [] }, run] }, 2],
    ['every figure zero', { ...base, runs: [{ ...run, statistics: [{ ...stat, measured: 0, simulated: 0, errorPercent: 0 }] }] }, 1],
    ['an older file without deployment or load', withoutOptionalFields(base), 3],
    ['a 4,096-character file name and a million-percent error', { ...base, runs: [{ ...run, file: 'x'.repeat(REPORT_LIMITS.calibrationText), statistics: [{ ...stat, simulated: 800, errorPercent: 999_900 }] }] }, 1],
    [`${L.calibrationRuns} runs of ${L.calibrationStatistics} statistics`, most, L.calibrationRuns],
  ];
}

describe.skipIf(!available)('every accepted calibration edge case renders in Chromium', () => {
  it('is accepted by validateReportInput and draws a figure per run with no page error, no dialog, no request and no sideways scroll', async () => {
    for (const [what, result, runs] of calibrationEdgeCases()) {
      const read = validateReportInput(JSON.parse(JSON.stringify(result)), `${what}.json`);
      expect('entry' in read ? [] : read.issues, what).toEqual([]);
      if (!('entry' in read)) continue;
      const path = writeReport(dir, `calibration-${what.replace(/[^a-z0-9]+/gi, '-')}`, [read.entry]);
      const opened = await openReport(browser!.context, path);
      expect(opened.errors, what).toEqual([]);
      expect(opened.dialogs, what).toEqual([]);
      expect(opened.requests.filter((url) => url !== opened.url), what).toEqual([]);
      expect(opened.renderMs, what).toBeLessThan(10_000);
      expect(await opened.page.locator('[data-chart="calibration-run"]').count(), what).toBe(runs);
      expect(await opened.page.evaluate(() => document.documentElement.scrollWidth), what).toBeLessThanOrEqual(1280);
      await opened.page.close();
    }
  });
});
