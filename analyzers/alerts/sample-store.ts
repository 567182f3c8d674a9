import { METRIC_NAME, signature, type Labels } from './labels.js';
import type { LabelMatcher } from './promql-ast.js';
import type { RangeSeries } from './promql-value.js';

/** One stored series: its labels (the metric name under __name__) and samples in time order. */
interface StoredSeries {
  labels: Labels;
  timestamps: number[];
  values: number[];
}

/**
 * The samples a query reads: series by label set, each in time order (ms), looked up by metric
 * name. Built from a run's metrics; recording rules append to it as they are evaluated, always at
 * a time after the series' last sample.
 */
export class SampleStore {
  private readonly byName = new Map<string, StoredSeries[]>();
  private readonly bySignature = new Map<string, StoredSeries>();

  /**
   * Adds one sample; a series' samples must come in increasing time order. With `replace`, a sample
   * at its series' last time replaces that one (a later scrape of the same instant) instead of failing.
   */
  add(labels: Labels, timestampMs: number, value: number, replace = false): void {
    const key = signature(labels);
    let series = this.bySignature.get(key);
    if (series === undefined) {
      series = { labels, timestamps: [], values: [] };
      this.bySignature.set(key, series);
      const name = labels.get(METRIC_NAME) ?? '';
      const list = this.byName.get(name);
      if (list === undefined) this.byName.set(name, [series]);
      else list.push(series);
    }
    const last = series.timestamps.at(-1);
    if (replace && last === timestampMs) {
      series.values[series.values.length - 1] = value;
      return;
    }
    if (last !== undefined && timestampMs <= last) {
      throw new RangeError(`SampleStore.add: ${key} at ${timestampMs} ms is not after its last sample (${last} ms)`);
    }
    series.timestamps.push(timestampMs);
    series.values.push(value);
  }

  /** Series matching every matcher, in the order they were first added (deterministic output order). */
  select(matchers: readonly LabelMatcher[]): readonly StoredSeries[] {
    const name = matchers.find((m) => m.name === METRIC_NAME && m.op === '=');
    const candidates = name !== undefined ? (this.byName.get(name.value) ?? []) : [...this.byName.values()].flat();
    return candidates.filter((s) => matchers.every((m) => matches(m, s.labels.get(m.name) ?? '')));
  }

  /** Every series' latest sample at or before `atMs` and after `atMs - lookbackMs` (Prometheus's instant lookup). */
  instant(matchers: readonly LabelMatcher[], atMs: number, lookbackMs: number): { labels: Labels; value: number }[] {
    const out: { labels: Labels; value: number }[] = [];
    for (const s of this.select(matchers)) {
      const i = lastAtOrBefore(s.timestamps, atMs);
      if (i >= 0 && s.timestamps[i]! > atMs - lookbackMs) out.push({ labels: s.labels, value: s.values[i]! });
    }
    return out;
  }

  /** Every series' samples in (fromMs, toMs], left-open as in Prometheus 3; series with none are left out. */
  range(matchers: readonly LabelMatcher[], fromMs: number, toMs: number): RangeSeries[] {
    const out: RangeSeries[] = [];
    for (const s of this.select(matchers)) {
      const end = lastAtOrBefore(s.timestamps, toMs) + 1;
      const start = lastAtOrBefore(s.timestamps, fromMs) + 1;
      if (end > start) out.push({ labels: s.labels, timestamps: s.timestamps.slice(start, end), values: s.values.slice(start, end) });
    }
    return out;
  }
}

/** A label value against one matcher; a missing label reads as "" (Prometheus). */
export function matches(m: LabelMatcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return m.regex!.test(value);
    case '!~':
      return !m.regex!.test(value);
  }
}

/** Index of the last timestamp <= t, or -1 (binary search: series are in time order). */
function lastAtOrBefore(timestamps: readonly number[], t: number): number {
  let lo = 0;
  let hi = timestamps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timestamps[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
