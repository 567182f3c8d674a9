import { evaluatePromql } from '../../../analyzers/alerts/evaluate-promql.js';
import { labelsToJson } from '../../../analyzers/alerts/labels.js';
import { parsePromql } from '../../../analyzers/alerts/parse-promql.js';
import type { Value } from '../../../analyzers/alerts/promql-value.js';
import { SampleStore } from '../../../analyzers/alerts/sample-store.js';

/** A series written by hand: its labels (the name under __name__) and [seconds, value] samples. */
export interface HandSeries {
  labels: Record<string, string>;
  samples: [number, number][];
}

export function storeOf(series: readonly HandSeries[]): SampleStore {
  const store = new SampleStore();
  for (const s of series) for (const [t, v] of s.samples) store.add(new Map(Object.entries(s.labels)), Math.round(t * 1000), v);
  return store;
}

/** Samples every `step` seconds from `from` to `to` of f(t). */
export function sampled(from: number, to: number, step: number, f: (t: number) => number): [number, number][] {
  const out: [number, number][] = [];
  for (let t = from; t <= to + 1e-9; t += step) out.push([t, f(t)]);
  return out;
}

/** Evaluates `expr` at `atSeconds`, failing loudly if it does not parse. */
export function query(store: SampleStore, expr: string, atSeconds: number): Value {
  const parsed = parsePromql(expr);
  if (!parsed.ok) throw new Error(`${expr}: ${parsed.message}`);
  return evaluatePromql(parsed.expr, { store, timeMs: Math.round(atSeconds * 1000) });
}

/** An instant vector as [labels as JSON object, value] pairs, sorted by labels (Prometheus's order is not fixed). */
export function vectorOf(value: Value): [Record<string, string>, number][] {
  if (value.type !== 'vector') throw new Error(`expected a vector, got ${value.type}`);
  return value.samples
    .map((s) => [labelsToJson(s.labels), s.value] as [Record<string, string>, number])
    .sort((a, b) => JSON.stringify(a[0]).localeCompare(JSON.stringify(b[0])));
}

/** The single value of a one-sample vector or a scalar. */
export function single(value: Value): number {
  if (value.type === 'scalar') return value.value;
  if (value.type === 'vector' && value.samples.length === 1) return value.samples[0]!.value;
  throw new Error(`expected one value, got ${JSON.stringify(value.type === 'vector' ? vectorOf(value) : value)}`);
}
