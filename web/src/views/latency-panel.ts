import { drawLatencyCdf, type CdfLine } from '../charts/latency-cdf.js';
import type { SimulationResult } from '../../../engine/simulation-result.js';
import { CDF_METRICS, latencyCdf, sloMarks, type SloMark } from '../shape/latency-cdf.js';
import { h } from '../ui/dom.js';
import { drawOnResize, figure } from '../ui/figure.js';

/**
 * The latency-distribution panel: a CDF chart for TTFT, TPOT and e2e, each result a line (styled
 * by `style`), the SLO bounds of the first result marked.
 */
export function latencyPanel(parent: HTMLElement, results: readonly { key: string; label: string; color: string; dash: string; result: SimulationResult }[]): void {
  const section = h('section', { class: 'panel' }, h('h3', {}, 'Latency distributions'));
  parent.appendChild(section);
  const stepped = results.some((r) => CDF_METRICS.some((m) => latencyCdf(r.result.latency[m.key])?.from === 'percentiles'));
  if (stepped) {
    section.appendChild(
      h('p', { class: 'hint' }, 'Step curves through the summary percentiles the result records (p50, p90, p95, p99 and max, the dots): each step is a lower bound on the true distribution; below p50 it is not recorded.'),
    );
  }
  const grid = h('div', { class: 'chart-grid' });
  section.appendChild(grid);
  const bounds = results[0]?.result.slo.bounds ?? [];
  for (const metric of CDF_METRICS) {
    const marks: SloMark[] = sloMarks(bounds, metric.key);
    const lines: CdfLine[] = results.map((r) => ({ key: r.key, label: r.label, color: r.color, dash: r.dash, cdf: latencyCdf(r.result.latency[metric.key]) }));
    const note = marks.length > 0 ? `SLO marked: ${marks.map((m) => m.label).join(', ')}` : 'no SLO on this metric';
    const f = figure(grid, `cdf-${metric.key}`, metric.label, note);
    drawOnResize(f.plot, (width) => drawLatencyCdf(f.plot, width, { metricLabel: metric.label.split(' (')[0]!, lines, slo: marks }));
  }
}
