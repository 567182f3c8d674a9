import { axisBottom, axisLeft, curveStepAfter, line, scaleLinear } from 'd3';
import type { TimeUnit } from '../format.js';
import { INK } from '../palette.js';
import type { AutoscalingModel } from '../shape/simulation-sections.js';
import type { SurvivalTimePoint } from '../shape/survival.js';
import { axisTitles, chartFrame, tickCount } from './chart-frame.js';

const UP = '#009E73';
const DOWN = '#D55E00';
const SERVES = '#0072B2';

/** The legend entries of the autoscaling chart. */
export const SCALING_LEGEND = [
  { key: 'in-service', label: 'replicas in service', color: INK, dash: '' },
  { key: 'scale-up', label: 'scale-up decided', color: UP, dash: '' },
  { key: 'scale-down', label: 'scale-down', color: DOWN, dash: '' },
  { key: 'serves', label: 'added replicas serve', color: SERVES, dash: '5 3' },
] as const;

/**
 * Replicas in service over simulated time as a step line, each scaling decision a vertical line
 * (green up, vermillion down) and, for a scale-up, a dashed line where the added replicas serve.
 */
export function drawAutoscaling(host: HTMLElement, width: number, model: AutoscalingModel, unit: TimeUnit): void {
  const frame = chartFrame(host, width, 260, { top: 14, right: 16, bottom: 42, left: 58 }, 'Replicas in service over simulated time, with the scaling decisions marked');
  const { svg, plot, innerWidth, innerHeight } = frame;
  const [d0, d1] = model.extent;
  svg.attr('data-x-min', String(d0)).attr('data-x-max', String(d1));
  const u = unit.seconds;
  const x = scaleLinear().domain([d0 / u, d1 / u]).range([0, innerWidth]);
  const y = scaleLinear().domain([0, model.maxReplicas * 1.1]).range([innerHeight, 0]).nice();
  plot.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${innerHeight})`).call(axisBottom(x).ticks(tickCount(innerWidth)));
  plot.append('g').attr('class', 'axis axis-y').call(axisLeft(y).ticks(Math.min(5, Math.ceil(model.maxReplicas * 1.1))));
  axisTitles(frame, `Simulated time (${unit.name})`, 'Replicas in service');

  const marks = plot.append('g').attr('class', 'scaling-events').attr('clip-path', frame.clip);
  for (const e of model.events) {
    const g = marks.append('g').attr('class', 'mark scaling-event').attr('data-event', String(e.index)).attr('data-direction', e.direction);
    g.append('title').text(e.title);
    const xa = x(e.at / u);
    g.append('line').attr('class', 'event-decided').attr('x1', xa).attr('x2', xa).attr('y1', 0).attr('y2', innerHeight).attr('stroke', e.direction === 'up' ? UP : DOWN).attr('stroke-width', 2);
    if (e.servesAt !== null) {
      const xs = x(e.servesAt / u);
      g.append('rect').attr('class', 'event-pending').attr('x', xa).attr('y', 0).attr('width', Math.max(1, xs - xa)).attr('height', innerHeight).attr('fill', SERVES).attr('fill-opacity', 0.08);
      g.append('line').attr('class', 'event-serves').attr('x1', xs).attr('x2', xs).attr('y1', 0).attr('y2', innerHeight).attr('stroke', SERVES).attr('stroke-width', 2).attr('stroke-dasharray', '5 3');
    }
  }

  if (model.points.length === 0) return;
  const last = model.points[model.points.length - 1]!;
  const pts = [...model.points, { t0: last.t1, t1: last.t1, value: last.value }];
  const path = line<SurvivalTimePoint>()
    .x((p) => x(p.t0 / u))
    .y((p) => y(p.value))
    .curve(curveStepAfter);
  plot
    .append('g')
    .attr('class', 'scaling-line')
    .attr('clip-path', frame.clip)
    .append('path')
    .attr('class', 'mark series-line')
    .attr('data-series', 'in-service')
    .attr('fill', 'none')
    .attr('stroke', INK)
    .attr('stroke-width', 2.5)
    .attr('d', path(pts) ?? '')
    .append('title')
    .text('Replicas in service');
}
