import { interpolateCividis, interpolatePuOr, scaleBand, scaleDiverging, scaleSequential } from 'd3';
import { formatPercent, formatRatio } from '../format.js';
import type { ReplicaStrip } from '../shape/replica-strip.js';
import { chartFrame } from './chart-frame.js';

const MARGIN = { top: 22, right: 12, bottom: 8, left: 78 };
const ROW_HEIGHT = 30;
/** Narrowest cell; with more replicas than fit, the strip scrolls sideways. */
const MIN_CELL = 8;

/**
 * Draws one row per measure and one cell per replica (class `mark`), coloured by value: cividis
 * (colour-blind safe, light = high) for busy time and KV occupancy, purple-orange around an even
 * share for completed requests, so one replica doing more or less than its share stands out.
 * Cells wide enough carry their value as text; every cell has a title with it.
 */
export function drawReplicaStrip(host: HTMLElement, width: number, strip: ReplicaStrip): void {
  const cellsWidth = Math.max((width > 0 ? width : 640) - MARGIN.left - MARGIN.right, strip.replicas * MIN_CELL);
  const height = MARGIN.top + MARGIN.bottom + strip.rows.length * ROW_HEIGHT;
  const frame = chartFrame(host, cellsWidth + MARGIN.left + MARGIN.right, height, MARGIN, 'Utilisation per replica');
  const { plot } = frame;
  const replicaIds = strip.rows[0]?.cells.map((c) => c.replica) ?? [];
  const labels = new Map(strip.rows[0]?.cells.map((c) => [c.replica, c.label]) ?? []);
  const x = scaleBand<number>().domain(replicaIds).range([0, cellsWidth]).paddingInner(0.06);
  const fraction = scaleSequential(interpolateCividis).domain([0, 1]);
  const share = scaleDiverging((t: number) => interpolatePuOr(1 - t)).domain([0.5, 1, 1.5]).clamp(true);
  const showText = x.bandwidth() >= 34;

  plot
    .append('g')
    .attr('class', 'replica-labels')
    .selectAll('text')
    .data(replicaIds.filter((_, i) => showText || i % Math.ceil(36 / Math.max(1, x.bandwidth())) === 0))
    .join('text')
    .attr('x', (r) => (x(r) ?? 0) + x.bandwidth() / 2)
    .attr('y', -7)
    .attr('text-anchor', 'middle')
    .text((r) => (showText ? `replica ${labels.get(r)}` : (labels.get(r) ?? String(r))));

  strip.rows.forEach((row, i) => {
    const g = plot.append('g').attr('class', 'strip-row').attr('data-row', row.key).attr('transform', `translate(0,${i * ROW_HEIGHT})`);
    g.append('text')
      .attr('class', 'row-label')
      .attr('x', -8)
      .attr('y', ROW_HEIGHT / 2)
      .attr('dy', '0.35em')
      .attr('text-anchor', 'end')
      .text(row.label);
    const colour = (v: number) => (row.scale === 'fraction' ? fraction(Math.min(1, Math.max(0, v))) : share(v));
    const cells = g
      .selectAll('g.cell')
      .data(row.cells)
      .join('g')
      .attr('class', 'cell');
    cells
      .append('rect')
      .attr('class', 'mark cell-rect')
      .attr('x', (c) => x(c.replica) ?? 0)
      .attr('y', 2)
      .attr('width', x.bandwidth())
      .attr('height', ROW_HEIGHT - 4)
      .attr('fill', (c) => colour(c.value))
      .append('title')
      .text((c) => `Replica ${c.label}, ${row.label}: ${row.scale === 'fraction' ? formatPercent(c.value) : `${c.text} (${formatRatio(c.value)} an even share)`}`);
    if (showText) {
      cells
        .append('text')
        .attr('class', 'cell-text')
        .attr('x', (c) => (x(c.replica) ?? 0) + x.bandwidth() / 2)
        .attr('y', ROW_HEIGHT / 2)
        .attr('dy', '0.35em')
        .attr('text-anchor', 'middle')
        .attr('fill', (c) => (row.scale === 'fraction' ? (c.value > 0.55 ? '#000' : '#fff') : '#000'))
        .text((c) => c.text);
    }
  });
}
