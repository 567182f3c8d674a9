import { axisBottom, axisLeft, line, scaleBand, scaleLinear, curveStepAfter } from 'd3';
import { formatPercent, formatRate, type TimeUnit } from '../format.js';
import { INK, MUTED, OUTCOME_COLORS } from '../palette.js';
import { OUTCOME_LETTER, type BoundaryCell, type BoundaryMap, type SurvivalStep, type SurvivalTimeLine, type SurvivalTimePoint, type SurvivalTimeline } from '../shape/survival.js';
import { axisTitles, chartFrame, tickCount } from './chart-frame.js';

/** The survivability charts: goodput over time with failure bands, the survival curve, the boundary map. */

export const TIMELINE_STYLE: Record<SurvivalTimeLine['key'], { color: string; dash: string; width: number }> = {
  arrivals: { color: MUTED, dash: '2 3', width: 1.5 },
  baseline: { color: '#0072B2', dash: '7 3', width: 2 },
  goodput: { color: INK, dash: '', width: 2.5 },
};
const FAILED = '#D55E00';
const DETECTED = '#E69F00';
const RECOVERED = '#009E73';

export const TIMELINE_MARGIN = { top: 14, right: 16, bottom: 42, left: 58 };

export interface TimelineData {
  timeline: SurvivalTimeline;
  domain: [number, number];
  unit: TimeUnit;
}

/**
 * Goodput (mean over trials) beside the baseline's and the arrivals per time bucket, clipped to the
 * window `domain` (the brush sets it); each failure a band from failure to recovery (to the end of
 * the run when it did not recover) with lines at failure (vermillion), detection (orange, dashed)
 * and recovery (green).
 */
