import { axisBottom, axisLeft, axisRight, line, scaleBand, scaleLinear } from 'd3';
import { formatCount, formatPercent, formatRate, formatSeconds, type TimeUnit } from '../format.js';
import { INK, OKABE_ITO } from '../palette.js';
import type { HitRatePoint, HitRateSeries, PrefixCacheModel, ReplicaHitBar } from '../shape/prefix-cache.js';
import { hoverTooltip } from '../ui/hover-tooltip.js';
import type { Tooltip } from '../ui/tooltip.js';
import { axisTitles, chartFrame, frameWidth, tickCount } from './chart-frame.js';

/** The prefix-cache charts: the hit rate over simulated time, and each replica's hit rate beside its requests. */

const HIT = OKABE_ITO[0];
const EVEN = '#D55E00';

/** The legend entries of the per-replica chart. */
export const PREFIX_REPLICA_LEGEND = [
  { key: 'hit-rate', label: 'hit rate (left axis)', color: HIT, dash: '', band: true },
  { key: 'requests', label: 'requests routed (right axis)', color: INK, dash: '' },
  { key: 'even-share', label: 'an even share of requests', color: EVEN, dash: '5 3' },
] as const;

/**
 * The cluster's prefix-cache hit rate per bucket as one line over simulated time (x: bucket index ×
 * bucketSeconds), 0-100%; a bucket where no prompt was looked up is a gap in the line, and a value
 * alone between gaps a dot.
 */
