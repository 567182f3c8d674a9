import type { Scenario } from '../../../engine/scenario/scenario-types.js';
import { scenarioSections, type Calibration } from '../shape/scenario-summary.js';
import { h } from './dom.js';

/** scenarioPanel(scenario, heading, calibration) -> the scenario as titled definition lists (every value is text). */
export function scenarioPanel(scenario: Scenario, heading = 'Scenario', calibration: Calibration | null = null): HTMLElement {
  const panel = h('section', { class: 'scenario-panel', attrs: { 'aria-label': heading } }, h('h3', {}, heading));
  if (scenario.description) panel.appendChild(h('p', { class: 'scenario-description' }, scenario.description));
  const grid = h('div', { class: 'scenario-grid' });
  for (const section of scenarioSections(scenario, calibration)) {
    const list = h('dl', {});
    for (const [label, value] of section.rows) list.append(h('dt', {}, label), h('dd', {}, value));
    grid.appendChild(h('div', { class: 'scenario-section' }, h('h4', {}, section.title), list));
  }
  panel.appendChild(grid);
  return panel;
}