export function drawSurvivalTimeline(host: HTMLElement, width: number, data: TimelineData): void {
  const frame = chartFrame(host, width, 300, TIMELINE_MARGIN, 'Goodput over simulated time, with the failures marked');
  const { svg, plot, innerWidth, innerHeight } = frame;
  const [d0, d1] = data.domain;
  svg.attr('data-x-min', String(d0)).attr('data-x-max', String(d1));
  const u = data.unit.seconds;
  const x = scaleLinear().domain([d0 / u, d1 / u]).range([0, innerWidth]);
  const yMax = Math.max(0, ...data.timeline.lines.flatMap((l) => l.points.map((p) => p.value)));
  const y = scaleLinear()
    .domain([0, yMax > 0 ? yMax * 1.05 : 1])
    .range([innerHeight, 0])
    .nice();
  plot.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${innerHeight})`).call(axisBottom(x).ticks(tickCount(innerWidth)));
  plot.append('g').attr('class', 'axis axis-y').call(axisLeft(y).ticks(5));
  axisTitles(frame, `Simulated time (${data.unit.name})`, 'Requests per second');

  const markers = plot.append('g').attr('class', 'failure-markers').attr('clip-path', frame.clip);
  for (const m of data.timeline.markers) {
    const g = markers.append('g').attr('class', 'mark failure-marker').attr('data-marker', String(m.index)).attr('data-recovered', String(m.recoveredAt !== null));
    g.append('title').text(m.title);
    const x0 = x(m.at / u);
    const x1 = x(m.bandEnd / u);
    g.append('rect').attr('class', 'failure-band').attr('x', x0).attr('y', 0).attr('width', Math.max(1, x1 - x0)).attr('height', innerHeight).attr('fill', FAILED).attr('fill-opacity', 0.1);
    if (m.detectedAt !== null) {
      const xd = x(m.detectedAt / u);
      g.append('rect').attr('class', 'undetected-band').attr('x', x0).attr('y', 0).attr('width', Math.max(1, xd - x0)).attr('height', innerHeight).attr('fill', FAILED).attr('fill-opacity', 0.12);
      g.append('line').attr('class', 'marker-detected').attr('x1', xd).attr('x2', xd).attr('y1', 0).attr('y2', innerHeight).attr('stroke', DETECTED).attr('stroke-width', 2).attr('stroke-dasharray', '5 3');
    }
    g.append('line').attr('class', 'marker-failed').attr('x1', x0).attr('x2', x0).attr('y1', 0).attr('y2', innerHeight).attr('stroke', FAILED).attr('stroke-width', 2);
    if (m.recoveredAt !== null) {
      g.append('line').attr('class', 'marker-recovered').attr('x1', x1).attr('x2', x1).attr('y1', 0).attr('y2', innerHeight).attr('stroke', RECOVERED).attr('stroke-width', 2);
    }
  }

  const path = line<SurvivalTimePoint>()
    .x((p) => x(p.t0 / u))
    .y((p) => y(p.value))
    .curve(curveStepAfter);
  const lines = plot.append('g').attr('class', 'timeline-lines').attr('clip-path', frame.clip);
  for (const l of data.timeline.lines) {
    if (l.points.length === 0) continue;
    const style = TIMELINE_STYLE[l.key];
    // The last bucket's right edge closes the step.
    const last = l.points[l.points.length - 1]!;
    const points = [...l.points, { t0: last.t1, t1: last.t1, value: last.value }];
    lines
      .append('path')
      .attr('class', 'mark series-line')
      .attr('data-series', l.key)
      .attr('fill', 'none')
      .attr('stroke', style.color)
      .attr('stroke-width', style.width)
      .attr('stroke-dasharray', style.dash)
      .attr('d', path(points) ?? '')
      .append('title')
      .text(l.label);
  }
}

/** The legend entries of the timeline's failure marks. */
export const MARKER_LEGEND = [
  { key: 'failed', label: 'failure', color: FAILED, dash: '' },
  { key: 'detected', label: 'detected', color: DETECTED, dash: '5 3' },
  { key: 'recovered', label: 'recovered', color: RECOVERED, dash: '' },
] as const;

/**
 * The survival curve: trial attainments ascending as an empirical CDF (a step per trial, a dot at
 * each), with the baseline's attainment as a vertical line.
 */
export function drawSurvivalCurve(host: HTMLElement, width: number, steps: readonly SurvivalStep[], baseline: number): void {
  const frame = chartFrame(host, width, 260, { top: 14, right: 16, bottom: 42, left: 58 }, 'Survival curve: SLO attainment per trial, ascending');
  const { svg, plot, innerWidth, innerHeight } = frame;
  const values = [...steps.map((s) => s.attainment), baseline].filter((v) => Number.isFinite(v));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = Math.max((hi - lo) * 0.08, 0.002);
  const x = scaleLinear()
    .domain([Math.max(0, lo - pad), Math.min(1, hi + pad) > Math.max(0, lo - pad) ? Math.min(1, hi + pad) : 1])
    .range([0, innerWidth]);
  const y = scaleLinear().domain([0, 1]).range([innerHeight, 0]);
  svg.attr('data-points', String(steps.length));
  plot.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${innerHeight})`).call(axisBottom(x).ticks(tickCount(innerWidth)).tickFormat((v) => formatPercent(Number(v), 1)));
  plot.append('g').attr('class', 'axis axis-y').call(axisLeft(y).ticks(5).tickFormat((v) => formatPercent(Number(v), 0)));
  axisTitles(frame, 'SLO attainment of a trial', 'Share of trials at or below');
  const xb = x(baseline);
  const base = plot.append('g').attr('class', 'mark baseline-line');
  base.append('line').attr('x1', xb).attr('x2', xb).attr('y1', 0).attr('y2', innerHeight).attr('stroke', '#0072B2').attr('stroke-width', 2).attr('stroke-dasharray', '7 3');
  base.append('text').attr('class', 'mark-label').attr('x', xb - 4).attr('y', 10).attr('text-anchor', 'end').text(`baseline ${formatPercent(baseline)}`);
  base.append('title').text(`Without the failures: ${formatPercent(baseline)}`);
  if (steps.length === 0) return;
  const points: [number, number][] = [[x(steps[0]!.attainment), y(0)], ...steps.map((s) => [x(s.attainment), y(s.share)] as [number, number])];
  const stepLine: [number, number][] = [];
  points.forEach((p, i) => {
    if (i > 0) stepLine.push([p[0], points[i - 1]![1]]);
    stepLine.push(p);
  });
  stepLine.push([innerWidth, y(1)]);
  plot.append('path').attr('class', 'survival-step').attr('fill', 'none').attr('stroke', INK).attr('stroke-width', 2).attr('d', `M${stepLine.map((p) => `${p[0]},${p[1]}`).join('L')}`);
  // Dots only while they stay apart; thousands of trials read as the step alone.
  if (steps.length <= 500) {
    plot
      .append('g')
      .attr('class', 'survival-dots')
      .selectAll('circle')
      .data(steps)
      .join('circle')
      .attr('class', 'mark survival-dot')
      .attr('cx', (s) => x(s.attainment))
      .attr('cy', (s) => y(s.share))
      .attr('r', 3.5)
      .attr('fill', INK)
      .append('title')
      .text((s) => `${formatPercent(s.attainment)}: ${formatPercent(s.share, 0)} of trials at or below`);
  }
}

