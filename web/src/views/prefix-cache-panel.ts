import type { SimulationResult } from '../../../engine/simulation-result.js';
import { drawHitRateLine, drawReplicaHitBars, PREFIX_REPLICA_LEGEND } from '../charts/prefix-cache-charts.js';
import { formatCount, timeUnitFor } from '../format.js';
import { hitRateNote, PREFIX_REPLICA_COLUMNS, prefixCacheModel, prefixReplicaRows } from '../shape/prefix-cache.js';
import { cards } from '../ui/cards.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { Tooltip } from '../ui/tooltip.js';
import { staticLegend } from './survival-view.js';

/** Replicas up to which the per-replica table is open; past it, it is folded away. */
const OPEN_TABLE_ROWS = 16;

/**
 * The prefix cache of one simulation, only when the result has one: the headline figures, the
 * cluster's hit rate over simulated time, each replica's hit rate beside the requests routed to it
 * (affinity imbalance) and a table of every replica's figures. `title` names the result in a
 * comparison; `seriesKey` marks the panel with it (data-series). Returns the panel, or null.
 */
export function prefixCachePanel(parent: HTMLElement, result: SimulationResult, title = 'Prefix cache', seriesKey?: string): HTMLElement | null {
  const model = prefixCacheModel(result);
  if (model === null) return null;
  const attrs: Record<string, string> = { 'data-panel': 'prefix-cache' };
  if (seriesKey !== undefined) attrs['data-series'] = seriesKey;
  const section = h('section', { class: 'panel prefix-cache-panel', attrs }, h('h3', {}, title));
  parent.appendChild(section);
  section.appendChild(h('p', { class: 'lead', attrs: { 'data-sentence': 'prefix-cache' } }, model.sentence));
  section.appendChild(cards(model.cards, 'Prefix cache figures'));

  const grid = h('div', { class: model.replicas.length > 96 ? 'chart-grid one-column' : 'chart-grid' });
  section.appendChild(grid);
  const series = model.series;
  const line = figure(grid, 'prefix-hit-rate', 'Hit rate over simulated time', hitRateNote(series));
  const unit = timeUnitFor(series.extent[1]);
  drawOnResize(line.plot, (width) => drawHitRateLine(line.plot, width, series, unit));

  if (model.replicas.length > 0) {
    const bars = figure(grid, 'prefix-replicas', 'Hit rate and requests per replica', 'how well routing kept prompts with their cached prefixes');
    bars.legendSlot.appendChild(staticLegend(model.evenShare > 0 ? PREFIX_REPLICA_LEGEND : PREFIX_REPLICA_LEGEND.slice(0, 2), 'Marks of the per-replica chart'));
    const tooltip = new Tooltip(bars.figure);
    drawOnResize(bars.plot, (width) => drawReplicaHitBars(bars.plot, width, model, tooltip, bars.figure));
  }
  if (model.imbalance !== null) section.appendChild(h('p', { class: 'hint prefix-imbalance', attrs: { 'data-sentence': 'prefix-imbalance' } }, model.imbalance));
  if (model.replicasLeftOut > 0) {
    section.appendChild(h('p', { class: 'notice view-notice', attrs: { role: 'note', 'data-notice': 'prefix-replicas' } }, `The first ${formatCount(model.replicas.length)} replicas are drawn; ${formatCount(model.replicasLeftOut)} more are left out.`));
  }
  if (model.replicas.length === 0) return section;

  const table = h('table', { class: 'prefix-replicas-table' }, h('caption', {}, 'Each replica’s prefix cache over the run'));
  table.appendChild(h('thead', {}, h('tr', {}, ...PREFIX_REPLICA_COLUMNS.map((c) => h('th', { attrs: { scope: 'col' } }, c)))));
  table.appendChild(h('tbody', {}, ...prefixReplicaRows(model).map((row, i) => h('tr', { attrs: { 'data-replica': String(model.replicas[i]!.replica) } }, ...row.map((cell) => h('td', {}, cell))))));
  const scroll = h('div', { class: 'table-scroll' }, table);
  if (model.replicas.length <= OPEN_TABLE_ROWS) section.appendChild(scroll);
  else section.appendChild(h('details', { class: 'table-details' }, h('summary', {}, `Every replica’s prefix cache (${formatCount(model.replicas.length)})`), scroll));
  return section;
}
