import { axisBottom, axisLeft, line, scaleLinear } from 'd3';
import { formatRate } from '../format.js';
import { OKABE_ITO } from '../palette.js';
import { nudgeLabels } from '../shape/label-layout.js';
import { paretoDomain, type ParetoPoint } from '../shape/pareto.js';
import { axisTitles, chartFrame, tickCount } from './chart-frame.js';

const MARGIN = { top: 18, right: 24, bottom: 44, left: 64 };
/** The box a point label takes vertically (12px text and a little air). */
const LABEL_HEIGHT = 16;

/**
 * Draws the configurations of a `--vary` comparison as tokens/s per user (x: how fast one stream
 * is) against tokens/s per GPU (y: how much the hardware serves): a labelled circle each (class
 * `mark`; filled when Pareto-optimal) and the Pareto frontier through the optimal ones.
 */
export function drawPareto(host: HTMLElement, width: number, data: { points: ParetoPoint[]; frontier: ParetoPoint[] }): void {
  const frame = chartFrame(host, width, 300, MARGIN, 'Pareto chart: tokens per second per GPU against tokens per second per user');
  const { plot, innerWidth, innerHeight } = frame;
  if (data.points.length === 0) {
    plot.append('text').attr('class', 'empty').attr('x', innerWidth / 2).attr('y', innerHeight / 2).attr('text-anchor', 'middle').text('No configuration reached a saturation rate');
    return;
  }
  // Zoomed to the data: configurations differ by a few percent, which an axis from 0 would hide.
  const x = scaleLinear().domain(paretoDomain(data.points.map((p) => p.perUser))).range([0, innerWidth]);
  const y = scaleLinear().domain(paretoDomain(data.points.map((p) => p.perGpu))).range([innerHeight, 0]);
  const labelY = nudgeLabels(data.points.map((p) => y(p.perGpu)), LABEL_HEIGHT, 0, innerHeight);
  plot
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${innerHeight})`)
    .call(axisBottom(x).ticks(tickCount(innerWidth)));
  plot.append('g').attr('class', 'axis axis-y').call(axisLeft(y).ticks(5));
  axisTitles(frame, 'Output tokens/s per user (1 / mean TPOT)', 'Output tokens/s per GPU');
  plot
    .append('path')
    .attr('class', 'frontier')
    .attr(
      'd',
      line<ParetoPoint>()
        .x((p) => x(p.perUser))
        .y((p) => y(p.perGpu))(data.frontier) ?? '',
    );
  const g = plot
    .append('g')
    .attr('class', 'configurations')
    .selectAll('g')
    .data(data.points)
    .join('g')
    .attr('data-series', (p) => `result-${p.index}`);
  g.append('circle')
    .attr('class', (p) => `mark point${p.optimal ? ' optimal' : ''}`)
    .attr('cx', (p) => x(p.perUser))
    .attr('cy', (p) => y(p.perGpu))
    .attr('r', 6)
    .attr('stroke', (p) => OKABE_ITO[p.index % 7]!)
    .attr('stroke-width', 2)
    .attr('fill', (p) => (p.optimal ? OKABE_ITO[p.index % 7]! : '#fff'))
    .append('title')
    .text((p) => `${p.label}: ${formatRate(p.perGpu, 'tok/s per GPU')}, ${formatRate(p.perUser, 'tok/s per user')}${p.optimal ? ', Pareto-optimal' : ''}`);
  g.append('text')
    .attr('class', 'point-label')
    .attr('x', (p) => x(p.perUser) + (x(p.perUser) > innerWidth * 0.7 ? -10 : 10))
    .attr('y', (_, i) => labelY[i]!)
    .attr('dy', '0.35em')
    .attr('text-anchor', (p) => (x(p.perUser) > innerWidth * 0.7 ? 'end' : 'start'))
    .text((p) => p.label);
}
