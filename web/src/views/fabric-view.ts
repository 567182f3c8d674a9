import type { FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import { drawGapBars } from '../charts/gap-bars.js';
import { formatCount, formatRate } from '../format.js';
import { fabricCards, fabricVerdict, gapSentence, perNodeGap } from '../shape/fabric-summary.js';
import type { Labelled } from '../shape/report-sections.js';
import { calibrationNotices, calibrationOf } from '../shape/scenario-summary.js';
import { cards } from '../ui/cards.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { notices } from '../ui/notices.js';
import { scenarioPanel } from '../ui/scenario-panel.js';
import { SeriesVisibility } from '../ui/series-visibility.js';
import { verdictLine } from '../ui/verdict.js';
import { fabricEnginesPanel } from './fabric-engines-panel.js';
import { fabricHeatmapPanel } from './fabric-heatmap-panel.js';
import { fabricOnsetPanel } from './fabric-onset-panel.js';
import { fabricTopologyPanel } from './fabric-topology-panel.js';

/**
 * One Fabric Pressure analysis (`headroom fabric`): the verdict and the analysis' findings, the
 * per-node view beside the hottest link and the gate fields, the topology coloured by load, the
 * hottest links over time (with the brush), the coupling between engines and each engine's
 * communication share, the onset sweep against the SLO break, the scenario. `nested` draws it
 * inside a comparison (a smaller heading).
 */
export function fabricView(parent: HTMLElement, entry: Labelled<FabricResult>, nested = false): HTMLElement {
  const { result } = entry;
  const view = h('article', { class: 'view view-fabric', attrs: { 'data-view': 'fabric' } });
  parent.appendChild(view);
  const visibility = new SeriesVisibility(view);
  const rate = result.rate === null ? 'its own closed-loop load' : formatRate(result.rate, 'req/s');
  view.append(
    h(nested ? 'h3' : 'h2', {}, entry.label),
    verdictLine(fabricVerdict(result)),
    h(
      'p',
      { class: 'subtitle' },
      `Fabric Pressure analysis at ${rate}: ${result.run.mode === 'all' ? 'every link' : 'the shared links'} on the flow network, ${formatCount(result.points.length)} offered rate${result.points.length === 1 ? '' : 's'} swept, seed ${result.seed}. From ${entry.file}.`,
    ),
    ...notices(calibrationNotices([entry]), 'calibration'),
  );
  view.appendChild(
    h('section', { class: 'panel', attrs: { 'data-panel': 'fabric-findings' } }, h('h3', {}, 'Findings'), h('ul', { class: 'sentences findings' }, ...result.findings.map((s, i) => h('li', { attrs: { 'data-finding': String(i) } }, s)))),
  );

  const gap = h('section', { class: 'panel', attrs: { 'data-panel': 'fabric-gap' } }, h('h3', {}, 'The per-node view beside the fabric'));
  view.appendChild(gap);
  gap.appendChild(h('p', { class: `lead${result.hiddenFromPerNodeView ? ' gap-hidden' : ''}`, attrs: { 'data-sentence': 'gap' } }, gapSentence(result)));
  const f = figure(gap, 'fabric-gap', 'Per node against the hottest link', 'at the scenario’s own load');
  const bars = perNodeGap(result);
  drawOnResize(f.plot, (width) => drawGapBars(f.plot, width, bars));
  gap.appendChild(h('h4', {}, 'Gate fields (check --fail-on fabric.…)'));
  gap.appendChild(cards(fabricCards(result), 'Fabric figures'));

  fabricTopologyPanel(view, result);
  fabricHeatmapPanel(view, result);
  fabricEnginesPanel(view, result, visibility);
  fabricOnsetPanel(view, result, visibility);
  view.appendChild(scenarioPanel(result.scenario, undefined, calibrationOf(result)));
  return view;
}
