/**
 * A series' label set: name -> value. A Map, never a plain object, so a label named `__proto__`
 * (a valid Prometheus label name) is only ever data. Treated as immutable: every helper returns a
 * new map.
 */
export type Labels = ReadonlyMap<string, string>;

export const METRIC_NAME = '__name__';

export function labelsOf(entries: Iterable<readonly [string, string]>): Labels {
  return new Map(entries);
}

/** A key equal for equal label sets whatever their insertion order. */
export function signature(labels: Labels): string {
  return JSON.stringify([...labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

/** The labels without `names`. */
export function dropLabels(labels: Labels, names: Iterable<string>): Labels {
  const out = new Map(labels);
  for (const name of names) out.delete(name);
  return out;
}

/** Only the labels named in `names` (those present). */
export function keepLabels(labels: Labels, names: Iterable<string>): Labels {
  const out = new Map<string, string>();
  for (const name of names) {
    const value = labels.get(name);
    if (value !== undefined) out.set(name, value);
  }
  return out;
}

export function withoutName(labels: Labels): Labels {
  return labels.has(METRIC_NAME) ? dropLabels(labels, [METRIC_NAME]) : labels;
}

/** The labels as a plain JSON object, keys sorted (Object.fromEntries defines own properties only). */
export function labelsToJson(labels: Labels): Record<string, string> {
  return Object.fromEntries([...labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}
