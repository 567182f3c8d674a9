import { line, type Selection } from 'd3';

/** A point of an estimate: its mean and, when there were replications, its 95% interval. */
export interface EstimatePoint {
  value: number;
  low: number | null;
  high: number | null;
}

export interface EstimateLine<P extends EstimatePoint> {
  key: string;
  label: string;
  color: string;
  dash: string;
  width: number;
  points: P[];
}

export interface EstimateLinesOptions<P extends EstimatePoint> {
  /** Where a point sits on the x axis (already scaled), and where on y. */
  x: (p: P) => number;
  y: (v: number) => number;
  /** A log y axis cannot draw an interval that reaches 0 or below. */
  logY: boolean;
  /** "at 16 clients", "at 12 req/s": the point's place in its tooltip. */
  where: (p: P) => string;
  value: (v: number) => string;
  /** Extra data attributes per point (a test finds points by them). */
  pointData?: (p: P) => Record<string, string>;
}

/**
 * Each line of estimates drawn into `parent`: the path through the means, a whisker per point with
 * an interval, and a point with a tooltip giving the value and its interval. Every series is a
 * `g[data-series]` so the legend can hide it.
 */
export function drawEstimateLines<P extends EstimatePoint>(
  parent: Selection<SVGGElement, unknown, null, undefined>,
  lines: readonly EstimateLine<P>[],
  o: EstimateLinesOptions<P>,
): void {
  const path = line<P>()
    .x((p) => o.x(p))
    .y((p) => o.y(p.value));
  const interval = (p: P) => (p.low !== null && p.high !== null && p.high > p.low ? ` (95% interval ${o.value(p.low)} to ${o.value(p.high)})` : '');
  for (const l of lines) {
    const g = parent.append('g').attr('data-series', l.key);
    g.append('path').attr('class', 'mark line').attr('d', path(l.points) ?? '').attr('stroke', l.color).attr('stroke-width', l.width).attr('stroke-dasharray', l.dash).attr('fill', 'none');
    g.selectAll('line.ci')
      .data(l.points.filter((p) => p.low !== null && p.high !== null && p.high > p.low && (!o.logY || p.low > 0)))
      .join('line')
      .attr('class', 'ci')
      .attr('x1', (p) => o.x(p))
      .attr('x2', (p) => o.x(p))
      .attr('y1', (p) => o.y(p.low!))
      .attr('y2', (p) => o.y(p.high!))
      .attr('stroke', l.color);
    const circles = g.selectAll('circle').data(l.points).join('circle').attr('class', 'mark point');
    if (o.pointData !== undefined) {
      const data = o.pointData;
      circles.each(function (p) {
        for (const [k, v] of Object.entries(data(p))) (this as SVGCircleElement).setAttribute(k, v);
      });
    }
    circles
      .attr('cx', (p) => o.x(p))
      .attr('cy', (p) => o.y(p.value))
      .attr('r', 3.5)
      .attr('fill', l.color)
      .append('title')
      .text((p) => `${l.label} ${o.where(p)}: ${o.value(p.value)}${interval(p)}`);
  }
}
