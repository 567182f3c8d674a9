import type { SaturationResult } from '../../../analyzers/saturation/saturation-result.js';
import { drawSaturationCurve, type StyledRateMarker } from '../charts/saturation-curve.js';
import { formatRate, formatSeconds, formatSecondsTick } from '../format.js';
import { seriesStyle } from '../palette.js';
import { SATURATION_MEASURES } from '../shape/deltas.js';
import { withFile, type Labelled } from '../shape/report-sections.js';
import { bottleneckSentence, comparisonLatencyLines, comparisonThroughputLines, RATE_METRICS, rateMarkers, sloLevels } from '../shape/saturation-curves.js';
import { calibrationNotices, calibrationOf } from '../shape/scenario-summary.js';
import { deltaPanel } from '../ui/delta-table.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { legend } from '../ui/legend.js';
import { notices } from '../ui/notices.js';
import { scenarioPanel } from '../ui/scenario-panel.js';
import { SeriesVisibility } from '../ui/series-visibility.js';
import { saturationVerdict } from '../shape/verdict.js';
import { verdictList } from '../ui/verdict.js';

/**
 * Several saturation results (or the configurations of one `--vary` comparison) overlaid: a legend
 * toggling each, deltas against the first, each metric's SLO statistic and the throughput against
 * offered rate with every result's saturation rate marked in its colour and each line named at its
 * end (labels laid out so none overlaps another), the bottleneck sentences.
 */
export function saturationOverlayView(parent: HTMLElement, entries: readonly Labelled<SaturationResult>[], heading: string, withScenarios = true): HTMLElement {
  const view = h('article', { class: 'view view-saturation-comparison', attrs: { 'data-view': 'saturation-overlay' } });
  parent.appendChild(view);
  const visibility = new SeriesVisibility(view);
  const styled = entries.map((e, i) => ({ ...e, key: `result-${i}`, ...seriesStyle(i) }));
  view.append(
    h('h2', {}, heading),
    verdictList(entries.map((e) => ({ label: e.label, verdict: saturationVerdict(e.result) }))),
    h('p', { class: 'subtitle' }, `Baseline: ${entries[0]!.label}. Every change is measured against it.`),
    ...notices(calibrationNotices(entries), 'calibration'),
  );
  view.appendChild(
    h(
      'div',
      { class: 'sticky-legend' },
      h('span', { class: 'legend-caption' }, 'Results:'),
      legend(
        styled.map((e, i) => ({ key: e.key, label: i === 0 ? `${e.label} (baseline)` : e.label, color: e.color, dash: e.dash })),
        visibility,
        'Show or hide a result in every chart',
      ),
    ),
  );
  view.appendChild(
    deltaPanel(
      entries,
      SATURATION_MEASURES,
      'Each result against the baseline (first)',
      h('ul', { class: 'sentences' }, ...styled.map((e) => h('li', { attrs: { 'data-series': e.key } }, h('strong', {}, `${e.label}: `), bottleneckSentence(e.result)))),
    ),
  );

  const markers: StyledRateMarker[] = styled.flatMap((e) =>
    rateMarkers(e.result)
      .filter((m) => m.key === 'saturation')
      .map((m) => ({ ...m, label: `${e.label}: ${formatRate(m.rate, 'req/s')}`, color: e.color, seriesKey: e.key })),
  );
  const section = h('section', { class: 'panel' }, h('h3', {}, 'Against offered rate'));
  view.appendChild(section);
  const grid = h('div', { class: 'chart-grid' });
  section.appendChild(grid);
  for (const metric of RATE_METRICS) {
    const { stat, lines } = comparisonLatencyLines(entries, metric.key);
    const styledLines = lines.map((l, i) => ({ ...l, color: styled[i]!.color, dash: styled[i]!.dash, width: 2 }));
    const levels = sloLevels(entries[0]!.result, metric.key)
      .filter((l) => l.stat === stat)
      .map((l) => ({ key: l.key, value: l.seconds, label: l.label }));
    const f = figure(grid, `rate-${metric.key}`, `${metric.label} ${stat}`, 'the statistic the SLO bounds; vertical lines: each saturation rate');
    drawOnResize(f.plot, (width) =>
      drawSaturationCurve(f.plot, width, { title: `${metric.label} ${stat}`, yTitle: `${metric.label} ${stat} (log scale)`, scale: 'log', lines: styledLines, markers, levels, diagonal: false, yTick: formatSecondsTick, value: formatSeconds, endLabels: true }),
    );
  }
  const throughput = comparisonThroughputLines(entries).map((l, i) => ({ ...l, color: styled[i]!.color, dash: styled[i]!.dash, width: 2 }));
  const f = figure(grid, 'rate-throughput', 'Completed requests per second', 'against offered rate');
  drawOnResize(f.plot, (width) =>
    drawSaturationCurve(f.plot, width, { title: 'Throughput', yTitle: 'Requests per second', scale: 'linear', lines: throughput, markers, levels: [], diagonal: true, yTick: (n) => String(n), value: (n) => formatRate(n, 'req/s'), endLabels: true }),
  );

  if (withScenarios) {
    const scenarios = h('section', { class: 'panel' }, h('h3', {}, 'Scenarios'));
    view.appendChild(scenarios);
    for (const e of entries) scenarios.appendChild(scenarioPanel(e.result.scenario, withFile(e), calibrationOf(e.result)));
  }
  return view;
}
