import type { SimulationResult, SloBoundResult } from '../../../engine/simulation-result.js';
import { formatCount, formatPercent, formatRate, formatSeconds } from '../format.js';
import { costCard } from './cost.js';

/** A headline card: a big value, a line of detail, and how it stands against the SLO. */
export interface HeadlineCard {
  key: string;
  label: string;
  value: string;
  detail: string;
  /** 'met' / 'missed' against an SLO bound (or good / bad news); 'none' when no bound applies. */
  status: 'met' | 'missed' | 'none';
  /** Words for the status when "SLO met" / "SLO missed" would not fit the card. */
  statusText?: string;
}

function bound(bounds: readonly SloBoundResult[], key: string): SloBoundResult | undefined {
  return bounds.find((b) => b.key === key);
}

function latencyCard(result: SimulationResult, metric: 'ttft' | 'tpot' | 'e2e', label: string): HeadlineCard {
  const stats = result.latency[metric];
  const bounds = result.slo.bounds.filter((b) => b.key.startsWith(metric));
  const p99 = bound(bounds, `${metric}P99`);
  const p50 = bound(bounds, `${metric}P50`);
  const notes = [`p50 ${formatSeconds(stats.p50)}`];
  for (const b of bounds) notes.push(`SLO ${b.key.slice(metric.length).toLowerCase()} ≤ ${formatSeconds(b.bound)} ${b.met ? 'met' : 'missed'}`);
  const relevant = [p99, p50, ...bounds].filter((b): b is SloBoundResult => b !== undefined);
  const status = relevant.length === 0 ? 'none' : relevant.every((b) => b.met) ? 'met' : 'missed';
  return { key: metric, label: `${label} p99`, value: formatSeconds(stats.p99), detail: notes.join(' · '), status };
}

/**
 * throughputCard(result) -> the steady throughput and whether the deployment kept up with what was
 * offered over the steady window: one that fell behind is 'missed' (a queue builds without end).
 * Older result files without the window say neither.
 */
export function throughputCard(result: SimulationResult): HeadlineCard {
  const { throughput } = result;
  const steady = throughput.window as SimulationResult['throughput']['window'] | undefined;
  const rates = `${formatRate(throughput.outputTokensPerSecond, 'output tok/s')} · ${formatRate(throughput.outputTokensPerSecondPerGpu, 'tok/s per GPU')}`;
  const card: HeadlineCard = { key: 'throughput', label: 'Throughput', value: formatRate(throughput.requestsPerSecond, 'req/s'), detail: rates, status: 'none' };
  if (!steady) return card;
  if (steady.keptUp) return { ...card, detail: `kept up with ${formatRate(steady.arrivalsPerSecond, 'req/s')} offered · ${rates}` };
  return {
    ...card,
    detail: `completed ${formatRate(steady.completionsPerSecond, 'req/s')} of ${formatRate(steady.arrivalsPerSecond, 'req/s')} offered: a queue builds · ${rates}`,
    status: 'missed',
    statusText: 'fell behind',
  };
}

/**
 * headlineCards(result) -> throughput (and whether it kept up), TTFT, TPOT and e2e (p99 big, p50
 * and SLO below), SLO attainment, goodput, cost (when the scenario prices its GPUs), preemptions
 * and dropped requests.
 */
export function headlineCards(result: SimulationResult): HeadlineCard[] {
  const { requests, throughput, slo } = result;
  const hasSlo = slo.attainment !== null;
  const dropped = Object.entries(requests.droppedByReason)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${formatCount(n)} ${reason}`);
  return [
    throughputCard(result),
    latencyCard(result, 'ttft', 'TTFT'),
    latencyCard(result, 'tpot', 'TPOT'),
    latencyCard(result, 'e2e', 'E2E'),
    {
      key: 'attainment',
      label: 'SLO attainment',
      value: hasSlo ? formatPercent(slo.attainment) : 'no SLO',
      detail: hasSlo ? `of requests within every bound · SLO ${slo.met ? 'met' : 'missed'}` : 'the scenario states no slo',
      status: slo.met === null ? 'none' : slo.met ? 'met' : 'missed',
    },
    {
      key: 'goodput',
      label: 'Goodput',
      value: hasSlo ? formatRate(slo.goodputRequestsPerSecond, 'req/s') : formatRate(throughput.requestsPerSecond, 'req/s'),
      detail: hasSlo ? 'requests per second within the SLO' : 'no SLO: every completed request counts',
      status: 'none',
    },
    // Older result files have no cost key: the same as no price.
    ...(result.cost ? [costCard(result.cost, 'cost', 'Cost')] : []),
    {
      key: 'preemptions',
      label: 'Preemptions',
      value: formatCount(requests.preempted),
      detail: requests.completed > 0 ? `${(requests.preempted / requests.completed).toFixed(3)} per completed request` : 'no request completed',
      status: 'none',
    },
    {
      key: 'dropped',
      label: 'Dropped',
      value: formatCount(requests.dropped),
      detail: dropped.length > 0 ? dropped.join(', ') : `of ${formatCount(requests.arrived)} arrived`,
      status: requests.dropped > 0 ? 'missed' : 'none',
      statusText: 'requests dropped',
    },
  ];
}
