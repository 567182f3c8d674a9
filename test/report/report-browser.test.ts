import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaturationResult } from '../../analyzers/saturation/saturation-result.js';
import type { SimulationResult } from '../../engine/simulation-result.js';
import { formatNumber, formatUsd } from '../../web/src/format.js';
import { concurrencyLatencyLines, concurrencyRows, concurrencyThroughputLines } from '../../web/src/shape/concurrency-sweep.js';
import { calibrationSummary, calibrationVerdict, matchRuns, runBars, summaryRows, tableRows } from '../../web/src/shape/calibration.js';
import { configurationRows } from '../../web/src/shape/configurations.js';
import { headlineCards } from '../../web/src/shape/headline.js';
import { CDF_METRICS, latencyCdf } from '../../web/src/shape/latency-cdf.js';
import { saturationCards } from '../../web/src/shape/saturation-cards.js';
import { bottleneckSentence, latencyVsRate, rateMarkers, throughputVsRate } from '../../web/src/shape/saturation-curves.js';
import { calibrationWarning } from '../../web/src/shape/scenario-summary.js';
import { comparisonVerdict, concurrencyVerdict, saturationVerdict, simulationVerdict } from '../../web/src/shape/verdict.js';
import { pointIndexAt, SERIES_METRICS, simulationTimeLines } from '../../web/src/shape/time-series.js';
import {
  chatScenario,
  concurrencyFixture,
  costFixture,
  fourReplicas,
  HOSTILE_NAME,
  saturationFixture,
  simulated,
  sizingFixture,
  uncalibrated,
  varyFixture,
  withoutCalibration,
} from '../web/fixtures/results.js';
import { calibratedFixture, calibrationFixture } from '../web/fixtures/calibration.js';
import { openReport, type OpenedReport } from './browser.js';
import { OUT_DIR, reportBrowserSession, TEST_MADE_BY } from './report-files.js';

/**
 * The report as a reader meets it: generated pages opened from file:// in Debian's headless
 * Chromium. Each test checks what the page drew against the data it was given, that it made no
 * request but for its own file and logged no error, and writes a screenshot under reports/out/.
 */

const { available, dir, context, openEntries: open } = reportBrowserSession('headroom-report-');

/** The report stayed inside its own file and logged nothing wrong. */
function expectSelfContained(report: OpenedReport): void {
  expect(report.errors).toEqual([]);
  expect(report.dialogs).toEqual([]);
  expect(report.requests).toContain(report.url);
  expect(report.requests.filter((url) => url !== report.url)).toEqual([]);
}

const count = (page: Page, selector: string) => page.locator(selector).count();
/** Waits until the element is shown or hidden (a toggle, a tooltip, print media); fails after 5 s. */
const shown = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 5_000 });
const hidden = (locator: Locator) => locator.waitFor({ state: 'hidden', timeout: 5_000 });
/** The on-screen boxes of every element the selector matches. */
const boxesOf = (page: Page, selector: string) => page.locator(selector).evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
/** Fails naming the first two boxes that overlap. */
function expectNoOverlap(boxes: readonly DOMRect[], what: string): void {
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      expect(overlap, `${what} ${i} and ${j} overlap`).toBe(false);
    }
  }
}
/** A card's label, value, detail and status as the page shows them. */
const cardTexts = (page: Page, scope: string, key: string) =>
  page.locator(`${scope} [data-card="${key}"]`).evaluate((el) => ['.card-label', '.card-value', '.card-detail', '.card-status'].map((c) => el.querySelector(c)?.textContent ?? null));
const xDomain = (page: Page, chart: string) =>
  page.locator(`[data-chart="${chart}"] svg.chart-svg`).evaluate((svg) => [Number(svg.getAttribute('data-x-min')), Number(svg.getAttribute('data-x-max'))]);

