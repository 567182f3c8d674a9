import { axisBottom, scaleLinear } from 'd3';
import { formatPercent } from '../format.js';
import type { GapBar } from '../shape/fabric-summary.js';
import { estimateTextWidth, shortLabel } from '../shape/label-layout.js';
import { INK } from '../palette.js';
import { axisTitles, chartFrame, frameWidth, measureLabels } from './chart-frame.js';

/** Per-node figures in blue, the fabric's in vermillion (Okabe-Ito). */
export const GAP_COLORS = { 'per-node': '#0072B2', fabric: '#D55E00' } as const;

const ROW = 22;
const GROUP = 20;
const MARGIN = { top: 6, right: 88, bottom: 38, left: 180 };

/**
 * Draws the per-node view beside the fabric on one 0-100% axis: GPU busy and KV occupancy (what a
 * per-node dashboard shows) above the hottest link's p99 and mean utilization, each bar (class
 * `mark`) with its value and, where it has one, its threshold as a dashed tick; a figure at or over
 * its threshold is written in bold with the threshold beside it.
 */
export function drawGapBars(host: HTMLElement, width: number, bars: readonly GapBar[]): void {
  const maxChars = Math.max(16, Math.min(44, Math.floor((frameWidth(width) * 0.45) / estimateTextWidth('x', 12))));
  const names = bars.map((b) => shortLabel(b.label, maxChars));
  const widths = measureLabels(host, names, 'row-label', (t) => estimateTextWidth(t, 12));
  const margin = { ...MARGIN, left: Math.ceil(Math.min(frameWidth(width) * 0.5, Math.max(60, ...widths) + 12)) };
  const groups = [...new Set(bars.map((b) => b.group))];
  const height = margin.top + margin.bottom + bars.length * ROW + groups.length * GROUP;
  const frame = chartFrame(host, width, height, margin, 'The per-node view beside the hottest link');
  const { plot, innerWidth } = frame;
  const x = scaleLinear().domain([0, Math.max(1, ...bars.map((b) => b.value))]).range([0, innerWidth]);
  let y = 0;
  let group: string | null = null;
  const inner = bars.length * ROW + groups.length * GROUP;
  bars.forEach((b, i) => {
    if (b.group !== group) {
      group = b.group;
      plot.append('text').attr('class', 'gap-group').attr('x', -margin.left + 4).attr('y', y + 14).attr('fill', GAP_COLORS[b.group]).text(b.group === 'per-node' ? 'Per node (what a dashboard shows)' : 'The fabric (its hottest link)');
      y += GROUP;
    }
    const g = plot.append('g').attr('class', `gap-bar${b.over ? ' over' : ''}`).attr('data-bar', b.key).attr('transform', `translate(0,${y})`);
    g.append('title').text(`${b.label}: ${b.text}${b.threshold !== null ? ` (${b.over ? 'at or over' : 'under'} ${formatPercent(b.threshold, 0)})` : ''}`);
    g.append('text').attr('class', 'row-label').attr('x', -8).attr('y', ROW / 2).attr('dy', '0.35em').attr('text-anchor', 'end').text(names[i]!);
    g.append('rect').attr('class', 'mark').attr('x', 0).attr('y', 3).attr('width', Math.max(1.5, x(b.value))).attr('height', ROW - 6).attr('fill', GAP_COLORS[b.group]).attr('data-value', String(b.value));
    if (b.threshold !== null) {
      g.append('line').attr('class', 'gap-threshold').attr('x1', x(b.threshold)).attr('x2', x(b.threshold)).attr('y1', 0).attr('y2', ROW).attr('stroke', INK);
    }
    const text = b.over && b.threshold !== null ? `${b.text} ≥ ${formatPercent(b.threshold, 0)}` : b.text;
    g.append('text').attr('class', `bar-label${b.over ? ' bar-error' : ''}`).attr('x', Math.max(1.5, x(b.value)) + 5).attr('y', ROW / 2).attr('dy', '0.35em').attr('fill', INK).text(text);
    y += ROW;
  });
  plot.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0,${inner})`).call(axisBottom(x).ticks(5).tickFormat((d) => formatPercent(Number(d), 0)));
  axisTitles(frame, 'Share (dashed: where each figure counts as stressed)', '');
}
