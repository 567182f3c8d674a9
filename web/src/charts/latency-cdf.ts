import { axisBottom, axisLeft, curveMonotoneX, curveStepAfter, line, scaleLinear, scaleLog } from 'd3';
import { formatPercent, formatSeconds, formatSecondsTick } from '../format.js';
import { SLO_COLOR } from '../palette.js';
import { cdfExtent, type CdfPoint, type CdfSeries, type SloMark } from '../shape/latency-cdf.js';
import { logTicks } from '../shape/log-ticks.js';
import { axisTitles, chartFrame, tickCount } from './chart-frame.js';

export interface CdfLine {
  key: string;
  label: string;
  color: string;
  dash: string;
  cdf: CdfSeries | null;
}

export interface LatencyCdfData {
  metricLabel: string;
  lines: CdfLine[];
  slo: SloMark[];
}

const MARGIN = { top: 14, right: 18, bottom: 44, left: 52 };

/**
 * Draws latency distributions as cumulative curves on a log time axis: one path per result (class
 * `mark`), a circle per known quantile when the curve steps through summary percentiles, and each
 * SLO bound as a vertical line ticked at its statistic's fraction.
 */
export function drawLatencyCdf(host: HTMLElement, width: number, data: LatencyCdfData): void {
  const frame = chartFrame(host, width, 250, MARGIN, `Cumulative distribution of ${data.metricLabel}`);
  const { plot, innerWidth, innerHeight } = frame;
  const extent = cdfExtent(
    data.lines.map((l) => l.cdf),
    data.slo,
  );
  if (!extent) {
    const zeros = data.lines.some((l) => (l.cdf?.points.length ?? 0) > 0);
    plot.append('text').attr('class', 'empty').attr('x', innerWidth / 2).attr('y', innerHeight / 2).attr('text-anchor', 'middle').text(zeros ? 'Every sample is 0 s' : 'No samples');
    return;
  }
  const log = scaleLog().domain(extent).range([0, innerWidth]);
  // Zero seconds (a request that never queued) has no place on a log axis: draw it at the left edge.
  const x = (seconds: number): number => log(Math.max(seconds, extent[0]));
  const y = scaleLinear().domain([0, 1]).range([innerHeight, 0]);
  const xTicks = logTicks(log.domain(), tickCount(innerWidth, 70));
  plot
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${innerHeight})`)
    .call(axisBottom(log).tickValues(xTicks).tickFormat((d) => formatSecondsTick(Number(d))));
  plot
    .append('g')
    .attr('class', 'axis axis-y')
    .call(axisLeft(y).ticks(5).tickFormat((d) => formatPercent(Number(d), 0)));
  plot
    .append('g')
    .attr('class', 'grid')
    .selectAll('line')
    .data([0.5, 0.9, 0.99])
    .join('line')
    .attr('x1', 0)
    .attr('x2', innerWidth)
    .attr('y1', (d) => y(d))
    .attr('y2', (d) => y(d));
  axisTitles(frame, `${data.metricLabel} (log scale)`, 'Requests at or below');

  const marks = plot.append('g').attr('class', 'slo-marks');
  for (const m of data.slo) {
    const g = marks.append('g').attr('class', 'slo');
    g.append('line').attr('class', 'slo-line').attr('x1', x(m.seconds)).attr('x2', x(m.seconds)).attr('y1', 0).attr('y2', innerHeight).attr('stroke', SLO_COLOR);
    if (m.fraction !== null) {
      g.append('line').attr('class', 'slo-tick').attr('x1', x(m.seconds) - 8).attr('x2', x(m.seconds) + 8).attr('y1', y(m.fraction)).attr('y2', y(m.fraction)).attr('stroke', SLO_COLOR);
    }
    const right = x(m.seconds) > innerWidth * 0.7;
    g.append('text')
      .attr('class', 'slo-label')
      .attr('x', x(m.seconds) + (right ? -4 : 4))
      .attr('y', y(m.fraction ?? 0.3) + 14)
      .attr('text-anchor', right ? 'end' : 'start')
      .attr('fill', '#8c3a6d')
      .text(`${m.label} ≤ ${formatSeconds(m.seconds)}`);
  }

  const curves = plot.append('g').attr('class', 'curves').attr('clip-path', frame.clip);
  for (const l of data.lines) {
    if (!l.cdf) continue;
    const g = curves.append('g').attr('data-series', l.key);
    g.append('path')
      .attr('class', 'mark line')
      .attr(
        'd',
        line<CdfPoint>()
          .x((p) => x(p.seconds))
          .y((p) => y(p.fraction))
          .curve(l.cdf.from === 'percentiles' ? curveStepAfter : curveMonotoneX)(l.cdf.points),
      )
      .attr('stroke', l.color)
      .attr('stroke-dasharray', l.dash)
      .attr('fill', 'none');
    if (l.cdf.from === 'percentiles') {
      g.selectAll('circle')
        .data(l.cdf.points)
        .join('circle')
        .attr('class', 'mark point')
        .attr('cx', (p) => x(p.seconds))
        .attr('cy', (p) => y(p.fraction))
        .attr('r', 3.5)
        .attr('fill', l.color)
        .append('title')
        .text((p) => `${l.label}: ${p.fraction === 1 ? 'max' : `p${Math.round(p.fraction * 100)}`} ${formatSeconds(p.seconds)}`);
    }
  }
}