describe.skipIf(!available)('the HTML report in Chromium', () => {
  const four: SimulationResult = fourReplicas();
  let report: OpenedReport;

  beforeAll(async () => {
    report = await open('simulation-four-replicas', [{ file: 'four.json', result: four }]);
  });
  afterAll(async () => report?.page.close());

  it('a simulation report draws every chart with one mark per data element, requests nothing and logs no error', async () => {
    const { page } = report;
    expectSelfContained(report);
    expect(await count(page, '[data-card]')).toBe(8);
    expect(CDF_METRICS.map((m) => m.key)).toEqual(['ttft', 'tpot', 'e2e', 'itl', 'queueWait']);
    for (const { key: metric } of CDF_METRICS) {
      expect(await count(page, `[data-chart="cdf-${metric}"] path.mark`)).toBe(1);
      // Results carry a dense CDF, drawn as a curve without per-quantile circles.
      expect(latencyCdf(four.latency[metric])!.from).toBe('cdf');
      expect(await count(page, `[data-chart="cdf-${metric}"] circle.mark`)).toBe(0);
    }
    expect(await count(page, '[data-chart="cdf-ttft"] .slo-line')).toBe(1);
    expect(SERIES_METRICS).toHaveLength(6);
    for (const metric of SERIES_METRICS) expect(await count(page, `[data-chart="time-${metric.key}"] path.mark`)).toBe(1 + four.timeSeries.perReplica.length);
    // The verdict line leads the view.
    expect(await page.locator('[data-view="simulation"] .verdict').textContent()).toBe(simulationVerdict(four).text);
    expect(await page.locator('[data-view="simulation"] h2 + .verdict').count()).toBe(1);
    expect(await page.locator('.report-footer .made-by').textContent()).toBe(`made by \`${TEST_MADE_BY.command}\` at ${TEST_MADE_BY.at}`);
    expect(await count(page, '[data-chart="replica-strip"] rect.mark')).toBe(4 * four.utilization.perReplica.length);
    expect(await page.locator('.scenario-panel').textContent()).toContain('TP 1 × PP 1, 4 replicas');
    expect(await page.locator('.scenario-panel').textContent()).toContain(`Calibrationfitted on measurements: ${four.calibration.source}`);
    expect(await count(page, '[data-notice="calibration"]')).toBe(0);
    await page.screenshot({ path: join(OUT_DIR, 'report-simulation.png'), fullPage: true });
  });

  it('the brush narrows the time axis of every time-series chart, and "Show the whole run" restores it', async () => {
    const { page } = report;
    const end = (await xDomain(page, 'time-running'))[1]!;
    await page.locator('[data-chart="time-brush"]').scrollIntoViewIfNeeded();
    const overlay = (await page.locator('[data-chart="time-brush"] .brush .overlay').boundingBox())!;
    const y = overlay.y + overlay.height / 2;
    await page.mouse.move(overlay.x + overlay.width * 0.25, y);
    await page.mouse.down();
    await page.mouse.move(overlay.x + overlay.width * 0.55, y, { steps: 6 });
    await page.mouse.up();
    for (const metric of SERIES_METRICS) {
      const [lo, hi] = await xDomain(page, `time-${metric.key}`);
      expect(lo! / end).toBeCloseTo(0.25, 1);
      expect(hi! / end).toBeCloseTo(0.55, 1);
    }
    const firstTick = await page.locator('[data-chart="time-running"] .axis-x .tick text').first().textContent();
    expect(firstTick).not.toBe('0');
    await page.getByRole('button', { name: 'Show the whole run' }).click();
    expect(await xDomain(page, 'time-running')).toEqual([0, end]);
    // From the keyboard: focus the strip, "+" zooms in around the middle.
    await page.locator('[data-chart="time-brush"] svg.chart-svg').focus();
    await page.keyboard.press('+');
    const [lo, hi] = await xDomain(page, 'time-queueDepth');
    expect(lo).toBeCloseTo(end / 4, 6);
    expect(hi).toBeCloseTo((3 * end) / 4, 6);
    await page.keyboard.press('0');
    expect(await xDomain(page, 'time-queueDepth')).toEqual([0, end]);
  });

  it('the legend toggle hides a series in every chart and shows it again', async () => {
    const { page } = report;
    const toggle = page.locator('button[data-series-toggle="replica-1"]');
    const lines = page.locator('[data-chart^="time-"] path.mark[data-series="replica-1"]');
    expect(await lines.count()).toBe(SERIES_METRICS.length);
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    for (const line of await lines.all()) await hidden(line);
    await shown(page.locator('[data-chart^="time-"] path.mark[data-series="replica-2"]').first());
    await toggle.press('Enter');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    for (const line of await lines.all()) await shown(line);
  });

  it('the tooltip shows the exact value of the time bucket under the pointer, and follows the arrow keys', async () => {
    const { page } = report;
    const chart = page.locator('[data-chart="time-running"]');
    const hover = chart.locator('.hover-target');
    await hover.scrollIntoViewIfNeeded();
    const target = (await hover.boundingBox())!;
    await page.mouse.move(target.x + target.width * 0.4, target.y + target.height / 2);
    const tooltip = chart.locator('.tooltip');
    await shown(tooltip);
    const index = Number(await tooltip.getAttribute('data-index'));
    const lines = simulationTimeLines(four, 'running');
    const end = lines[0]!.points.at(-1)!.t1;
    expect(Math.abs(index - pointIndexAt(lines[0]!.points, 0.4 * end))).toBeLessThanOrEqual(1);
    const rows = await tooltip.locator('.tooltip-row').evaluateAll((els) => els.map((el) => [el.querySelector('.tooltip-key')!.textContent, el.querySelector('.tooltip-value')!.textContent]));
    expect(rows).toEqual([
      ['Total of replicas', formatNumber(four.timeSeries.total.running[index]!)],
      ...four.timeSeries.perReplica.map((set, i) => [`Replica ${i}`, formatNumber(set.running[index]!)]),
    ]);
    await page.mouse.move(target.x + target.width * 0.4, target.y - 60);
    await hidden(tooltip);

    await page.locator('[data-chart="time-queueDepth"] svg.chart-svg').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const keyed = page.locator('[data-chart="time-queueDepth"] .tooltip');
    expect(await keyed.getAttribute('data-index')).toBe('2');
    expect(await keyed.locator('.tooltip-row .tooltip-value').first().textContent()).toBe(formatNumber(four.timeSeries.total.queueDepth[2]!));
    await page.keyboard.press('Escape');
  });

  it('the page fits a phone width without sideways scrolling, and prints without its controls', async () => {
    const { page } = report;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => (document.querySelector('[data-chart="time-running"] svg') as SVGSVGElement | null)?.width.baseVal.value! <= 390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(OUT_DIR, 'report-simulation-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ media: 'print' });
    await hidden(page.locator('[data-chart="time-brush"]'));
    await shown(page.locator('[data-chart="cdf-ttft"]'));
    await page.pdf({ path: join(OUT_DIR, 'report-simulation.pdf'), format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
  });

  it('several simulations are overlaid with a legend that hides each everywhere, and a delta table against the first', async () => {
    const base = simulated();
    const busier = simulated(['workload.arrival.rate=16', 'name=busier']);
    const opened = await open('simulation-comparison', [
      { file: 'base.json', result: base },
      { file: 'busier.json', result: busier },
      { file: 'four.json', result: four },
    ]);
    const { page } = opened;
    expectSelfContained(opened);
    expect(await count(page, '[data-chart="cdf-ttft"] path.mark')).toBe(3);
    expect(await count(page, '[data-chart="time-kvOccupancy"] path.mark')).toBe(3);
    expect(await count(page, '.delta-table tbody tr')).toBeGreaterThan(10);
    expect(await page.locator('.delta-table thead th').nth(1).textContent()).toContain('(baseline)');
    await page.screenshot({ path: join(OUT_DIR, 'report-comparison.png'), fullPage: true });
    await page.locator('button[data-series-toggle="result-1"]').click();
    const others = page.locator('[data-chart^="cdf-"] [data-series="result-1"], [data-chart^="time-"] [data-series="result-1"]');
    expect(await others.count()).toBe(CDF_METRICS.length + SERIES_METRICS.length);
    for (const el of await others.all()) await hidden(el);
    await shown(page.locator('[data-chart="cdf-ttft"] [data-series="result-0"]'));
    await page.close();
  });

  it('a saturation report draws percentiles and throughput against rate with the SLO, the three rates and the bottleneck sentence', async () => {
    const result: SaturationResult = saturationFixture(chatScenario());
    const opened = await open('saturation', [{ file: 'saturation.json', result }]);
    const { page } = opened;
    expectSelfContained(opened);
    for (const metric of ['ttft', 'tpot', 'e2e'] as const) {
      const lines = latencyVsRate(result, metric);
      expect(await count(page, `[data-chart="rate-${metric}"] path.mark`)).toBe(lines.length);
      expect(await count(page, `[data-chart="rate-${metric}"] circle.mark`)).toBe(lines.reduce((n, l) => n + l.points.length, 0));
      expect(await count(page, `[data-chart="rate-${metric}"] .rate-marker`)).toBe(rateMarkers(result).length);
    }
    expect(await count(page, '[data-chart="rate-ttft"] .slo-line')).toBe(1);
    expect(await count(page, '[data-chart="rate-e2e"] .slo-line')).toBe(0);
    expect(await count(page, '[data-chart="rate-throughput"] path.mark')).toBe(throughputVsRate(result).length);
    expect(await page.locator('[data-sentence="bottleneck"]').textContent()).toBe(bottleneckSentence(result));
    expect(await page.locator('[data-view="saturation"] h2 + .verdict').textContent()).toBe(saturationVerdict(result).text);
    expect(await count(page, '.points-table tbody tr')).toBe(result.points.length);
    await page.locator('button[data-series-toggle="p50"]').click();
    const p50 = page.locator('[data-series="p50"] path.mark');
    expect(await p50.count()).toBe(3);
    for (const el of await p50.all()) await hidden(el);
    await page.screenshot({ path: join(OUT_DIR, 'report-saturation.png'), fullPage: true });
    await page.close();
  });

  it('a --vary comparison shows its configurations side by side and a labelled Pareto chart', async () => {
    const comparison = varyFixture(chatScenario());
    const opened = await open('saturation-vary', [{ file: 'vary.json', result: comparison }]);
    const { page } = opened;
    expectSelfContained(opened);
    expect(await count(page, '.configurations-table thead th')).toBe(1 + comparison.configurations.length);
    expect(await page.locator('[data-view="saturation-comparison"] h2 + .verdict').textContent()).toBe(comparisonVerdict(comparison).text);
    expect(await count(page, '[data-chart="pareto"] circle.mark')).toBe(3);
    expect(await count(page, '[data-chart="pareto"] circle.mark.optimal')).toBe(2);
    expect(await page.locator('[data-chart="pareto"] .point-label').allTextContents()).toEqual(comparison.configurations.map((c) => c.label));
    expect(await count(page, '[data-chart="rate-ttft"] path.mark')).toBe(3);
    const calibration = page.locator('.configurations-table tbody tr', { has: page.locator('th', { hasText: 'Calibration' }) }).locator('td');
    expect(await calibration.allTextContents()).toEqual(comparison.configurations.map((c) => `fitted on measurements: ${c.result.calibration.source}`));
    await page.screenshot({ path: join(OUT_DIR, 'report-vary.png'), fullPage: true });
    await page.close();
  });

  it('a 5-configuration Pareto chart zooms to its data and no two point labels overlap', async () => {
    const base = varyFixture(chatScenario());
    const c = base.configurations[0]!;
    // Close figures: on an axis from 0 these labels would sit on top of each other.
    const figures = [
      [70, 2400],
      [71, 2410],
      [72, 2420],
      [73, 2405],
      [60, 2600],
    ] as const;
    const comparison = { ...base, configurations: figures.map(([perUser, perGpu], i) => ({ ...c, label: `serving.maxNumSeqs=${64 + i}`, tokensPerSecondPerUser: perUser, tokensPerSecondPerGpu: perGpu })) };
    const opened = await open('pareto-five', [{ file: 'five.json', result: comparison }]);
    const { page } = opened;
    expectSelfContained(opened);
    expect(await count(page, '[data-chart="pareto"] circle.mark')).toBe(5);
    const boxes = await boxesOf(page, '[data-chart="pareto"] .point-label');
    expect(boxes).toHaveLength(5);
    expectNoOverlap(boxes, 'labels');
    // The y axis starts near the data (2400 - 8% of 200), not at 0.
    const ticks = (await page.locator('[data-chart="pareto"] .axis-y .tick text').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
    expect(Math.min(...ticks)).toBeGreaterThan(2000);
    await page.screenshot({ path: join(OUT_DIR, 'report-pareto-five.png'), fullPage: true });
    await page.close();
  });

  it('a priced simulation shows a Cost card; one that fell behind says so on its Throughput card', async () => {
    const priced = simulated(['cost.gpuHourUsd=2.5']);
    const behind = simulated(['workload.arrival.rate=200']);
    const opened = await open('simulation-cost', [{ file: 'priced.json', result: priced }]);
    expectSelfContained(opened);
    const cost = headlineCards(priced).find((c) => c.key === 'cost')!;
    expect(await cardTexts(opened.page, '[data-view="simulation"]', 'cost')).toEqual(['Cost', formatUsd(priced.cost!.usdPerMillionOutputTokens), cost.detail, null]);
    expect(cost.detail).toContain('$2.50/h for 1 GPU');
    expect(await opened.page.locator('[data-card="throughput"] .card-detail').textContent()).toMatch(/^kept up with [\d.]+ req\/s offered · /);
    expect(await count(opened.page, '[data-card="throughput"] .card-status')).toBe(0);
    await opened.page.close();

    const fell = await open('simulation-fell-behind', [{ file: 'behind.json', result: behind }]);
    expectSelfContained(fell);
    expect(await count(fell.page, '[data-card="cost"]')).toBe(0);
    const throughput = headlineCards(behind)[0]!;
    expect(await cardTexts(fell.page, '[data-view="simulation"]', 'throughput')).toEqual(['Throughput', throughput.value, throughput.detail, '✗ fell behind']);
    expect(throughput.detail).toMatch(/^completed 2\.00 req\/s of [\d.]+ req\/s offered: a queue builds/);
    expect(await fell.page.locator('[data-card="throughput"]').getAttribute('class')).toContain('card-missed');
    await fell.page.screenshot({ path: join(OUT_DIR, 'report-fell-behind.png'), fullPage: true });
    await fell.page.close();
  });

  it('a priced saturation analysis with --target-rate shows sustained capacity, cost at saturation and the sizing', async () => {
    const result: SaturationResult = { ...saturationFixture(chatScenario()), costAtSaturation: costFixture(1, 4100, 19.6, null), sizing: sizingFixture() };
    const opened = await open('saturation-sizing', [{ file: 'sized.json', result }]);
    const { page } = opened;
    expectSelfContained(opened);
    const cards = saturationCards(result);
    expect(await page.locator('[data-view="saturation"] [data-card]').evaluateAll((els) => els.map((el) => el.getAttribute('data-card')))).toEqual(cards.map((c) => c.key));
    for (const key of ['sustained', 'cost', 'sizing']) {
      const card = cards.find((c) => c.key === key)!;
      expect(await cardTexts(page, '[data-view="saturation"]', key)).toEqual([card.label, card.value, card.detail, null]);
    }
    expect(await page.locator('[data-card="sustained"] .card-detail').textContent()).toBe('completed at 24.0 req/s offered, where it fell behind');
    expect(await page.locator('[data-card="sizing"] .card-detail').textContent()).toMatch(/^5 replicas \(5 GPUs\) carry 50\.0 req\/s under the SLO · margin \+16\.7% · \$12\.50\/h, /);
    // Past capacity the points table says which rates the deployment could not keep up with.
    const meets = await page.locator('.points-table tbody tr td:nth-child(7)').allTextContents();
    expect(meets).toEqual(result.points.map((p) => (p.meetsSlo ? 'yes' : p.keepsUp ? 'no' : 'no: fell behind')));
    await page.locator('.cards').first().screenshot({ path: join(OUT_DIR, 'report-saturation-sizing-cards.png') });
    await page.close();
  });

  it('a priced --vary comparison adds a "$ / 1M output tokens at saturation" row, one cell per configuration', async () => {
    const base = varyFixture(chatScenario());
    const comparison = { ...base, configurations: base.configurations.map((c) => ({ ...c, costAtSaturation: costFixture(1, c.tokensPerSecondPerGpu!) })) };
    const opened = await open('vary-cost', [{ file: 'vary.json', result: comparison }]);
    const { page } = opened;
    expectSelfContained(opened);
    const row = page.locator('.configurations-table tr[data-row="cost"]');
    expect(await row.locator('th').textContent()).toBe('$ / 1M output tokens at saturation');
    expect(await row.locator('td').allTextContents()).toEqual(configurationRows(comparison).find((r) => r.key === 'cost')!.cells);
    expect(await row.locator('td').allTextContents()).toEqual(comparison.configurations.map((c) => formatUsd(c.costAtSaturation.usdPerMillionOutputTokens)));
    // Unpriced, the row is not there.
    await page.close();
    const plain = await open('vary-no-cost', [{ file: 'vary.json', result: base }]);
    expect(await count(plain.page, '.configurations-table tr[data-row="cost"]')).toBe(0);
    await plain.page.close();
  });

  it('a concurrency sweep draws a mark per level in both charts against concurrency and a table row per level', async () => {
    const sweep = concurrencyFixture(chatScenario());
    const opened = await open('concurrency-sweep', [{ file: 'sweep.json', result: sweep }]);
    const { page } = opened;
    expectSelfContained(opened);
    const levels = sweep.levels.length;
    expect(await page.locator('.file-list li').textContent()).toBe(`sweep.json concurrency sweep: ${sweep.scenario.name}`);
    expect(await page.locator('[data-view="concurrency-sweep"] h2 + .verdict').textContent()).toBe(concurrencyVerdict(sweep).text);
    const throughput = concurrencyThroughputLines(sweep);
    const latency = concurrencyLatencyLines(sweep);
    expect(throughput).toHaveLength(2);
    for (const [chart, lines] of [
      ['concurrency-throughput', throughput],
      ['concurrency-latency', latency],
    ] as const) {
      expect(await count(page, `[data-chart="${chart}"] path.mark`)).toBe(lines.length);
      for (const line of lines) {
        const marks = page.locator(`[data-chart="${chart}"] [data-series="${line.key}"] circle.mark`);
        expect(await marks.count()).toBe(levels);
        expect(await marks.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-concurrency'))))).toEqual(sweep.levels.map((l) => l.concurrency));
      }
    }
    // Log 2 axis: 1, 2, 4 ... 64 evenly spaced, every level a tick.
    const cx = await page.locator('[data-chart="concurrency-throughput"] [data-series="achieved"] circle.mark').evaluateAll((els) => els.map((el) => Number(el.getAttribute('cx'))));
    const steps = cx.slice(1).map((x, i) => x - cx[i]!);
    for (const step of steps) expect(step).toBeCloseTo(steps[0]!, 6);
    expect(await page.locator('[data-chart="concurrency-throughput"] .axis-x .tick text').allTextContents()).toEqual(sweep.levels.map((l) => String(l.concurrency)));
    expect(await count(page, '[data-chart="concurrency-latency"] .slo-line')).toBe(2);
    expect(await count(page, '.levels-table tbody tr')).toBe(levels);
    const cells = await page.locator('.levels-table tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(cells).toEqual(concurrencyRows(sweep));
    await page.locator('button[data-series-toggle="tpot-p99"]').click();
    await hidden(page.locator('[data-chart="concurrency-latency"] [data-series="tpot-p99"]'));
    await shown(page.locator('[data-chart="concurrency-latency"] [data-series="ttft-p99"]'));
    await page.screenshot({ path: join(OUT_DIR, 'report-concurrency-sweep.png'), fullPage: true });
    await page.close();
  });

  it('compared saturation curves name each line at its end, and no two end labels or rate labels overlap', async () => {
    // Five nearly equal deployments: their curves end together and their saturation rates sit a few pixels apart.
    const results = [20, 20.2, 20.4, 20.6, 20.8].map((capacity, i) => ({
      file: `config-${i}.json`,
      result: { ...saturationFixture(chatScenario(), capacity), scenario: { ...chatScenario(), name: `deployment-variant-${i}` } },
    }));
    const opened = await open('saturation-overlay-labels', results);
    const { page } = opened;
    expectSelfContained(opened);
    for (const chart of ['rate-ttft', 'rate-tpot', 'rate-e2e', 'rate-throughput']) {
      const scope = `[data-view="saturation-overlay"] [data-chart="${chart}"]`;
      expect(await page.locator(`${scope} .line-label`).allTextContents()).toEqual(results.map((r) => r.result.scenario.name));
      const ends = await boxesOf(page, `${scope} .line-label`);
      expectNoOverlap(ends, `${chart}: end labels`);
      const marks = await boxesOf(page, `${scope} .marker-label`);
      expect(marks).toHaveLength(results.length);
      expectNoOverlap(marks, `${chart}: rate labels`);
      // Inside the chart: not cut off at its right edge or above its top.
      const svg = (await page.locator(`${scope} svg.chart-svg`).boundingBox())!;
      for (const box of [...ends, ...marks]) {
        expect(box.right).toBeLessThanOrEqual(svg.x + svg.width + 0.5);
        expect(box.top).toBeGreaterThanOrEqual(svg.y - 0.5);
      }
    }
    // A label belongs to its series: hiding the result hides its name too.
    await page.locator('button[data-series-toggle="result-2"]').click();
    await hidden(page.locator('[data-chart="rate-ttft"] .end-label[data-series="result-2"]'));
    await shown(page.locator('[data-chart="rate-ttft"] .end-label[data-series="result-1"]'));
    await page.locator('[data-view="saturation-overlay"] [data-chart="rate-ttft"]').screenshot({ path: join(OUT_DIR, 'report-overlay-labels.png') });
    await page.close();
  });

  it('an uncalibrated result warns near the top of its view and names the borrowed constants; an older file without calibration shows neither', async () => {
    const sim = uncalibrated(simulated());
    const sat = uncalibrated(saturationFixture(chatScenario()));
    const opened = await open('uncalibrated', [
      { file: 'sim.json', result: sim },
      { file: 'sat.json', result: sat },
    ]);
    const { page } = opened;
    expectSelfContained(opened);
    for (const view of ['simulation', 'saturation']) {
      const notice = page.locator(`[data-view="${view}"] [data-notice="calibration"]`);
      expect(await notice.allTextContents()).toEqual([calibrationWarning(sim.calibration)]);
      expect(await notice.textContent()).toContain('Uncalibrated: step-time constants borrowed from a100 (no bf16 measurements on mi300x)');
      await shown(notice);
      // Near the top: before the headline cards.
      expect(await notice.evaluate((el) => Boolean(el.compareDocumentPosition(el.parentElement!.querySelector('.cards')!) & Node.DOCUMENT_POSITION_FOLLOWING))).toBe(true);
      expect(await page.locator(`[data-view="${view}"] .scenario-panel`).textContent()).toContain('Calibrationuncalibrated: constants borrowed from a100');
    }
    await page.screenshot({ path: join(OUT_DIR, 'report-uncalibrated.png'), fullPage: true });
    await page.close();

    const old = await open('no-calibration', [{ file: 'old.json', result: withoutCalibration(simulated()) }]);
    expectSelfContained(old);
    expect(await count(old.page, '[data-notice]')).toBe(0);
    expect(await old.page.locator('.scenario-panel dt').allTextContents()).not.toContain('Calibration');
    await old.page.close();
  });

  it('a calibration check draws measured and simulated bars per statistic of every run with the error, the summary and the numbers', async () => {
    const result = calibrationFixture();
    const opened = await open('calibration', [{ file: 'uncal.json', result }]);
    const { page } = opened;
    expectSelfContained(opened);
    const runs = matchRuns([result]);
    const summary = calibrationSummary(runs, 0);
    const view = '[data-view="calibration"]';
    expect(await page.locator('.file-list li').textContent()).toBe('uncal.json calibration check: catalog constants (uncalibrated)');
    expect(await page.locator(`${view} h2`).textContent()).toBe('Calibration check: 3 measured runs against the simulator');
    expect(await page.locator(`${view} h2 + .verdict`).textContent()).toBe(calibrationVerdict(summary, null).text);
    expect(await page.locator(`${view} .calibration-header`).textContent()).toContain('Simulated withcatalog constants, uncalibrated');
    expect(await page.locator(`${view} .calibration-header`).textContent()).toContain('Deployment simulatedllama-3.1-8b on h100-sxm: TP1 × PP1, 1 replica, fp8 weights');
    // One figure per run, one measured and one simulated bar per statistic, each bar's text as shaped.
    const figures = page.locator(`${view} [data-chart="calibration-run"]`);
    expect(await figures.count()).toBe(runs.length);
    for (const [i, run] of runs.entries()) {
      const fig = figures.nth(i);
      expect(await fig.locator('.figure-title').textContent()).toBe(run.label);
      const bars = runBars(run, ['catalog constants (uncalibrated)']);
      expect(await fig.locator('rect.mark').count()).toBe(bars.reduce((n, r) => n + r.bars.length, 0));
      expect(await fig.locator('.statistic-label').allTextContents()).toEqual(bars.map((r) => r.label));
      expect(await fig.locator('.bar-label').allTextContents()).toEqual(bars.flatMap((r) => r.bars.map((b) => b.text)));
      // Measured and simulated in two colours; within a statistic, bars are to scale.
      const fills = await fig.locator('rect.mark').evaluateAll((els) => els.map((el) => el.getAttribute('fill')));
      expect(new Set(fills).size).toBe(2);
      const widths = await fig.locator('.calibration-statistic').first().locator('rect.mark').evaluateAll((els) => els.map((el) => Number(el.getAttribute('width'))));
      expect(widths[0]! / widths[1]!).toBeCloseTo(bars[0]!.bars[0]!.value / bars[0]!.bars[1]!.value, 6);
    }
    expect(await page.locator(`${view} .bar-label`).allTextContents()).toContain('6.00 s (+50.0%)');
    // The summary and the numbers, cell for cell.
    const summaryCells = await page.locator('.calibration-summary tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    expect(summaryCells).toEqual(summaryRows(summary));
    const tableCells = await page.locator('.calibration-table tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)));
    expect(tableCells).toEqual(tableRows(runs, 1).map((r) => r.cells.slice(1)));
    expect(await page.locator('.calibration-table tbody th').allTextContents()).toEqual(runs.map((r) => r.label));
    // The legend hides the measured bars everywhere and shows them again.
    const measured = page.locator(`${view} [data-series="measured"]`);
    expect(await measured.count()).toBe(7);
    await page.locator('button[data-series-toggle="measured"]').click();
    for (const el of await measured.all()) await hidden(el);
    await shown(page.locator(`${view} [data-series="result-0"]`).first());
    await page.locator('button[data-series-toggle="measured"]').click();
    await shown(measured.first());
    await page.screenshot({ path: join(OUT_DIR, 'report-calibration.png'), fullPage: true });
    // On a phone: no sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => (document.querySelector('[data-chart="calibration-run"] svg') as SVGSVGElement | null)?.width.baseVal.value! <= 390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });

  it('two calibration checks (uncalibrated, then calibrated) put each simulation beside the one measured value, with a delta table against the first', async () => {
    const uncal = calibrationFixture();
    const cal = calibratedFixture();
    const opened = await open('calibration-comparison', [
      { file: 'uncal.json', result: uncal },
      { file: 'cal.json', result: cal },
    ]);
    const { page } = opened;
    expectSelfContained(opened);
    const view = '[data-view="calibration-comparison"]';
    expect(await page.locator(`${view} h2`).textContent()).toBe('2 calibration checks compared');
    expect(await page.locator(`${view} .verdicts .verdict`).count()).toBe(2);
    const runs = matchRuns([uncal, cal]);
    // 7 statistics: each with one measured bar and a bar per result.
    expect(await page.locator(`${view} [data-chart="calibration-run"]`).count()).toBe(3);
    expect(await page.locator(`${view} rect.mark[data-value]`).count()).toBe(7 * 3);
    expect(await page.locator(`${view} [data-series="measured"] rect.mark`).count()).toBe(7);
    const first = page.locator(`${view} [data-chart="calibration-run"]`).first().locator('.calibration-statistic').first();
    expect(await first.locator('.bar-label').allTextContents()).toEqual(['80.0 ms measured', '100 ms (+25.0%)', '82.0 ms (+2.5%)']);
    expect(await page.locator(`${view} .delta-table tbody tr`).count()).toBe(5);
    expect(await page.locator(`${view} .delta-table thead th`).allTextContents()).toEqual(['Measure', 'catalog constants (uncalibrated) (baseline)', 'profile h100-profile.json']);
    expect(await page.locator(`${view} .delta-table tbody tr`).last().locator('td').last().textContent()).toBe('4.0%−16.0 pt better');
    expect(await page.locator(`${view} .calibration-table thead th`).allTextContents()).toEqual([
      'Run', 'Statistic', 'Measured', 'Simulated: catalog constants (uncalibrated)', 'Error: catalog constants (uncalibrated)', 'Simulated: profile h100-profile.json', 'Error: profile h100-profile.json',
    ]);
    const tableCells = await page.locator('.calibration-table tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)));
    expect(tableCells).toEqual(tableRows(runs, 2).map((r) => r.cells.slice(1)));
    expect(await page.locator(`${view} [data-notice]`).count()).toBe(0);
    // Hiding the calibrated result hides its bars and its sentence, and leaves the others.
    await page.locator('button[data-series-toggle="result-1"]').click();
    for (const el of await page.locator(`${view} [data-series="result-1"]`).all()) await hidden(el);
    await shown(page.locator(`${view} [data-series="result-0"]`).first());
    await page.screenshot({ path: join(OUT_DIR, 'report-calibration-comparison.png'), fullPage: true });
    await page.close();
  });

  it('a calibration check with file, profile and statistic names like HTML shows them as text and runs nothing', async () => {
    const result = calibrationFixture();
    result.profile = HOSTILE_NAME;
    result.runs[0]!.file = `${HOSTILE_NAME}.prom`;
    result.runs[0]!.format = HOSTILE_NAME;
    result.runs[0]!.statistics[0]!.name = `${HOSTILE_NAME} (s)`;
    const opened = await open('calibration-hostile', [{ file: '<b>evil</b>.json', result }]);
    const { page } = opened;
    expectSelfContained(opened);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await count(page, 'main img, main b, main iframe, main object, main embed')).toBe(0);
    // A file's base name: what follows the last "/" (here inside "</script>").
    expect(await page.locator('[data-chart="calibration-run"] .figure-title').first().textContent()).toBe(matchRuns([result])[0]!.label);
    expect(matchRuns([result])[0]!.label).toBe(`script><!-- '" &amp;.prom (12.0 req/s)`);
    expect(await page.locator('[data-chart="calibration-run"]').first().getAttribute('title')).toBe(`${HOSTILE_NAME}.prom`);
    expect(await page.locator('.figure-note').first().textContent()).toContain(HOSTILE_NAME);
    expect(await page.locator('.statistic-label').first().textContent()).toBe(HOSTILE_NAME);
    expect(await page.locator('.calibration-header').textContent()).toContain(`profile ${HOSTILE_NAME}`);
    await page.close();
  });

  it('a scenario named like HTML shows as text everywhere and runs nothing', async () => {
    const sim = { ...simulated(), scenario: { ...chatScenario(), name: HOSTILE_NAME, description: HOSTILE_NAME } };
    const sat = { ...saturationFixture(chatScenario()), scenario: { ...chatScenario(), name: HOSTILE_NAME } };
    const opened = await open(
      'hostile-name',
      [
        { file: '<b>evil</b>.json', result: sim },
        { file: 'sat.json', result: sat },
      ],
      { command: `headroom report ${HOSTILE_NAME}`, at: HOSTILE_NAME },
    );
    const { page } = opened;
    expectSelfContained(opened);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await count(page, 'img, b, iframe, object, embed')).toBe(0);
    // Two results with one name: each label adds its file name (text as well).
    expect(await page.locator('h2').allTextContents()).toEqual([`${HOSTILE_NAME} (<b>evil</b>.json)`, `${HOSTILE_NAME} (sat.json)`]);
    expect(await page.locator('.scenario-description').first().textContent()).toBe(HOSTILE_NAME);
    expect(await page.title()).toContain(HOSTILE_NAME);
    expect(await page.locator('.made-by').textContent()).toBe(`made by \`headroom report ${HOSTILE_NAME}\` at ${HOSTILE_NAME}`);
    await page.close();
  });

  it('the request recorder sees every load a page makes (a control page with a network image)', async () => {
    const path = join(dir, 'control.html');
    writeFileSync(path, '<!doctype html><img src="http://127.0.0.1:9/x.png" alt=""><script>document.documentElement.dataset.rendered = "true"</script>');
    const opened = await openReport(context(), path);
    await opened.page.waitForTimeout(200);
    expect(opened.requests).toContain(opened.url);
    expect(opened.requests).toContain('http://127.0.0.1:9/x.png');
    await opened.page.close();
  });

  it('a 64-replica result draws its replicas as one band and renders quickly', async () => {
    const wide = simulated(['cluster.nodes=8', 'cluster.gpusPerNode=8', 'serving.replicas=64', 'workload.arrival.rate=600', 'stop.requests=20000']);
    const opened = await open('simulation-64-replicas', [{ file: 'wide.json', result: wide }]);
    const { page } = opened;
    expectSelfContained(opened);
    expect(opened.renderMs).toBeLessThan(5_000);
    expect(await count(page, '[data-chart="time-running"] path.mark')).toBe(65);
    expect(await count(page, 'button[data-series-toggle]')).toBe(2);
    expect(await count(page, '[data-chart="replica-strip"] rect.mark')).toBe(4 * 64);
    await page.locator('[data-chart="time-running"] .hover-target').hover({ position: { x: 200, y: 20 } });
    expect(await count(page, '[data-chart="time-running"] .tooltip-row')).toBe(1);
    await page.screenshot({ path: join(OUT_DIR, 'report-64-replicas.png'), fullPage: true });
    await page.close();
  });
});
