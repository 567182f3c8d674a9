import { axisBottom, axisLeft, scaleLinear, scaleLog } from 'd3';
import { formatRate } from '../format.js';
import { INK, SLO_COLOR } from '../palette.js';
import { estimateTextWidth, nudgeLabels, packRows, shortLabel } from '../shape/label-layout.js';
import type { RateLine, RateMarker } from '../shape/saturation-curves.js';
import { logTicks } from '../shape/log-ticks.js';
import { axisTitles, chartFrame, frameWidth, growTop, measureLabels, tickCount } from './chart-frame.js';
import { drawEstimateLines } from './estimate-lines.js';

export interface StyledRateLine extends RateLine {
  color: string;
  dash: string;
  width: number;
}

/** A rate mark as drawn; in a comparison each result's marks take its colour and legend key. */
export interface StyledRateMarker extends RateMarker {
  color: string;
  seriesKey?: string;
}

export interface SaturationCurveData {
  title: string;
  yTitle: string;
  scale: 'log' | 'linear';
  lines: StyledRateLine[];
  markers: StyledRateMarker[];
  /** Horizontal bounds (SLO lines), in the y unit. */
  levels: { key: string; value: number; label: string }[];
  /** Draw y = x ("offered = completed") for throughput charts. */
  diagonal: boolean;
  yTick: (n: number) => string;
  value: (n: number) => string;
  /**
   * Name each line at its right-hand end (comparisons of several results): the labels stand in
   * the right margin, nudged apart so none overlaps another, each joined to its line's last point.
   */
  endLabels?: boolean;
}

const MARGIN = { top: 30, right: 18, bottom: 44, left: 60 };
/** The vertical room one label takes (11px text and air), for the end labels and the rows of rate-mark labels. */
const LABEL_HEIGHT = 14;
const MARKER_ROW_HEIGHT = 14;
/** Rate-mark labels past this many rows are left out (the mark's tooltip still names it). */
const MAX_MARKER_ROWS = 5;

/** The width a drawn label takes, or the estimate where the browser cannot measure it (not laid out). */
function textWidth(node: SVGTextElement | null, text: string): number {
  const measured = node && typeof node.getComputedTextLength === 'function' ? node.getComputedTextLength() : 0;
  return measured > 0 ? measured : estimateTextWidth(text);
}

const MARKER_STYLE: Record<RateMarker['key'], { dash: string; color: string }> = {
  saturation: { dash: '', color: '#D55E00' },
  onset: { dash: '6 3', color: '#E69F00' },
  current: { dash: '2 3', color: INK },
};

/**
 * Draws a measure against offered rate (req/s): a path and a circle per evaluated rate for every
 * line (class `mark`), 95% intervals as whiskers, SLO bounds as horizontal lines, and the
 * saturation rate (with its interval band), the pressure onset and today's rate as labelled
 * vertical lines (labels packed in rows above the plot so none overlaps another), and with
 * `endLabels` each line's name at its end, nudged apart as the Pareto chart's labels are.
 */
