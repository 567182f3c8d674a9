import { axisBottom, axisLeft, line, scaleLinear, scaleLog } from 'd3';
import { formatRate } from '../format.js';
import { INK, SLO_COLOR } from '../palette.js';
import type { RateLine, RateMarker, RatePoint } from '../shape/saturation-curves.js';
import { logTicks } from '../shape/log-ticks.js';
import { axisTitles, chartFrame, tickCount } from './chart-frame.js';

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
}

const MARGIN = { top: 30, right: 18, bottom: 44, left: 60 };

const MARKER_STYLE: Record<RateMarker['key'], { dash: string; color: string }> = {
  saturation: { dash: '', color: '#D55E00' },
  onset: { dash: '6 3', color: '#E69F00' },
  current: { dash: '2 3', color: INK },
};

/**
 * Draws a measure against offered rate (req/s): a path and a circle per evaluated rate for every
 * line (class `mark`), 95% intervals as whiskers, SLO bounds as horizontal lines, and the
 * saturation rate (with its interval band), the pressure onset and today's rate as labelled
 * vertical lines.
 */
export function drawSaturationCurve(host: HTMLElement, width: number, data: SaturationCurveData): void {
  const frame = chartFrame(host, width, 270, MARGIN, `${data.title} against offered rate`);
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

  // Rate marks first, under the data; labels stagger in rows so neighbours do not overlap.
  const marks = plot.append('g').attr('class', 'rate-markers');
  data.markers.forEach((m, i) => {
    const style = MARKER_STYLE[m.key];
    const color = m.seriesKey ? m.color : style.color;
    const g = marks.append('g').attr('class', `rate-marker rate-marker-${m.key}`);
    if (m.seriesKey) g.attr('data-series', m.seriesKey);
    if (m.low !== null && m.high !== null && m.high > m.low) {
      g.append('rect').attr('class', 'marker-band').attr('x', x(m.low)).attr('width', x(m.high) - x(m.low)).attr('y', 0).attr('height', innerHeight).attr('fill', color).attr('fill-opacity', 0.12);
    }
    g.append('line').attr('class', 'marker-line').attr('x1', x(m.rate)).attr('x2', x(m.rate)).attr('y1', -4).attr('y2', innerHeight).attr('stroke', color).attr('stroke-dasharray', style.dash);
    const right = x(m.rate) > innerWidth * 0.6;
    g.append('text')
      .attr('class', 'marker-label')
      .attr('x', x(m.rate) + (right ? -4 : 4))
      .attr('y', -18 + (i % 3) * 11)
      .attr('text-anchor', right ? 'end' : 'start')
      .attr('fill', color === INK ? INK : '#333')
      .text(m.label);
  });

  for (const level of data.levels) {
    const g = clipped.append('g').attr('class', 'slo');
    g.append('line').attr('class', 'slo-line').attr('x1', 0).attr('x2', innerWidth).attr('y1', y(level.value)).attr('y2', y(level.value)).attr('stroke', SLO_COLOR);
    g.append('text').attr('class', 'slo-label').attr('x', 4).attr('y', y(level.value) - 4).attr('fill', '#8c3a6d').text(level.label);
  }

  const path = line<RatePoint>()
    .x((p) => x(p.rate))
    .y((p) => y(p.value));
  for (const l of data.lines) {
    const g = clipped.append('g').attr('data-series', l.key);
    g.append('path').attr('class', 'mark line').attr('d', path(l.points) ?? '').attr('stroke', l.color).attr('stroke-width', l.width).attr('stroke-dasharray', l.dash).attr('fill', 'none');
    g.selectAll('line.ci')
      .data(l.points.filter((p) => p.low !== null && p.high !== null && p.high > p.low && (data.scale === 'linear' || p.low > 0)))
      .join('line')
      .attr('class', 'ci')
      .attr('x1', (p) => x(p.rate))
      .attr('x2', (p) => x(p.rate))
      .attr('y1', (p) => y(p.low!))
      .attr('y2', (p) => y(p.high!))
      .attr('stroke', l.color);
    g.selectAll('circle')
      .data(l.points)
      .join('circle')
      .attr('class', 'mark point')
      .attr('cx', (p) => x(p.rate))
      .attr('cy', (p) => y(p.value))
      .attr('r', 3.5)
      .attr('fill', l.color)
      .append('title')
      .text((p) => `${l.label} at ${formatRate(p.rate, 'req/s')}: ${data.value(p.value)}${p.low !== null && p.high !== null && p.high > p.low ? ` (95% interval ${data.value(p.low)} to ${data.value(p.high)})` : ''}`);
  }
}
