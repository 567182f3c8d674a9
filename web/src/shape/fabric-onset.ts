import type { FabricPoint, FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import { formatPercent, formatRate, formatSeconds } from '../format.js';
import { finite, formatUtilization, LINK_PRESSURE } from './fabric-links.js';
import type { RateLine, RateMarker } from './saturation-curves.js';

/**
 * The onset sweep against offered rate: the fabric's signals (hottest link p99, communication and
 * stretch shares) beside the per-node view (GPU busy, KV occupancy), latency and hand-off wait, with
 * the fabric pressure onset, the SLO break and today's rate marked. Pure and DOM-free.
 */

/** The most sweep points drawn (the report's input bound). */
export const MAX_POINTS = 1000;

type Pick_ = (p: FabricPoint) => number | null | undefined;

/** The fraction-valued signals of one point, fabric first, then the per-node view. */
export const ONSET_SIGNALS: readonly { key: string; label: string; group: 'fabric' | 'per-node'; pick: Pick_ }[] = [
  { key: 'linkP99', label: 'hottest link p99', group: 'fabric', pick: (p) => p.linkUtilizationP99 },
  { key: 'communicationShare', label: 'communication share', group: 'fabric', pick: (p) => p.communicationShare },
  { key: 'stretchShare', label: 'stretch share', group: 'fabric', pick: (p) => p.stretchShare },
  { key: 'gpuBusy', label: 'GPU busy (per node)', group: 'per-node', pick: (p) => p.perNode?.gpuBusyFraction },
  { key: 'kvMean', label: 'KV occupancy mean (per node)', group: 'per-node', pick: (p) => p.perNode?.kvOccupancyMean },
];

/** The seconds-valued ones, on a log axis. */
export const ONSET_LATENCIES: readonly { key: string; label: string; pick: Pick_ }[] = [
  { key: 'ttftP99', label: 'TTFT p99', pick: (p) => p.ttftP99 },
  { key: 'tpotP99', label: 'TPOT p99', pick: (p) => p.tpotP99 },
  { key: 'handOffWait', label: 'KV hand-off wait (mean)', pick: (p) => p.handOffWaitMean },
];

/** sortedPoints(result) -> the sweep by rate, bounded, points without a finite rate left out. */
export function sortedPoints(result: Pick<FabricResult, 'points'>): FabricPoint[] {
  return result.points
    .slice(0, MAX_POINTS)
    .filter((p) => finite(p.rate))
    .sort((a, b) => a.rate - b.rate);
}

/** line(points, key, label, pick, positive) -> one RateLine; `positive` leaves out values a log axis cannot draw. */
export function rateLine(points: readonly FabricPoint[], key: string, label: string, pick: Pick_, positive = false): RateLine {
  return {
    key,
    label,
    points: points.flatMap((p) => {
      const v = pick(p);
      return finite(v) && (positive ? v > 0 : v >= 0) ? [{ rate: p.rate, value: v, low: null, high: null }] : [];
    }),
  };
}

/** onsetSignalLines(result) -> the fabric and per-node signals against rate (fractions). */
export function onsetSignalLines(result: Pick<FabricResult, 'points'>): RateLine[] {
  const points = sortedPoints(result);
  return ONSET_SIGNALS.map((s) => rateLine(points, s.key, s.label, s.pick));
}

/** onsetLatencyLines(result) -> TTFT and TPOT p99 and (with KV hand-offs) their mean wait, seconds; lines without a value left out. */
export function onsetLatencyLines(result: Pick<FabricResult, 'points'>): RateLine[] {
  const points = sortedPoints(result);
  return ONSET_LATENCIES.map((s) => rateLine(points, s.key, s.label, s.pick, true)).filter((l) => l.points.length > 0);
}

/** onsetMarkers(result) -> the fabric pressure onset, the SLO break (drawn as the saturation mark) and today's rate. */
export function onsetMarkers(result: Pick<FabricResult, 'pressureOnset' | 'sloBreakRate' | 'rate'>): RateMarker[] {
  const marks: RateMarker[] = [];
  if (result.sloBreakRate !== null && finite(result.sloBreakRate)) marks.push({ key: 'saturation', rate: result.sloBreakRate, low: null, high: null, label: `SLO breaks ${formatRate(result.sloBreakRate, 'req/s')}` });
  if (result.pressureOnset !== null && finite(result.pressureOnset.rate)) marks.push({ key: 'onset', rate: result.pressureOnset.rate, low: null, high: null, label: `fabric pressure onset ${formatRate(result.pressureOnset.rate, 'req/s')}` });
  if (finite(result.rate)) marks.push({ key: 'current', rate: result.rate, low: null, high: null, label: `today ${formatRate(result.rate, 'req/s')}` });
  return marks;
}

/** The link pressure threshold as a level line on the signals chart. */
export const PRESSURE_LEVEL = { key: 'link-pressure', value: LINK_PRESSURE, label: `link pressure: p99 ≥ ${formatPercent(LINK_PRESSURE, 0)}` };

/**
 * onsetSentences(result) -> where fabric pressure begins (or why it was not found), where the SLO
 * breaks (or why not), and the gap at the onset: what the per-node view said there.
 */
export function onsetSentences(result: FabricResult): string[] {
  const out: string[] = [];
  const onset = result.pressureOnset;
  const slo = result.sloBreakRate;
  if (result.points.length === 0) return [`No onset sweep: ${result.pressureOnsetReason ?? 'no rates were swept'}.`];
  if (onset === null) out.push(`No fabric pressure onset in the sweep: ${result.pressureOnsetReason ?? 'no reason recorded'}.`);
  else {
    const lead = finite(slo) ? (onset.rate < slo ? `, ${formatRate(slo - onset.rate, 'req/s')} before the SLO breaks at ${formatRate(slo, 'req/s')}` : onset.rate === slo ? ', at the rate the SLO breaks' : `, after the SLO breaks at ${formatRate(slo, 'req/s')}`) : '';
    out.push(`Fabric pressure begins at ${formatRate(onset.rate, 'req/s')} (${onset.signal})${lead}.`);
    const at = sortedPoints(result).find((p) => p.rate === onset.rate);
    if (at) {
      const n = at.perNode;
      out.push(
        `There the per-node view shows GPUs ${formatUtilization(n.gpuBusyFraction)} busy and KV ${formatUtilization(n.kvOccupancyMean)} full (peak ${formatUtilization(n.kvOccupancyPeak)})${n.healthy ? ', still healthy' : ''}, while the hottest link runs at p99 ${formatUtilization(at.linkUtilizationP99)}.`,
      );
    }
  }
  if (!finite(slo)) out.push(`No SLO break in the sweep: ${result.sloBreakReason ?? 'no reason recorded'}.`);
  else if (onset === null) out.push(`The SLO breaks at ${formatRate(slo, 'req/s')}.`);
  return out;
}

export const FABRIC_POINT_COLUMNS = ['Offered rate', 'Link p99', 'Hottest link', 'Comm. share', 'Stretch share', 'Hand-off wait', 'GPU busy', 'KV mean', 'KV peak', 'TTFT p99', 'TPOT p99', 'SLO'] as const;

/** fabricPointRows(result) -> the sweep as text rows (FABRIC_POINT_COLUMNS), by rate. */
export function fabricPointRows(result: Pick<FabricResult, 'points'>): string[][] {
  return sortedPoints(result).map((p) => [
    formatRate(p.rate, 'req/s'),
    formatUtilization(p.linkUtilizationP99),
    p.hottestLink === null ? 'none' : `${p.hottestLink.id}${p.hottestLink.topTraffic ? ` (${p.hottestLink.topTraffic})` : ''}`,
    formatPercent(p.communicationShare),
    formatPercent(p.stretchShare, 2),
    p.handOffWaitMean > 0 ? formatSeconds(p.handOffWaitMean) : '–',
    formatUtilization(p.perNode.gpuBusyFraction),
    formatUtilization(p.perNode.kvOccupancyMean),
    formatUtilization(p.perNode.kvOccupancyPeak),
    formatSeconds(p.ttftP99),
    formatSeconds(p.tpotP99),
    p.sloMet === null ? 'no SLO' : p.sloMet ? 'met' : 'missed',
  ]);
}
