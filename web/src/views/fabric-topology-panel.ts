import type { FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import { FALLBACK_WIDTH } from '../charts/chart-frame.js';
import { drawFabricTopology } from '../charts/fabric-topology.js';
import { loadLegend } from '../charts/load-scale.js';
import type { LoadMetric } from '../shape/fabric-links.js';
import { topologyModel } from '../shape/fabric-topology.js';
import { topologyLayout } from '../shape/fabric-topology-layout.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { Tooltip } from '../ui/tooltip.js';

const METRICS: { key: LoadMetric; label: string }[] = [
  { key: 'p99', label: 'p99 over time' },
  { key: 'mean', label: 'mean over time' },
];

/**
 * The topology panel: spine, racks, nodes and GPUs with every link coloured by its load (p99 or
 * mean utilization, a toggle), a colour scale, and a tooltip with each link's id and figures.
 */
export function fabricTopologyPanel(parent: HTMLElement, result: FabricResult): void {
  const model = topologyModel(result);
  const section = h('section', { class: 'panel', attrs: { 'data-panel': 'fabric-topology' } }, h('h3', {}, 'Topology, links coloured by load'));
  parent.appendChild(section);
  const notes = [...model.notes];
  if (result.run.linksUsed === 0) notes.unshift('No link carried traffic in this run: every link is drawn grey.');
  section.append(
    h('p', { class: 'hint', attrs: { 'data-topology-summary': '' } }, `${model.summary}. ${model.reading} Hover a link for its id and figures.`),
    ...notes.map((n) => h('p', { class: 'hint topology-note' }, n)),
  );
  let metric: LoadMetric = 'p99';
  const buttons = METRICS.map((m) => h('button', { class: 'metric-toggle', attrs: { type: 'button', 'data-metric': m.key, 'aria-pressed': String(m.key === metric) } }, m.label));
  const controls = h('div', { class: 'topology-controls' }, h('span', { class: 'legend-caption' }, 'Colour by utilization:'), h('div', { class: 'segmented', attrs: { role: 'group', 'aria-label': 'Colour links by' } }, ...buttons));
  section.appendChild(controls);
  const legendSlot = h('div', { class: 'load-legend-slot' });
  section.appendChild(legendSlot);
  const f = figure(section, 'fabric-topology', model.detail === 'gpu' ? 'Every GPU and its links' : 'Every node, the busiest of its links per kind', model.hasSpine ? 'spine on top; racks (one leaf each) below' : undefined);
  const tooltip = new Tooltip(f.figure);
  const showLegend = () => legendSlot.replaceChildren(loadLegend(metric === 'p99' ? 'Link utilization, p99 over the run' : 'Link utilization, mean over the run'));
  showLegend();
  const label = `Cluster topology: ${model.summary}`;
  const redraw = drawOnResize(f.plot, (width) => drawFabricTopology(f.plot, topologyLayout(model, (width > 0 ? width : FALLBACK_WIDTH) - 8), metric, tooltip, f.figure, label));
  for (const button of buttons) {
    button.addEventListener('click', () => {
      metric = button.dataset.metric as LoadMetric;
      for (const b of buttons) b.setAttribute('aria-pressed', String(b === button));
      tooltip.hide();
      showLegend();
      redraw();
    });
  }
}
