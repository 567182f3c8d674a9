import type { BottleneckName, Estimate, SaturationResult } from '../../../analyzers/saturation/saturation-result.js';
import { formatPercent, formatRate, formatSeconds } from '../format.js';

/** One evaluated offered rate and a statistic there (with its 95% interval when replicated). */
export interface RatePoint {
  rate: number;
  value: number;
  low: number | null;
  high: number | null;
}

export interface RateLine {
  key: string;
  label: string;
  points: RatePoint[];
}

/** The latency metrics drawn against offered rate. */
export const RATE_METRICS = [
  { key: 'ttft', label: 'TTFT' },
  { key: 'tpot', label: 'TPOT' },
  { key: 'e2e', label: 'E2E latency' },
] as const;
export type RateMetric = (typeof RATE_METRICS)[number]['key'];

/** The percentiles drawn per metric in a single saturation result. */
export const RATE_STATS = ['p50', 'p90', 'p99'] as const;
export type RateStat = (typeof RATE_STATS)[number] | 'p95' | 'mean';

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** latencyVsRate(result, 'ttft') -> one line per percentile (p50, p90, p99), points without a sample left out. */
export function latencyVsRate(result: SaturationResult, metric: RateMetric): RateLine[] {
  return RATE_STATS.map((stat) => ({ key: stat, label: stat, points: statPoints(result, metric, stat) }));
}

function statPoints(result: SaturationResult, metric: RateMetric, stat: RateStat): RatePoint[] {
  return result.points.flatMap((p) => {
    const value = p.latency[metric][stat];
    return finite(value) && value > 0 ? [{ rate: p.rate, value, low: null, high: null }] : [];
  });
}

function estimatePoint(rate: number, e: Estimate | null): RatePoint[] {
  return e && finite(e.mean) ? [{ rate, value: e.mean, low: finite(e.low) ? e.low : null, high: finite(e.high) ? e.high : null }] : [];
}

/** throughputVsRate(result) -> completed req/s and (with an SLO) goodput against offered rate, with intervals. */
export function throughputVsRate(result: SaturationResult): RateLine[] {
  const lines: RateLine[] = [
    { key: 'achieved', label: 'completed req/s', points: result.points.flatMap((p) => estimatePoint(p.rate, p.throughput.requestsPerSecond)) },
  ];
  const goodput = result.points.flatMap((p) => estimatePoint(p.rate, p.goodputRequestsPerSecond));
  if (goodput.length > 0) lines.push({ key: 'goodput', label: 'goodput (within SLO)', points: goodput });
  return lines;
}

/** The statistic an SLO bounds for a metric ('p99' for ttftP99), or null when the SLO leaves it alone. */
export function sloStat(result: SaturationResult, metric: RateMetric): RateStat | null {
  const keys = Object.keys(result.scenario.slo ?? {});
  for (const stat of ['P99', 'P95', 'P90', 'P50', 'Mean'] as const) {
    if (keys.includes(`${metric}${stat}`)) return stat.toLowerCase() as RateStat;
  }
  return null;
}

/** A horizontal SLO line on a latency-vs-rate chart. */
export interface SloLevel {
  key: string;
  stat: RateStat;
  seconds: number;
  label: string;
}

/** sloLevels(result, 'ttft') -> every bound the scenario's SLO puts on that metric (any result with a scenario). */
export function sloLevels(result: Pick<SaturationResult, 'scenario'>, metric: RateMetric): SloLevel[] {
  return Object.entries(result.scenario.slo ?? {}).flatMap(([key, bound]) => {
    const match = /^([a-zA-Z]+?)(Mean|P50|P90|P95|P99)$/.exec(key);
    if (!match || match[1] !== metric || !finite(bound)) return [];
    const stat = match[2]!.toLowerCase() as RateStat;
    return [{ key, stat, seconds: bound, label: `SLO ${stat} ≤ ${formatSeconds(bound)}` }];
  });
}

/** A vertical mark at a rate: the saturation rate (with its interval), the pressure onset, today's rate. */
export interface RateMarker {
  key: 'saturation' | 'onset' | 'current';
  rate: number;
  low: number | null;
  high: number | null;
  label: string;
}

