import type { SaturationResult } from '../../../analyzers/saturation/saturation-result.js';
import type { SimulationResult } from '../../../engine/simulation-result.js';
import { formatCount, formatPercent, formatRate, formatSeconds, formatSigned, formatSignedPercent, MISSING } from '../format.js';

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
}

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
      const same = Math.abs(diff) <= 1e-9 * Math.max(1, Math.abs(base));
      if (same) {
        deltas.push('no change');
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
const reqs = (n: number) => formatRate(n, 'req/s');

/** The measures compared between simulation results. */
export const SIMULATION_MEASURES: Measure<SimulationResult>[] = [
  { label: 'Throughput', better: 'higher', pick: (r) => r.throughput.requestsPerSecond, format: reqs },
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
  { label: 'Preemptions', better: 'lower', pick: (r) => r.requests.preempted, format: formatCount },
  { label: 'Dropped', better: 'lower', pick: (r) => r.requests.dropped, format: formatCount },
  { label: 'KV occupancy peak', better: 'neither', pick: (r) => r.utilization.kvOccupancyPeak, format: (n) => formatPercent(n), fraction: true },
  { label: 'GPUs', better: 'neither', pick: (r) => r.scenario.cluster.nodes * r.scenario.cluster.gpusPerNode, format: formatCount },
];

/** The measures compared between saturation results. */
export const SATURATION_MEASURES: Measure<SaturationResult>[] = [
  { label: 'Saturation rate', better: 'higher', pick: (r) => r.saturationRate?.mean ?? null, format: reqs },
  { label: 'Pressure onset', better: 'higher', pick: (r) => r.pressureOnsetRate, format: reqs },
  { label: "Today's rate", better: 'neither', pick: (r) => r.currentRate, format: reqs },
  { label: 'Headroom', better: 'higher', pick: (r) => (r.headroom ? r.headroom.percent / 100 : null), format: (n) => formatPercent(n), fraction: true },
  { label: 'Goodput at saturation', better: 'higher', pick: (r) => r.goodputAtSaturation, format: reqs },
  { label: 'GPUs', better: 'neither', pick: (r) => r.scenario.cluster.nodes * r.scenario.cluster.gpusPerNode, format: formatCount },
];
