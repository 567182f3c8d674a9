import { extrapolatedRate, instantRate } from './extrapolated-rate.js';
import { bucketQuantile, type Bucket } from './histogram-quantile.js';
import { METRIC_NAME, dropLabels, labelsOf, signature, withoutName, type Labels } from './labels.js';
import type { Expr, ValueType } from './promql-ast.js';
import type { RangeSeries, Sample, Value } from './promql-value.js';

type Matrix = Extract<Value, { type: 'matrix' }>;

/** What a function is called with: its evaluated arguments, their expressions, the evaluation time. */
interface CallContext {
  args: Value[];
  argExprs: readonly Expr[];
  timeMs: number;
}

export interface PromqlFunction {
  /** Argument types; the last `optional` of them may be left out. */
  args: readonly ValueType[];
  returns: ValueType;
  evaluate(call: CallContext): Value;
}

const vector = (samples: Sample[]): Value => ({ type: 'vector', samples });
const matrixArg = (call: CallContext, i = 0) => call.args[i] as Matrix;
const vectorArg = (call: CallContext, i = 0) => (call.args[i] as Extract<Value, { type: 'vector' }>).samples;
const scalarArg = (call: CallContext, i: number) => (call.args[i] as Extract<Value, { type: 'scalar' }>).value;

/** A function of each series' samples in the range; series it gives no value for drop out; the metric name goes. */
function overRange(reduce: (s: RangeSeries, m: Matrix) => number | null, keepName = false): PromqlFunction {
  return {
    args: ['matrix'],
    returns: 'vector',
    evaluate(call) {
      const m = matrixArg(call);
      const out: Sample[] = [];
      for (const s of m.series) {
        const value = reduce(s, m);
        if (value !== null) out.push({ labels: keepName ? s.labels : withoutName(s.labels), value });
      }
      return vector(out);
    },
  };
}

function perSample(f: (v: number, call: CallContext) => number, extra: readonly ValueType[] = []): PromqlFunction {
  return {
    args: ['vector', ...extra],
    returns: 'vector',
    evaluate: (call) => vector(vectorArg(call).map((s) => ({ labels: withoutName(s.labels), value: f(s.value, call) }))),
  };
}

const rateOf = (counter: boolean, perSecond: boolean) =>
  overRange((s, m) => extrapolatedRate(s.timestamps, s.values, m.rangeStartMs, m.rangeEndMs, { counter, perSecond }));

/** max/min ignoring NaN unless every value is NaN (Prometheus's max_over_time, min_over_time). */
function extreme(values: readonly number[], better: (a: number, b: number) => boolean): number {
  let out = values[0]!;
  for (const v of values) if (better(v, out) || Number.isNaN(out)) out = v;
  return out;
}

/** The labels `absent()` gives: the selector's equality matchers (not the metric name), when it is a selector. */
function absentLabels(arg: Expr | undefined): Labels {
  const selector = arg?.kind === 'matrix-selector' ? arg.selector : arg?.kind === 'vector-selector' ? arg : null;
  if (selector === null) return labelsOf([]);
  const pairs: [string, string][] = [];
  const seen = new Set<string>();
  for (const m of selector.matchers) {
    if (m.op !== '=' || m.name === METRIC_NAME) continue;
    // A label matched twice with = names no single value: Prometheus leaves it out.
    if (seen.has(m.name)) {
      const i = pairs.findIndex((p) => p[0] === m.name);
      if (i >= 0) pairs.splice(i, 1);
      continue;
    }
    seen.add(m.name);
    pairs.push([m.name, m.value]);
  }
  return labelsOf(pairs);
}

/** histogram_quantile(q, buckets): classic buckets grouped by every label but `le` (and the name). */
function histogramQuantile(call: CallContext): Value {
  const q = scalarArg(call, 0);
  const groups = new Map<string, { labels: Labels; buckets: Bucket[] }>();
  for (const s of vectorArg(call, 1)) {
    const le = s.labels.get('le');
    if (le === undefined) continue; // not a bucket: Prometheus skips it (with a warning)
    const upperBound = parseBound(le);
    if (upperBound === null) continue;
    const labels = dropLabels(s.labels, ['le', METRIC_NAME]);
    const key = signature(labels);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { labels, buckets: [] }));
    group.buckets.push({ upperBound, count: s.value });
  }
  return vector([...groups.values()].map((g) => ({ labels: g.labels, value: bucketQuantile(q, g.buckets) })));
}

function parseBound(le: string): number | null {
  const text = le.trim();
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  const v = Number(text);
  return text !== '' && !Number.isNaN(v) ? v : null;
}

/**
 * The functions evaluated, by PromQL name. Anything else is refused at parse time with its name.
 * Every function drops the metric name from its output except last_over_time (as in Prometheus).
 */
export const FUNCTIONS: Readonly<Record<string, PromqlFunction>> = Object.freeze({
  rate: rateOf(true, true),
  increase: rateOf(true, false),
  delta: rateOf(false, false),
  irate: overRange((s) => instantRate(s.timestamps, s.values, { counter: true, perSecond: true })),
  idelta: overRange((s) => instantRate(s.timestamps, s.values, { counter: false, perSecond: false })),
  avg_over_time: overRange((s) => s.values.reduce((a, v) => a + v, 0) / s.values.length),
  sum_over_time: overRange((s) => s.values.reduce((a, v) => a + v, 0)),
  min_over_time: overRange((s) => extreme(s.values, (a, b) => a < b)),
  max_over_time: overRange((s) => extreme(s.values, (a, b) => a > b)),
  count_over_time: overRange((s) => s.values.length),
  last_over_time: overRange((s) => s.values.at(-1)!, true),
  histogram_quantile: { args: ['scalar', 'vector'], returns: 'vector', evaluate: histogramQuantile },
  absent: {
    args: ['vector'],
    returns: 'vector',
    evaluate: (call) => vector(vectorArg(call).length > 0 ? [] : [{ labels: absentLabels(call.argExprs[0]), value: 1 }]),
  },
  absent_over_time: {
    args: ['matrix'],
    returns: 'vector',
    evaluate: (call) => vector(matrixArg(call).series.length > 0 ? [] : [{ labels: absentLabels(call.argExprs[0]), value: 1 }]),
  },
  abs: perSample(Math.abs),
  ceil: perSample(Math.ceil),
  floor: perSample(Math.floor),
  sqrt: perSample(Math.sqrt),
  clamp_min: perSample((v, call) => Math.max(v, scalarArg(call, 1)), ['scalar']),
  clamp_max: perSample((v, call) => Math.min(v, scalarArg(call, 1)), ['scalar']),
  scalar: {
    args: ['vector'],
    returns: 'scalar',
    evaluate: (call) => {
      const samples = vectorArg(call);
      return { type: 'scalar', value: samples.length === 1 ? samples[0]!.value : NaN };
    },
  },
  vector: { args: ['scalar'], returns: 'vector', evaluate: (call) => vector([{ labels: labelsOf([]), value: scalarArg(call, 0) }]) },
  time: { args: [], returns: 'scalar', evaluate: (call) => ({ type: 'scalar', value: call.timeMs / 1000 }) },
});

/** Whether `name` is one of the evaluated functions (an own key: `constructor` is not a function here). */
export function isSupportedFunction(name: string): boolean {
  return Object.hasOwn(FUNCTIONS, name);
}
