/**
 * Time-weighted series at a bounded resolution. Values are levels (queue depth, KV occupancy) that
 * hold between updates, or amounts (tokens) added at instants. The bucket width starts small and
 * doubles (merging neighbours) whenever the run outgrows `maxBuckets`, so memory stays bounded
 * however long the simulation runs and the resolution adapts to its length.
 *
 * Updated several times per simulated step, so the common case is kept small: one compare for
 * "still inside the span", one bucket touched. Rare work (doubling the width, a level spanning
 * buckets) lives in functions of its own, which V8 leaves out of the hot callers it compiles.
 */
export class TimeSeries {
  private width: number;
  /** width x maxBuckets: a time at or past it makes the series double its width first. */
  private span: number;
  /** One slot more than maxBuckets: time / width can round up to maxBuckets at the span's edge. */
  private readonly areas: Float64Array;
  private lastTime = 0;
  private level = 0;

  constructor(
    readonly maxBuckets: number,
    initialWidth: number,
  ) {
    this.width = initialWidth;
    this.span = initialWidth * maxBuckets;
    this.areas = new Float64Array(maxBuckets + 1);
  }

  get bucketSeconds(): number {
    return this.width;
  }

  /** The level holds from the last update until `time`; from then on it is `level`. */
  setLevel(time: number, level: number): void {
    if (level === this.level) return;
    this.advance(time);
    this.level = level;
  }

  /** Adds an amount (e.g. tokens produced) at `time`; buckets report it per second of width. */
  addAmount(time: number, amount: number): void {
    if (time >= this.span) this.grow(time);
    this.areas[Math.floor(time / this.width)]! += amount;
  }

  /** Closes the current level at `time` (call once at the end of a run before reading). */
  advance(time: number): void {
    const t = this.lastTime;
    if (time <= t) return;
    if (time >= this.span) this.grow(time);
    this.lastTime = time;
    if (this.level === 0) return;
    // The bucket `t` is in, up to `time` or that bucket's end, whichever comes first.
    const width = this.width;
    const i = Math.floor(t / width);
    const bucketEnd = (i + 1) * width;
    const end = time < bucketEnd ? time : bucketEnd;
    this.areas[i]! += this.level * (end - t);
    if (end < time) this.spread(end, time);
  }

  /** The level's area from `from` (a bucket boundary) to `time`, over the buckets between. */
  private spread(from: number, time: number): void {
    const width = this.width;
    let t = from;
    while (t < time) {
      const i = Math.floor(t / width);
      const end = Math.min(time, (i + 1) * width);
      this.areas[i]! += this.level * (end - t);
      t = end;
    }
  }

  /** Per-bucket averages (area / width) up to `endTime`. */
  values(endTime: number): number[] {
    const n = Math.max(1, Math.ceil(endTime / this.width));
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const bucketEnd = Math.min(endTime, (i + 1) * this.width);
      const span = bucketEnd - i * this.width;
      out[i] = span > 0 ? (this.areas[i] ?? 0) / span : 0;
    }
    return out;
  }

  /** Doubles the bucket width (summing neighbours) until `time` is inside the span. */
  private grow(time: number): void {
    const a = this.areas;
    while (time >= this.width * this.maxBuckets) {
      const half = Math.ceil(a.length / 2);
      for (let j = 0; j < half; j++) a[j] = a[2 * j]! + (2 * j + 1 < a.length ? a[2 * j + 1]! : 0);
      a.fill(0, half);
      this.width *= 2;
    }
    this.span = this.width * this.maxBuckets;
  }
}
