import type { FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import { drawCouplingMatrix, ROLE_COLORS } from '../charts/coupling-matrix.js';
import { drawEngineBars } from '../charts/engine-bars.js';
import { formatPercent, formatSeconds, formatSecondsTick } from '../format.js';
import { couplingModel, ENGINE_COLUMNS, engineBars, engineRows, engineSentence, type EngineRole } from '../shape/fabric-engines.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { legend, type LegendItem } from '../ui/legend.js';
import { SeriesVisibility } from '../ui/series-visibility.js';
import { Tooltip } from '../ui/tooltip.js';

const ROLE_NAMES: Record<EngineRole, string> = { prefill: 'prefill engines', decode: 'decode engines', engine: 'engines' };

/**
 * Engines against each other and the fabric: the coupling matrix (who waited on whose traffic,
 * roles beside it), then each engine's communication share and, with disaggregation, its KV
 * hand-off wait as bars, and every figure in a table.
 */
export function fabricEnginesPanel(parent: HTMLElement, result: Pick<FabricResult, 'run' | 'scenario'>, visibility: SeriesVisibility): void {
  const coupling = couplingModel(result);
  const section = h('section', { class: 'panel', attrs: { 'data-panel': 'fabric-coupling' } }, h('h3', {}, 'Coupling: whose traffic made whom wait'));
  parent.appendChild(section);
  if (coupling.status === 'matrix') section.appendChild(h('ul', { class: 'sentences coupling-sentences' }, ...coupling.sentences.map((s) => h('li', {}, s))));
  const roles = [...new Set(coupling.status === 'matrix' ? coupling.roles : engineBars(result).map((b) => b.role))].filter((r) => r !== 'engine');
  const roleItems: LegendItem[] = roles.map((r) => ({ key: r, label: ROLE_NAMES[r], color: ROLE_COLORS[r], shape: 'band' }));
  if (coupling.status === 'matrix' && coupling.n < 2) {
    section.appendChild(h('p', { class: 'hint', attrs: { 'data-empty': 'coupling-matrix' } }, 'One engine: there is no other engine to be coupled with.'));
  } else if (coupling.status === 'matrix') {
    const note = coupling.max > 0 ? `darker: longer waits, up to ${formatSeconds(coupling.max)}` : 'no engine waited on another';
    const f = figure(section, 'coupling-matrix', `${coupling.n} engines: row waited, column's traffic`, `${note}${roles.length > 0 ? "; the bands mark each engine's pool" : ''}`);
    if (roleItems.length > 0) f.legendSlot.appendChild(h('ul', { class: 'legend static-legend' }, ...roleItems.map((i) => h('li', { class: 'legend-item static', attrs: { 'data-role': i.key } }, h('span', { class: 'role-swatch', attrs: { style: `background:${i.color}` } }), i.label))));
    const tooltip = new Tooltip(f.figure);
    drawOnResize(f.plot, (width) => drawCouplingMatrix(f.plot, width, coupling, tooltip, f.figure));
  } else {
    section.appendChild(h('p', { class: 'notice view-notice', attrs: { role: 'note', 'data-notice': 'coupling' } }, coupling.sentences[0]!));
  }

  const bars = engineBars(result);
  const engines = h('section', { class: 'panel', attrs: { 'data-panel': 'fabric-engines' } }, h('h3', {}, 'Communication per engine'));
  parent.appendChild(engines);
  engines.appendChild(h('p', { class: 'lead', attrs: { 'data-sentence': 'engines' } }, engineSentence(bars)));
  if (bars.length === 0) return;
  if (roleItems.length > 1) engines.appendChild(legend(roleItems, visibility, 'Show or hide a pool of engines'));
  // Many engines get the panel's whole width: a bar per engine stays visible without scrolling.
  const grid = h('div', { class: bars.length > 96 ? 'chart-grid one-column' : 'chart-grid' });
  engines.appendChild(grid);
  const share = figure(grid, 'engine-communication', 'Communication share of busy time', 'closed-form collectives plus the stretch their flows waited');
  const shareTip = new Tooltip(share.figure);
  drawOnResize(share.plot, (width) =>
    drawEngineBars(share.plot, width, { bars, value: (b) => b.communicationShare, title: 'Communication share per engine', yTitle: 'Communication share', yTick: (n) => formatPercent(n, 0) }, shareTip, share.figure),
  );
  if (bars.some((b) => b.handOffs > 0)) {
    const wait = figure(grid, 'engine-handoff-wait', 'KV hand-off wait, mean', 'beyond the time on an idle fabric; prefill engines send the hand-offs');
    const waitTip = new Tooltip(wait.figure);
    drawOnResize(wait.plot, (width) =>
      drawEngineBars(wait.plot, width, { bars, value: (b) => b.handOffWait, title: 'KV hand-off wait per engine', yTitle: 'Mean wait', yTick: formatSecondsTick }, waitTip, wait.figure),
    );
  }
  const table = h('table', { class: 'engines-table' }, h('caption', {}, "Each engine's figures over the run"));
  table.appendChild(h('thead', {}, h('tr', {}, ...ENGINE_COLUMNS.map((c) => h('th', { attrs: { scope: 'col' } }, c)))));
  const body = h('tbody', {});
  for (const row of engineRows(result)) body.appendChild(h('tr', {}, ...row.map((cell) => h('td', {}, cell))));
  table.appendChild(body);
  engines.appendChild(h('details', { class: 'table-details' }, h('summary', {}, `Every engine's figures (${bars.length})`), h('div', { class: 'table-scroll' }, table)));
}