const ROW_HEIGHT = 34;
/** Narrowest column that still writes its attainment in. */
const TEXT_COLUMN = 40;

/**
 * The boundary map: one row per failure size, one column per swept offered rate, each cell coloured
 * by its outcome with its letter and (where wide enough) its SLO attainment written in; the
 * highest rate each size survives is outlined.
 */
export function drawBoundaryMap(host: HTMLElement, width: number, map: BoundaryMap): void {
  const margin = { top: 8, right: 16, bottom: 42, left: 70 };
  const frame = chartFrame(host, width, margin.top + margin.bottom + map.rows.length * ROW_HEIGHT, margin, 'Survivability boundary: outcome per failure size and offered rate');
  const { svg, plot, innerWidth } = frame;
  svg.attr('data-cells', String(map.cells.length));
  const x = scaleBand<number>().domain(map.rates.map((_, i) => i)).range([0, innerWidth]).paddingInner(0.04);
  const bw = x.bandwidth();
  const every = Math.max(1, Math.ceil(map.rates.length / tickCount(innerWidth, 60)));
  plot
    .append('g')
    .attr('class', 'axis axis-x')
    .attr('transform', `translate(0,${map.rows.length * ROW_HEIGHT})`)
    .call(
      axisBottom(x)
        .tickValues(map.rates.map((_, i) => i).filter((i) => i % every === 0))
        .tickFormat((i) => formatRate(map.rates[i]!, '').trim()),
    );
  axisTitles(frame, 'Offered rate (req/s)', '');
  map.rows.forEach((r, i) => {
    plot.append('text').attr('class', 'row-label').attr('x', -8).attr('y', i * ROW_HEIGHT + ROW_HEIGHT / 2).attr('dy', '0.35em').attr('text-anchor', 'end').text(r.size).append('title').text(`${r.size}: ${r.summary}`);
  });
  const cells = plot
    .append('g')
    .attr('class', 'boundary-cells')
    .selectAll<SVGGElement, BoundaryCell>('g')
    .data(map.cells)
    .join('g')
    .attr('class', 'mark boundary-cell')
    .attr('data-outcome', (c) => c.outcome ?? 'none')
    .attr('data-row', (c) => String(c.row))
    .attr('data-rate', (c) => String(c.rate));
  cells.append('title').text((c) => c.title);
  cells
    .append('rect')
    .attr('x', (c) => x(c.column) ?? 0)
    .attr('y', (c) => c.row * ROW_HEIGHT + 2)
    .attr('width', Math.max(0.5, bw))
    .attr('height', ROW_HEIGHT - 4)
    .attr('fill', (c) => (c.outcome === null ? '#ffffff' : OUTCOME_COLORS[c.outcome]))
    .attr('stroke', (c) => (c.outcome === null ? MUTED : map.rows[c.row]!.boundaryRate === c.rate ? INK : 'none'))
    .attr('stroke-width', (c) => (map.rows[c.row]!.boundaryRate === c.rate ? 2.5 : 1));
  if (bw >= 14) {
    cells
      .append('text')
      .attr('class', 'cell-text')
      .attr('x', (c) => (x(c.column) ?? 0) + bw / 2)
      .attr('y', (c) => c.row * ROW_HEIGHT + ROW_HEIGHT / 2)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'middle')
      .attr('fill', INK)
      .attr('pointer-events', 'none')
      .text((c) => (c.outcome === null ? c.text : bw >= TEXT_COLUMN ? `${OUTCOME_LETTER[c.outcome]} ${c.text}` : OUTCOME_LETTER[c.outcome]));
  }
}
