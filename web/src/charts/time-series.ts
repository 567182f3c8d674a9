import { axisBottom, axisLeft, line, pointer, scaleLinear } from 'd3';
import type { TimeUnit } from '../format.js';
import { pointIndexAt, type TimeLine, type TimePoint } from '../shape/time-series.js';
import type { SeriesVisibility } from '../ui/series-visibility.js';
import type { Tooltip, TooltipRow } from '../ui/tooltip.js';
import { axisTitles, chartFrame, tickCount } from './chart-frame.js';

/** A line as drawn: its data, its style, and the visibility key it answers to. */
export interface StyledTimeLine extends TimeLine {
  color: string;
  dash: string;
  width: number;
  /** The legend key that hides it (several replica lines may share one). */
  seriesKey: string;
  /** False for lines drawn as a band of many (dozens of replicas): the tooltip leaves them out. */
  inTooltip: boolean;
}

export interface TimeSeriesData {
  title: string;
  yTitle: string;
  lines: StyledTimeLine[];
  /** The visible window of simulated time, seconds. */
  domain: [number, number];
  unit: TimeUnit;
  yTick: (n: number) => string;
  value: (n: number) => string;
}

export interface TimeSeriesContext {
  visibility: SeriesVisibility;
  tooltip: Tooltip;
  /** The element the tooltip is positioned in. */
  tooltipHost: HTMLElement;
}

const MARGIN = { top: 12, right: 16, bottom: 42, left: 58 };
const mid = (p: TimePoint) => (p.t0 + p.t1) / 2;

/**
 * Draws one measure over simulated time: a path per line (class `mark`, data-series = its legend
 * key), clipped to the window `domain`, with the y axis fitted to what the window shows. Hovering
 * or focusing the chart and pressing ←/→ shows a tooltip with each visible line's exact value in
 * that time bucket.
 */
export function drawTimeSeries(host: HTMLElement, width: number, data: TimeSeriesData, ctx: TimeSeriesContext): void {
  const frame = chartFrame(host, width, 220, MARGIN, `${data.title} over simulated time`);
  const { svg, plot, innerWidth, innerHeight } = frame;
  const [d0, d1] = data.domain;
  svg.attr('data-x-min', String(d0)).attr('data-x-max', String(d1)).attr('tabindex', 0);
  svg.attr('aria-label', `${data.title} over simulated time. Use the left and right arrow keys to read values.`);
  const visible = data.lines.filter((l) => !ctx.visibility.isHidden(l.seriesKey));
  const inWindow = (p: TimePoint) => p.t1 >= d0 && p.t0 <= d1;
  const yMax = Math.max(0, ...visible.flatMap((l) => l.points.filter(inWindow).map((p) => p.value)));
  const x = scaleLinear().domain([d0 / data.unit.seconds, d1 / data.unit.seconds]).range([0, innerWidth]);
  const y = scaleLinear()
    .domain([0, yMax > 0 ? yMax * 1.05 : 1])
    .range([innerHeight, 0])
    .nice();
  plot
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${innerHeight})`)
    .call(axisBottom(x).ticks(tickCount(innerWidth)));
  plot
    .append('g')
    .attr('class', 'axis axis-y')
    .call(axisLeft(y).ticks(5).tickFormat((d) => data.yTick(Number(d))));
  axisTitles(frame, `Simulated time (${data.unit.name})`, data.yTitle);

  const sx = (t: number) => x(t / data.unit.seconds);
  const path = line<TimePoint>()
    .x((p) => sx(mid(p)))
    .y((p) => y(p.value));
  const lines = plot.append('g').attr('class', 'lines').attr('clip-path', frame.clip);
  // Last line first, so the first (the total, or the baseline) is drawn on top of the others.
  for (const l of [...data.lines].reverse()) {
    lines
      .append('path')
      .attr('class', 'mark line')
      .attr('data-series', l.seriesKey)
      .attr('d', path(l.points) ?? '')
      .attr('stroke', l.color)
      .attr('stroke-width', l.width)
      .attr('stroke-dasharray', l.dash)
      .attr('fill', 'none');
  }

  const cursor = plot.append('g').attr('class', 'cursor').attr('display', 'none');
  cursor.append('line').attr('class', 'cursor-rule').attr('y1', 0).attr('y2', innerHeight);
  const dots = cursor.append('g');

  /** Index into the first visible line (the reference for time) of the point being read. */
  let current = -1;
  const reference = () => data.lines.find((l) => !ctx.visibility.isHidden(l.seriesKey) && l.points.length > 0);
  const showAt = (t: number) => {
    const ref = reference();
    if (!ref) return;
    current = pointIndexAt(ref.points, t);
    const point = ref.points[current]!;
    const rows: TooltipRow[] = [];
    dots.selectAll('*').remove();
    for (const l of data.lines) {
      if (!l.inTooltip || ctx.visibility.isHidden(l.seriesKey) || l.points.length === 0) continue;
      const p = l.points[pointIndexAt(l.points, mid(point))]!;
      rows.push({ label: l.label, value: data.value(p.value), color: l.color });
      dots.append('circle').attr('cx', sx(mid(p))).attr('cy', y(p.value)).attr('r', 3).attr('fill', l.color);
    }
    cursor.attr('display', null);
    cursor.select('line').attr('x1', sx(mid(point))).attr('x2', sx(mid(point)));
    const box = (svg.node() as SVGSVGElement).getBoundingClientRect();
    const hostBox = ctx.tooltipHost.getBoundingClientRect();
    const scale = box.width > 0 ? box.width / frame.width : 1;
    const left = box.left - hostBox.left + (MARGIN.left + sx(mid(point))) * scale;
    const top = box.top - hostBox.top + MARGIN.top * scale;
    const u = data.unit.seconds;
    const title = `${data.title}, t = ${fmt(point.t0 / u)}–${fmt(point.t1 / u)} ${data.unit.name}`;
    ctx.tooltip.show(left, top, title, rows, current);
  };
  const hide = () => {
    cursor.attr('display', 'none');
    ctx.tooltip.hide();
  };

  plot
    .append('rect')
    .attr('class', 'hover-target')
    .attr('width', innerWidth)
    .attr('height', innerHeight)
    .attr('fill', 'transparent')
    .on('pointermove', (event: PointerEvent) => {
      const [mx] = pointer(event, plot.node());
      showAt(x.invert(mx) * data.unit.seconds);
    })
    .on('pointerleave', hide);

  svg
    .on('focus', () => {
      const ref = reference();
      if (!ref) return;
      const first = ref.points.findIndex(inWindow);
      showAt(mid(ref.points[Math.max(0, current >= 0 ? current : first)]!));
    })
    .on('blur', hide)
    .on('keydown', (event: KeyboardEvent) => {
      const ref = reference();
      if (!ref) return;
      const inside = ref.points.map((p, i) => (inWindow(p) ? i : -1)).filter((i) => i >= 0);
      if (inside.length === 0) return;
      const lo = inside[0]!;
      const hi = inside[inside.length - 1]!;
      let next = current < lo || current > hi ? lo : current;
      if (event.key === 'ArrowRight') next = Math.min(hi, next + 1);
      else if (event.key === 'ArrowLeft') next = Math.max(lo, next - 1);
      else if (event.key === 'Home') next = lo;
      else if (event.key === 'End') next = hi;
      else if (event.key === 'Escape') return hide();
      else return;
      event.preventDefault();
      showAt(mid(ref.points[next]!));
    });
}

function fmt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: n >= 100 ? 0 : n >= 10 ? 1 : 2 });
}
