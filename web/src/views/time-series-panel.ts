import { drawTimeBrush } from '../charts/time-brush.js';
import { drawTimeSeries, type StyledTimeLine } from '../charts/time-series.js';
import { formatNumber, formatPercent, formatRate, timeUnitFor } from '../format.js';
import { SERIES_METRICS, timeExtent, type SeriesMetric } from '../shape/time-series.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { legend, type LegendItem } from '../ui/legend.js';
import type { SeriesVisibility } from '../ui/series-visibility.js';
import { Tooltip } from '../ui/tooltip.js';

/** How each measure's axis ticks and exact values read. */
const FORMATS: Record<SeriesMetric, { tick: (n: number) => string; value: (n: number) => string; yTitle: string }> = {
  queueDepth: { tick: formatNumber, value: formatNumber, yTitle: 'Waiting requests' },
  running: { tick: formatNumber, value: formatNumber, yTitle: 'Running sequences' },
  kvOccupancy: { tick: (n) => formatPercent(n, 0), value: (n) => formatPercent(n), yTitle: 'KV blocks in use' },
  tokensPerSecond: { tick: compact, value: (n) => formatRate(n, 'tok/s'), yTitle: 'Tokens/s' },
  outputTokensPerSecond: { tick: compact, value: (n) => formatRate(n, 'tok/s'), yTitle: 'Output tokens/s' },
  completedPerSecond: { tick: compact, value: (n) => formatRate(n, 'req/s'), yTitle: 'Requests/s' },
};

/** 20000 -> "20k", 1500000 -> "1.5M": short axis labels for big counts. */
function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e6) return `${formatNumber(n / 1e6)}M`;
  if (abs >= 1e3) return `${formatNumber(n / 1e3)}k`;
  return formatNumber(n);
}

/** The exact-value format the tooltip of a measure uses (tests compare against it). */
export function timeSeriesValueFormat(metric: SeriesMetric): (n: number) => string {
  return FORMATS[metric].value;
}

/**
 * The "over simulated time" panel: one chart per measure (queue depth, running sequences, KV
 * occupancy, tokens/s, output tokens/s, completions/s) sharing a legend and one time window, and a brush strip under
 * them that zooms them all. `linesFor` gives each measure's styled lines.
 */
export function timeSeriesPanel(parent: HTMLElement, linesFor: (metric: SeriesMetric) => StyledTimeLine[], legendItems: readonly LegendItem[], visibility: SeriesVisibility): void {
  const section = h('section', { class: 'panel' });
  const heading = h('h3', {}, 'Over simulated time');
  section.appendChild(heading);
  section.appendChild(h('p', { class: 'hint' }, 'Drag across the strip under the charts to zoom into a time window; hover a chart (or focus it and use ← →) for exact values.'));
  if (legendItems.length > 1) section.appendChild(legend(legendItems, visibility));
  parent.appendChild(section);

  const lines = new Map(SERIES_METRICS.map((m) => [m.key, linesFor(m.key)]));
  const extent = timeExtent([...lines.values()].flat());
  const unit = timeUnitFor(extent[1]);
  let domain: [number, number] = extent;

  const grid = h('div', { class: 'chart-grid' });
  section.appendChild(grid);
  const redraws: (() => void)[] = [];
  for (const metric of SERIES_METRICS) {
    // A series an older result lacks gets no chart rather than an empty one.
    if (!(lines.get(metric.key) ?? []).some((l) => l.points.length > 0)) continue;
    const f = figure(grid, `time-${metric.key}`, metric.label, metric.unit);
    const tooltip = new Tooltip(f.figure);
    const format = FORMATS[metric.key];
    const draw = (width: number) =>
      drawTimeSeries(
        f.plot,
        width,
        { title: metric.label, yTitle: format.yTitle, lines: lines.get(metric.key) ?? [], domain, unit, yTick: format.tick, value: format.value },
        { visibility, tooltip, tooltipHost: f.figure },
      );
    redraws.push(drawOnResize(f.plot, draw));
  }

  const reset = h('button', { class: 'reset-zoom', attrs: { type: 'button', disabled: '' } }, 'Show the whole run');
  const brushFigure = figure(section, 'time-brush', 'Time window', 'drag to zoom · click outside the selection to reset');
  brushFigure.figure.querySelector('figcaption')?.appendChild(reset);
  const overview = lines.get('tokensPerSecond')?.[0];
  const setDomain = (next: [number, number] | null) => {
    domain = next ?? extent;
    reset.disabled = next === null;
    for (const redraw of redraws) redraw();
  };
  const drawBrush = (width: number) =>
    drawTimeBrush(brushFigure.plot, width, { points: overview?.points ?? [], color: overview?.color ?? '#000', extent, domain: () => domain, unit }, setDomain);
  const redrawBrush = drawOnResize(brushFigure.plot, drawBrush);
  reset.addEventListener('click', () => {
    setDomain(null);
    redrawBrush();
  });
  visibility.onChange(() => {
    for (const redraw of redraws) redraw();
  });
}