/** rateMarkers(result) -> the marks that exist for this result, in that order. */
export function rateMarkers(result: SaturationResult): RateMarker[] {
  const marks: RateMarker[] = [];
  const s = result.saturationRate;
  if (s && finite(s.mean)) marks.push({ key: 'saturation', rate: s.mean, low: finite(s.low) ? s.low : null, high: finite(s.high) ? s.high : null, label: `saturation ${formatRate(s.mean, 'req/s')}` });
  if (finite(result.pressureOnsetRate)) marks.push({ key: 'onset', rate: result.pressureOnsetRate, low: null, high: null, label: `pressure onset ${formatRate(result.pressureOnsetRate, 'req/s')}` });
  if (finite(result.currentRate)) marks.push({ key: 'current', rate: result.currentRate, low: null, high: null, label: `today ${formatRate(result.currentRate, 'req/s')}` });
  return marks;
}

/** What each bottleneck is called in a sentence. */
export const BOTTLENECK_NAMES: Record<BottleneckName, string> = {
  queue: 'the request queue (arrivals outpace service)',
  compute: 'GPU compute (steps are compute-bound)',
  'kv-memory': 'KV-cache memory',
  'batch-limit': 'the batch limit (maxNumSeqs)',
  communication: 'tensor-parallel communication',
};

/** bottleneckSentence(result) -> "The first bottleneck is KV-cache memory: <evidence>" (plain text). */
export function bottleneckSentence(result: SaturationResult): string {
  if (!result.bottleneck) {
    const why = result.saturationReason ?? result.pressureOnsetReason;
    return `No bottleneck identified${why ? `: ${why}` : '.'}`;
  }
  const name = BOTTLENECK_NAMES[result.bottleneck.name] ?? String(result.bottleneck.name);
  const evidence = result.bottleneck.evidence.trim();
  return `The first bottleneck is ${name}${evidence ? `: ${evidence.replace(/\.?$/, '.')}` : '.'}`;
}

/** headroomSentence(result) -> how much load today's rate can still grow by, or why that is unknown. */
export function headroomSentence(result: SaturationResult): string {
  const s = result.saturationRate;
  if (!s) return `Saturation rate not found${result.saturationReason ? `: ${result.saturationReason}` : '.'}`;
  const interval = s.low !== s.high ? ` (95% interval ${formatRate(s.low, 'req/s')} to ${formatRate(s.high, 'req/s')})` : '';
  const rate = `The SLO holds up to ${formatRate(s.mean, 'req/s')}${interval}.`;
  if (result.headroom && finite(result.currentRate)) {
    const verb = result.headroom.percent >= 0 ? 'leaves' : 'is over by';
    return `${rate} Today's ${formatRate(result.currentRate, 'req/s')} ${verb} ${formatPercent(Math.abs(result.headroom.percent) / 100)} headroom (${formatRate(Math.abs(result.headroom.requestsPerSecond), 'req/s')}).`;
  }
  return rate;
}

/**
 * comparisonLatencyLines(entries, 'ttft') -> one line per result of the statistic its SLO bounds
 * (p99 when none), keyed result-<index>.
 */
export function comparisonLatencyLines(entries: readonly { label: string; result: SaturationResult }[], metric: RateMetric): { stat: RateStat; lines: RateLine[] } {
  const stat = entries.map((e) => sloStat(e.result, metric)).find((s) => s !== null) ?? 'p99';
  return { stat, lines: entries.map(({ label, result }, i) => ({ key: `result-${i}`, label, points: statPoints(result, metric, stat) })) };
}

/** comparisonThroughputLines(entries) -> each result's completed req/s against offered rate. */
export function comparisonThroughputLines(entries: readonly { label: string; result: SaturationResult }[]): RateLine[] {
  return entries.map(({ label, result }, i) => ({ key: `result-${i}`, label, points: result.points.flatMap((p) => estimatePoint(p.rate, p.throughput.requestsPerSecond)) }));
}
