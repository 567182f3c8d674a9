import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaturationResult } from '../../analyzers/saturation/saturation-result.js';
import type { SimulationResult } from '../../engine/simulation-result.js';
import { formatNumber } from '../../web/src/format.js';
import { CDF_METRICS, latencyCdf } from '../../web/src/shape/latency-cdf.js';
import { bottleneckSentence, latencyVsRate, rateMarkers, throughputVsRate } from '../../web/src/shape/saturation-curves.js';
import { calibrationWarning } from '../../web/src/shape/scenario-summary.js';
import { comparisonVerdict, saturationVerdict, simulationVerdict } from '../../web/src/shape/verdict.js';
import { pointIndexAt, SERIES_METRICS, simulationTimeLines } from '../../web/src/shape/time-series.js';
import { chatScenario, fourReplicas, HOSTILE_NAME, saturationFixture, simulated, uncalibrated, varyFixture, withoutCalibration } from '../web/fixtures/results.js';
import { hasChromium, launchBrowser, openReport, type OpenedReport } from './browser.js';
import { OUT_DIR, TEST_MADE_BY, writeReport } from './report-files.js';

/**
 * The report as a reader meets it: generated pages opened from file:// in Debian's headless
 * Chromium. Each test checks what the page drew against the data it was given, that it made no
 * request but for its own file and logged no error, and writes a screenshot under reports/out/.
 */

const available = hasChromium();
const dir = mkdtempSync(join(tmpdir(), 'headroom-report-'));
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

async function open(name: string, entries: Parameters<typeof writeReport>[2], madeBy = TEST_MADE_BY): Promise<OpenedReport> {
  const path = writeReport(dir, name, entries, madeBy);
  const opened = await openReport(browser!.context, path);
  console.log(`${name}: ${(statSync(path).size / 1024).toFixed(0)} KiB, first render ${opened.renderMs.toFixed(0)} ms after navigation`);
  return opened;
}

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
    const boxes = await page.locator('[data-chart="pareto"] .point-label').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes).toHaveLength(5);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        expect(overlap, `labels ${i} and ${j} overlap`).toBe(false);
      }
    }
    // The y axis starts near the data (2400 - 8% of 200), not at 0.
    const ticks = (await page.locator('[data-chart="pareto"] .axis-y .tick text').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
    expect(Math.min(...ticks)).toBeGreaterThan(2000);
    await page.screenshot({ path: join(OUT_DIR, 'report-pareto-five.png'), fullPage: true });
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
    const opened = await openReport(browser!.context, path);
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
