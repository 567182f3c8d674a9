import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFabric } from '../../analyzers/fabric/analyze-fabric.js';
import type { FabricResult } from '../../analyzers/fabric/fabric-result.js';
import { loadScenario } from '../../engine/scenario/load-scenario.js';
import { couplingModel, engineBars } from '../../web/src/shape/fabric-engines.js';
import { fabricConfigurationRows } from '../../web/src/shape/fabric-comparison.js';
import { heatmapRows } from '../../web/src/shape/fabric-heatmap.js';
import { fabricPointRows, onsetLatencyLines, onsetMarkers, onsetSignalLines } from '../../web/src/shape/fabric-onset.js';
import { fabricCards, fabricVerdict, gapSentence, perNodeGap } from '../../web/src/shape/fabric-summary.js';
import { allCells, topologyModel } from '../../web/src/shape/fabric-topology.js';
import { fabricComparison, idleFabric, PD, pdFabric, wideFabric } from '../web/fixtures/fabric.js';
import { HOSTILE_NAME } from '../web/fixtures/results.js';
import type { OpenedReport } from './browser.js';
import { OUT_DIR, reportBrowserSession } from './report-files.js';

/**
 * The fabric views as a reader meets them: generated pages opened from file:// in Debian's
 * headless Chromium. Each test checks the marks a view drew against the shaping it was given, that
 * the page made no request but for its own file and logged no error, and leaves a screenshot
 * under reports/out/.
 */

const { available, openResult } = reportBrowserSession('headroom-fabric-report-');

function open(name: string, result: unknown, file = `${name}.json`): Promise<OpenedReport> {
  return openResult(name, result, file);
}

function expectSelfContained(report: OpenedReport): void {
  expect(report.errors).toEqual([]);
  expect(report.dialogs).toEqual([]);
  expect(report.requests.filter((url) => url !== report.url)).toEqual([]);
}

const count = (page: Page, selector: string) => page.locator(selector).count();
const shown = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 5_000 });
const hidden = (locator: Locator) => locator.waitFor({ state: 'hidden', timeout: 5_000 });
const xDomain = (page: Page, chart: string) => page.locator(`[data-chart="${chart}"] svg.chart-svg`).evaluate((svg) => [Number(svg.getAttribute('data-x-min')), Number(svg.getAttribute('data-x-max'))]);
const tooltipRows = (tooltip: Locator) => tooltip.locator('.tooltip-row').evaluateAll((els) => els.map((el) => [el.querySelector('.tooltip-key')!.textContent, el.querySelector('.tooltip-value')!.textContent]));

