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

/** What summarize reads: the CDF's fractions and the percentiles, ascending. */
const SUMMARY_FRACTIONS: readonly number[] = [...new Set([...CDF_FRACTIONS, 0.5, 0.9, 0.95, 0.99])].sort((a, b) => a - b);

const MICROS = 1e6;
/** Values are microseconds up to 1e12 (about 11.6 simulated days). */
const HIGHEST_MICROS = 1e12;

/**
 * HdrHistogram's bucket layout at 3 significant digits and unit resolution (2,048 sub-buckets, the
 * upper 1,024 of each bucket after the first), as hdr-histogram-js lays it out: the same values land
 * in the same counts, so every percentile is the library's, bit for bit
 * (test/engine/metrics/latency-summary.test.ts holds the two side by side). Written out because the
 * library's recording path (floating log2 and pow per value, a 31k-entry array zeroed per
 * histogram) was a fifth of a simulation's time: here a value below 2^32 takes a clz32, and the
 * counts grow only as far as the values recorded reach.
 */
const SUB_HALF_MAGNITUDE = 10;
const SUB_HALF = 1 << SUB_HALF_MAGNITUDE;
const SUB_COUNT = 2 * SUB_HALF;

/** Counts index of a value (HdrHistogram's countsArrayIndex). */
function countsIndex(value: number): number {
  if (value < 4294967296) {
    // floor(log2(value)) - 10, at least 0, from clz32 (exact, as floating log2 is below 2^32); the
    // sub-bucket is the value shifted down by the bucket (an unsigned shift: exact below 2^32).
    const bucket = 21 - Math.clz32(value);
    return bucket <= 0 ? value : bucket * SUB_HALF + (value >>> bucket);
  }
  const bucket = Math.floor(Math.log2(value)) - SUB_HALF_MAGNITUDE;
  return bucket * SUB_HALF + Math.floor(value / 2 ** bucket);
}

/** The lowest value of counts index `index` (HdrHistogram's valueFromIndex, its own lowest equivalent value). */
function lowestValueAt(index: number): number {
  let bucket = Math.floor(index / SUB_HALF) - 1;
  let sub = (index % SUB_HALF) + SUB_HALF;
  if (bucket < 0) {
    sub -= SUB_HALF;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

/** The highest value equivalent to the values at counts index `index` (HdrHistogram's highestEquivalentValue(valueFromIndex)). */
function highestValueAt(index: number): number {
  const lowest = lowestValueAt(index);
  // Its range: one unit of its bucket (of the next one at the very top of a bucket).
  const b = Math.max((lowest < 4294967296 ? 31 - Math.clz32(lowest) : Math.floor(Math.log2(lowest))) - SUB_HALF_MAGNITUDE, 0);
  const s = b === 0 ? lowest : Math.floor(lowest / 2 ** b);
  return s * 2 ** b + 2 ** (s >= SUB_COUNT ? b + 1 : b) - 1;
}

/** The count a percentile reaches (HdrHistogram's getValueAtPercentile: rounded up, ulp-safe, at least 1). */
function countAtPercentile(percentile: number, total: number): number {
  const fp = (Math.min(percentile, 100) / 100) * total;
  const ulp = 2 ** (Math.floor(Math.log2(fp)) - 52);
  return Math.max(Math.ceil(fp - ulp), 1);
}

/**
 * Streaming latency summary with bounded memory: an HDR histogram (3 significant digits, so
 * percentiles are within 0.1% of the exact value) plus an exact count, sum and max. Memory does
 * not grow with the number of samples.
 */
export class LatencySummary {
  private counts = new Float64Array(SUB_COUNT);
  /** Highest counts index holding a sample, + 1. */
  private used = 0;
  private n = 0;
  private sum = 0;
  private maximum = -Infinity;

  /** Records `count` samples of `seconds` each (count lets one step record all its sequences at once). */
  record(seconds: number, count = 1): void {
    if (count <= 0) return;
    const micros = Math.min(HIGHEST_MICROS, Math.max(0, Math.round(seconds * MICROS)));
    const index = countsIndex(micros);
    if (index >= this.counts.length) this.grow(index);
    this.counts[index]! += count;
    if (index >= this.used) this.used = index + 1;
    this.n += count;
    this.sum += seconds * count;
    if (seconds > this.maximum) this.maximum = seconds;
  }

  private grow(index: number): void {
    let length = this.counts.length;
    while (length <= index) length *= 2;
    const counts = new Float64Array(length);
    counts.set(this.counts);
    this.counts = counts;
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
    return this.quantiles([q])[0]!;
  }

  /** Values at ascending quantiles, in seconds, in one pass over the counts (the summary's 59). */
  private quantiles(qs: readonly number[]): number[] {
    const out = new Array<number>(qs.length);
    let k = 0;
    let target = countAtPercentile(qs[0]! * 100, this.n);
    let reached = 0;
    for (let i = 0; i < this.used && k < qs.length; i++) {
      reached += this.counts[i]!;
      while (k < qs.length && reached >= target) {
        // Percentile 0 would read the lowest equivalent value; no summary asks for it below the first count.
        out[k] = Math.min((qs[k] === 0 ? lowestValueAt(i) : highestValueAt(i)) / MICROS, this.maximum);
        k++;
        if (k < qs.length) target = countAtPercentile(qs[k]! * 100, this.n);
      }
    }
    return out;
  }

  summarize(): LatencyStats {
    if (this.n === 0) return { count: 0, mean: null, p50: null, p90: null, p95: null, p99: null, max: null, cdf: [] };
    // One pass for the percentiles and the CDF together (a pass per percentile read the counts 5 times).
    const values = this.quantiles(SUMMARY_FRACTIONS);
    const at = (q: number) => values[SUMMARY_FRACTIONS.indexOf(q)]!;
    return {
      count: this.n,
      mean: this.mean,
      p50: at(0.5),
      p90: at(0.9),
      p95: at(0.95),
      p99: at(0.99),
      max: this.maximum,
      cdf: CDF_FRACTIONS.map((fraction) => ({ fraction, seconds: at(fraction) })),
    };
  }
}
