import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../engine/simulation-result.js';
import type { ReportEntry } from '../../web/src/payload.js';
import { prefixCacheModel, prefixReplicaRows } from '../../web/src/shape/prefix-cache.js';
import { prefixBase, prefixCacheSummary, withPrefixCache } from '../web/fixtures/prefix-cache.js';
import { HOSTILE_NAME } from '../web/fixtures/results.js';
import type { OpenedReport } from './browser.js';
import { OUT_DIR, reportBrowserSession } from './report-files.js';

/**
 * A simulation result's prefix-cache section as a reader meets it in headless Chromium: the panel
 * drawn only when the result has `prefixCache`, its figures, one line for the hit rate over time
 * (with its gaps), one bar per replica beside the requests routed there, a row per replica; in a
 * comparison, a panel per result that has one and the hit rate in the delta table. No page error,
 * no request but the page's own; screenshots under reports/out/.
 *
 * The pages are written from the entries directly (as report-browser.test.ts does); that the
 * report's input check accepts such a result is html-writer.test.ts's.
 */

const session = reportBrowserSession('headroom-prefix-cache-report-');
const { available } = session;

/** The entries as a result file carries them (a JSON round trip), drawn and opened. */
const open = (name: string, entries: ReportEntry[]): Promise<OpenedReport> => session.openEntries(name, JSON.parse(JSON.stringify(entries)) as ReportEntry[]);

function expectSelfContained(report: OpenedReport): void {
  expect(report.errors).toEqual([]);
  expect(report.dialogs).toEqual([]);
  expect(report.requests.filter((url) => url !== report.url)).toEqual([]);
}

const named = (r: SimulationResult, name: string): SimulationResult => ({ ...r, scenario: { ...r.scenario, name } });

