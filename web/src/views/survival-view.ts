import type { SurvivabilityResult } from '../../../analyzers/survivability/survival-result.js';
import { drawBoundaryMap, drawSurvivalCurve, drawSurvivalTimeline, MARKER_LEGEND, TIMELINE_MARGIN, TIMELINE_STYLE } from '../charts/survival-charts.js';
import { drawTimeBrush } from '../charts/time-brush.js';
import { formatCount, formatSeconds, timeUnitFor } from '../format.js';
import { OUTCOME_COLORS } from '../palette.js';
import type { Labelled } from '../shape/report-sections.js';
import { boundaryMap, OUTCOME_LETTER, OUTCOME_MEANING, OUTCOMES, survivalCards, survivalCurveSentence, survivalSteps, survivalTimeline, survivalVerdict, TRIAL_COLUMNS, trialRows } from '../shape/survival.js';
import { cards } from '../ui/cards.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { scenarioPanel } from '../ui/scenario-panel.js';
import { verdictLine } from '../ui/verdict.js';

/** Rows of the per-trial table drawn at most (the file may hold 10,000 trials). */
export const MAX_TRIAL_ROWS = 500;

const SVG = 'http://www.w3.org/2000/svg';

/** A static legend (these charts have no series to hide): swatches and words. */
export function staticLegend(items: readonly { key: string; label: string; color: string; dash?: string; band?: boolean }[], label: string): HTMLElement {
  const list = h('ul', { class: 'legend legend-static', attrs: { 'aria-label': label } });
  for (const item of items) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', '28');
    svg.setAttribute('height', '12');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('class', 'swatch');
    const mark = document.createElementNS(SVG, item.band ? 'rect' : 'line');
    const attrs: Record<string, string> = item.band
      ? { x: '2', y: '1', width: '24', height: '10', fill: item.color, stroke: '#1a1a1a', 'stroke-width': '0.5' }
      : { x1: '1', x2: '27', y1: '6', y2: '6', stroke: item.color, 'stroke-width': '2.5', 'stroke-dasharray': item.dash ?? '' };
    for (const [k, v] of Object.entries(attrs)) mark.setAttribute(k, v);
    svg.appendChild(mark);
    list.appendChild(h('li', { class: 'legend-item', attrs: { 'data-legend': item.key } }, svg, item.label));
  }
  return list;
}

/**
 * One survivability analysis (`headroom survive`): the verdict, the analysis' findings and the
 * cards; goodput over time with the failures marked (with a brush strip); the survival curve over
 * trials and every trial in a table; the boundary map (failure size x offered rate); the scenario.
 */
