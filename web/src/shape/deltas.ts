import type { SaturationResult } from '../../../analyzers/saturation/saturation-result.js';
import type { SimulationResult } from '../../../engine/simulation-result.js';
import { formatCount, formatPercent, formatRate, formatSeconds, formatSigned, formatSignedPercent, MISSING } from '../format.js';
import { servingGpus } from './scenario-summary.js';

/** One row of a comparison table: a measure for every result, and each one's change from the first. */
export interface DeltaRow {
  label: string;
  /** Which direction is an improvement; 'neither' for descriptive rows. */
  better: 'higher' | 'lower' | 'neither';
  values: (number | null)[];
  texts: string[];
  /** Per result: "+12.0 ms (+5.1%)" against the baseline; empty for the baseline itself. */
  deltas: string[];
  /** Per result: whether the change is an improvement, a regression, or neither. */
  verdicts: ('better' | 'worse' | 'same' | 'none')[];
}

export interface Measure<R> {
  label: string;
  better: 'higher' | 'lower' | 'neither';
  pick: (r: R) => number | null;
  format: (n: number) => string;
  /** Percent-point rows (fractions) show absolute change only. */
  fraction?: boolean;
  /** The value's interval, when the result has one: overlapping intervals are "no change". */
  interval?: (r: R) => [number, number] | null;
}

/**
 * Differences below this share of the baseline are "no change": simulations of one scenario with
 * other seeds move by about this much, so a smaller difference is not evidence of better or worse.
 */
export const NOISE_FLOOR = 0.02;

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** deltaRows(results, measures) -> one DeltaRow per measure, the first result as the baseline. */
export function deltaRows<R>(results: readonly R[], measures: readonly Measure<R>[]): DeltaRow[] {
  return measures.map((m) => {
    const values = results.map((r) => {
      const v = m.pick(r);
      return finite(v) ? v : null;
    });
    const base = values[0] ?? null;
    const deltas: string[] = [];
    const verdicts: DeltaRow['verdicts'] = [];
    values.forEach((v, i) => {
      if (i === 0 || v === null || base === null) {
        deltas.push(i === 0 ? '' : MISSING);
        verdicts.push('none');
        return;
      }
      const diff = v - base;
      const identical = Math.abs(diff) <= 1e-9 * Math.max(1, Math.abs(base));
      // Judged rows: a change inside both intervals, or under the noise floor, is no change.
      const a = m.interval?.(results[0]!) ?? null;
      const b = m.interval?.(results[i]!) ?? null;
      const overlapping = a !== null && b !== null && a[0] <= b[1] && b[0] <= a[1];
      const underNoise = m.better !== 'neither' && !m.fraction && base !== 0 && Math.abs(diff / base) < NOISE_FLOOR;
      if (identical || (m.better !== 'neither' && (overlapping || underNoise))) {
        deltas.push(identical ? 'no change' : `no change (${overlapping ? 'within the intervals' : `under ${NOISE_FLOOR * 100}%`})`);
        verdicts.push(m.better === 'neither' ? 'none' : 'same');
        return;
      }
      const abs = m.fraction ? `${diff >= 0 ? '+' : '−'}${Math.abs(diff * 100).toFixed(1)} pt` : formatSigned(diff, m.format);
      const rel = !m.fraction && base !== 0 ? ` (${formatSignedPercent(diff / Math.abs(base))})` : '';
      deltas.push(`${abs}${rel}`);
      verdicts.push(m.better === 'neither' ? 'none' : (diff > 0) === (m.better === 'higher') ? 'better' : 'worse');
    });
    return { label: m.label, better: m.better, values, texts: values.map((v) => (v === null ? MISSING : m.format(v))), deltas, verdicts };
  });
}

const seconds = (n: number) => formatSeconds(n);
const perGpu = (v: number | null | undefined, s: SimulationResult['scenario']) => (typeof v === 'number' ? v / servingGpus(s) : null);
const reqs = (n: number) => formatRate(n, 'req/s');

