import type { SaturationResult, Sizing } from '../../../analyzers/saturation/saturation-result.js';
import { formatCount, formatPercent, formatRate, formatSeconds, formatSignedPercent, formatUsd } from '../format.js';
import { costCard, gpuCount } from './cost.js';
import type { HeadlineCard } from './headline.js';
import { BOTTLENECK_NAMES } from './saturation-curves.js';

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const replicaCount = (n: number | null) => `${formatCount(n)} replica${n === 1 ? '' : 's'}`;

/**
 * sustainedCard(result) -> the most the deployment completed per second at a rate it could not keep
 * up with, and that rate; "not reached" when it kept up at every evaluated rate. null for older
 * result files that do not record it.
 */
export function sustainedCard(result: SaturationResult): HeadlineCard | null {
  const sustained = result.sustainedCapacity as SaturationResult['sustainedCapacity'] | undefined;
  if (sustained === undefined) return null;
  if (sustained === null) return { key: 'sustained', label: 'Sustained capacity', value: 'not reached', detail: 'it kept up at every evaluated rate', status: 'none' };
  return {
    key: 'sustained',
    label: 'Sustained capacity',
    value: formatRate(sustained.requestsPerSecond, 'req/s'),
    detail: `completed at ${formatRate(sustained.measuredAtRate, 'req/s')} offered, where it fell behind`,
    status: 'none',
  };
}

/** "simulated: 3 missed, 4 met": the simulations that checked sizes at the target rate. */
function checkedText(sizing: Sizing): string {
  const words = sizing.checked.map((c) => `${formatCount(c.replicas)} ${c.meetsSlo === null ? 'no SLO' : c.meetsSlo ? 'met' : 'missed'}${c.decided ? '' : ' (undecided)'}`);
  return words.length > 0 ? `simulated: ${words.join(', ')}` : '';
}

/**
 * sizingCard(sizing) -> the answer to --target-rate: "4 replicas" big, and "4 replicas (4 GPUs)
 * carry 50.0 req/s under the SLO", the margin left, the cost at that size, one size up for a spare
 * (and its hourly price) and the simulations that checked sizes; when no size was found, why.
 */
export function sizingCard(sizing: Sizing): HeadlineCard {
  const target = formatRate(sizing.targetRate, 'req/s');
  const label = `Sizing for ${target}`;
  if (!finite(sizing.replicasNeeded)) {
    return { key: 'sizing', label, value: 'no size found', detail: sizing.reason ?? 'no reason recorded', status: 'missed', statusText: `nothing found to carry ${target}` };
  }
  const gpus = finite(sizing.gpusNeeded) ? ` (${gpuCount(sizing.gpusNeeded)})` : '';
  const parts = [`${replicaCount(sizing.replicasNeeded)}${gpus} carry ${target} under the SLO`];
  if (finite(sizing.marginPercent)) parts.push(`margin ${formatSignedPercent(sizing.marginPercent / 100)}`);
  const next = sizing.nextSize;
  if (sizing.cost) {
    const perToken = finite(sizing.cost.usdPerMillionOutputTokens) ? `, ${formatUsd(sizing.cost.usdPerMillionOutputTokens)} per 1M output tokens` : '';
    parts.push(`${formatUsd(sizing.cost.usdPerHour)}/h${perToken}`);
  }
  if (next) {
    // The same GPUs' price one size up: the hourly cost scales with the GPUs.
    const nextCost = sizing.cost ? `, ${formatUsd(sizing.cost.gpuHourUsd * next.gpus)}/h` : '';
    parts.push(`next size ${replicaCount(next.replicas)} (${gpuCount(next.gpus)}): margin ${formatSignedPercent(next.marginPercent / 100)}${nextCost}`);
  }
  const checked = checkedText(sizing);
  if (checked) parts.push(checked);
  return { key: 'sizing', label, value: replicaCount(sizing.replicasNeeded), detail: parts.join(' · '), status: 'none' };
}

/**
 * saturationCards(result) -> saturation rate, sustained capacity, pressure onset, today's rate,
 * headroom, goodput, cost at saturation (when priced), the --target-rate sizing (when asked),
 * bottleneck, method.
 */
