/** One cumulative bucket of a classic histogram: observations <= upperBound. */
export interface Bucket {
  upperBound: number;
  count: number;
}

/**
 * histogram_quantile over classic buckets, as Prometheus computes it (promql/quantile.go,
 * BucketQuantile): buckets sorted by bound, equal bounds merged, counts forced monotonic; the
 * rank q x total is found in its bucket and interpolated linearly inside it (the first bucket
 * starts at 0 unless its bound is <= 0); a rank in the +Inf bucket gives the highest finite bound.
 * NaN without a +Inf bucket, with fewer than two buckets or no observations; -Inf for q < 0 and
 * +Inf for q > 1.
 */
export function bucketQuantile(q: number, input: readonly Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...input].sort((a, b) => a.upperBound - b.upperBound);
  if (sorted.length === 0 || sorted.at(-1)!.upperBound !== Infinity) return NaN;
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets.at(-1);
    if (last !== undefined && last.upperBound === b.upperBound) last.count += b.count;
    else buckets.push({ ...b });
  }
  let max = -Infinity;
  for (const b of buckets) {
    if (b.count < max) b.count = max;
    else max = b.count;
  }
  if (buckets.length < 2) return NaN;
  const observations = buckets.at(-1)!.count;
  if (!(observations > 0)) return NaN;
  let rank = q * observations;
  // The first bucket (the +Inf one excluded) whose cumulative count reaches the rank.
  let b = 0;
  while (b < buckets.length - 1 && buckets[b]!.count < rank) b++;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upperBound;
  if (b === 0 && buckets[0]!.upperBound <= 0) return buckets[0]!.upperBound;
  let start = 0;
  const end = buckets[b]!.upperBound;
  let count = buckets[b]!.count;
  if (b > 0) {
    start = buckets[b - 1]!.upperBound;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return start + (end - start) * (rank / count);
}