export function drawSaturationCurve(host: HTMLElement, width: number, data: SaturationCurveData): void {
  const drawn = data.lines.filter((l) => l.points.length > 0);
  // End labels need room on the right: as wide as the longest (shortened) name, about a third of the chart at most.
  const maxChars = Math.max(8, Math.min(28, Math.floor((frameWidth(width) * 0.3) / estimateTextWidth('x', 12))));
  const endNames = data.endLabels ? drawn.map((l) => shortLabel(l.label, maxChars)) : [];
  const endWidths = measureLabels(host, endNames, 'line-label', (n) => estimateTextWidth(n, 12));
  const margin = endNames.length > 0 ? { ...MARGIN, right: 14 + Math.ceil(Math.max(...endWidths)) } : MARGIN;
  const frame = chartFrame(host, width, 270, margin, `${data.title} against offered rate`);
  const { plot, innerWidth, innerHeight } = frame;
  const points = data.lines.flatMap((l) => l.points);
  const rates = [...points.map((p) => p.rate), ...data.markers.flatMap((m) => [m.rate, m.low ?? m.rate, m.high ?? m.rate])];
  if (points.length === 0) {
    plot.append('text').attr('class', 'empty').attr('x', innerWidth / 2).attr('y', innerHeight / 2).attr('text-anchor', 'middle').text('No data at any rate');
    return;
  }
  const xMax = Math.max(...rates);
  const x = scaleLinear().domain([0, xMax * 1.04]).range([0, innerWidth]).nice();
  const ys = [...points.flatMap((p) => [p.value, p.high ?? p.value, p.low ?? p.value]), ...data.levels.map((l) => l.value)].filter((v) => v > 0 || data.scale === 'linear');
  const yLo = Math.min(...ys);
  const yHi = Math.max(...ys);
  const y =
    data.scale === 'log'
      ? scaleLog()
          .domain([yLo / 1.3, yHi * 1.3])
          .range([innerHeight, 0])
      : scaleLinear()
          .domain([0, Math.max(yHi, data.diagonal ? xMax : 0) * 1.05 || 1])
          .range([innerHeight, 0])
          .nice();
  const yTicks = data.scale === 'log' ? logTicks(y.domain(), Math.max(3, Math.floor(innerHeight / 28))) : y.ticks(5);

  // Rate marks first, under the data. Their labels go in rows above the plot, packed so that no two
  // in a row meet; the top margin grows to hold the rows.
  const marks = plot.append('g').attr('class', 'rate-markers');
  const markerLabels = data.markers.map((m, i) => {
    const style = MARKER_STYLE[m.key];
    const color = m.seriesKey ? m.color : style.color;
    const g = marks.append('g').attr('class', `rate-marker rate-marker-${m.key}`);
    if (m.seriesKey) g.attr('data-series', m.seriesKey);
    g.append('title').text(m.label);
    if (m.low !== null && m.high !== null && m.high > m.low) {
      g.append('rect').attr('class', 'marker-band').attr('x', x(m.low)).attr('width', x(m.high) - x(m.low)).attr('y', 0).attr('height', innerHeight).attr('fill', color).attr('fill-opacity', 0.12);
    }
    g.append('line').attr('class', 'marker-line').attr('x1', x(m.rate)).attr('x2', x(m.rate)).attr('y1', -4).attr('y2', innerHeight).attr('stroke', color).attr('stroke-dasharray', style.dash);
    const right = x(m.rate) > innerWidth * 0.6;
    const text = g
      .append('text')
      .attr('class', 'marker-label')
      .attr('x', x(m.rate) + (right ? -4 : 4))
      .attr('text-anchor', right ? 'end' : 'start')
      .attr('fill', color === INK ? INK : '#333')
      .text(m.label);
    const w = textWidth(text.node(), m.label);
    const start = right ? x(m.rate) - 4 - w : x(m.rate) + 4;
    return { i, text, start, end: start + w };
  });
  const rows = packRows(markerLabels, 8);
  const used = Math.min(MAX_MARKER_ROWS, Math.max(0, ...rows.map((r) => r + 1)));
  for (const label of markerLabels) {
    const row = rows[label.i]!;
    if (row >= MAX_MARKER_ROWS) {
      label.text.remove();
      continue;
    }
    // Row 0 sits just above the plot, each further row one step higher; a label starts (or ends) at its mark's x.
    label.text.attr('y', -7 - row * MARKER_ROW_HEIGHT);
  }
  growTop(frame, 12 + used * MARKER_ROW_HEIGHT);

  plot
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${innerHeight})`)
    .call(axisBottom(x).ticks(tickCount(innerWidth)));
  plot
    .append('g')
    .attr('class', 'axis axis-y')
    .call(axisLeft(y).tickValues(yTicks).tickFormat((d) => data.yTick(Number(d))));
  axisTitles(frame, 'Offered rate (req/s)', data.yTitle);

  const clipped = plot.append('g').attr('clip-path', frame.clip);
  if (data.diagonal) {
    const top = Math.min(x.domain()[1]!, y.domain()[1]!);
    clipped.append('line').attr('class', 'diagonal').attr('x1', x(0)).attr('y1', y(0)).attr('x2', x(top)).attr('y2', y(top));
    clipped
      .append('text')
      .attr('class', 'diagonal-label')
      .attr('x', x(top) - 4)
      .attr('y', y(top) + 14)
      .attr('text-anchor', 'end')
      .text('offered = completed');
  }

  for (const level of data.levels) {
    const g = clipped.append('g').attr('class', 'slo');
    g.append('line').attr('class', 'slo-line').attr('x1', 0).attr('x2', innerWidth).attr('y1', y(level.value)).attr('y2', y(level.value)).attr('stroke', SLO_COLOR);
    g.append('text').attr('class', 'slo-label').attr('x', 4).attr('y', y(level.value) - 4).attr('fill', '#8c3a6d').text(level.label);
  }

  drawEstimateLines(clipped, data.lines, {
    x: (p) => x(p.rate),
    y,
    logY: data.scale === 'log',
    where: (p) => `at ${formatRate(p.rate, 'req/s')}`,
    value: data.value,
  });

  // End labels: each line's name level with its last point, nudged apart, in the right margin; left
  // out when more lines than the plot's height can name (the legend names them all).
  if (endNames.length > 0 && endNames.length * LABEL_HEIGHT <= innerHeight) {
    const ends = drawn.map((l) => l.points.reduce((a, b) => (b.rate >= a.rate ? b : a)));
    const at = nudgeLabels(
      ends.map((p) => Math.min(innerHeight, Math.max(0, y(p.value)))),
      LABEL_HEIGHT,
      0,
      innerHeight,
    );
    const labels = plot.append('g').attr('class', 'end-labels');
    drawn.forEach((l, i) => {
      const end = ends[i]!;
      const g = labels.append('g').attr('class', 'end-label').attr('data-series', l.key);
      g.append('title').text(l.label);
      g.append('line')
        .attr('class', 'label-leader')
        .attr('x1', x(end.rate) + 4)
        .attr('y1', Math.min(innerHeight, Math.max(0, y(end.value))))
        .attr('x2', innerWidth + 6)
        .attr('y2', at[i]!)
        .attr('stroke', l.color);
      g.append('text').attr('class', 'line-label').attr('x', innerWidth + 8).attr('y', at[i]!).attr('dy', '0.35em').attr('fill', l.color).text(endNames[i]!);
    });
  }
}