export function saturationCards(result: SaturationResult): HeadlineCard[] {
  const s = result.saturationRate;
  const headroom = result.headroom;
  const sustained = sustainedCard(result);
  // Older result files lack costAtSaturation and sizing: the same as none.
  const cost = result.costAtSaturation ? costCard(result.costAtSaturation, 'cost', 'Cost at saturation', ' at the saturation rate') : null;
  const sizing = result.sizing ? sizingCard(result.sizing) : null;
  const cards: (HeadlineCard | null)[] = [
    {
      key: 'saturation',
      label: 'Saturation rate',
      value: s ? formatRate(s.mean, 'req/s') : 'not found',
      detail: s ? (s.low !== s.high ? `interval ${formatRate(s.low, 'req/s')} to ${formatRate(s.high, 'req/s')}` : 'highest rate meeting the SLO') : (result.saturationReason ?? ''),
      status: 'none',
    },
    sustained,
    {
      key: 'onset',
      label: 'Pressure onset',
      value: result.pressureOnsetRate !== null ? formatRate(result.pressureOnsetRate, 'req/s') : 'not found',
      detail:
        result.pressureOnsetRate !== null
          ? result.pressureLeadPercent !== null
            ? `${formatPercent(Math.abs(result.pressureLeadPercent) / 100, 0)} ${result.pressureLeadPercent >= 0 ? 'below' : 'above'} the saturation rate`
            : 'state pressure first shows here'
          : (result.pressureOnsetReason ?? ''),
      status: 'none',
    },
    {
      key: 'current',
      label: "Today's rate",
      value: result.currentRate !== null ? formatRate(result.currentRate, 'req/s') : 'closed loop',
      detail: result.currentRate !== null ? "the scenario's own arrival rate" : 'a closed workload has no offered rate',
      status: 'none',
    },
    {
      key: 'headroom',
      label: 'Headroom',
      value: headroom ? formatPercent(headroom.percent / 100) : '–',
      detail: headroom ? `${formatRate(headroom.requestsPerSecond, 'req/s')} more before the SLO breaks` : 'needs both rates',
      status: headroom ? (headroom.percent > 0 ? 'met' : 'missed') : 'none',
      statusText: headroom && headroom.percent > 0 ? 'room to grow' : 'over capacity today',
    },
    {
      key: 'goodput',
      label: 'Goodput at saturation',
      value: result.goodputAtSaturation !== null ? formatRate(result.goodputAtSaturation, 'req/s') : '–',
      detail: 'requests per second within the SLO',
      status: 'none',
    },
    cost,
    sizing,
    {
      key: 'bottleneck',
      label: 'First bottleneck',
      value: result.bottleneck ? result.bottleneck.name : 'none found',
      detail: result.bottleneck ? (BOTTLENECK_NAMES[result.bottleneck.name] ?? '') : '',
      status: 'none',
    },
    {
      key: 'method',
      label: 'Method',
      value: `${formatCount(result.method.simulations)} runs`,
      detail: `${result.method.mode === 'search' ? 'doubling + bisection' : 'rate grid'}, ${result.method.replications} replication${result.method.replications === 1 ? '' : 's'} per rate${result.method.precision !== null ? `, precision ${formatPercent(result.method.precision, 0)}` : ''}`,
      status: 'none',
    },
  ];
  return cards.filter((c): c is HeadlineCard => c !== null);
}

/** "yes", "no", "no: fell behind" (only when the file says so: older ones lack keepsUp) or "–" without an SLO. */
export function meetsSloText(p: Pick<SaturationResult['points'][number], 'meetsSlo' | 'keepsUp'>): string {
  if (p.meetsSlo === null) return '–';
  if (p.meetsSlo) return 'yes';
  return (p.keepsUp as boolean | undefined) === false ? 'no: fell behind' : 'no';
}

/** One row per evaluated rate for the points table (text cells). */
export function saturationPointRows(result: SaturationResult): string[][] {
  return result.points.map((p) => [
    formatRate(p.rate, 'req/s'),
    formatSeconds(p.latency.ttft.p99),
    formatSeconds(p.latency.tpot.p99),
    formatSeconds(p.latency.e2e.p99),
    formatRate(p.throughput.requestsPerSecond.mean, 'req/s'),
    p.goodputRequestsPerSecond ? formatRate(p.goodputRequestsPerSecond.mean, 'req/s') : '–',
    meetsSloText(p),
    p.pressure.pressured.length > 0 ? p.pressure.pressured.join(', ') : 'none',
  ]);
}

export const SATURATION_POINT_COLUMNS = ['Offered rate', 'TTFT p99', 'TPOT p99', 'E2E p99', 'Completed', 'Goodput', 'Meets SLO', 'Pressure signals'];
