import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../engine/simulation-result.js';
import { autoscalingModel, disaggregationModel } from '../../web/src/shape/simulation-sections.js';
import { allSections, baseSimulation } from '../web/fixtures/simulation-sections.js';
import type { OpenedReport } from './browser.js';
import { OUT_DIR, reportBrowserSession } from './report-files.js';

/**
 * A simulation result's optional sections (pools, fabric, failures, autoscaling) as a reader meets
 * them in headless Chromium: each panel drawn only when its section is present, with no page error
 * and no request but the page's own; a screenshot under reports/out/.
 */

const { available, openResult } = reportBrowserSession('headroom-sections-report-');

function open(name: string, result: SimulationResult): Promise<OpenedReport> {
  return openResult(name, result);
}

function expectSelfContained(report: OpenedReport): void {
  expect(report.errors).toEqual([]);
  expect(report.dialogs).toEqual([]);
  expect(report.requests.filter((url) => url !== report.url)).toEqual([]);
}

const PANELS = ['disaggregation', 'simulation-fabric', 'fabric-heatmap', 'fabric-coupling', 'fabric-engines', 'simulation-survival', 'autoscaling'];

describe.skipIf(!available)('a simulation report with the optional sections, in Chromium', () => {
  const base = baseSimulation();
  const result = allSections(base);
  let report: OpenedReport;
  const view = '[data-view="simulation"]';

  beforeAll(async () => {
    report = await open('simulation-sections', result);
  });
  afterAll(async () => report?.page.close());

  it('every panel is drawn, with no console error', async () => {
    const { page } = report;
    expectSelfContained(report);
    for (const panel of PANELS) expect(await page.locator(`${view} [data-panel="${panel}"]`).count(), panel).toBe(1);
    await page.screenshot({ path: join(OUT_DIR, 'simulation-sections.png'), fullPage: true });
  });

  it('pools: the KV hand-off sentence and a row per pool', async () => {
    const { page } = report;
    expect(await page.locator('[data-sentence="kv-transfer"]').textContent()).toBe(disaggregationModel(result)!.sentence);
    expect(await page.locator('table.pools-table tbody tr').evaluateAll((els) => els.map((e) => e.getAttribute('data-pool')))).toEqual(['prefill', 'decode']);
  });

  it('fabric: the hottest-link heatmap and a bar per engine', async () => {
    const { page } = report;
    expect(await page.locator('[data-chart="link-heatmap"] svg.chart-svg').count()).toBe(1);
    expect(await page.locator('[data-chart="engine-communication"] svg.chart-svg').count()).toBe(1);
  });

  it('failures: goodput and arrivals, a marker per failure', async () => {
    const { page } = report;
    const chart = page.locator('[data-chart="simulation-survival-timeline"] svg.chart-svg');
    expect(await chart.locator('path.series-line').evaluateAll((els) => els.map((e) => e.getAttribute('data-series')))).toEqual(['arrivals', 'goodput']);
    expect(await chart.locator('.failure-marker').count()).toBe(2);
    expect(await chart.locator('.marker-recovered').count()).toBe(1);
    expect(await page.locator('[data-sentence="failures"] li').count()).toBe(3);
  });

  it('autoscaling: the step line and each decision marked', async () => {
    const { page } = report;
    const chart = page.locator('[data-chart="autoscaling"] svg.chart-svg');
    expect(await chart.locator('path[data-series="in-service"]').count()).toBe(1);
    expect(await chart.locator('.scaling-event').evaluateAll((els) => els.map((e) => e.getAttribute('data-direction')))).toEqual(['up', 'down']);
    expect(await chart.locator('.event-serves').count()).toBe(1);
    expect(await page.locator('[data-chart="autoscaling"] [data-legend]').evaluateAll((els) => els.map((e) => e.getAttribute('data-legend')))).toEqual(['in-service', 'scale-up', 'scale-down', 'serves']);
    expect(await page.locator('[data-sentence="autoscaling"]').textContent()).toBe(autoscalingModel(result)!.sentence);
  });

  it('without the sections: none of the panels', async () => {
    const opened = await open('simulation-no-sections', base);
    expectSelfContained(opened);
    for (const panel of PANELS) expect(await opened.page.locator(`${view} [data-panel="${panel}"]`).count(), panel).toBe(0);
    await opened.page.close();
  });
});
