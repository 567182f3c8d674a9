import { select } from 'd3';
import { formatUtilization, type LoadMetric } from '../shape/fabric-links.js';
import { cellLoad } from '../shape/fabric-topology.js';
import type { PlacedCell, TopologyGeometry } from '../shape/fabric-topology-layout.js';
import { hoverTooltip } from '../ui/hover-tooltip.js';
import type { Tooltip } from '../ui/tooltip.js';
import { chartFrame } from './chart-frame.js';
import { loadColor, PRESSURE_OUTLINE, pressured } from './load-scale.js';

const MARGIN = { top: 4, right: 4, bottom: 4, left: 4 };

/**
 * Draws the cluster from its laid-out geometry: the spine bar, each rack's uplink and downlink,
 * the racks (leaves) and nodes as boxes, GPUs as grey squares, and every link cell (class `mark`,
 * data-link its key) coloured by the chosen figure (p99 or mean utilization), outlined from the
 * pressure line up. Hovering or focusing a link shows its id and figures.
 */
export function drawFabricTopology(host: HTMLElement, geometry: TopologyGeometry, metric: LoadMetric, tooltip: Tooltip, tooltipHost: HTMLElement, label: string): void {
  const width = geometry.width + MARGIN.left + MARGIN.right;
  const frame = chartFrame(host, width, geometry.height + MARGIN.top + MARGIN.bottom, MARGIN, label);
  host.classList.toggle('scroll-x', width > host.clientWidth && host.clientWidth > 0);
  const { svg, plot } = frame;
  svg.attr('data-metric', metric);

  if (geometry.spine) {
    const s = geometry.spine;
    const g = plot.append('g').attr('class', 'spine');
    g.append('rect').attr('class', 'spine-bar').attr('x', s.x).attr('y', s.y).attr('width', s.w).attr('height', s.h).attr('rx', 3);
    g.append('text').attr('class', 'spine-label').attr('x', s.x + 6).attr('y', s.y + s.h - 4).text('spine');
  }
  const racks = plot.append('g').attr('class', 'racks');
  for (const r of geometry.racks) {
    const g = racks.append('g').attr('class', 'rack').attr('data-rack', String(r.rack));
    g.append('rect').attr('class', 'rack-box').attr('x', r.box.x).attr('y', r.box.y).attr('width', r.box.w).attr('height', r.box.h).attr('rx', 5);
    g.append('text').attr('class', 'rack-label').attr('x', r.label.x).attr('y', r.label.y).text(r.label.text);
  }
  const nodes = plot.append('g').attr('class', 'nodes');
  for (const n of geometry.nodes) {
    const g = nodes.append('g').attr('class', 'node').attr('data-node', String(n.node));
    g.append('rect').attr('class', 'node-box').attr('x', n.box.x).attr('y', n.box.y).attr('width', n.box.w).attr('height', n.box.h).attr('rx', 3);
    g.append('text').attr('class', 'node-label').attr('x', n.label.x).attr('y', n.label.y).text(n.label.text);
    for (const gpu of n.gpus) {
      g.append('rect').attr('class', 'gpu').attr('x', gpu.x).attr('y', gpu.y).attr('width', gpu.w).attr('height', gpu.h).attr('rx', 1.5).append('title').text(`node ${n.node} GPU ${gpu.gpu}`);
      if (gpu.w >= 16) g.append('text').attr('class', 'gpu-label').attr('x', gpu.x + gpu.w / 2).attr('y', gpu.y + gpu.h / 2).attr('dy', '0.35em').attr('text-anchor', 'middle').text(String(gpu.gpu));
    }
  }
  for (const p of geometry.ports) {
    if (p.label) plot.append('text').attr('class', 'port-label').attr('x', p.label.x).attr('y', p.label.y).attr('text-anchor', 'middle').text(p.label.text);
    if (p.value) {
      // The spine links are the few that matter most: their figures written beside them.
      const figure = (kind: string, arrow: string) => {
        const c = p.cells.find((x) => x.cell.kind === kind)?.cell;
        const v = c ? cellLoad(c, metric) : null;
        return `${arrow} ${v === null ? 'idle' : formatUtilization(v)}`;
      };
      plot.append('text').attr('class', 'port-value').attr('x', p.value.x).attr('y', p.value.y).text(`${figure('spine-up', '↑')}  ${figure('spine-down', '↓')}`);
    }
  }

  const placed = [...geometry.ports.flatMap((p) => p.cells), ...geometry.cells];
  const indexOf = new Map(placed.map((p, i) => [p, i]));
  const marks = plot
    .append('g')
    .attr('class', 'links')
    .selectAll<SVGRectElement, PlacedCell>('rect')
    .data(placed)
    .join('rect')
    .attr('class', (p) => `mark link-cell link-${p.cell.kind}${pressured(cellLoad(p.cell, metric)) ? ' pressured' : ''}`)
    .attr('data-link', (p) => p.cell.key)
    .attr('data-kind', (p) => p.cell.kind)
    .attr('data-value', (p) => {
      const v = cellLoad(p.cell, metric);
      return v === null ? '' : String(v);
    })
    .attr('x', (p) => p.x)
    .attr('y', (p) => p.y)
    .attr('width', (p) => p.w)
    .attr('height', (p) => p.h)
    .attr('fill', (p) => loadColor(cellLoad(p.cell, metric)))
    .attr('stroke', (p) => (pressured(cellLoad(p.cell, metric)) ? PRESSURE_OUTLINE : '#b8b8b8'))
    .attr('stroke-width', (p) => (pressured(cellLoad(p.cell, metric)) ? 1.5 : 0.5))
    // The spine links (two per rack) take keyboard focus; thousands of NIC and scale-up cells would drown the tab order.
    .attr('tabindex', (p) => (p.cell.node === null ? '0' : null));
  marks.append('title').text((p) => [p.cell.tooltip.title, ...p.cell.tooltip.rows.map(([k, v]) => `${k}: ${v}`)].join('\n'));
  hoverTooltip(
    marks,
    tooltip,
    tooltipHost,
    (p) => ({ title: p.cell.tooltip.title, rows: p.cell.tooltip.rows.map(([k, v]) => ({ label: k, value: v })) }),
    (p) => indexOf.get(p) ?? -1,
  );
  select(host).attr('data-cells', String(placed.length));
}
