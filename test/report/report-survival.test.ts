import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SurvivabilityResult } from '../../analyzers/survivability/survival-result.js';
import { survivalCards, survivalCurveSentence, survivalVerdict } from '../../web/src/shape/survival.js';
import { HOSTILE_NAME } from '../web/fixtures/results.js';
import { noBoundary, survivalFixture } from '../web/fixtures/survival.js';
import type { OpenedReport } from './browser.js';
import { OUT_DIR, reportBrowserSession } from './report-files.js';

/**
 * The survivability view as a reader meets it: generated pages opened from file:// in Debian's
 * headless Chromium. Each test checks the marks drawn against the fixture, that the page made no
 * request but for its own file and logged no error, and leaves a screenshot under reports/out/.
 */

const { available, openResult } = reportBrowserSession('headroom-survival-report-');

function open(name: string, result: SurvivabilityResult): Promise<OpenedReport> {
  return openResult(name, result);
}

function expectSelfContained(report: OpenedReport): void {
  expect(report.errors).toEqual([]);
  expect(report.dialogs).toEqual([]);
  expect(report.requests.filter((url) => url !== report.url)).toEqual([]);
}

describe.skipIf(!available)('the survivability report in Chromium', () => {
  const result = survivalFixture();
  let report: OpenedReport;
  const view = '[data-view="survival"]';

  beforeAll(async () => {
    report = await open('survival', result);
  });
  afterAll(async () => report?.page.close());

  it('the header: verdict, findings, cards', async () => {
    const { page } = report;
    expectSelfContained(report);
    expect(await page.locator('.file-list li').textContent()).toBe(`survival.json survivability analysis: ${result.scenario.name}`);
    expect(await page.locator(`${view} h2 + .verdict`).textContent()).toBe(survivalVerdict(result).text);
    expect(await page.locator(`${view} [data-finding]`).allTextContents()).toEqual(result.findings);
    const cards = survivalCards(result);
    expect(await page.locator(`${view} [data-card] .card-value`).allTextContents()).toEqual(cards.map((c) => c.value));
    await page.screenshot({ path: join(OUT_DIR, 'survival.png'), fullPage: true });
  });

  it('the goodput timeline: three lines, a marker per failure (failed, detected, recovered only where it did), the brush zooms it', async () => {
    const { page } = report;
    const chart = page.locator('[data-chart="survival-timeline"] svg.chart-svg');
    expect(await chart.locator('path.series-line').evaluateAll((els) => els.map((e) => e.getAttribute('data-series')))).toEqual(['arrivals', 'baseline', 'goodput']);
    expect(await chart.locator('.failure-marker').count()).toBe(2);
    expect(await chart.locator('.marker-failed').count()).toBe(2);
    expect(await chart.locator('.marker-detected').count()).toBe(2);
    expect(await chart.locator('.marker-recovered').count()).toBe(1);
    expect(await chart.locator('.failure-marker[data-marker="1"] title').textContent()).toContain('not recovered within the run');
    expect([await chart.getAttribute('data-x-min'), await chart.getAttribute('data-x-max')]).toEqual(['0', '200']);
    // Zoom with the keyboard: focus the brush strip, "+" narrows the window; "0" resets it.
    const brush = page.locator('[data-chart="survival-time-brush"] svg.chart-svg');
    await brush.focus();
    await page.keyboard.press('+');
    const zoomed = page.locator('[data-chart="survival-timeline"] svg.chart-svg');
    expect([Number(await zoomed.getAttribute('data-x-min')), Number(await zoomed.getAttribute('data-x-max'))]).toEqual([50, 150]);
    expect(await page.locator('[data-chart="survival-timeline"] .reset-zoom, [data-panel="survival-timeline"] .reset-zoom').first().isDisabled()).toBe(false);
    await brush.focus();
    await page.keyboard.press('0');
    expect(await zoomed.getAttribute('data-x-max')).toBe('200');
    expectSelfContained(report);
  });

  it('the survival curve has a dot per trial and the baseline line; the table has a row per trial', async () => {
    const { page } = report;
    expect(await page.locator('[data-sentence="survival-curve"]').textContent()).toBe(survivalCurveSentence(result));
    const curve = page.locator('[data-chart="survival-curve"] svg.chart-svg');
    expect(await curve.locator('.survival-dot').count()).toBe(4);
    expect(await curve.locator('.baseline-line').count()).toBe(1);
    expect(await curve.locator('path.survival-step').count()).toBe(1);
    const rows = page.locator(`${view} table.survival-trials tbody tr`);
    expect(await rows.count()).toBe(4);
    expect(await rows.nth(1).locator('td').allTextContents()).toEqual(['2', '2', '60.0%', '100.0%', '6', '12', '1', '0', 'not recovered', 'collapsed']);
  });

  it('the boundary map: a cell per size and rate coloured by outcome with its attainment, a legend of the four outcomes', async () => {
    const { page } = report;
    const map = page.locator('[data-chart="boundary-map"] svg.chart-svg');
    expect(await map.locator('.boundary-cell').count()).toBe(12);
    expect(await map.locator('.boundary-cell').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')))).toEqual([
      'absorbed', 'absorbed', 'degraded', 'degraded',
      'absorbed', 'degraded', 'collapsed', 'collapsed',
      'collapsed', 'collapsed', 'collapsed', 'metastable',
    ]);
    expect(await map.locator('.boundary-cell .cell-text').first().textContent()).toBe('A 100%');
    const fills = await map.locator('.boundary-cell rect').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('fill')))]);
    expect(fills).toHaveLength(4);
    expect(await page.locator('[data-chart="boundary-map"] [data-legend]').evaluateAll((els) => els.map((e) => e.getAttribute('data-legend')))).toEqual(['absorbed', 'degraded', 'collapsed', 'metastable']);
    expect(await page.locator('[data-sentence="boundary"] li').allTextContents()).toEqual(['1 GPU: survives up to 20.0 req/s', '1 node: survives up to 10.0 req/s', '1 rack: survives none of the swept rates']);
  });

  it('no boundary: the reason in words; hostile text shows as text', async () => {
    const hostile: SurvivabilityResult = { ...noBoundary(), findings: [HOSTILE_NAME], scenario: { ...noBoundary().scenario, name: HOSTILE_NAME } };
    const opened = await open('survival-hostile', hostile);
    const { page } = opened;
    expectSelfContained(opened);
    expect(await page.locator('[data-empty="boundary-map"]').textContent()).toBe('No boundary map: the scenario has no SLO to sweep against.');
    expect(await page.locator('[data-chart="boundary-map"]').count()).toBe(0);
    expect(await page.locator('[data-view="survival"] h2').textContent()).toBe(HOSTILE_NAME);
    expect(await page.locator('[data-view="survival"] [data-finding]').textContent()).toBe(HOSTILE_NAME);
    expect(await page.locator('[data-view="survival"] img').count()).toBe(0);
    await page.close();
  });
});
