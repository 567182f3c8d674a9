/**
 * rate(), increase() and delta() of one series over a range, extrapolated to the range's edges as
 * Prometheus 3 does it (promql/functions.go, extrapolatedRate), so a threshold on rate() reads the
 * same number here as on a Prometheus server scraping the same samples:
 *
 * - fewer than two samples in the range: no value;
 * - counters: a drop between samples is a reset, and the value before it is added back;
 * - the first and last samples are extrapolated to the range's start and end when they lie within
 *   1.1 average sample intervals of them, else by half an average interval (the series is taken to
 *   start or end inside the range);
 * - a counter is never extrapolated back past the point where it would have been zero;
 * - rate() divides by the range, not by the sampled interval.
 */
export function extrapolatedRate(
  timestampsMs: readonly number[],
  values: readonly number[],
  rangeStartMs: number,
  rangeEndMs: number,
  kind: { counter: boolean; perSecond: boolean },
): number | null {
  const n = values.length;
  if (n < 2) return null;
  let result = values[n - 1]! - values[0]!;
  if (kind.counter) {
    let previous = values[0]!;
    for (let i = 1; i < n; i++) {
      const v = values[i]!;
      if (v < previous) result += previous;
      previous = v;
    }
  }
  let durationToStart = (timestampsMs[0]! - rangeStartMs) / 1000;
  let durationToEnd = (rangeEndMs - timestampsMs[n - 1]!) / 1000;
  const sampledInterval = (timestampsMs[n - 1]! - timestampsMs[0]!) / 1000;
  const averageInterval = sampledInterval / (n - 1);
  const threshold = averageInterval * 1.1;
  if (durationToStart >= threshold) durationToStart = averageInterval / 2;
  if (kind.counter && result > 0 && values[0]! >= 0) {
    const durationToZero = sampledInterval * (values[0]! / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = averageInterval / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (kind.perSecond) factor /= (rangeEndMs - rangeStartMs) / 1000;
  return result * factor;
}

/**
 * irate() / idelta(): the last two samples only (promql/functions.go, instantValue); a counter that
 * dropped between them restarted, so its increase is the last value.
 */
export function instantRate(timestampsMs: readonly number[], values: readonly number[], kind: { counter: boolean; perSecond: boolean }): number | null {
  const n = values.length;
  if (n < 2) return null;
  const last = values[n - 1]!;
  const previous = values[n - 2]!;
  const change = kind.counter && last < previous ? last : last - previous;
  if (!kind.perSecond) return change;
  const seconds = (timestampsMs[n - 1]! - timestampsMs[n - 2]!) / 1000;
  return seconds > 0 ? change / seconds : null;
}
