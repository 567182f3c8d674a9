import type { SaturationComparison } from '../../../analyzers/saturation/saturation-result.js';
import { drawPareto } from '../charts/pareto.js';
import { configurationRows } from '../shape/configurations.js';
import { paretoPoints } from '../shape/pareto.js';
import type { Labelled } from '../shape/report-sections.js';
import { calibrationOf } from '../shape/scenario-summary.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { scenarioPanel } from '../ui/scenario-panel.js';
import { comparisonVerdict } from '../shape/verdict.js';
import { verdictLine } from '../ui/verdict.js';
import { saturationOverlayView } from './saturation-overlay-view.js';

/**
 * A `--vary` comparison: its configurations side by side (one column each), the Pareto chart of
 * tokens/s per GPU against tokens/s per user, then every configuration's curves overlaid.
 */
export function varyComparisonView(parent: HTMLElement, entry: Labelled<SaturationComparison>): void {
  const { result } = entry;
  const view = h('article', { class: 'view view-vary', attrs: { 'data-view': 'saturation-comparison' } });
  parent.appendChild(view);
  const configs = result.configurations;
  view.append(
    h('h2', {}, `${configs.length} configurations compared`),
    verdictLine(comparisonVerdict(result)),
    h('p', { class: 'subtitle' }, `Saturation analysis of each configuration of a --vary run, seed ${result.seed}. From ${entry.file}.`),
  );

  const head = h('tr', {}, h('th', { attrs: { scope: 'col' } }, 'Configuration'), ...configs.map((c) => h('th', { attrs: { scope: 'col' } }, c.label)));
  const body = h(
    'tbody',
    {},
    ...configurationRows(result).map((row) => h('tr', { attrs: { 'data-row': row.key } }, h('th', { attrs: { scope: 'row' } }, row.label), ...row.cells.map((cell) => h('td', {}, cell)))),
  );
  view.appendChild(
    h('section', { class: 'panel' }, h('h3', {}, 'Side by side'), h('div', { class: 'table-scroll' }, h('table', { class: 'configurations-table' }, h('caption', {}, 'One column per configuration'), h('thead', {}, head), body))),
  );

  const pareto = paretoPoints(result);
  const section = h('section', { class: 'panel' }, h('h3', {}, 'Pareto chart'));
  view.appendChild(section);
  const f = figure(section, 'pareto', 'Tokens/s per GPU against tokens/s per user at each saturation rate', 'filled: Pareto-optimal (no configuration beats it on both); line: the frontier');
  drawOnResize(f.plot, (width) => drawPareto(f.plot, width, pareto));
  if (pareto.missing.length > 0) section.appendChild(h('p', { class: 'hint' }, `Not on the chart (no saturation rate found): ${pareto.missing.join(', ')}.`));

  saturationOverlayView(
    view,
    configs.map((c) => ({ label: c.label, file: entry.file, result: c.result })),
    'Each configuration against offered rate',
    false,
  );
  if (configs[0]) view.appendChild(scenarioPanel(configs[0].result.scenario, `Scenario (first configuration: ${configs[0].label})`, calibrationOf(configs[0].result)));
}
