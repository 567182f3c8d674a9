import type { FabricComparison } from '../../../analyzers/fabric/fabric-result.js';
import { drawSaturationCurve, type StyledRateMarker } from '../charts/saturation-curve.js';
import { formatPercent, formatSeconds, formatSecondsTick } from '../format.js';
import { seriesStyle } from '../palette.js';
import { COMPARISON_CHARTS, comparisonLines, comparisonMarkers, fabricComparisonVerdict, fabricConfigurationRows } from '../shape/fabric-comparison.js';
import { PRESSURE_LEVEL } from '../shape/fabric-onset.js';
import type { Labelled } from '../shape/report-sections.js';
import { sloLevels } from '../shape/saturation-curves.js';
import { calibrationNotices } from '../shape/scenario-summary.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { legend } from '../ui/legend.js';
import { notices } from '../ui/notices.js';
import { SeriesVisibility } from '../ui/series-visibility.js';
import { verdictLine } from '../ui/verdict.js';
import { fabricView } from './fabric-view.js';

/**
 * A `headroom fabric --vary` comparison: the configurations side by side (link p99, hottest link,
 * shares, the per-node view, onset, SLO break), the configurations refused, their onset sweeps
 * overlaid with each one's onset and SLO break marked in its colour, and each configuration's full
 * view, drawn when its section is opened.
 */
export function fabricComparisonView(parent: HTMLElement, entry: Labelled<FabricComparison>): void {
  const { result } = entry;
  const configs = result.configurations;
  const view = h('article', { class: 'view view-fabric-comparison', attrs: { 'data-view': 'fabric-comparison' } });
  parent.appendChild(view);
  const visibility = new SeriesVisibility(view);
  view.append(
    h('h2', {}, `${configs.length} fabric configuration${configs.length === 1 ? '' : 's'} compared`),
    verdictLine(fabricComparisonVerdict(result)),
    h('p', { class: 'subtitle' }, `Fabric Pressure analysis of each configuration of a --vary run. From ${entry.file}.`),
    ...notices(calibrationNotices(configs.map((c) => ({ label: c.label, result: c }))), 'calibration'),
    ...notices(result.infeasible.map((i) => `Refused: ${i.label}: ${i.reason}`), 'infeasible'),
  );

  const head = h('tr', {}, h('th', { attrs: { scope: 'col' } }, 'Configuration'), ...configs.map((c) => h('th', { attrs: { scope: 'col' } }, c.label)));
  const body = h(
    'tbody',
    {},
    ...fabricConfigurationRows(result).map((row) => h('tr', { attrs: { 'data-row': row.key } }, h('th', { attrs: { scope: 'row' } }, row.label), ...row.cells.map((cell) => h('td', {}, cell)))),
  );
  view.appendChild(
    h('section', { class: 'panel' }, h('h3', {}, 'Side by side'), h('div', { class: 'table-scroll' }, h('table', { class: 'configurations-table fabric-configurations' }, h('caption', {}, 'One column per configuration, at its own load'), h('thead', {}, head), body))),
  );

  const styled = configs.map((c, i) => ({ key: `result-${i}`, label: c.label, ...seriesStyle(i) }));
  view.appendChild(
    h('div', { class: 'sticky-legend' }, h('span', { class: 'legend-caption' }, 'Configurations:'), legend(styled.map((s) => ({ key: s.key, label: s.label, color: s.color, dash: s.dash })), visibility, 'Show or hide a configuration in every chart')),
  );
  const markers: StyledRateMarker[] = comparisonMarkers(configs).map((m) => ({ ...m, color: styled[m.index]!.color }));
  const section = h('section', { class: 'panel' }, h('h3', {}, 'Each configuration against offered rate'), h('p', { class: 'hint' }, 'Dashed marks: each configuration’s fabric pressure onset; solid: where its SLO breaks.'));
  view.appendChild(section);
  const grid = h('div', { class: 'chart-grid' });
  section.appendChild(grid);
  for (const chart of COMPARISON_CHARTS) {
    const lines = comparisonLines(configs, chart).map((l, i) => ({ ...l, color: styled[i]!.color, dash: styled[i]!.dash, width: 2 }));
    const log = chart.scale === 'log';
    const levels = chart.key === 'linkP99' ? [PRESSURE_LEVEL] : chart.key === 'ttftP99' && configs[0] ? sloLevels(configs[0], 'ttft').filter((l) => l.stat === 'p99').map((l) => ({ key: l.key, value: l.seconds, label: l.label })) : [];
    const f = figure(grid, `fabric-compare-${chart.key}`, chart.title, chart.note);
    drawOnResize(f.plot, (width) =>
      drawSaturationCurve(f.plot, width, {
        title: chart.title,
        yTitle: log ? 'Seconds (log scale)' : 'Share / utilization',
        scale: chart.scale,
        lines,
        markers,
        levels,
        diagonal: false,
        yTick: log ? formatSecondsTick : (n) => formatPercent(n, 0),
        value: log ? formatSeconds : (n) => formatPercent(n),
        endLabels: true,
      }),
    );
  }

  const details = h('section', { class: 'panel' }, h('h3', {}, 'Each configuration in detail'), h('p', { class: 'hint' }, 'Open a configuration for its topology, heatmap, coupling and sweep.'));
  view.appendChild(details);
  configs.forEach((c, i) => {
    const box = h('details', { class: 'configuration-details', attrs: { 'data-configuration': String(i) } }, h('summary', {}, c.label));
    details.appendChild(box);
    let drawn = false;
    box.addEventListener('toggle', () => {
      if (!box.open || drawn) return;
      drawn = true;
      fabricView(box, { label: c.label, file: entry.file, result: c }, true);
    });
  });
}