/** The measures compared between simulation results. */
export const SIMULATION_MEASURES: Measure<SimulationResult>[] = [
  { label: 'Throughput', better: 'higher', pick: (r) => r.throughput.requestsPerSecond, format: reqs },
  { label: 'Throughput per GPU', better: 'higher', pick: (r) => perGpu(r.throughput.requestsPerSecond, r.scenario), format: reqs },
  { label: 'Output tokens/s', better: 'higher', pick: (r) => r.throughput.outputTokensPerSecond, format: (n) => formatRate(n, 'tok/s') },
  { label: 'Output tokens/s per GPU', better: 'higher', pick: (r) => r.throughput.outputTokensPerSecondPerGpu, format: (n) => formatRate(n, 'tok/s') },
  { label: 'TTFT p50', better: 'lower', pick: (r) => r.latency.ttft.p50, format: seconds },
  { label: 'TTFT p99', better: 'lower', pick: (r) => r.latency.ttft.p99, format: seconds },
  { label: 'TPOT p50', better: 'lower', pick: (r) => r.latency.tpot.p50, format: seconds },
  { label: 'TPOT p99', better: 'lower', pick: (r) => r.latency.tpot.p99, format: seconds },
  { label: 'E2E p50', better: 'lower', pick: (r) => r.latency.e2e.p50, format: seconds },
  { label: 'E2E p99', better: 'lower', pick: (r) => r.latency.e2e.p99, format: seconds },
  { label: 'Queue wait p99', better: 'lower', pick: (r) => r.latency.queueWait.p99, format: seconds },
  { label: 'SLO attainment', better: 'higher', pick: (r) => r.slo.attainment, format: (n) => formatPercent(n), fraction: true },
  { label: 'Goodput', better: 'higher', pick: (r) => r.slo.goodputRequestsPerSecond, format: reqs },
  { label: 'Goodput per GPU', better: 'higher', pick: (r) => perGpu(r.slo.goodputRequestsPerSecond, r.scenario), format: reqs },
  { label: 'Preemptions', better: 'lower', pick: (r) => r.requests.preempted, format: formatCount },
  { label: 'Dropped', better: 'lower', pick: (r) => r.requests.dropped, format: formatCount },
  { label: 'KV occupancy peak', better: 'neither', pick: (r) => r.utilization.kvOccupancyPeak, format: (n) => formatPercent(n), fraction: true },
  { label: 'GPUs serving', better: 'neither', pick: (r) => servingGpus(r.scenario), format: formatCount },
];

/** The measures compared between saturation results. */
export const SATURATION_MEASURES: Measure<SaturationResult>[] = [
  {
    label: 'Saturation rate',
    better: 'higher',
    pick: (r) => r.saturationRate?.mean ?? null,
    format: reqs,
    interval: (r) => (r.saturationRate ? [r.saturationRate.low, r.saturationRate.high] : null),
  },
  { label: 'Saturation rate per GPU', better: 'higher', pick: (r) => perGpu(r.saturationRate?.mean, r.scenario), format: reqs },
  { label: 'Pressure onset', better: 'higher', pick: (r) => r.pressureOnsetRate, format: reqs },
  { label: "Today's rate", better: 'neither', pick: (r) => r.currentRate, format: reqs },
  { label: 'Headroom', better: 'higher', pick: (r) => (r.headroom ? r.headroom.percent / 100 : null), format: (n) => formatPercent(n), fraction: true },
  { label: 'Goodput at saturation', better: 'higher', pick: (r) => r.goodputAtSaturation, format: reqs },
  { label: 'Goodput at saturation per GPU', better: 'higher', pick: (r) => perGpu(r.goodputAtSaturation, r.scenario), format: reqs },
  { label: 'GPUs serving', better: 'neither', pick: (r) => servingGpus(r.scenario), format: formatCount },
];