describe.skipIf(!available)('the prefix-cache section of a simulation report, in Chromium', () => {
  const base = prefixBase();
  const result = withPrefixCache(base);
  const model = prefixCacheModel(result)!;
  const panel = '[data-view="simulation"] [data-panel="prefix-cache"]';
  let report: OpenedReport;

  beforeAll(async () => {
    report = await open('simulation-prefix-cache', [{ file: 'prefix-cache.json', result }]);
  });
  afterAll(async () => report?.page.close());

  it('one panel, with the sentence and the headline figures, and no console error', async () => {
    const { page } = report;
    expectSelfContained(report);
    expect(await page.locator(panel).count()).toBe(1);
    expect(await page.locator(`${panel} h3`).textContent()).toBe('Prefix cache');
    expect(await page.locator(`${panel} [data-sentence="prefix-cache"]`).textContent()).toBe(model.sentence);
    const cards = await page.locator(`${panel} [data-card]`).evaluateAll((els) => els.map((e) => [e.getAttribute('data-card'), e.querySelector('.card-value')?.textContent]));
    expect(cards).toEqual([
      ['prefix-hit-rate', '49.0%'],
      ['prefix-saved', '98,000'],
      ['prefix-per-request', '470'],
      ['prefix-evicted', '360'],
      ['prefix-requests', '200'],
    ]);
    await page.locator(panel).screenshot({ path: join(OUT_DIR, 'simulation-prefix-cache.png') });
  });

  it('the hit rate over time: one path, broken where no prompt was looked up, over 0-100%', async () => {
    const { page } = report;
    const chart = page.locator(`${panel} [data-chart="prefix-hit-rate"] svg.chart-svg`);
    expect(await chart.count()).toBe(1);
    const paths = chart.locator('path.series-line');
    expect(await paths.count()).toBe(1);
    expect(await paths.getAttribute('data-series')).toBe('hit-rate');
    // Two runs of buckets (1-3 and 6-8): two subpaths, each starting with a move.
    expect((await paths.getAttribute('d'))!.match(/M/g)).toHaveLength(2);
    expect(await chart.locator('.isolated-point').count()).toBe(0);
    expect([await chart.getAttribute('data-x-min'), await chart.getAttribute('data-x-max')]).toEqual(['0', '20']);
    const ticks = await chart.locator('.axis-y .tick text').allTextContents();
    expect(ticks[0]).toBe('0%');
    expect(ticks[ticks.length - 1]).toBe('100%');
    expect(await page.locator(`${panel} [data-chart="prefix-hit-rate"] .figure-note`).textContent()).toContain('4 gaps where no prompt was looked up');
  });

  it('per replica: one bar of hit rate per replica, the requests routed to each, an even share', async () => {
    const { page } = report;
    const chart = page.locator(`${panel} [data-chart="prefix-replicas"] svg.chart-svg`);
    const bars = chart.locator('rect.prefix-hit-bar');
    expect(await bars.count()).toBe(4);
    expect(await bars.evaluateAll((els) => els.map((e) => [e.getAttribute('data-replica'), Number(e.getAttribute('data-value'))]))).toEqual([
      ['0', 0.75],
      ['1', 0.25],
      ['2', 0.5],
      ['3', 0.1],
    ]);
    // Taller bar, higher hit rate.
    const heights = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('height'))));
    expect(heights[0]).toBeGreaterThan(heights[2]!);
    expect(heights[2]).toBeGreaterThan(heights[1]!);
    expect(heights[1]).toBeGreaterThan(heights[3]!);
    expect(await chart.locator('.prefix-requests-tick').evaluateAll((els) => els.map((e) => e.getAttribute('data-requests')))).toEqual(['80', '40', '50', '30']);
    expect(await chart.locator('.prefix-even-share').count()).toBe(1);
    expect(await bars.first().locator('title').textContent()).toBe(model.replicas[0]!.title);
    expect(await page.locator(`${panel} [data-chart="prefix-replicas"] [data-legend]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-legend')))).toEqual(['hit-rate', 'requests', 'even-share']);
    expect(await page.locator(`${panel} [data-sentence="prefix-imbalance"]`).textContent()).toBe(model.imbalance);

    await bars.nth(1).hover();
    const tooltip = page.locator(`${panel} [data-chart="prefix-replicas"] .tooltip`);
    await tooltip.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await tooltip.locator('.tooltip-title').textContent()).toBe('Replica 1');
  });

  it('a table row per replica', async () => {
    const { page } = report;
    const rows = page.locator(`${panel} table.prefix-replicas-table tbody tr`);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-replica')))).toEqual(['0', '1', '2', '3']);
    expect(await rows.evaluateAll((els) => els.map((e) => [...e.querySelectorAll('td')].map((td) => td.textContent)))).toEqual(prefixReplicaRows(model));
  });

  it('without prefixCache: no prefix-cache section', async () => {
    const opened = await open('simulation-no-prefix-cache', [{ file: 'no-prefix-cache.json', result: base }]);
    expectSelfContained(opened);
    expect(await opened.page.locator('[data-view="simulation"]').count()).toBe(1);
    expect(await opened.page.locator('[data-panel="prefix-cache"]').count()).toBe(0);
    expect(await opened.page.locator('[data-chart="prefix-hit-rate"], [data-chart="prefix-replicas"]').count()).toBe(0);
    await opened.page.close();
  });

  it('compared: a panel for each result with a prefix cache, named as text, and the hit rate in the delta table', async () => {
    const better = named(withPrefixCache(base, { ...prefixCacheSummary(), hitRate: { tokens: 0.6, blocks: 0.58 }, prefillTokensSaved: 120_000 }), HOSTILE_NAME);
    const opened = await open('simulation-prefix-cache-comparison', [
      { file: 'a.json', result: named(result, 'affinity') },
      { file: '<b>evil</b>.json', result: better },
      { file: 'c.json', result: named(base, 'no cache') },
    ]);
    const { page } = opened;
    expectSelfContained(opened);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('main img, main b, main script').count()).toBe(0);
    const view = '[data-view="simulation-comparison"]';
    const panels = page.locator(`${view} [data-panel="prefix-cache"]`);
    expect(await panels.evaluateAll((els) => els.map((e) => e.getAttribute('data-series')))).toEqual(['result-0', 'result-1']);
    expect(await panels.locator('h3').allTextContents()).toEqual(['Prefix cache: affinity', `Prefix cache: ${HOSTILE_NAME}`]);
    for (const i of [0, 1]) {
      expect(await panels.nth(i).locator('[data-chart="prefix-hit-rate"] path.series-line').count()).toBe(1);
      expect(await panels.nth(i).locator('rect.prefix-hit-bar').count()).toBe(4);
    }
    const row = page.locator(`${view} table.delta-table tbody tr`).filter({ has: page.locator('th', { hasText: 'Prefix cache hit rate' }) });
    expect(await row.locator('.delta-value').allTextContents()).toEqual(['49.0%', '60.0%', '–']);
    expect(await row.locator('td').nth(1).getAttribute('class')).toBe('delta-better');
    await page.screenshot({ path: join(OUT_DIR, 'simulation-prefix-cache-comparison.png'), fullPage: true });
    await page.close();
  });
});
