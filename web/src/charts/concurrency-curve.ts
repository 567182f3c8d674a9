import { axisBottom, axisLeft, scaleLinear, scaleLog } from 'd3';
import { SLO_COLOR } from '../palette.js';
import { levelTicks, type LevelBound, type LevelLine } from '../shape/concurrency-sweep.js';
import { logTicks } from '../shape/log-ticks.js';
import { axisTitles, chartFrame, tickCount } from './chart-frame.js';
import { drawEstimateLines } from './estimate-lines.js';

export interface StyledLevelLine extends LevelLine {
  color: string;
  dash: string;
  width: number;
}

export interface ConcurrencyCurveData {
  title: string;
  yTitle: string;
  scale: 'log' | 'linear';
  lines: StyledLevelLine[];
  /** Horizontal bounds (SLO lines), in the y unit. */
  bounds: LevelBound[];
  yTick: (n: number) => string;
  value: (n: number) => string;
}

const MARGIN = { top: 16, right: 18, bottom: 44, left: 60 };

const clients = (n: number) => `${n} client${n === 1 ? '' : 's'}`;

/**
 * Draws a measure against the number of closed-loop clients: a path and a circle per level for
 * every line (class `mark`), 95% intervals as whiskers, SLO bounds as horizontal lines. The x axis
 * is log 2 when the levels span a factor of 4 or more (1, 2, 4 ... 64 spread evenly), linear
 * otherwise, with a tick at each level that fits.
 */
export function drawConcurrencyCurve(host: HTMLElement, width: number, data: ConcurrencyCurveData): void {
  const frame = chartFrame(host, width, 250, MARGIN, `${data.title} against concurrency`);
  const { plot, innerWidth, innerHeight } = frame;
  const points = data.lines.flatMap((l) => l.points);
  if (points.length === 0) {
    plot.append('text').attr('class', 'empty').attr('x', innerWidth / 2).attr('y', innerHeight / 2).attr('text-anchor', 'middle').text('No data at any level');
    return;
  }
  const levels = [...new Set(points.map((p) => p.concurrency))].sort((a, b) => a - b);
  const lo = levels[0]!;
  const hi = levels[levels.length - 1]!;
  const logX = lo > 0 && hi / lo >= 4;
  const pad = logX ? 1.15 : Math.max(0.5, (hi - lo) * 0.04);
  const x = logX
    ? scaleLog()
        .base(2)
        .domain([lo / pad, hi * pad])
        .range([0, innerWidth])
    : scaleLinear()
        .domain(lo === hi ? [lo - 1, hi + 1] : [lo - pad, hi + pad])
        .range([0, innerWidth]);
  const ys = [...points.flatMap((p) => [p.value, p.high ?? p.value, p.low ?? p.value]), ...data.bounds.map((b) => b.value)].filter((v) => v > 0 || data.scale === 'linear');
  const yLo = Math.min(...ys);
  const yHi = Math.max(...ys);
  const y =
    data.scale === 'log'
      ? scaleLog()
          .domain([yLo / 1.3, yHi * 1.3])
          .range([innerHeight, 0])
      : scaleLinear()
          .domain([0, yHi * 1.05 || 1])
          .range([innerHeight, 0])
          .nice();
  const yTicks = data.scale === 'log' ? logTicks(y.domain(), Math.max(3, Math.floor(innerHeight / 28))) : y.ticks(5);
  plot
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${innerHeight})`)
    .call(
      axisBottom(x)
        .tickValues(levelTicks(levels, tickCount(innerWidth, 36)))
        .tickFormat((d) => String(d)),
    );
  plot
    .append('g')
    .attr('class', 'axis axis-y')
    .call(axisLeft(y).tickValues(yTicks).tickFormat((d) => data.yTick(Number(d))));
  axisTitles(frame, `Concurrent clients${logX ? ' (log scale)' : ''}`, data.yTitle);

  const clipped = plot.append('g').attr('clip-path', frame.clip);
  for (const bound of data.bounds) {
    const g = clipped.append('g').attr('class', 'slo');
    g.append('line').attr('class', 'slo-line').attr('x1', 0).attr('x2', innerWidth).attr('y1', y(bound.value)).attr('y2', y(bound.value)).attr('stroke', SLO_COLOR);
    // Above its line, or below it where the line runs along the top of the plot.
    const at = y(bound.value);
    g.append('text').attr('class', 'slo-label').attr('x', 4).attr('y', at < 14 ? at + 13 : at - 4).attr('fill', '#8c3a6d').text(bound.label);
  }
  drawEstimateLines(clipped, data.lines, {
    x: (p) => x(p.concurrency),
    y,
    logY: data.scale === 'log',
    where: (p) => `at ${clients(p.concurrency)}`,
    value: data.value,
    pointData: (p) => ({ 'data-concurrency': String(p.concurrency) }),
  });
}
