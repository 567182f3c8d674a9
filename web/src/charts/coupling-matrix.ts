import { interpolateBlues, scaleSequentialSqrt } from 'd3';
import { formatSeconds } from '../format.js';
import { engineName, type CouplingCell, type CouplingModel, type EngineRole } from '../shape/fabric-engines.js';
import { hoverTooltip } from '../ui/hover-tooltip.js';
import type { Tooltip } from '../ui/tooltip.js';
import { chartFrame, frameWidth } from './chart-frame.js';

/** Role colours (Okabe-Ito orange and bluish green): the bands beside the matrix, the engine bars. */
export const ROLE_COLORS: Record<EngineRole, string> = { prefill: '#E69F00', decode: '#009E73', engine: '#56B4E9' };

const MARGIN = { top: 58, right: 12, bottom: 10, left: 66 };
const BAND = 6;
const MAX_CELL = 26;
const MIN_CELL = 6;

/**
 * Draws the coupling matrix: row i, column j is how long engine i waited on the fabric because of
 * engine j's traffic (class `mark`, blue by square root of seconds, so small couplings still
 * show), the diagonal grey (an engine's own traffic is not counted), each row and column labelled
 * with its engine index and a role band (prefill, decode) beside them.
 */
export function drawCouplingMatrix(host: HTMLElement, width: number, model: CouplingModel, tooltip: Tooltip, tooltipHost: HTMLElement): void {
  const n = model.n;
  const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor((frameWidth(width) - MARGIN.left - MARGIN.right) / Math.max(1, n))));
  const size = cell * n;
  const frame = chartFrame(host, MARGIN.left + MARGIN.right + size, MARGIN.top + MARGIN.bottom + size, MARGIN, 'Coupling between engines: who waited on whose traffic');
  host.classList.toggle('scroll-x', MARGIN.left + MARGIN.right + size > host.clientWidth && host.clientWidth > 0);
  const { plot, svg } = frame;
  const color = scaleSequentialSqrt(interpolateBlues).domain([0, model.max > 0 ? model.max : 1]);
  const every = Math.max(1, Math.ceil(12 / cell));

  svg.append('text').attr('class', 'axis-title').attr('x', MARGIN.left).attr('y', 12).text("whose traffic (column) →");
  if (size >= 150) {
    svg
      .append('text')
      .attr('class', 'axis-title')
      .attr('transform', `translate(12,${MARGIN.top + size / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text('engine that waited (row)');
  }

  const roles = model.roles;
  const bands = plot.append('g').attr('class', 'role-bands');
  roles.forEach((role, i) => {
    if (role === 'engine') return;
    bands.append('rect').attr('class', `role-band role-${role}`).attr('x', -BAND - 2).attr('y', i * cell).attr('width', BAND).attr('height', cell).attr('fill', ROLE_COLORS[role]).append('title').text(engineName(i, role));
    bands.append('rect').attr('class', `role-band role-${role}`).attr('x', i * cell).attr('y', -BAND - 2).attr('width', cell).attr('height', BAND).attr('fill', ROLE_COLORS[role]).append('title').text(engineName(i, role));
  });
  const labels = plot.append('g').attr('class', 'engine-labels');
  for (let i = 0; i < n; i += every) {
    const row = labels.append('text').attr('class', 'engine-label row-engine').attr('x', -BAND - 6).attr('y', i * cell + cell / 2).attr('dy', '0.35em').attr('text-anchor', 'end').text(String(i));
    row.append('title').text(`${engineName(i, roles[i]!)}: waited ${formatSeconds(model.rowTotals[i] ?? 0)} in all on others' traffic`);
    labels
      .append('text')
      .attr('class', 'engine-label column-engine')
      .attr('transform', `translate(${i * cell + cell / 2},${-BAND - 6}) rotate(-90)`)
      .attr('dy', '0.35em')
      .text(String(i))
      .append('title')
      .text(engineName(i, roles[i]!));
  }

  const marks = plot
    .append('g')
    .attr('class', 'coupling-cells')
    .selectAll<SVGRectElement, CouplingCell>('rect')
    .data(model.cells)
    .join('rect')
    .attr('class', (c) => `mark coupling-cell${c.i === c.j ? ' diagonal-cell' : ''}`)
    .attr('data-i', (c) => String(c.i))
    .attr('data-j', (c) => String(c.j))
    .attr('data-value', (c) => String(c.seconds))
    .attr('x', (c) => c.j * cell)
    .attr('y', (c) => c.i * cell)
    .attr('width', cell - (cell > 8 ? 1 : 0))
    .attr('height', cell - (cell > 8 ? 1 : 0))
    .attr('fill', (c) => (c.i === c.j ? '#d4d4d4' : c.seconds > 0 ? color(c.seconds) : '#f4f4f4'));
  marks.append('title').text((c) => (c.i === c.j ? `${engineName(c.i, roles[c.i]!)}: its own traffic is not counted` : c.title));
  hoverTooltip(
    marks,
    tooltip,
    tooltipHost,
    (c) => ({
      title: `${engineName(c.i, roles[c.i]!)} ← ${engineName(c.j, roles[c.j]!)}`,
      rows: c.i === c.j ? [{ label: 'own traffic', value: 'not counted' }] : [{ label: 'waited', value: formatSeconds(c.seconds) }],
    }),
    (c) => c.i * n + c.j,
  );
}
