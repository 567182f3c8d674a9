import type { ConcurrencySweepResult } from '../../../analyzers/saturation/concurrency-sweep.js';
import type { Estimate } from '../../../analyzers/saturation/saturation-result.js';
import { formatRate, formatSeconds } from '../format.js';
import { meetsSloText } from './saturation-cards.js';
import { sloLevels } from './saturation-curves.js';

/** One level of a closed-loop sweep (its client count) and a statistic there, with its 95% interval when replicated. */
export interface LevelPoint {
  concurrency: number;
  value: number;
  low: number | null;
  high: number | null;
}

export interface LevelLine {
  key: string;
  label: string;
  points: LevelPoint[];
}

/** A horizontal bound on a chart against concurrency (an SLO), in the chart's y unit. */
export interface LevelBound {
  key: string;
  value: number;
  label: string;
}

type Level = ConcurrencySweepResult['levels'][number];

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** The columns of the per-level table. */
export const CONCURRENCY_COLUMNS = ['Clients', 'Completed', 'Output tok/s', 'TTFT p50', 'TTFT p99', 'TPOT p50', 'TPOT p99', 'ITL p99', 'Meets SLO', 'Pressure signals'];

/** concurrencyLevels(result) -> the levels by rising client count (the analyzer sorts them; a file might not). */
export function concurrencyLevels(result: ConcurrencySweepResult): Level[] {
  return [...result.levels].sort((a, b) => a.concurrency - b.concurrency);
}

/** concurrencyRows(result) -> one row of text cells per level, in CONCURRENCY_COLUMNS order (means over replications). */
export function concurrencyRows(result: ConcurrencySweepResult): string[][] {
  return concurrencyLevels(result).map((l) => [
    String(l.concurrency),
    formatRate(l.throughput.requestsPerSecond.mean, 'req/s'),
    formatRate(l.throughput.outputTokensPerSecond.mean, 'tok/s'),
    formatSeconds(l.latency.ttft.p50),
    formatSeconds(l.latency.ttft.p99),
    formatSeconds(l.latency.tpot.p50),
    formatSeconds(l.latency.tpot.p99),
    formatSeconds(l.latency.itl.p99),
    meetsSloText(l),
    l.pressure.pressured.length > 0 ? l.pressure.pressured.join(', ') : 'none',
  ]);
}

function estimatePoints(levels: readonly Level[], pick: (l: Level) => Estimate | null): LevelPoint[] {
  return levels.flatMap((l) => {
    const e = pick(l);
    return e && finite(e.mean) ? [{ concurrency: l.concurrency, value: e.mean, low: finite(e.low) ? e.low : null, high: finite(e.high) ? e.high : null }] : [];
  });
}

/** concurrencyThroughputLines(result) -> completed req/s against clients, and goodput (within the SLO) when there is an SLO. */
export function concurrencyThroughputLines(result: ConcurrencySweepResult): LevelLine[] {
  const levels = concurrencyLevels(result);
  const lines: LevelLine[] = [{ key: 'achieved', label: 'completed req/s', points: estimatePoints(levels, (l) => l.throughput.requestsPerSecond) }];
  const goodput = estimatePoints(levels, (l) => l.goodputRequestsPerSecond);
  if (goodput.length > 0) lines.push({ key: 'goodput', label: 'goodput (within SLO)', points: goodput });
  return lines;
}

/** concurrencyLatencyLines(result) -> TTFT p99 and TPOT p99 against clients (seconds; levels without a sample left out). */
export function concurrencyLatencyLines(result: ConcurrencySweepResult): LevelLine[] {
  const levels = concurrencyLevels(result);
  return (['ttft', 'tpot'] as const).map((metric) => ({
    key: `${metric}-p99`,
    label: `${metric.toUpperCase()} p99`,
    points: levels.flatMap((l) => {
      const v = l.latency[metric].p99;
      return finite(v) && v > 0 ? [{ concurrency: l.concurrency, value: v, low: null, high: null }] : [];
    }),
  }));
}

/** concurrencySloBounds(result) -> the SLO's p99 bounds on TTFT and TPOT, for the latency chart. */
export function concurrencySloBounds(result: ConcurrencySweepResult): LevelBound[] {
  return (['ttft', 'tpot'] as const).flatMap((metric) =>
    sloLevels(result, metric)
      .filter((l) => l.stat === 'p99')
      .map((l) => ({ key: l.key, value: l.seconds, label: `${metric.toUpperCase()} ${l.label}` })),
  );
}

/**
 * levelTicks(levels, fit) -> the client counts to label on the x axis: every level when at most
 * `fit` of them fit, else an evenly spread subset that keeps the first and the last.
 */
export function levelTicks(levels: readonly number[], fit: number): number[] {
  const sorted = [...new Set(levels)].sort((a, b) => a - b);
  const room = Math.max(2, Math.floor(fit));
  if (sorted.length <= room) return sorted;
  const step = (sorted.length - 1) / (room - 1);
  return [...new Set(Array.from({ length: room }, (_, i) => sorted[Math.round(i * step)]!))];
}