export function drawHitRateLine(host: HTMLElement, width: number, series: HitRateSeries, unit: TimeUnit): void {
  const frame = chartFrame(host, width, 240, { top: 14, right: 16, bottom: 42, left: 58 }, 'Prefix cache hit rate over simulated time');
  const { svg, plot, innerWidth, innerHeight } = frame;
  const [d0, d1] = series.extent;
  svg.attr('data-x-min', String(d0)).attr('data-x-max', String(d1));
  const u = unit.seconds;
  const x = scaleLinear().domain([d0 / u, d1 / u]).range([0, innerWidth]);
  const y = scaleLinear().domain([0, 1]).range([innerHeight, 0]);
  plot.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${innerHeight})`).call(axisBottom(x).ticks(tickCount(innerWidth)));
  plot.append('g').attr('class', 'axis axis-y').call(axisLeft(y).ticks(5).tickFormat((d) => formatPercent(Number(d), 0)));
  axisTitles(frame, `Simulated time (${unit.name})`, 'Hit rate (tokens)');

  const g = plot.append('g').attr('class', 'hit-rate-line').attr('clip-path', frame.clip);
  const path = line<HitRatePoint>()
    .defined((p) => p.hitRate !== null)
    .x((p) => x(p.t / u))
    .y((p) => y(p.hitRate ?? 0));
  g.append('path')
    .attr('class', 'mark series-line')
    .attr('data-series', 'hit-rate')
    .attr('fill', 'none')
    .attr('stroke', HIT)
    .attr('stroke-width', 2.5)
    .attr('stroke-linejoin', 'round')
    .attr('d', path(series.points) ?? '')
    .append('title')
    .text('Prefix cache hit rate (tokens)');
  g.selectAll<SVGCircleElement, HitRatePoint>('circle')
    .data(series.points.filter((p) => p.isolated))
    .join('circle')
    .attr('class', 'mark isolated-point')
    .attr('cx', (p) => x(p.t / u))
    .attr('cy', (p) => y(p.hitRate ?? 0))
    .attr('r', 3)
    .attr('fill', HIT)
    .append('title')
    .text((p) => `${formatPercent(p.hitRate)} at ${formatSeconds(p.t)}, ${formatRate(p.queriedTokensPerSecond, 'tok/s')} looked up`);
}

const BAR_MARGIN = { top: 14, right: 62, bottom: 42, left: 58 };
/** Narrowest bar slot; with more replicas than fit, the chart scrolls sideways. */
const MIN_SLOT = 3;

/**
 * A bar per replica of its hit rate (left axis, 0-100%), with a tick across its slot at the
 * requests routed to it (right axis) and a dashed line at an even share: an engine the router
 * starved or flooded stands out beside its hit rate. Each bar's title and tooltip carry its figures.
 */
export function drawReplicaHitBars(host: HTMLElement, width: number, model: PrefixCacheModel, tooltip: Tooltip, tooltipHost: HTMLElement): void {
  const bars = model.replicas;
  const slots = Math.max(1, bars.length);
  const w = Math.max(frameWidth(width), BAR_MARGIN.left + BAR_MARGIN.right + slots * MIN_SLOT);
  const frame = chartFrame(host, w, 240, BAR_MARGIN, 'Prefix cache hit rate and requests per replica');
  host.classList.toggle('scroll-x', w > host.clientWidth && host.clientWidth > 0);
  const { svg, plot, innerWidth, innerHeight, margin } = frame;
  const x = scaleBand<number>().domain(bars.map((_, i) => i)).range([0, innerWidth]).paddingInner(bars.length > 64 ? 0.05 : 0.25);
  const y = scaleLinear().domain([0, 1]).range([innerHeight, 0]);
  const yRequests = scaleLinear().domain([0, model.maxRequests > 0 ? model.maxRequests * 1.1 : 1]).range([innerHeight, 0]).nice();
  const every = Math.max(1, Math.ceil(28 / Math.max(1, x.bandwidth())));
  plot
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${innerHeight})`)
    .call(
      axisBottom(x)
        .tickValues(x.domain().filter((i) => i % every === 0))
        .tickFormat((i) => String(bars[i]?.replica ?? i)),
    );
  plot.append('g').attr('class', 'axis axis-y').call(axisLeft(y).ticks(5).tickFormat((d) => formatPercent(Number(d), 0)));
  plot.append('g').attr('class', 'axis axis-y-right').attr('transform', `translate(${innerWidth},0)`).call(axisRight(yRequests).ticks(5).tickFormat((d) => formatCount(Number(d))));
  axisTitles(frame, 'Replica', 'Hit rate (tokens)');
  svg
    .append('text')
    .attr('class', 'axis-title')
    .attr('transform', `translate(${margin.left + innerWidth + margin.right - 12},${margin.top + innerHeight / 2}) rotate(90)`)
    .attr('text-anchor', 'middle')
    .text('Requests');

  const marks = plot
    .append('g')
    .attr('class', 'prefix-hit-bars')
    .selectAll<SVGRectElement, ReplicaHitBar>('rect')
    .data(bars)
    .join('rect')
    .attr('class', 'mark prefix-hit-bar')
    .attr('data-replica', (b) => String(b.replica))
    .attr('data-value', (b) => String(b.hitRate))
    .attr('x', (_, i) => x(i) ?? 0)
    .attr('width', x.bandwidth())
    .attr('y', (b) => y(b.hitRate))
    // A zero still shows a hairline, so a bar is never mistaken for a missing replica.
    .attr('height', (b) => Math.max(1, innerHeight - y(b.hitRate)))
    .attr('fill', HIT)
    .attr('fill-opacity', 0.75);
  marks.append('title').text((b) => b.title);

  plot
    .append('g')
    .attr('class', 'prefix-requests')
    .selectAll<SVGLineElement, ReplicaHitBar>('line')
    .data(bars)
    .join('line')
    .attr('class', 'prefix-requests-tick')
    .attr('data-replica', (b) => String(b.replica))
    .attr('data-requests', (b) => String(b.requests))
    .attr('x1', (_, i) => x(i) ?? 0)
    .attr('x2', (_, i) => (x(i) ?? 0) + x.bandwidth())
    .attr('y1', (b) => yRequests(b.requests))
    .attr('y2', (b) => yRequests(b.requests))
    .attr('stroke', INK)
    .attr('stroke-width', 2.5)
    .attr('pointer-events', 'none');

  if (model.evenShare > 0) {
    const ye = yRequests(model.evenShare);
    plot
      .append('line')
      .attr('class', 'prefix-even-share')
      .attr('x1', 0)
      .attr('x2', innerWidth)
      .attr('y1', ye)
      .attr('y2', ye)
      .attr('stroke', EVEN)
      .attr('stroke-width', 1.5)
      .attr('stroke-dasharray', '5 3')
      .attr('pointer-events', 'none')
      .append('title')
      .text(`An even share: ${formatCount(model.evenShare)} requests per replica`);
  }

  const indexOf = new Map(bars.map((b, i) => [b, i]));
  hoverTooltip(
    marks,
    tooltip,
    tooltipHost,
    (b) => ({
      title: `Replica ${b.replica}`,
      rows: [
        { label: 'hit rate', value: formatPercent(b.hitRate) },
        { label: 'requests', value: formatCount(b.requests) },
        { label: 'against an even share', value: b.requestShare === null ? '–' : `${b.requestShare.toFixed(2)}×` },
        { label: 'prompt tokens looked up', value: formatCount(b.queriedTokens) },
        { label: 'served from the cache', value: formatCount(b.hitTokens) },
        { label: 'evicted blocks', value: formatCount(b.evictedBlocks) },
      ],
    }),
    (b) => indexOf.get(b) ?? -1,
  );
}
