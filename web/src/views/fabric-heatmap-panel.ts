import type { FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import { drawLinkHeatmap, heatmapInset } from '../charts/link-heatmap.js';
import { loadLegend } from '../charts/load-scale.js';
import { drawTimeBrush } from '../charts/time-brush.js';
import { timeUnitFor } from '../format.js';
import { scaleUpName } from '../shape/fabric-links.js';
import { heatmapExtent, heatmapOverview, heatmapRows } from '../shape/fabric-heatmap.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { Tooltip } from '../ui/tooltip.js';

/**
 * The link x time heatmap of the hottest links, with a brush strip under it (the busiest link per
 * time bucket) that zooms the heatmap to a time window, as the simulation's time series do.
 */
export function fabricHeatmapPanel(parent: HTMLElement, result: Pick<FabricResult, 'run' | 'scenario'>): void {
  const section = h('section', { class: 'panel', attrs: { 'data-panel': 'fabric-heatmap' } }, h('h3', {}, 'The hottest links over simulated time'));
  parent.appendChild(section);
  const rows = heatmapRows(result);
  if (rows.length === 0) {
    section.appendChild(h('p', { class: 'hint', attrs: { 'data-empty': 'link-heatmap' } }, 'No link carried traffic in this run: there is nothing to draw over time.'));
    return;
  }
  section.appendChild(
    h('p', { class: 'hint' }, `${rows.length} busiest link${rows.length === 1 ? '' : 's'} by p99, one row each, one cell per time bucket. Drag across the strip under it to zoom into a time window; where cells merge, each shows the highest bucket in it.`),
  );
  section.appendChild(h('div', { class: 'load-legend-slot' }, loadLegend('Link utilization per time bucket', false, 'underlined: ≥ 80% (pressure)')));
  const extent = heatmapExtent(rows);
  const unit = timeUnitFor(extent[1]);
  let domain: [number, number] = extent;
  const f = figure(section, 'link-heatmap', 'Link × time', 'rows: the busiest links first');
  const tooltip = new Tooltip(f.figure);
  const scaleUp = scaleUpName(result);
  const redraw = drawOnResize(f.plot, (width) => drawLinkHeatmap(f.plot, width, { rows, domain, unit, scaleUp }, tooltip, f.figure));

  const reset = h('button', { class: 'reset-zoom', attrs: { type: 'button', disabled: '' } }, 'Show the whole run');
  const brushFigure = figure(section, 'fabric-time-brush', 'Time window', 'the busiest link per bucket · drag to zoom · click outside the selection to reset');
  brushFigure.figure.querySelector('figcaption')?.appendChild(reset);
  const overview = heatmapOverview(rows);
  const setDomain = (next: [number, number] | null) => {
    domain = next ?? extent;
    reset.disabled = next === null;
    tooltip.hide();
    redraw();
  };
  const redrawBrush = drawOnResize(brushFigure.plot, (width) => drawTimeBrush(brushFigure.plot, width, { points: overview, color: '#D55E00', extent, domain: () => domain, unit, inset: heatmapInset(f.plot, width, rows) }, setDomain));
  reset.addEventListener('click', () => {
    setDomain(null);
    redrawBrush();
  });
}
