import type { ConcurrencySweepResult } from '../../../analyzers/saturation/concurrency-sweep.js';
import { drawConcurrencyCurve, type StyledLevelLine } from '../charts/concurrency-curve.js';
import { formatRate, formatSeconds, formatSecondsTick } from '../format.js';
import { OKABE_ITO } from '../palette.js';
import {
  CONCURRENCY_COLUMNS,
  concurrencyLatencyLines,
  concurrencyRows,
  concurrencySloBounds,
  concurrencyThroughputLines,
} from '../shape/concurrency-sweep.js';
import type { Labelled } from '../shape/report-sections.js';
import { concurrencyVerdict } from '../shape/verdict.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';
import { legend } from '../ui/legend.js';
import { scenarioPanel } from '../ui/scenario-panel.js';
import { SeriesVisibility } from '../ui/series-visibility.js';
import { verdictLine } from '../ui/verdict.js';

const LINE_STYLE: Record<string, { color: string; dash: string; width: number }> = {
  achieved: { color: OKABE_ITO[0], dash: '', width: 2 },
  goodput: { color: OKABE_ITO[2], dash: '7 3', width: 2 },
  'ttft-p99': { color: OKABE_ITO[1], dash: '', width: 2.25 },
  'tpot-p99': { color: OKABE_ITO[0], dash: '7 3', width: 2.25 },
};

/**
 * A closed-loop concurrency sweep (`saturation --concurrency 1,2,4`): the verdict, throughput and
 * the p99 latencies against the number of clients, a row per level, the scenario.
 */
export function concurrencySweepView(parent: HTMLElement, entry: Labelled<ConcurrencySweepResult>): void {
  const { result } = entry;
  const view = h('article', { class: 'view view-concurrency', attrs: { 'data-view': 'concurrency-sweep' } });
  parent.appendChild(view);
  const visibility = new SeriesVisibility(view);
  const levels = result.levels.map((l) => l.concurrency);
  view.append(
    h('h2', {}, entry.label),
    verdictLine(concurrencyVerdict(result)),
    h(
      'p',
      { class: 'subtitle' },
      `Closed-loop concurrency sweep: ${levels.length} level${levels.length === 1 ? '' : 's'} of clients that each send the next request as soon as the last is answered, ${result.replications} replication${result.replications === 1 ? '' : 's'} each, seed ${result.seed}. From ${entry.file}.`,
    ),
  );

  const section = h('section', { class: 'panel' }, h('h3', {}, 'Against concurrency'));
  view.appendChild(section);
  const grid = h('div', { class: 'chart-grid' });
  section.appendChild(grid);

  const throughput: StyledLevelLine[] = concurrencyThroughputLines(result).map((l) => ({ ...l, ...LINE_STYLE[l.key]! }));
  const t = figure(grid, 'concurrency-throughput', 'Throughput', 'completed and within-SLO requests per second');
  t.legendSlot.appendChild(legend(throughput.map((l) => ({ key: l.key, label: l.label, color: l.color, dash: l.dash })), visibility));
  drawOnResize(t.plot, (width) =>
    drawConcurrencyCurve(t.plot, width, { title: 'Throughput', yTitle: 'Requests per second', scale: 'linear', lines: throughput, bounds: [], yTick: (n) => String(n), value: (n) => formatRate(n, 'req/s') }),
  );

  const latency: StyledLevelLine[] = concurrencyLatencyLines(result).map((l) => ({ ...l, ...LINE_STYLE[l.key]! }));
  const bounds = concurrencySloBounds(result);
  const l = figure(grid, 'concurrency-latency', 'TTFT p99 and TPOT p99', bounds.length > 0 ? bounds.map((b) => b.label).join(', ') : 'no p99 SLO on TTFT or TPOT');
  l.legendSlot.appendChild(legend(latency.map((line) => ({ key: line.key, label: line.label, color: line.color, dash: line.dash })), visibility));
  drawOnResize(l.plot, (width) =>
    drawConcurrencyCurve(l.plot, width, { title: 'TTFT p99 and TPOT p99', yTitle: 'Seconds (log scale)', scale: 'log', lines: latency, bounds, yTick: formatSecondsTick, value: formatSeconds }),
  );

  const table = h('table', { class: 'levels-table' }, h('caption', {}, 'Every concurrency level (means over replications)'));
  table.appendChild(h('thead', {}, h('tr', {}, ...CONCURRENCY_COLUMNS.map((c) => h('th', { attrs: { scope: 'col' } }, c)))));
  const body = h('tbody', {});
  for (const row of concurrencyRows(result)) body.appendChild(h('tr', {}, ...row.map((cell) => h('td', {}, cell))));
  table.appendChild(body);
  view.appendChild(h('section', { class: 'panel' }, h('h3', {}, 'Concurrency levels'), h('div', { class: 'table-scroll' }, table)));
  view.appendChild(scenarioPanel(result.scenario, 'Scenario (each level replaces its arrivals with that many closed-loop clients, think time 0)'));
}