describe.skipIf(!available)('the fabric report in Chromium', () => {
  const result: FabricResult = pdFabric();
  let report: OpenedReport;
  const view = '[data-view="fabric"]';

  beforeAll(async () => {
    report = await open('fabric', result);
  });
  afterAll(async () => report?.page.close());

  it('the header says what the analysis found: verdict, findings, the per-node view beside the hottest link, the gate fields', async () => {
    const { page } = report;
    expectSelfContained(report);
    expect(await page.locator('.file-list li').textContent()).toBe('fabric.json fabric pressure analysis: llama-3.1-8b-pd-disaggregated');
    expect(await page.locator(`${view} h2 + .verdict`).textContent()).toBe(fabricVerdict(result).text);
    expect(await page.locator(`${view} [data-finding]`).allTextContents()).toEqual(result.findings);
    expect(await page.locator('[data-sentence="gap"]').textContent()).toBe(gapSentence(result));
    const bars = perNodeGap(result);
    expect(await count(page, '[data-chart="fabric-gap"] rect.mark')).toBe(bars.length);
    expect(await page.locator('[data-chart="fabric-gap"] .gap-bar.over').evaluateAll((els) => els.map((e) => e.getAttribute('data-bar')))).toEqual(['link-p99']);
    const cards = fabricCards(result);
    expect(await page.locator(`${view} [data-card]`).evaluateAll((els) => els.map((e) => [e.getAttribute('data-card'), e.querySelector('.card-value')!.textContent]))).toEqual(cards.map((c) => [c.key, c.value]));
    await page.screenshot({ path: join(OUT_DIR, 'report-fabric.png'), fullPage: true });
  });

  it('the topology draws every link of the cluster coloured by load, toggles p99 and mean, and a link\'s tooltip gives its id and figures', async () => {
    const { page } = report;
    const model = topologyModel(result);
    const chart = page.locator('[data-chart="fabric-topology"]');
    expect(await chart.locator('rect.mark').count()).toBe(allCells(model).length);
    expect(await chart.locator('rect.mark[data-kind="spine-up"]').count()).toBe(2);
    expect(await chart.locator('.rack').count()).toBe(2);
    expect(await chart.locator('.node').count()).toBe(4);
    expect(await chart.locator('rect.gpu').count()).toBe(32);
    const uplink = chart.locator('rect[data-link="rack0/spine-up"]');
    expect(await uplink.getAttribute('data-value')).toBe('0.94');
    expect(await uplink.getAttribute('class')).toContain('pressured');
    expect(await chart.locator('rect[data-link="rack0/spine-down"]').getAttribute('data-value')).toBe('');
    expect(await chart.locator('.port-value').allTextContents()).toEqual(['↑ 94%  ↓ idle', '↑ idle  ↓ 94%']);
    const fillP99 = await uplink.getAttribute('fill');
    await page.locator('button[data-metric="mean"]').click();
    expect(await page.locator('button[data-metric="mean"]').getAttribute('aria-pressed')).toBe('true');
    expect(await chart.locator('svg.chart-svg').getAttribute('data-metric')).toBe('mean');
    expect(await chart.locator('rect[data-link="rack0/spine-up"]').getAttribute('data-value')).toBe('0.73');
    expect(await chart.locator('rect[data-link="rack0/spine-up"]').getAttribute('fill')).not.toBe(fillP99);
    expect(await chart.locator('rect.mark.pressured').count()).toBe(0);
    await page.locator('button[data-metric="p99"]').click();
    expect(await chart.locator('rect.mark.pressured').count()).toBe(allCells(model).filter((c) => c.p99 !== null && c.p99 >= 0.8).length);
    await chart.locator('rect[data-link="node3/gpu0/nic-in"]').hover();
    const tooltip = chart.locator('.tooltip');
    await shown(tooltip);
    expect(await tooltip.locator('.tooltip-title').textContent()).toBe('leaf -> node3 nic0');
    expect(await tooltipRows(tooltip)).toEqual(model.racks[1]!.nodes[1]!.cells.find((c) => c.key === 'node3/gpu0/nic-in')!.tooltip.rows);
    await page.mouse.move(0, 0);
    await hidden(tooltip);
    await page.locator('[data-panel="fabric-topology"]').screenshot({ path: join(OUT_DIR, 'report-fabric-topology.png') });
  });

  it('the heatmap draws one cell per link and bucket, and the brush zooms it to a time window (mouse and keyboard)', async () => {
    const { page } = report;
    const rows = heatmapRows(result);
    const cells = page.locator('[data-chart="link-heatmap"] rect.mark');
    expect(await cells.count()).toBe(rows.length * 40);
    expect(await page.locator('[data-chart="link-heatmap"] .row-label').allTextContents()).toEqual(rows.map((r) => r.id));
    expect(await xDomain(page, 'link-heatmap')).toEqual([0, 40]);
    await page.locator('[data-chart="fabric-time-brush"]').scrollIntoViewIfNeeded();
    const overlay = (await page.locator('[data-chart="fabric-time-brush"] .brush .overlay').boundingBox())!;
    const y = overlay.y + overlay.height / 2;
    await page.mouse.move(overlay.x + overlay.width * 0.25, y);
    await page.mouse.down();
    await page.mouse.move(overlay.x + overlay.width * 0.55, y, { steps: 6 });
    await page.mouse.up();
    const [lo, hi] = await xDomain(page, 'link-heatmap');
    expect(lo! / 40).toBeCloseTo(0.25, 1);
    expect(hi! / 40).toBeCloseTo(0.55, 1);
    // Fewer cells in the window; the first tick no longer 0.
    expect(await cells.count()).toBeLessThan(rows.length * 20);
    expect(await page.locator('[data-chart="link-heatmap"] .axis-x .tick text').first().textContent()).not.toBe('0');
    // The brush strip lines up with the heatmap's cells.
    const heat = (await page.locator('[data-chart="link-heatmap"] .heat-cells').boundingBox())!;
    expect(Math.abs(heat.x - overlay.x)).toBeLessThan(2);
    await page.getByRole('button', { name: 'Show the whole run' }).click();
    expect(await xDomain(page, 'link-heatmap')).toEqual([0, 40]);
    await page.locator('[data-chart="fabric-time-brush"] svg.chart-svg').focus();
    await page.keyboard.press('+');
    const [a, b] = await xDomain(page, 'link-heatmap');
    expect(a).toBeCloseTo(10, 6);
    expect(b).toBeCloseTo(30, 6);
    await page.keyboard.press('0');
    expect(await xDomain(page, 'link-heatmap')).toEqual([0, 40]);
    await cells.nth(4).hover();
    const tooltip = page.locator('[data-chart="link-heatmap"] .tooltip');
    await shown(tooltip);
    expect(await tooltip.locator('.tooltip-title').textContent()).toBe('rack0 leaf -> spine');
    expect(await tooltipRows(tooltip)).toEqual([
      ['time', '4.00 s to 5.00 s'],
      ['utilization', '94%'],
    ]);
    await page.locator('[data-panel="fabric-heatmap"]').screenshot({ path: join(OUT_DIR, 'report-fabric-heatmap.png') });
  });

  it('the coupling matrix draws a cell per engine pair with the pools marked, and the bars a bar per engine', async () => {
    const { page } = report;
    const coupling = couplingModel(result);
    expect(await count(page, '[data-chart="coupling-matrix"] rect.mark')).toBe(24 * 24);
    expect(await count(page, '[data-chart="coupling-matrix"] .role-band.role-prefill')).toBe(2 * 16);
    expect(await count(page, '[data-chart="coupling-matrix"] .role-band.role-decode')).toBe(2 * 8);
    expect(await page.locator('.coupling-sentences li').allTextContents()).toEqual(coupling.sentences);
    const cell = page.locator('[data-chart="coupling-matrix"] rect.mark[data-i="1"][data-j="0"]');
    expect(Number(await cell.getAttribute('data-value'))).toBeCloseTo(1.6, 10);
    await cell.hover();
    const tooltip = page.locator('[data-chart="coupling-matrix"] .tooltip');
    await shown(tooltip);
    expect(await tooltip.locator('.tooltip-title').textContent()).toBe('engine 1 (prefill) ← engine 0 (prefill)');
    expect(await tooltipRows(tooltip)).toEqual([['waited', '1.60 s']]);
    const bars = engineBars(result);
    expect(await count(page, '[data-chart="engine-communication"] rect.mark')).toBe(bars.length);
    expect(await count(page, '[data-chart="engine-handoff-wait"] rect.mark')).toBe(bars.length);
    expect(await page.locator('[data-chart="engine-communication"] rect.mark[data-engine="16"] title').textContent()).toBe(bars[16]!.title);
    // The pool legend hides the decode engines' bars in both charts.
    const decode = page.locator('[data-chart^="engine-"] rect.mark[data-series="decode"]');
    expect(await decode.count()).toBe(16);
    await page.locator('button[data-series-toggle="decode"]').click();
    for (const el of await decode.all()) await hidden(el);
    await shown(page.locator('[data-chart^="engine-"] rect.mark[data-series="prefill"]').first());
    await page.locator('button[data-series-toggle="decode"]').click();
    await shown(decode.first());
    expect(await count(page, '.engines-table tbody tr')).toBe(24);
    await page.locator('[data-panel="fabric-coupling"]').screenshot({ path: join(OUT_DIR, 'report-fabric-coupling.png') });
  });

  it('the onset sweep draws the fabric beside the per-node view with the onset, the SLO break and today marked, and every point in the table', async () => {
    const { page } = report;
    const signals = onsetSignalLines(result);
    expect(await count(page, '[data-chart="fabric-onset"] path.mark')).toBe(signals.length);
    expect(await count(page, '[data-chart="fabric-onset"] circle.mark')).toBe(signals.reduce((n, l) => n + l.points.length, 0));
    expect(await page.locator('[data-chart="fabric-onset"] .rate-marker title').allTextContents()).toEqual(onsetMarkers(result).map((m) => m.label));
    expect(await page.locator('[data-chart="fabric-onset"] .slo-label').allTextContents()).toEqual(['link pressure: p99 ≥ 80%']);
    expect(await count(page, '[data-chart="fabric-onset-latency"] path.mark')).toBe(onsetLatencyLines(result).length);
    expect(await page.locator('[data-chart="fabric-onset-latency"] .slo-label').allTextContents()).toEqual(['TTFT SLO p99 ≤ 3.00 s', 'TPOT SLO p99 ≤ 60.0 ms']);
    const cells = await page.locator('.fabric-points tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    expect(cells).toEqual(fabricPointRows(result));
    // The legend hides the per-node GPU line and shows it again.
    await page.locator('button[data-series-toggle="gpuBusy"]').click();
    await hidden(page.locator('[data-chart="fabric-onset"] [data-series="gpuBusy"]'));
    await page.locator('button[data-series-toggle="gpuBusy"]').click();
    await shown(page.locator('[data-chart="fabric-onset"] [data-series="gpuBusy"]'));
    await page.locator('[data-panel="fabric-onset"]').screenshot({ path: join(OUT_DIR, 'report-fabric-onset.png') });
  });

  it('fits a phone width without sideways scrolling, and prints without its controls', async () => {
    const { page } = report;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => (document.querySelector('[data-chart="link-heatmap"] svg') as SVGSVGElement | null)?.width.baseVal.value! <= 390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(OUT_DIR, 'report-fabric-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ media: 'print' });
    await hidden(page.locator('[data-chart="fabric-time-brush"]'));
    await hidden(page.locator('.topology-controls'));
    await shown(page.locator('[data-chart="fabric-topology"]'));
    await page.emulateMedia({ media: 'screen' });
  });
});

describe.skipIf(!available)('fabric reports at the edges', () => {
  it('64 nodes x 8 GPUs draw a node at a time, quickly, without sideways scrolling; the coupling matrix says why it is missing', async () => {
    const result = wideFabric();
    const opened = await open('fabric-64x8', result);
    const { page } = opened;
    expectSelfContained(opened);
    expect(opened.renderMs).toBeLessThan(5_000);
    expect(await count(page, '[data-chart="fabric-topology"] rect.mark')).toBe(allCells(topologyModel(result)).length);
    expect(await count(page, '[data-chart="fabric-topology"] .node')).toBe(64);
    expect(await count(page, '[data-chart="fabric-topology"] rect.gpu')).toBe(0);
    expect(await page.locator('.topology-note').allTextContents()).toEqual(["512 GPUs: each node is drawn once, each of its link kinds showing the busiest of its 8 GPUs' links."]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    // Every node box inside the page's width: nothing to scroll to.
    const plot = (await page.locator('[data-chart="fabric-topology"] .plot').boundingBox())!;
    const svg = (await page.locator('[data-chart="fabric-topology"] svg.chart-svg').boundingBox())!;
    expect(svg.width).toBeLessThanOrEqual(plot.width + 0.5);
    expect(await page.locator('[data-notice="coupling"]').textContent()).toBe(couplingModel(result).sentences[0]);
    expect(await count(page, '[data-chart="coupling-matrix"]')).toBe(0);
    expect(await count(page, '[data-chart="engine-communication"] rect.mark')).toBe(320);
    expect(await count(page, '[data-chart="link-heatmap"] .heat-row')).toBe(16);
    await page.locator('rect[data-link="node9/nic-out"]').hover();
    await shown(page.locator('[data-chart="fabric-topology"] .tooltip'));
    expect(await page.locator('[data-chart="fabric-topology"] .tooltip-title').textContent()).toBe('node 9: 8 NIC out links, the busiest shown');
    await page.locator('[data-panel="fabric-topology"]').screenshot({ path: join(OUT_DIR, 'report-fabric-64x8.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => (document.querySelector('[data-chart="fabric-topology"] svg') as SVGSVGElement | null)?.width.baseVal.value! <= 390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });

  it('a fabric nothing crossed draws its one GPU idle and says there is nothing over time or to couple', async () => {
    const result = idleFabric();
    const opened = await open('fabric-idle', result);
    const { page } = opened;
    expectSelfContained(opened);
    expect(await page.locator('[data-view="fabric"] h2 + .verdict').getAttribute('data-verdict')).toBe('none');
    expect(await page.locator('[data-chart="fabric-topology"] rect.mark').evaluateAll((els) => els.map((e) => e.getAttribute('data-value')))).toEqual(['', '']);
    expect(await page.locator('.topology-note').first().textContent()).toBe('No link carried traffic in this run: every link is drawn grey.');
    expect(await count(page, '[data-empty="link-heatmap"]')).toBe(1);
    expect(await count(page, '[data-chart="link-heatmap"]')).toBe(0);
    expect(await count(page, '[data-empty="coupling-matrix"]')).toBe(1);
    expect(await count(page, '[data-chart="engine-handoff-wait"]')).toBe(0);
    expect(await count(page, '[data-chart="fabric-gap"] rect.mark')).toBe(3);
    expect(await count(page, '[data-chart="fabric-onset"] .rate-marker')).toBe(1);
    expect(await page.locator('.onset-sentences li').first().textContent()).toMatch(/^No fabric pressure onset in the sweep: /);
    await page.close();
  });

  it('a fabric --vary comparison: the configurations side by side, their sweeps overlaid with each onset and SLO break, each view on opening', async () => {
    const result = fabricComparison();
    const opened = await open('fabric-comparison', result);
    const { page } = opened;
    expectSelfContained(opened);
    const view = '[data-view="fabric-comparison"]';
    expect(await page.locator(`${view} h2`).textContent()).toBe('2 fabric configurations compared');
    expect(await page.locator(`${view} .fabric-configurations thead th`).allTextContents()).toEqual(['Configuration', 'oversubscription=1', 'oversubscription=4']);
    const rows = await page.locator(`${view} .fabric-configurations tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows).toEqual(fabricConfigurationRows(result).map((r) => [r.label, ...r.cells]));
    expect(await page.locator(`${view} [data-notice="infeasible"]`).allTextContents()).toEqual([`Refused: ${result.infeasible[0]!.label}: ${result.infeasible[0]!.reason}`]);
    for (const chart of ['linkP99', 'gpuBusy', 'communicationShare', 'ttftP99']) {
      expect(await count(page, `[data-chart="fabric-compare-${chart}"] path.mark`), chart).toBe(2);
      expect(await count(page, `[data-chart="fabric-compare-${chart}"] .rate-marker`), chart).toBe(4);
    }
    // The legend hides a configuration in every chart, its marks included.
    await page.locator('button[data-series-toggle="result-1"]').click();
    for (const el of await page.locator(`${view} [data-chart^="fabric-compare-"] [data-series="result-1"]`).all()) await hidden(el);
    await shown(page.locator(`${view} [data-chart="fabric-compare-linkP99"] [data-series="result-0"]`).first());
    await page.locator('button[data-series-toggle="result-1"]').click();
    // A configuration's full view is drawn when its section opens.
    expect(await count(page, `${view} [data-view="fabric"]`)).toBe(0);
    await page.locator(`${view} [data-configuration="1"] summary`).click();
    const nested = page.locator(`${view} [data-configuration="1"] [data-view="fabric"]`);
    await shown(nested);
    expect(await nested.locator('h3').first().textContent()).toBe('oversubscription=4');
    expect(await nested.locator('[data-chart="fabric-topology"] rect.mark').count()).toBe(132);
    expect(await nested.locator('[data-chart="link-heatmap"] rect.mark').count()).toBe(3 * 40);
    expect(opened.errors).toEqual([]);
    await page.screenshot({ path: join(OUT_DIR, 'report-fabric-comparison.png'), fullPage: true });
    await page.close();
  });

  it('link ids, findings and a scenario named like HTML show as text everywhere and run nothing', async () => {
    const result = pdFabric();
    result.scenario = { ...result.scenario, name: HOSTILE_NAME };
    result.run.linkLoads[0] = { ...result.run.linkLoads[0]!, id: HOSTILE_NAME };
    result.run.hottest[0] = { ...result.run.hottest[0]!, id: HOSTILE_NAME, traffic: [{ tag: HOSTILE_NAME, GB: 1 }] };
    result.findings = [HOSTILE_NAME];
    result.pressureOnset = { rate: 60, signal: HOSTILE_NAME };
    const opened = await open('fabric-hostile', result, '<b>evil</b>.json');
    const { page } = opened;
    expectSelfContained(opened);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await count(page, 'main img, main b, main iframe, main object, main embed')).toBe(0);
    expect(await page.locator('[data-view="fabric"] h2').textContent()).toBe(HOSTILE_NAME);
    expect(await page.locator('[data-finding="0"]').textContent()).toBe(HOSTILE_NAME);
    expect(await page.locator('[data-chart="link-heatmap"] .heat-row').first().locator('title').textContent()).toContain(HOSTILE_NAME);
    await page.locator('rect[data-link="rack0/spine-up"]').hover();
    await shown(page.locator('[data-chart="fabric-topology"] .tooltip'));
    expect(await page.locator('[data-chart="fabric-topology"] .tooltip-title').textContent()).toBe(HOSTILE_NAME);
    expect(await page.locator('[data-card="pressureOnset"] .card-detail').textContent()).toBe(HOSTILE_NAME);
    await page.close();
  });

  it('a real analysis of the shipped P/D scenario renders every view without an error', async () => {
    const loaded = loadScenario(PD, { sets: ['stop.requests=1200'] });
    const result = await analyzeFabric(loaded, { rates: [30, 60, 90], workers: 1 });
    const opened = await open('fabric-real', result);
    const { page } = opened;
    expectSelfContained(opened);
    expect(await count(page, '[data-chart="fabric-topology"] rect.mark')).toBe(allCells(topologyModel(result)).length);
    expect(await count(page, '[data-chart="link-heatmap"] rect.mark')).toBeGreaterThan(0);
    expect(await count(page, '[data-chart="coupling-matrix"] rect.mark')).toBe(result.run.engines.length ** 2);
    expect(await count(page, '[data-chart="fabric-onset"] circle.mark')).toBeGreaterThan(0);
    expect(await page.locator('[data-view="fabric"] h2 + .verdict').textContent()).toBe(fabricVerdict(result).text);
    await page.close();
  });
});
