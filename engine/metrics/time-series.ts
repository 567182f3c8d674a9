/**
 * Time-weighted series at a bounded resolution. Values are levels (queue depth, KV occupancy) that
 * hold between updates, or amounts (tokens) added at instants. The bucket width starts small and
 * doubles (merging neighbours) whenever the run outgrows `maxBuckets`, so memory stays bounded
 * however long the simulation runs and the resolution adapts to its length.
 */
export class TimeSeries {
  private width: number;
  private readonly areas: number[] = [];
  private lastTime = 0;
  private level = 0;

  constructor(
    readonly maxBuckets: number,
    initialWidth: number,
  ) {
    this.width = initialWidth;
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
    this.grow(time);
    const i = Math.floor(time / this.width);
    this.areas[i] = (this.areas[i] ?? 0) + amount;
  }

  /** Closes the current level at `time` (call once at the end of a run before reading). */
  advance(time: number): void {
    if (time <= this.lastTime) return;
    this.grow(time);
    if (this.level !== 0) {
      let t = this.lastTime;
      while (t < time) {
        const i = Math.floor(t / this.width);
        const end = Math.min(time, (i + 1) * this.width);
        this.areas[i] = (this.areas[i] ?? 0) + this.level * (end - t);
        t = end;
      }
    }
    this.lastTime = time;
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

  private grow(time: number): void {
    while (time >= this.width * this.maxBuckets) {
      const merged: number[] = [];
      for (let i = 0; i < this.areas.length; i += 2) merged.push((this.areas[i] ?? 0) + (this.areas[i + 1] ?? 0));
      this.areas.length = 0;
      this.areas.push(...merged);
      this.width *= 2;
    }
  }
}
