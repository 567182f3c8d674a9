import type { FabricComparison, FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import { formatPercent, formatRate, formatSeconds } from '../format.js';
import type { ConfigurationRow } from './configurations.js';
import { finite, formatUtilization, hasHandOffs } from './fabric-links.js';
import { rateLine, sortedPoints } from './fabric-onset.js';
import type { RateLine, RateMarker } from './saturation-curves.js';
import type { Verdict } from './verdict.js';

/**
 * A `headroom fabric --vary` comparison: its configurations side by side and their onset sweeps
 * overlaid, as the saturation comparison does it. Pure and DOM-free.
 */

export type FabricConfiguration = FabricComparison['configurations'][number];

/** The onset charts drawn for a comparison, each a figure of every point against rate. */
export const COMPARISON_CHARTS: readonly { key: string; title: string; note: string; scale: 'linear' | 'log'; pick: (p: FabricResult['points'][number]) => number | null | undefined }[] = [
  { key: 'linkP99', title: 'Hottest link p99 utilization', note: 'the busiest link at each rate; dashed: link pressure at 80%', scale: 'linear', pick: (p) => p.linkUtilizationP99 },
  { key: 'gpuBusy', title: 'GPU busy (the per-node view)', note: 'what a per-node dashboard shows at the same rates', scale: 'linear', pick: (p) => p.perNode?.gpuBusyFraction },
  { key: 'communicationShare', title: 'Communication share', note: "of the engines' busy time", scale: 'linear', pick: (p) => p.communicationShare },
  { key: 'ttftP99', title: 'TTFT p99', note: 'against the SLO', scale: 'log', pick: (p) => p.ttftP99 },
];

/** comparisonLines(configs, chart) -> one line per configuration, keyed result-<index>. */
export function comparisonLines(configs: readonly FabricConfiguration[], chart: (typeof COMPARISON_CHARTS)[number]): RateLine[] {
  return configs.map((c, i) => rateLine(sortedPoints(c), `result-${i}`, c.label, chart.pick, chart.scale === 'log'));
}

/** comparisonMarkers(configs) -> each configuration's pressure onset and SLO break, labelled with it and keyed to its series. */
export function comparisonMarkers(configs: readonly FabricConfiguration[]): (RateMarker & { seriesKey: string; index: number })[] {
  return configs.flatMap((c, i) => {
    const marks: (RateMarker & { seriesKey: string; index: number })[] = [];
    if (c.pressureOnset !== null && finite(c.pressureOnset.rate)) marks.push({ key: 'onset', rate: c.pressureOnset.rate, low: null, high: null, label: `${c.label}: onset ${formatRate(c.pressureOnset.rate, 'req/s')}`, seriesKey: `result-${i}`, index: i });
    if (finite(c.sloBreakRate)) marks.push({ key: 'saturation', rate: c.sloBreakRate, low: null, high: null, label: `${c.label}: SLO breaks ${formatRate(c.sloBreakRate, 'req/s')}`, seriesKey: `result-${i}`, index: i });
    return marks;
  });
}

/**
 * fabricConfigurationRows(comparison) -> the side-by-side table: overrides, hottest link and its
 * p99, communication and stretch shares, hand-off wait, the per-node view and whether it hides the
 * fabric's pressure, the onset and the SLO break.
 */
export function fabricConfigurationRows(comparison: FabricComparison): ConfigurationRow[] {
  const rows: [key: string, label: string, cell: (c: FabricConfiguration) => string][] = [
    ['overrides', 'Overrides', (c) => Object.entries(c.overrides).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'],
    ['linkP99', 'Link p99 utilization', (c) => formatUtilization(c.linkUtilizationP99)],
    ['hottest', 'Hottest link', (c) => (c.run.hottest[0] ? `${c.run.hottest[0].id} (${c.run.hottest[0].traffic[0]?.tag ?? 'no traffic'})` : 'none')],
    ['communicationShare', 'Communication share', (c) => formatPercent(c.communicationShare)],
    ['stretchShare', 'Stretch share', (c) => formatPercent(c.stretchShare, 2)],
    ['handOffWait', 'KV hand-off wait (mean)', (c) => (hasHandOffs(c) ? formatSeconds(c.handOffWaitMean) : '–')],
    ['perNode', 'Per node: GPU busy, KV peak', (c) => `${formatUtilization(c.perNode.gpuBusyFraction)}, ${formatUtilization(c.perNode.kvOccupancyPeak)}${c.perNode.healthy ? ' (healthy)' : ''}`],
    ['hidden', 'Hidden from the per-node view', (c) => (c.hiddenFromPerNodeView ? 'yes' : 'no')],
    ['onset', 'Fabric pressure onset', (c) => (c.pressureOnset === null ? 'none in the sweep' : `${formatRate(c.pressureOnset.rate, 'req/s')}: ${c.pressureOnset.signal}`)],
    ['sloBreak', 'SLO breaks at', (c) => (finite(c.sloBreakRate) ? formatRate(c.sloBreakRate, 'req/s') : (c.sloBreakReason ?? 'not in the sweep'))],
  ];
  return rows.map(([key, label, cell]) => ({ key, label, cells: comparison.configurations.map(cell) }));
}

/**
 * fabricComparisonVerdict(comparison) -> which configuration keeps the fabric quiet longest (the
 * latest onset, or none) and which hide pressure from the per-node view.
 */
export function fabricComparisonVerdict(comparison: FabricComparison): Verdict {
  const configs = comparison.configurations;
  if (configs.length === 0) return { status: 'indeterminate', text: 'No configuration was analysed' };
  const quiet = configs.filter((c) => c.pressureOnset === null);
  const parts: string[] = [];
  if (quiet.length > 0) parts.push(`No fabric pressure in the sweep: ${quiet.map((c) => c.label).join(', ')}`);
  else {
    const latest = configs.reduce((a, b) => (b.pressureOnset!.rate > a.pressureOnset!.rate ? b : a));
    parts.push(`Fabric pressure begins latest with ${latest.label}, at ${formatRate(latest.pressureOnset!.rate, 'req/s')}`);
  }
  const hidden = configs.filter((c) => c.hiddenFromPerNodeView).map((c) => c.label);
  if (hidden.length > 0) parts.push(`hidden from the per-node view at today's load: ${hidden.join(', ')}`);
  if (comparison.infeasible.length > 0) parts.push(`${comparison.infeasible.length} refused`);
  return { status: hidden.length > 0 ? 'missed' : 'none', text: parts.join('; ') };
}
