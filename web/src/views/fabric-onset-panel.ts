import type { FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import { drawSaturationCurve, type StyledRateLine, type StyledRateMarker } from '../charts/saturation-curve.js';
import { formatPercent, formatSeconds, formatSecondsTick } from '../format.js';
import { FABRIC_POINT_COLUMNS, fabricPointRows, onsetLatencyLines, onsetMarkers, onsetSentences, onsetSignalLines, PRESSURE_LEVEL } from '../shape/fabric-onset.js';
import { sloLevels } from '../shape/saturation-curves.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { legend } from '../ui/legend.js';
import type { SeriesVisibility } from '../ui/series-visibility.js';

/** Fabric signals in warm colours, the per-node view in cool dashed ones (Okabe-Ito). */
export const SIGNAL_STYLE: Record<string, { color: string; dash: string; width: number }> = {
  linkP99: { color: '#D55E00', dash: '', width: 2.75 },
  communicationShare: { color: '#E69F00', dash: '', width: 2 },
  stretchShare: { color: '#56B4E9', dash: '2 3', width: 2 },
  gpuBusy: { color: '#0072B2', dash: '7 3', width: 2 },
  kvMean: { color: '#009E73', dash: '7 3', width: 2 },
  ttftP99: { color: '#0072B2', dash: '', width: 2.25 },
  tpotP99: { color: '#009E73', dash: '7 3', width: 2 },
  handOffWait: { color: '#D55E00', dash: '2 3', width: 2 },
};

/**
 * The onset sweep: the fabric's signals beside the per-node view against offered rate, latency and
 * hand-off wait against the SLO, the onset, the SLO break and today's rate marked; every point in a table.
 */
export function fabricOnsetPanel(parent: HTMLElement, result: FabricResult, visibility: SeriesVisibility): void {
  const section = h('section', { class: 'panel', attrs: { 'data-panel': 'fabric-onset' } }, h('h3', {}, 'Against offered rate: where fabric pressure begins'));
  parent.appendChild(section);
  section.appendChild(h('ul', { class: 'sentences onset-sentences' }, ...onsetSentences(result).map((s) => h('li', {}, s))));
  if (result.points.length === 0) return;
  const signals: StyledRateLine[] = onsetSignalLines(result).map((l) => ({ ...l, ...SIGNAL_STYLE[l.key]! }));
  const latency: StyledRateLine[] = onsetLatencyLines(result).map((l) => ({ ...l, ...SIGNAL_STYLE[l.key]! }));
  section.appendChild(legend([...signals, ...latency].map((l) => ({ key: l.key, label: l.label, color: l.color, dash: l.dash, width: l.width })), visibility, 'Show or hide a signal'));
  const markers: StyledRateMarker[] = onsetMarkers(result).map((m) => ({ ...m, color: '' }));
  const grid = h('div', { class: 'chart-grid' });
  section.appendChild(grid);
  const f = figure(grid, 'fabric-onset', 'The fabric beside the per-node view', 'solid: the fabric; dashed: what a per-node dashboard shows');
  drawOnResize(f.plot, (width) =>
    drawSaturationCurve(f.plot, width, {
      title: 'Fabric and per-node signals',
      yTitle: 'Share / utilization',
      scale: 'linear',
      lines: signals,
      markers,
      levels: [PRESSURE_LEVEL],
      diagonal: false,
      yTick: (n) => formatPercent(n, 0),
      value: (n) => formatPercent(n),
    }),
  );
  if (latency.length > 0) {
    const levels = (['ttft', 'tpot'] as const).flatMap((metric) => sloLevels(result, metric).map((l) => ({ key: l.key, value: l.seconds, label: `${metric.toUpperCase()} ${l.label}` })));
    const g = figure(grid, 'fabric-onset-latency', 'Latency p99 and KV hand-off wait', levels.length > 0 ? levels.map((l) => l.label).join(', ') : 'no SLO stated');
    drawOnResize(g.plot, (width) =>
      drawSaturationCurve(g.plot, width, { title: 'Latency and hand-off wait', yTitle: 'Seconds (log scale)', scale: 'log', lines: latency, markers, levels, diagonal: false, yTick: formatSecondsTick, value: formatSeconds }),
    );
  }
  const table = h('table', { class: 'points-table fabric-points' }, h('caption', {}, 'Every swept rate (one seeded run each, shared links on the flow network)'));
  table.appendChild(h('thead', {}, h('tr', {}, ...FABRIC_POINT_COLUMNS.map((c) => h('th', { attrs: { scope: 'col' } }, c)))));
  const body = h('tbody', {});
  for (const row of fabricPointRows(result)) body.appendChild(h('tr', {}, ...row.map((cell) => h('td', {}, cell))));
  table.appendChild(body);
  section.appendChild(h('div', { class: 'table-scroll' }, table));
}
