/**
 * Bucketed counts of observations per time interval: what a server's Prometheus histograms show
 * scrape by scrape (how many TTFTs fell at or below each bound during each interval). Intervals
 * follow the same doubling rule as `TimeSeries` (same initial width and maximum count), so after
 * `close(end)` they line up with the run's other series. Memory: intervals x bounds per metric,
 * never per request.
 */
export interface IntervalHistogram {
  /** Upper bounds of the buckets (ascending); one more bucket above the last holds the rest. */
  readonly bounds: readonly number[];
  /** Per interval: observations per bucket (not cumulative), bounds.length + 1 entries. */
  readonly counts: number[][];
  /** Per interval: the sum of the observed values. */
  readonly sums: number[];
}

export class IntervalHistograms<M extends string> {
  private width: number;
  private maxTime = 0;
  private readonly histograms: Record<M, IntervalHistogram>;

  constructor(
    bounds: Record<M, readonly number[]>,
    readonly maxIntervals: number,
    initialWidth: number,
  ) {
    this.width = initialWidth;
    this.histograms = Object.create(null) as Record<M, IntervalHistogram>;
    for (const metric of Object.keys(bounds) as M[]) this.histograms[metric] = { bounds: [...bounds[metric]], counts: [], sums: [] };
  }

  get intervalSeconds(): number {
    return this.width;
  }

  get metrics(): readonly M[] {
    return Object.keys(this.histograms) as M[];
  }

  of(metric: M): IntervalHistogram {
    return this.histograms[metric];
  }

  /** `count` observations of `value` at simulated `time`. */
  record(metric: M, time: number, value: number, count = 1): void {
    this.grow(time);
    const h = this.histograms[metric];
    const i = Math.floor(time / this.width);
    while (h.counts.length <= i) {
      h.counts.push(new Array<number>(h.bounds.length + 1).fill(0));
      h.sums.push(0);
    }
    h.counts[i]![bucketOf(h.bounds, value)]! += count;
    h.sums[i]! += value * count;
  }

  /** Widens the intervals as a series reaching `end` would (call once at the end of a run). */
  close(end: number): void {
    this.grow(end);
  }

  private grow(time: number): void {
    if (time > this.maxTime) this.maxTime = time;
    while (time >= this.width * this.maxIntervals) {
      for (const h of Object.values(this.histograms) as IntervalHistogram[]) {
        const counts: number[][] = [];
        const sums: number[] = [];
        for (let i = 0; i < h.counts.length; i += 2) {
          const a = h.counts[i]!;
          const b = h.counts[i + 1];
          counts.push(b === undefined ? a : a.map((x, k) => x + b[k]!));
          sums.push(h.sums[i]! + (h.sums[i + 1] ?? 0));
        }
        h.counts.splice(0, h.counts.length, ...counts);
        h.sums.splice(0, h.sums.length, ...sums);
      }
      this.width *= 2;
    }
  }
}

/** The first bucket whose upper bound is >= value (Prometheus' `le`), or the overflow bucket. */
function bucketOf(bounds: readonly number[], value: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value <= bounds[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
