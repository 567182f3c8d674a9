import { axisBottom, scaleLinear } from 'd3';
import { formatSeconds, type TimeUnit } from '../format.js';
import { formatUtilization } from '../shape/fabric-links.js';
import { heatmapCells, rowTitle, type HeatCell, type HeatmapRow } from '../shape/fabric-heatmap.js';
import { estimateTextWidth, shortLabel } from '../shape/label-layout.js';
import { hoverTooltip } from '../ui/hover-tooltip.js';
import type { Tooltip } from '../ui/tooltip.js';
import { axisTitles, chartFrame, frameWidth, measureLabels, tickCount } from './chart-frame.js';
import { loadColor, PRESSURE_OUTLINE, pressured } from './load-scale.js';

export interface LinkHeatmapData {
  rows: HeatmapRow[];
  /** The visible window of simulated time, seconds. */
  domain: [number, number];
  unit: TimeUnit;
  scaleUp: string;
}

const ROW_HEIGHT = 18;
const MARGIN = { top: 6, right: 52, bottom: 42, left: 120 };
/** Narrowest cell in pixels: a wider window merges buckets (their maximum) rather than draw slivers. */
const MIN_CELL = 2;

/**
 * heatmapLabels(host, width, rows) -> the row names as drawn (long ids shortened) and the left
 * margin they need; heatmapInset gives the margins a brush strip takes to line up with the cells.
 */
export function heatmapLabels(host: HTMLElement, width: number, rows: readonly HeatmapRow[]): { names: string[]; left: number } {
  const maxChars = Math.max(12, Math.min(34, Math.floor((frameWidth(width) * 0.4) / estimateTextWidth('x', 11.5))));
  const names = rows.map((r) => shortLabel(r.id, maxChars));
  const widths = measureLabels(host, names, 'row-label', (t) => estimateTextWidth(t, 12));
  return { names, left: Math.ceil(Math.min(frameWidth(width) * 0.45, Math.max(40, ...widths) + 12)) };
}

export function heatmapInset(host: HTMLElement, width: number, rows: readonly HeatmapRow[]): { left: number; right: number } {
  return { left: heatmapLabels(host, width, rows).left, right: MARGIN.right };
}

/**
 * Draws the hottest links (rows, busiest on top) against simulated time: one cell per time bucket
 * (class `mark`) coloured by utilization, clipped to the window `domain` (the brush sets it), each
 * row's p99 at its right. Hovering a cell shows the link, the time span and its utilization.
 */
export function drawLinkHeatmap(host: HTMLElement, width: number, data: LinkHeatmapData, tooltip: Tooltip, tooltipHost: HTMLElement): void {
  const { names, left } = heatmapLabels(host, width, data.rows);
  const margin = { ...MARGIN, left };
  const height = margin.top + margin.bottom + Math.max(1, data.rows.length) * ROW_HEIGHT;
  const frame = chartFrame(host, width, height, margin, 'Link utilization over simulated time');
  const { svg, plot, innerWidth } = frame;
  const [d0, d1] = data.domain;
  svg.attr('data-x-min', String(d0)).attr('data-x-max', String(d1));
  const u = data.unit.seconds;
  const x = scaleLinear().domain([d0 / u, d1 / u]).range([0, innerWidth]);
  plot
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${data.rows.length * ROW_HEIGHT})`)
    .call(axisBottom(x).ticks(tickCount(innerWidth)));
  axisTitles(frame, `Simulated time (${data.unit.name})`, '');

  const labels = plot.append('g').attr('class', 'row-labels');
  data.rows.forEach((r, i) => {
    const g = labels.append('g').attr('class', 'heat-row').attr('data-row', r.key);
    g.append('title').text(rowTitle(r, data.scaleUp));
    g.append('text').attr('class', 'row-label').attr('x', -8).attr('y', i * ROW_HEIGHT + ROW_HEIGHT / 2).attr('dy', '0.35em').attr('text-anchor', 'end').text(names[i]!);
    g.append('text').attr('class', 'row-p99').attr('x', innerWidth + 6).attr('y', i * ROW_HEIGHT + ROW_HEIGHT / 2).attr('dy', '0.35em').text(`p99 ${formatUtilization(r.p99)}`);
  });

  const cells = heatmapCells(data.rows, data.domain, innerWidth / MIN_CELL);
  svg.attr('data-cells', String(cells.length));
  const indexOf = new Map(cells.map((c, i) => [c, i]));
  const marks = plot
    .append('g')
    .attr('class', 'heat-cells')
    .attr('clip-path', frame.clip)
    .selectAll<SVGRectElement, HeatCell>('rect')
    .data(cells)
    .join('rect')
    .attr('class', (c) => `mark heat-cell${pressured(c.value) ? ' pressured' : ''}`)
    .attr('data-row', (c) => data.rows[c.row]!.key)
    .attr('data-value', (c) => String(c.value))
    .attr('x', (c) => x(c.t0 / u))
    .attr('y', (c) => c.row * ROW_HEIGHT + 1)
    // A hair wider than the span, so neighbouring cells meet without a seam.
    .attr('width', (c) => Math.max(0.5, x(c.t1 / u) - x(c.t0 / u) + 0.4))
    .attr('height', ROW_HEIGHT - 2)
    .attr('fill', (c) => loadColor(c.value));
  marks.append('title').text((c) => c.title);
  hoverTooltip(
    marks,
    tooltip,
    tooltipHost,
    (c) => ({
      title: data.rows[c.row]!.id,
      rows: [
        { label: 'time', value: `${formatSeconds(c.t0)} to ${formatSeconds(c.t1)}` },
        { label: c.buckets > 1 ? `utilization (highest of ${c.buckets} buckets)` : 'utilization', value: formatUtilization(c.value) },
      ],
    }),
    (c) => indexOf.get(c) ?? -1,
  );
  // Pressured spans underlined in black, so they read without colour (and in grey print).
  plot
    .append('g')
    .attr('class', 'heat-pressure')
    .attr('clip-path', frame.clip)
    .attr('pointer-events', 'none')
    .selectAll('rect')
    .data(cells.filter((c) => pressured(c.value)))
    .join('rect')
    .attr('x', (c) => x(c.t0 / u))
    .attr('y', (c) => (c.row + 1) * ROW_HEIGHT - 3)
    .attr('width', (c) => Math.max(0.5, x(c.t1 / u) - x(c.t0 / u) + 0.4))
    .attr('height', 2)
    .attr('fill', PRESSURE_OUTLINE);
}
