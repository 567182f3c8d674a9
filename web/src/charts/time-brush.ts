import { area, axisBottom, brushX, scaleLinear, type D3BrushEvent } from 'd3';
import type { TimeUnit } from '../format.js';
import type { TimePoint } from '../shape/time-series.js';
import { chartFrame, tickCount } from './chart-frame.js';

export interface TimeBrushData {
  points: TimePoint[];
  color: string;
  /** The whole run, seconds. */
  extent: [number, number];
  /** The window shown now, seconds (read at each key press: the view owns it). */
  domain: () => [number, number];
  unit: TimeUnit;
  /** Left and right margins, to line the strip up with the chart it zooms (default: the time-series charts'). */
  inset?: { left: number; right: number };
}

const MARGIN = { top: 6, right: 16, bottom: 24, left: 58 };

/**
 * Draws the whole run small (the total's area) with a brush: dragging across it sets the time
 * window every time-series chart shows; a click outside the selection resets it. From the keyboard
 * (focus the strip): ←/→ pan, + and - zoom, 0 or Escape resets.
 */
export function drawTimeBrush(host: HTMLElement, width: number, data: TimeBrushData, onChange: (domain: [number, number] | null) => void): void {
  const frame = chartFrame(host, width, 78, data.inset ? { ...MARGIN, ...data.inset } : MARGIN, 'Time window: drag to zoom the charts above');
  const { svg, plot, innerWidth, innerHeight } = frame;
  svg.attr('tabindex', 0).attr('aria-label', 'Time window. Drag across it to zoom; keys: arrows pan, plus and minus zoom, 0 resets.');
  const u = data.unit.seconds;
  const x = scaleLinear().domain([data.extent[0] / u, data.extent[1] / u]).range([0, innerWidth]);
  const yMax = Math.max(0, ...data.points.map((p) => p.value));
  const y = scaleLinear()
    .domain([0, yMax > 0 ? yMax : 1])
    .range([innerHeight, 0]);
  plot
    .append('path')
    .attr('class', 'overview-area')
    .attr('fill', data.color)
    .attr('fill-opacity', 0.25)
    .attr('stroke', data.color)
    .attr(
      'd',
      area<TimePoint>()
        .x((p) => x((p.t0 + p.t1) / 2 / u))
        .y0(innerHeight)
        .y1((p) => y(p.value))(data.points) ?? '',
    );
  plot
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${innerHeight})`)
    .call(axisBottom(x).ticks(tickCount(innerWidth)));

  const full = data.extent;
  const clamp = (d: [number, number]): [number, number] | null => {
    const span = Math.min(full[1] - full[0], Math.max(d[1] - d[0], (full[1] - full[0]) / 1000));
    const a = Math.min(Math.max(full[0], d[0]), full[1] - span);
    return span >= full[1] - full[0] ? null : [a, a + span];
  };
  const brush = brushX<unknown>()
    .extent([
      [0, 0],
      [innerWidth, innerHeight],
    ])
    .on('brush end', (event: D3BrushEvent<unknown>) => {
      if (!event.sourceEvent) return; // moved by code, not by the reader
      const s = event.selection as [number, number] | null;
      if (!s) return onChange(null);
      if (s[1] - s[0] < 2) return;
      onChange([x.invert(s[0]) * u, x.invert(s[1]) * u]);
    });
  const brushLayer = plot.append('g').attr('class', 'brush').call(brush);
  const [w0, w1] = data.domain();
  if (w0 > full[0] || w1 < full[1]) brushLayer.call(brush.move, [x(w0 / u), x(w1 / u)]);

  svg.on('keydown', (event: KeyboardEvent) => {
    const [a, b] = data.domain();
    const span = b - a;
    let next: [number, number] | null;
    if (event.key === 'ArrowLeft') next = clamp([a - span / 10, b - span / 10]);
    else if (event.key === 'ArrowRight') next = clamp([a + span / 10, b + span / 10]);
    else if (event.key === '+' || event.key === '=') next = clamp([a + span / 4, b - span / 4]);
    else if (event.key === '-' || event.key === '_') next = clamp([a - span / 2, b + span / 2]);
    else if (event.key === '0' || event.key === 'Escape') next = null;
    else return;
    event.preventDefault();
    if (next) brushLayer.call(brush.move, [x(next[0] / u), x(next[1] / u)]);
    else brushLayer.call(brush.move, null);
    onChange(next);
  });
}
