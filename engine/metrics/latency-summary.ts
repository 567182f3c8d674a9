import * as hdr from 'hdr-histogram-js';

/** A point of a cumulative distribution: `fraction` of the samples are at most `seconds`. */
export interface CdfPoint {
  fraction: number;
  seconds: number;
}

/** A latency distribution as the result JSON reports it, in seconds. Null statistics when empty. */
export interface LatencyStats {
  count: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  /** The distribution at fixed fractions (0, 0.02, ..., 0.98, 0.99, 0.995, 0.999, 1); empty when no samples. */
  cdf: CdfPoint[];
}

/** Fractions the CDF is reported at: every 2%, then the tail in finer steps. */
export const CDF_FRACTIONS: readonly number[] = [
  ...Array.from({ length: 50 }, (_, i) => i / 50),
  0.99,
  0.995,
  0.999,
  1,
];

const MICROS = 1e6;

/**
 * Streaming latency summary with bounded memory: an HDR histogram (3 significant digits, so
 * percentiles are within 0.1% of the exact value) plus an exact count, sum and max. Memory does
 * not grow with the number of samples, and histograms merge exactly across runs.
 */
export class LatencySummary {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 1e12, // microseconds: about 11.6 simulated days
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 64,
    autoResize: false,
    useWebAssembly: false,
  });
  private n = 0;
  private sum = 0;
  private maximum = -Infinity;

  /** Records `count` samples of `seconds` each (count lets one step record all its sequences at once). */
  record(seconds: number, count = 1): void {
    if (count <= 0) return;
    const micros = Math.min(1e12, Math.max(0, Math.round(seconds * MICROS)));
    this.histogram.recordValueWithCount(micros, count);
    this.n += count;
    this.sum += seconds * count;
    if (seconds > this.maximum) this.maximum = seconds;
  }

  get count(): number {
    return this.n;
  }

  get mean(): number | null {
    return this.n === 0 ? null : this.sum / this.n;
  }

  /** Value at quantile q in [0, 1], in seconds; null when empty. */
  quantile(q: number): number | null {
    if (this.n === 0) return null;
    return Math.min(this.histogram.getValueAtPercentile(q * 100) / MICROS, this.maximum);
  }

  summarize(): LatencyStats {
    return {
      count: this.n,
      mean: this.mean,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      max: this.n === 0 ? null : this.maximum,
      cdf: this.n === 0 ? [] : CDF_FRACTIONS.map((fraction) => ({ fraction, seconds: this.quantile(fraction)! })),
    };
  }
}
