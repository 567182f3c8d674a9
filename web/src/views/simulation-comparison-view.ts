import type { SimulationResult } from '../../../engine/simulation-result.js';
import { drawReplicaStrip } from '../charts/replica-strip.js';
import { seriesStyle } from '../palette.js';
import { simulationMeasures } from '../shape/prefix-cache.js';
import { replicaStrip } from '../shape/replica-strip.js';
import { withFile, type Labelled } from '../shape/report-sections.js';
import { calibrationNotices, calibrationOf } from '../shape/scenario-summary.js';
import { comparisonTimeLines } from '../shape/time-series.js';
import { deltaPanel } from '../ui/delta-table.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { legend, type LegendItem } from '../ui/legend.js';
import { notices } from '../ui/notices.js';
import { scenarioPanel } from '../ui/scenario-panel.js';
import { SeriesVisibility } from '../ui/series-visibility.js';
import { simulationVerdict } from '../shape/verdict.js';
import { verdictList } from '../ui/verdict.js';
import { latencyPanel } from './latency-panel.js';
import { prefixCachePanel } from './prefix-cache-panel.js';
import { timeSeriesPanel } from './time-series-panel.js';

/**
 * Several simulation results compared: one legend that shows or hides each result everywhere, a
 * table of deltas against the first, the latency CDFs and time series overlaid, each result's
 * replica strip, prefix cache (when it has one) and scenario.
 */
export function simulationComparisonView(parent: HTMLElement, entries: readonly Labelled<SimulationResult>[]): void {
  const view = h('article', { class: 'view view-simulation-comparison', attrs: { 'data-view': 'simulation-comparison' } });
  parent.appendChild(view);
  const visibility = new SeriesVisibility(view);
  const styled = entries.map((e, i) => ({ ...e, key: `result-${i}`, ...seriesStyle(i) }));
  const items: LegendItem[] = styled.map((e, i) => ({ key: e.key, label: i === 0 ? `${e.label} (baseline)` : e.label, color: e.color, dash: e.dash }));

  view.append(
    h('h2', {}, `${entries.length} simulations compared`),
    verdictList(entries.map((e) => ({ label: e.label, verdict: simulationVerdict(e.result) }))),
    h('p', { class: 'subtitle' }, `Baseline: ${withFile(entries[0]!)}. Every change is measured against it.`),
    ...notices(calibrationNotices(entries), 'calibration'),
  );
  const sticky = h('div', { class: 'sticky-legend' }, h('span', { class: 'legend-caption' }, 'Results:'), legend(items, visibility, 'Show or hide a result in every chart'));
  view.appendChild(sticky);
  view.appendChild(deltaPanel(entries, simulationMeasures(entries.map((e) => e.result)), 'Each result against the baseline (first file)'));

  latencyPanel(view, styled);
  timeSeriesPanel(
    view,
    (metric) =>
      comparisonTimeLines(entries, metric).map((line, i) => ({ ...line, color: styled[i]!.color, dash: styled[i]!.dash, width: 2, seriesKey: line.key, inTooltip: true })),
    [],
    visibility,
  );

  const strips = h('section', { class: 'panel' }, h('h3', {}, 'Utilisation per replica'));
  view.appendChild(strips);
  styled.forEach((e) => {
    const strip = replicaStrip(e.result);
    const f = figure(strips, 'replica-strip', e.label, strip.summary);
    f.figure.setAttribute('data-series', e.key);
    f.plot.classList.add('scroll-x');
    drawOnResize(f.plot, (width) => drawReplicaStrip(f.plot, width, strip));
  });

  // Each result's prefix cache, when it has one (the delta table compares their hit rates).
  styled.forEach((e) => prefixCachePanel(view, e.result, `Prefix cache: ${e.label}`, e.key));

  const scenarios = h('section', { class: 'panel' }, h('h3', {}, 'Scenarios'));
  view.appendChild(scenarios);
  for (const e of entries) scenarios.appendChild(scenarioPanel(e.result.scenario, withFile(e), calibrationOf(e.result)));
}
