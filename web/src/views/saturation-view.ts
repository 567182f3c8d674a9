import type { SaturationResult } from '../../../analyzers/saturation/saturation-result.js';
import { drawSaturationCurve, type StyledRateLine } from '../charts/saturation-curve.js';
import { formatRate, formatSeconds, formatSecondsTick } from '../format.js';
import { seriesStyle } from '../palette.js';
import { SATURATION_POINT_COLUMNS, saturationCards, saturationPointRows } from '../shape/saturation-cards.js';
import { bottleneckSentence, headroomSentence, latencyVsRate, RATE_METRICS, rateMarkers, sloLevels, throughputVsRate } from '../shape/saturation-curves.js';
import type { Labelled } from '../shape/report-sections.js';
import { calibrationNotices, calibrationOf } from '../shape/scenario-summary.js';
import { cards } from '../ui/cards.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { legend, type LegendItem } from '../ui/legend.js';
import { notices } from '../ui/notices.js';
import { scenarioPanel } from '../ui/scenario-panel.js';
import { SeriesVisibility } from '../ui/series-visibility.js';
import { saturationVerdict } from '../shape/verdict.js';
import { verdictLine } from '../ui/verdict.js';

const STAT_STYLE: Record<string, { color: string; dash: string; width: number }> = {
  p50: { color: '#0072B2', dash: '', width: 1.75 },
  p90: { color: '#009E73', dash: '7 3', width: 1.75 },
  p99: { color: '#D55E00', dash: '', width: 2.5 },
  achieved: { color: '#0072B2', dash: '', width: 2 },
  goodput: { color: '#009E73', dash: '7 3', width: 2 },
};

/** One saturation result: cards, the two sentences, latency and throughput against offered rate, the points, the scenario. */
export function saturationView(parent: HTMLElement, entry: Labelled<SaturationResult>): void {
  const { result } = entry;
  const view = h('article', { class: 'view view-saturation', attrs: { 'data-view': 'saturation' } });
  parent.appendChild(view);
  const visibility = new SeriesVisibility(view);
  view.append(
    h('h2', {}, entry.label),
    verdictLine(saturationVerdict(result)),
    h('p', { class: 'subtitle' }, `Saturation analysis: ${result.points.length} offered rates, seed ${result.seed}. From ${entry.file}.`),
    ...notices(calibrationNotices([entry]), 'calibration'),
    cards(saturationCards(result), 'Saturation figures'),
    h('p', { class: 'lead', attrs: { 'data-sentence': 'headroom' } }, headroomSentence(result)),
    h('p', { class: 'lead', attrs: { 'data-sentence': 'bottleneck' } }, bottleneckSentence(result)),
  );

  const section = h('section', { class: 'panel' }, h('h3', {}, 'Against offered rate'));
  view.appendChild(section);
  const statItems: LegendItem[] = ['p50', 'p90', 'p99'].map((k) => ({ key: k, label: k, ...STAT_STYLE[k]! }));
  section.appendChild(legend(statItems, visibility, 'Show or hide a percentile'));
  const grid = h('div', { class: 'chart-grid' });
  section.appendChild(grid);
  const markers = rateMarkers(result).map((m) => ({ ...m, color: '' }));
  for (const metric of RATE_METRICS) {
    const lines: StyledRateLine[] = latencyVsRate(result, metric.key).map((l) => ({ ...l, ...STAT_STYLE[l.key]! }));
    const levels = sloLevels(result, metric.key).map((l) => ({ key: l.key, value: l.seconds, label: l.label }));
    const f = figure(grid, `rate-${metric.key}`, `${metric.label} percentiles`, levels.length > 0 ? levels.map((l) => l.label).join(', ') : 'no SLO on this metric');
    drawOnResize(f.plot, (width) =>
      drawSaturationCurve(f.plot, width, { title: metric.label, yTitle: `${metric.label} (log scale)`, scale: 'log', lines, markers, levels, diagonal: false, yTick: formatSecondsTick, value: formatSeconds }),
    );
  }
  const throughput = throughputVsRate(result).map((l) => ({ ...l, ...(STAT_STYLE[l.key] ?? seriesStyle(0)) }));
  const f = figure(grid, 'rate-throughput', 'Throughput', 'completed and within-SLO requests per second');
  f.legendSlot.appendChild(legend(throughput.map((l) => ({ key: l.key, label: l.label, color: l.color, dash: l.dash })), visibility));
  drawOnResize(f.plot, (width) =>
    drawSaturationCurve(f.plot, width, { title: 'Throughput', yTitle: 'Requests per second', scale: 'linear', lines: throughput, markers, levels: [], diagonal: true, yTick: (n) => String(n), value: (n) => formatRate(n, 'req/s') }),
  );

  const table = h('table', { class: 'points-table' }, h('caption', {}, 'Every evaluated rate (means over replications)'));
  table.appendChild(h('thead', {}, h('tr', {}, ...SATURATION_POINT_COLUMNS.map((c) => h('th', { attrs: { scope: 'col' } }, c)))));
  const body = h('tbody', {});
  for (const row of saturationPointRows(result)) body.appendChild(h('tr', {}, ...row.map((cell) => h('td', {}, cell))));
  table.appendChild(body);
  view.appendChild(h('section', { class: 'panel' }, h('h3', {}, 'Evaluated rates'), h('div', { class: 'table-scroll' }, table)));
  view.appendChild(scenarioPanel(result.scenario, undefined, calibrationOf(result)));
}
