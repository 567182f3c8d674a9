import type { FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import { formatCount, formatPercent, formatRate, formatSeconds } from '../format.js';
import { finite, formatUtilization, hasHandOffs, LINK_PRESSURE, linkPlace, scaleUpName, STRETCH_PRESSURE } from './fabric-links.js';
import type { HeadlineCard } from './headline.js';
import type { Verdict } from './verdict.js';

/**
 * The head of a fabric view: the verdict line, the per-node view set beside the hottest link (the
 * gap a per-node dashboard hides), and the gate fields `check` reads as cards. Pure and DOM-free.
 */

/** The per-node view's own thresholds (analyzers/fabric perNodeView: healthy below these). */
export const GPU_BUSY_HEALTHY = 0.85;
export const KV_PEAK_HEALTHY = 0.9;

/** The link the analysis found hottest (highest p99), or null when nothing crossed the fabric. */
export function hottestLink(result: Pick<FabricResult, 'run'>): FabricResult['run']['hottest'][number] | null {
  return result.run.hottest[0] ?? null;
}

function onsetAndBreak(result: FabricResult): string {
  const onset = result.pressureOnset;
  const slo = result.sloBreakRate;
  const a = onset === null ? 'no fabric pressure onset in the sweep' : `fabric pressure begins at ${formatRate(onset.rate, 'req/s')}`;
  const b = finite(slo) ? `the SLO breaks at ${formatRate(slo, 'req/s')}` : result.scenario.slo === null ? 'no SLO stated' : 'the SLO held at every swept rate';
  return `${a}, ${b}`;
}

/**
 * fabricVerdict(result) -> the view's first line: hidden from the per-node view (the seed's point),
 * the fabric under pressure, not under pressure, or no traffic at all; then the onset and SLO break.
 */
export function fabricVerdict(result: FabricResult): Verdict {
  const hot = hottestLink(result);
  const n = result.perNode;
  const tail = result.points.length > 0 ? `; ${onsetAndBreak(result)}` : '';
  if (hot === null || result.run.linksUsed === 0) {
    return { status: 'none', text: `No traffic crossed the fabric: the per-node view (GPUs ${formatUtilization(n.gpuBusyFraction)} busy, KV ${formatUtilization(n.kvOccupancyPeak)} at peak) is the whole story${tail}` };
  }
  const link = `${hot.id} runs at p99 ${formatUtilization(hot.utilizationP99)}`;
  if (result.hiddenFromPerNodeView) {
    return { status: 'missed', text: `Hidden from the per-node view: GPUs ${formatUtilization(n.gpuBusyFraction)} busy and KV ${formatUtilization(n.kvOccupancyPeak)} at peak look healthy while ${link}${tail}` };
  }
  if (result.linkUtilizationP99 >= LINK_PRESSURE) {
    return { status: 'missed', text: `Fabric under pressure: ${link}; the per-node view shows stress too (GPUs ${formatUtilization(n.gpuBusyFraction)} busy, KV ${formatUtilization(n.kvOccupancyPeak)} at peak)${tail}` };
  }
  const today = finite(result.rate) ? ` at today's ${formatRate(result.rate, 'req/s')}` : '';
  return { status: 'met', text: `Fabric not under pressure${today}: the hottest link, ${hot.id}, at p99 ${formatUtilization(hot.utilizationP99)}${tail}` };
}

/** One bar of the "per node against the fabric" chart: a figure on a 0-100% axis and its threshold. */
export interface GapBar {
  key: 'gpu-busy' | 'kv-mean' | 'kv-peak' | 'link-p99' | 'link-mean';
  group: 'per-node' | 'fabric';
  label: string;
  value: number;
  /** The level at which this figure counts as stressed; null for figures without one. */
  threshold: number | null;
  /** At or over its threshold. */
  over: boolean;
  text: string;
}

/**
 * perNodeGap(result) -> what a per-node dashboard shows (GPU busy, KV mean and peak) and what the
 * hottest link shows (p99 and mean utilization), each against its threshold, on one axis.
 */
export function perNodeGap(result: FabricResult): GapBar[] {
  const n = result.perNode;
  const bar = (key: GapBar['key'], group: GapBar['group'], label: string, value: number, threshold: number | null): GapBar => {
    const v = finite(value) && value > 0 ? value : 0;
    return { key, group, label, value: v, threshold, over: threshold !== null && v >= threshold, text: formatPercent(v, 0) };
  };
  const bars = [
    bar('gpu-busy', 'per-node', 'GPU busy', n.gpuBusyFraction, GPU_BUSY_HEALTHY),
    bar('kv-mean', 'per-node', 'KV occupancy, mean', n.kvOccupancyMean, null),
    bar('kv-peak', 'per-node', 'KV occupancy, peak', n.kvOccupancyPeak, KV_PEAK_HEALTHY),
  ];
  const hot = hottestLink(result);
  if (hot !== null) {
    bars.push(bar('link-p99', 'fabric', `Hottest link p99: ${hot.id}`, hot.utilizationP99, LINK_PRESSURE), bar('link-mean', 'fabric', `Hottest link mean: ${hot.id}`, hot.utilizationMean, null));
  }
  return bars;
}

/**
 * gapSentence(result) -> the point in one sentence: "Per node looks healthy while the spine is
 * saturated: ...", or what the two views agree on.
 */
export function gapSentence(result: FabricResult): string {
  const hot = hottestLink(result);
  const n = result.perNode;
  const node = `GPUs ${formatUtilization(n.gpuBusyFraction)} busy, KV ${formatUtilization(n.kvOccupancyMean)} full on average and ${formatUtilization(n.kvOccupancyPeak)} at peak`;
  if (hot === null) return `Per node: ${node}. No link carried traffic, so there is nothing the per-node view could miss.`;
  const place = linkPlace(hot.kind, scaleUpName(result));
  const traffic = hot.traffic[0] ? `, filled by ${hot.traffic[0].tag}` : '';
  if (result.hiddenFromPerNodeView) {
    return `Per node looks healthy (${node}) while ${place} is saturated: ${hot.id} runs at p99 ${formatUtilization(hot.utilizationP99)}${traffic}. A per-node dashboard would stay green.`;
  }
  const healthy = n.healthy ? 'looks healthy' : 'shows stress';
  const fabric = hot.utilizationP99 >= LINK_PRESSURE ? `is saturated too: ${hot.id} at p99 ${formatUtilization(hot.utilizationP99)}` : `has room: its hottest link, ${hot.id}, peaks at p99 ${formatUtilization(hot.utilizationP99)}`;
  return `Per node ${healthy} (${node}) and ${place} ${fabric}${traffic}.`;
}

/** fabricCards(result) -> the gate fields (`check --fail-on 'fabric.…'`) and the onset as cards. */
export function fabricCards(result: FabricResult): HeadlineCard[] {
  const hot = hottestLink(result);
  const flag = (bad: boolean, good: string, badText: string): Pick<HeadlineCard, 'status' | 'statusText'> => ({ status: bad ? 'missed' : 'met', statusText: bad ? badText : good });
  const pct = `${formatPercent(LINK_PRESSURE, 0)}`;
  const cards: HeadlineCard[] = [
    {
      key: 'linkUtilizationP99',
      label: 'Link p99 utilization',
      value: formatUtilization(result.linkUtilizationP99),
      detail: `${hot === null ? 'no link carried traffic' : hot.id} · fabric.linkUtilizationP99`,
      ...flag(result.linkUtilizationP99 >= LINK_PRESSURE, `under ${pct}`, `at or over ${pct}`),
    },
    { key: 'linkUtilizationMean', label: 'Link mean utilization', value: formatUtilization(result.linkUtilizationMean), detail: 'the busiest link over the run · fabric.linkUtilizationMean', status: 'none' },
    { key: 'communicationShare', label: 'Communication share', value: formatPercent(result.communicationShare), detail: "of the engines' busy time · fabric.communicationShare", status: 'none' },
    {
      key: 'stretchShare',
      label: 'Stretch share',
      value: formatPercent(result.stretchShare, 2),
      detail: 'busy time steps waited on shared links · fabric.stretchShare',
      ...flag(result.stretchShare >= STRETCH_PRESSURE, `under ${formatPercent(STRETCH_PRESSURE, 0)}`, `at or over ${formatPercent(STRETCH_PRESSURE, 0)}`),
    },
    hasHandOffs(result)
      ? { key: 'handOffWaitMean', label: 'KV hand-off wait', value: formatSeconds(result.handOffWaitMean), detail: 'mean, beyond an idle fabric · fabric.handOffWait', status: 'none' }
      : { key: 'handOffWaitMean', label: 'KV hand-off wait', value: '–', detail: 'no KV hand-offs (prefill and decode not disaggregated)', status: 'none' },
    {
      key: 'pressureOnset',
      label: 'Fabric pressure onset',
      value: result.pressureOnset === null ? 'none found' : formatRate(result.pressureOnset.rate, 'req/s'),
      detail: result.pressureOnset?.signal ?? result.pressureOnsetReason ?? '',
      status: 'none',
    },
    {
      key: 'sloBreak',
      label: 'SLO breaks at',
      value: finite(result.sloBreakRate) ? formatRate(result.sloBreakRate, 'req/s') : 'not in the sweep',
      detail: finite(result.sloBreakRate) ? 'the lowest swept rate that misses the SLO' : (result.sloBreakReason ?? ''),
      status: 'none',
    },
    {
      key: 'links',
      label: 'Links used',
      value: `${formatCount(result.run.linksUsed)} of ${formatCount(result.run.links)}`,
      detail: result.run.mode === 'all' ? 'every link, scale-up ports included' : 'shared links only',
      status: 'none',
    },
  ];
  return cards;
}
