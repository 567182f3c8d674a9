import type { SimulationResult } from '../../../engine/simulation-result.js';
import { drawAutoscaling, SCALING_LEGEND } from '../charts/autoscaling-chart.js';
import { drawSurvivalTimeline, MARKER_LEGEND, TIMELINE_STYLE } from '../charts/survival-charts.js';
import { timeUnitFor } from '../format.js';
import { autoscalingModel, disaggregationModel, fabricSentence, POOL_COLUMNS, poolRows, simulationFabric, scalingLegendKeys, simulationSurvivalTimeline, survivalSentences } from '../shape/simulation-sections.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import type { SeriesVisibility } from '../ui/series-visibility.js';
import { fabricEnginesPanel } from './fabric-engines-panel.js';
import { fabricHeatmapPanel } from './fabric-heatmap-panel.js';
import { prefixCachePanel } from './prefix-cache-panel.js';
import { staticLegend } from './survival-view.js';

/**
 * The optional sections of a simulation result, each a panel only when the result has it: the
 * prefill/decode pools and KV hand-offs, the fabric (the fabric view's heatmap and engine panels),
 * the failures over goodput (the survivability view's timeline chart), the autoscaler's replicas,
 * the prefix cache (hit rate over time and per replica).
 */
export function simulationSectionPanels(parent: HTMLElement, result: SimulationResult, visibility: SeriesVisibility): void {
  const disagg = disaggregationModel(result);
  if (disagg !== null) {
    const section = h('section', { class: 'panel', attrs: { 'data-panel': 'disaggregation' } }, h('h3', {}, 'Prefill and decode pools'));
    parent.appendChild(section);
    section.appendChild(h('p', { class: 'lead', attrs: { 'data-sentence': 'kv-transfer' } }, disagg.sentence));
    const table = h('table', { class: 'pools-table' }, h('caption', {}, 'The two pools: prefill engines hand each prompt’s KV cache to a decode engine'));
    table.appendChild(h('thead', {}, h('tr', {}, ...POOL_COLUMNS.map((c) => h('th', { attrs: { scope: 'col' } }, c)))));
    table.appendChild(h('tbody', {}, ...poolRows(disagg).map((row, i) => h('tr', { attrs: { 'data-pool': disagg.pools[i]!.role } }, ...row.map((cell) => h('td', {}, cell))))));
    section.appendChild(h('div', { class: 'table-scroll' }, table));
  }

  const fabric = simulationFabric(result);
  if (fabric !== null) {
    const section = h('section', { class: 'panel', attrs: { 'data-panel': 'simulation-fabric' } }, h('h3', {}, 'The fabric in this run'));
    parent.appendChild(section);
    section.appendChild(h('p', { class: 'lead', attrs: { 'data-sentence': 'fabric' } }, `${fabricSentence(fabric)} Traffic ran on the flow-level fabric, so communication waits on shared links.`));
    fabricHeatmapPanel(parent, fabric);
    fabricEnginesPanel(parent, fabric, visibility);
  }

  const timeline = simulationSurvivalTimeline(result);
  if (timeline !== null) {
    const section = h('section', { class: 'panel', attrs: { 'data-panel': 'simulation-survival' } }, h('h3', {}, 'Failures and goodput over simulated time'));
    parent.appendChild(section);
    section.appendChild(h('ul', { class: 'sentences', attrs: { 'data-sentence': 'failures' } }, ...survivalSentences(result).map((s) => h('li', {}, s))));
    const n = timeline.markers.length;
    const f = figure(section, 'simulation-survival-timeline', 'Goodput with the failures', n === 0 ? 'no failure in the run' : `${n} failure${n === 1 ? '' : 's'} marked: a band from failure to recovery, darker until detected`);
    f.legendSlot.appendChild(
      staticLegend(
        [...timeline.lines.map((l) => ({ key: l.key, label: l.label, color: TIMELINE_STYLE[l.key].color, dash: TIMELINE_STYLE[l.key].dash })), ...MARKER_LEGEND.map((m) => ({ key: m.key, label: m.label, color: m.color, dash: m.dash }))],
        'Lines and marks of the goodput chart',
      ),
    );
    const unit = timeUnitFor(timeline.extent[1]);
    drawOnResize(f.plot, (width) => drawSurvivalTimeline(f.plot, width, { timeline, domain: timeline.extent, unit }));
  }

  const scaling = autoscalingModel(result);
  if (scaling !== null) {
    const section = h('section', { class: 'panel', attrs: { 'data-panel': 'autoscaling' } }, h('h3', {}, 'Autoscaling: replicas in service'));
    parent.appendChild(section);
    section.appendChild(h('p', { class: 'lead', attrs: { 'data-sentence': 'autoscaling' } }, scaling.sentence));
    const f = figure(section, 'autoscaling', 'Replicas in service over time', 'a step per series bucket; each decision marked, added replicas serving after their start-up');
    const keys = scalingLegendKeys(scaling);
    f.legendSlot.appendChild(staticLegend(SCALING_LEGEND.filter((l) => keys.includes(l.key)), 'Lines of the autoscaling chart'));
    const unit = timeUnitFor(scaling.extent[1]);
    drawOnResize(f.plot, (width) => drawAutoscaling(f.plot, width, scaling, unit));
    if (scaling.events.length > 0) section.appendChild(h('ul', { class: 'sentences', attrs: { 'data-sentence': 'scaling-events' } }, ...scaling.events.map((e) => h('li', {}, e.title))));
  }

  prefixCachePanel(parent, result);
}
