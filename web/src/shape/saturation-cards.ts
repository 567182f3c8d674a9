import type { SaturationResult } from '../../../analyzers/saturation/saturation-result.js';
import { formatCount, formatPercent, formatRate, formatSeconds } from '../format.js';
import type { HeadlineCard } from './headline.js';
import { BOTTLENECK_NAMES } from './saturation-curves.js';

/** saturationCards(result) -> saturation rate, pressure onset, today's rate, headroom, goodput, bottleneck, method. */
export function saturationCards(result: SaturationResult): HeadlineCard[] {
  const s = result.saturationRate;
  const headroom = result.headroom;
  return [
    {
      key: 'saturation',
      label: 'Saturation rate',
      value: s ? formatRate(s.mean, 'req/s') : 'not found',
      detail: s ? (s.low !== s.high ? `interval ${formatRate(s.low, 'req/s')} to ${formatRate(s.high, 'req/s')}` : 'highest rate meeting the SLO') : (result.saturationReason ?? ''),
      status: 'none',
    },
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
    p.meetsSlo === null ? '–' : p.meetsSlo ? 'yes' : p.keepsUp ? 'no' : 'no: fell behind',
    p.pressure.pressured.length > 0 ? p.pressure.pressured.join(', ') : 'none',
  ]);
}

export const SATURATION_POINT_COLUMNS = ['Offered rate', 'TTFT p99', 'TPOT p99', 'E2E p99', 'Completed', 'Goodput', 'Meets SLO', 'Pressure signals'];