export function survivalView(parent: HTMLElement, entry: Labelled<SurvivabilityResult>): HTMLElement {
  const { result } = entry;
  const view = h('article', { class: 'view view-survival', attrs: { 'data-view': 'survival' } });
  parent.appendChild(view);
  const failures = result.failures.length;
  view.append(
    h('h2', {}, entry.label),
    verdictLine(survivalVerdict(result)),
    h(
      'p',
      { class: 'subtitle' },
      `Survivability analysis: ${formatCount(result.trials.count)} seeded trial${result.trials.count === 1 ? '' : 's'} with ${formatCount(failures)} failure${failures === 1 ? '' : 's'} (${result.failuresSource}), each beside the same seed without them; seed ${result.seed}. From ${entry.file}.`,
    ),
  );
  view.appendChild(
    h('section', { class: 'panel', attrs: { 'data-panel': 'survival-findings' } }, h('h3', {}, 'Findings'), h('ul', { class: 'sentences findings' }, ...result.findings.map((s, i) => h('li', { attrs: { 'data-finding': String(i) } }, s)))),
  );
  view.appendChild(h('section', { class: 'panel', attrs: { 'data-panel': 'survival-cards' } }, h('h3', {}, 'Gate fields (check --fail-on survive.…)'), cards(survivalCards(result), 'Survivability figures')));

  // Goodput over time, with the brush.
  const timeline = survivalTimeline(result);
  const tlSection = h('section', { class: 'panel', attrs: { 'data-panel': 'survival-timeline' } }, h('h3', {}, 'Goodput over simulated time'));
  view.appendChild(tlSection);
  tlSection.appendChild(
    h(
      'p',
      { class: 'hint' },
      `Requests per second completed within the SLO, one step per ${formatSeconds(timeline.bucketSeconds)} bucket: with the failures (mean over trials), without them, and what arrived. Each failure (of trial 0) is a shaded band from failure to recovery, darker until it was detected. Drag across the strip under the chart to zoom.`,
    ),
  );
  const unit = timeUnitFor(timeline.extent[1]);
  let domain: [number, number] = timeline.extent;
  const f = figure(tlSection, 'survival-timeline', 'Goodput with and without the failures', timeline.markers.length === 0 ? 'no failure marked' : `${timeline.markers.length} failure${timeline.markers.length === 1 ? '' : 's'} marked`);
  f.legendSlot.appendChild(
    staticLegend(
      [
        ...(['goodput', 'baseline', 'arrivals'] as const).map((k) => ({ key: k, label: timeline.lines.find((l) => l.key === k)!.label, color: TIMELINE_STYLE[k].color, dash: TIMELINE_STYLE[k].dash })),
        ...MARKER_LEGEND.map((m) => ({ key: m.key, label: m.label, color: m.color, dash: m.dash })),
      ],
      'Lines and marks of the goodput chart',
    ),
  );
  const redraw = drawOnResize(f.plot, (width) => drawSurvivalTimeline(f.plot, width, { timeline, domain, unit }));
  const reset = h('button', { class: 'reset-zoom', attrs: { type: 'button', disabled: '' } }, 'Show the whole run');
  const brushFigure = figure(tlSection, 'survival-time-brush', 'Time window', 'goodput with the failures · drag to zoom · click outside the selection to reset');
  brushFigure.figure.querySelector('figcaption')?.appendChild(reset);
  const overview = timeline.lines.find((l) => l.key === 'goodput')!.points;
  const setDomain = (next: [number, number] | null) => {
    domain = next ?? timeline.extent;
    reset.disabled = next === null;
    redraw();
  };
  const redrawBrush = drawOnResize(brushFigure.plot, (width) =>
    drawTimeBrush(brushFigure.plot, width, { points: overview, color: '#1a1a1a', extent: timeline.extent, domain: () => domain, unit, inset: { left: TIMELINE_MARGIN.left, right: TIMELINE_MARGIN.right } }, setDomain),
  );
  reset.addEventListener('click', () => {
    setDomain(null);
    redrawBrush();
  });

  // The survival curve and the trials.
  const trials = h('section', { class: 'panel', attrs: { 'data-panel': 'survival-trials' } }, h('h3', {}, 'Survival over trials'));
  view.appendChild(trials);
  trials.appendChild(h('p', { class: 'lead', attrs: { 'data-sentence': 'survival-curve' } }, survivalCurveSentence(result)));
  const steps = survivalSteps(result);
  const c = figure(trials, 'survival-curve', 'SLO attainment per trial, ascending', 'the dashed line: the baseline without the failures');
  drawOnResize(c.plot, (width) => drawSurvivalCurve(c.plot, width, steps, result.trials.baselineAttainment));
  const rows = trialRows(result);
  const table = h('table', { class: 'survival-trials' }, h('caption', {}, rows.length > MAX_TRIAL_ROWS ? `The first ${formatCount(MAX_TRIAL_ROWS)} of ${formatCount(rows.length)} trials` : 'Every trial'));
  table.appendChild(h('thead', {}, h('tr', {}, ...TRIAL_COLUMNS.map((col) => h('th', { attrs: { scope: 'col' } }, col)))));
  table.appendChild(h('tbody', {}, ...rows.slice(0, MAX_TRIAL_ROWS).map((r) => h('tr', { attrs: { 'data-trial-outcome': r.outcome } }, ...r.cells.map((cell) => h('td', {}, cell))))));
  trials.appendChild(h('details', { class: 'table-details', attrs: { open: '' } }, h('summary', {}, 'Per trial'), h('div', { class: 'table-scroll' }, table)));

  // The boundary map.
  const bSection = h('section', { class: 'panel', attrs: { 'data-panel': 'survival-boundary' } }, h('h3', {}, 'The survivability boundary'));
  view.appendChild(bSection);
  const map = boundaryMap(result);
  if (map === null) {
    bSection.appendChild(h('p', { class: 'hint', attrs: { 'data-empty': 'boundary-map' } }, `No boundary map: ${result.boundaryReason ?? 'the analysis did not sweep one'}.`));
  } else {
    bSection.appendChild(h('ul', { class: 'sentences', attrs: { 'data-sentence': 'boundary' } }, ...map.rows.map((r) => h('li', {}, `${r.size}: ${r.summary}`))));
    const legendItems = OUTCOMES.map((o) => ({ key: o, label: `${OUTCOME_LETTER[o]} ${o}: ${OUTCOME_MEANING[o]}`, color: OUTCOME_COLORS[o], band: true }));
    const b = figure(bSection, 'boundary-map', 'Outcome per failure size and offered rate', 'SLO attainment written in; outlined: the highest rate each size survives');
    b.legendSlot.appendChild(staticLegend(legendItems, 'Outcomes'));
    drawOnResize(b.plot, (width) => drawBoundaryMap(b.plot, width, map));
  }
  view.appendChild(scenarioPanel(result.scenario));
  return view;
}
