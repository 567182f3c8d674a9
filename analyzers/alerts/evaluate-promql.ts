import { METRIC_NAME, dropLabels, keepLabels, labelsOf, signature, withoutName, type Labels } from './labels.js';
import { FUNCTIONS } from './promql-functions.js';
import type { AggregateExpr, ArithmeticOp, BinaryExpr, ComparisonOp, Expr, VectorMatching } from './promql-ast.js';
import { PromqlEvaluationError, type Sample, type Value } from './promql-value.js';
import type { SampleStore } from './sample-store.js';

/** Prometheus's default lookback delta: an instant selector sees a series' latest sample up to 5 minutes old. */
export const LOOKBACK_DELTA_MS = 5 * 60_000;

export interface EvaluationContext {
  store: SampleStore;
  timeMs: number;
  lookbackMs?: number;
}

/**
 * evaluatePromql(expr, { store, timeMs }) -> the value of a parsed expression at one instant, with
 * Prometheus's semantics for the subset parse-promql.ts admits (the lookback delta for instant
 * selectors, left-open ranges, extrapolated rate(), one-to-one vector matching, filtering
 * comparisons). Pure; throws PromqlEvaluationError where Prometheus fails a query
 * (many-to-many matching).
 */
export function evaluatePromql(expr: Expr, ctx: EvaluationContext): Value {
  const lookback = ctx.lookbackMs ?? LOOKBACK_DELTA_MS;
  switch (expr.kind) {
    case 'number':
      return { type: 'scalar', value: expr.value };
    case 'string':
      return { type: 'string', value: expr.value };
    case 'vector-selector':
      return { type: 'vector', samples: ctx.store.instant(expr.matchers, ctx.timeMs - expr.offsetMs, lookback) };
    case 'matrix-selector': {
      const end = ctx.timeMs - expr.selector.offsetMs;
      const start = end - expr.rangeMs;
      return { type: 'matrix', series: ctx.store.range(expr.selector.matchers, start, end), rangeStartMs: start, rangeEndMs: end };
    }
    case 'call': {
      const args = expr.args.map((a) => evaluatePromql(a, ctx));
      return FUNCTIONS[expr.name]!.evaluate({ args, argExprs: expr.args, timeMs: ctx.timeMs });
    }
    case 'aggregate':
      return { type: 'vector', samples: aggregate(expr, samplesOf(evaluatePromql(expr.arg, ctx))) };
    case 'negate': {
      const v = evaluatePromql(expr.arg, ctx);
      if (v.type === 'scalar') return { type: 'scalar', value: -v.value };
      return { type: 'vector', samples: samplesOf(v).map((s) => ({ labels: withoutName(s.labels), value: -s.value })) };
    }
    case 'binary':
      return binary(expr, evaluatePromql(expr.lhs, ctx), evaluatePromql(expr.rhs, ctx));
  }
}

function samplesOf(v: Value): Sample[] {
  if (v.type !== 'vector') throw new PromqlEvaluationError(`expected an instant vector, got a ${v.type}`);
  return v.samples;
}

function arithmetic(op: ArithmeticOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return a ** b;
    case 'atan2':
      return Math.atan2(a, b);
  }
}

function compare(op: ComparisonOp, a: number, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
  }
}

const isComparison = (op: BinaryExpr['op']): op is ComparisonOp => ['==', '!=', '>', '<', '>=', '<='].includes(op);
const isSetOp = (op: BinaryExpr['op']) => op === 'and' || op === 'or' || op === 'unless';

function binary(expr: BinaryExpr, lhs: Value, rhs: Value): Value {
  const { op } = expr;
  if (lhs.type === 'scalar' && rhs.type === 'scalar') {
    const value = isComparison(op) ? (compare(op, lhs.value, rhs.value) ? 1 : 0) : arithmetic(op as ArithmeticOp, lhs.value, rhs.value);
    return { type: 'scalar', value };
  }
  if (lhs.type === 'vector' && rhs.type === 'vector') return { type: 'vector', samples: vectorBinary(expr, lhs.samples, rhs.samples) };
  // A vector and a scalar: the operation applies to every sample; a comparison keeps the vector's value.
  const scalarOnLeft = lhs.type === 'scalar';
  const scalar = (scalarOnLeft ? lhs : rhs) as Extract<Value, { type: 'scalar' }>;
  const samples = samplesOf(scalarOnLeft ? rhs : lhs);
  const out: Sample[] = [];
  for (const s of samples) {
    const [a, b] = scalarOnLeft ? [scalar.value, s.value] : [s.value, scalar.value];
    if (isComparison(op)) {
      const holds = compare(op, a, b);
      if (expr.bool) out.push({ labels: withoutName(s.labels), value: holds ? 1 : 0 });
      else if (holds) out.push({ labels: s.labels, value: s.value });
    } else out.push({ labels: withoutName(s.labels), value: arithmetic(op as ArithmeticOp, a, b) });
  }
  return { type: 'vector', samples: out };
}

/** The labels two samples are matched on: on(l) keeps l, ignoring(l) (or no clause) drops l and the name. */
function matchKey(labels: Labels, matching: VectorMatching | null): string {
  if (matching?.on) return signature(keepLabels(labels, matching.labels));
  return signature(dropLabels(labels, [METRIC_NAME, ...(matching?.labels ?? [])]));
}

/** The labels of a one-to-one result: the left side's, reduced as the matching says (vector.go resultMetric). */
function resultLabels(labels: Labels, expr: BinaryExpr): Labels {
  const dropName = !isComparison(expr.op) || expr.bool;
  let out = dropName ? withoutName(labels) : labels;
  if (expr.matching?.on) out = keepLabels(out, expr.matching.labels);
  else if (expr.matching !== null) out = dropLabels(out, expr.matching.labels);
  return out;
}

function vectorBinary(expr: BinaryExpr, lhs: Sample[], rhs: Sample[]): Sample[] {
  const { op, matching } = expr;
  if (isSetOp(op)) {
    const rightKeys = new Set(rhs.map((s) => matchKey(s.labels, matching)));
    if (op === 'and') return lhs.filter((s) => rightKeys.has(matchKey(s.labels, matching)));
    if (op === 'unless') return lhs.filter((s) => !rightKeys.has(matchKey(s.labels, matching)));
    const leftKeys = new Set(lhs.map((s) => matchKey(s.labels, matching)));
    return [...lhs, ...rhs.filter((s) => !leftKeys.has(matchKey(s.labels, matching)))];
  }
  const right = new Map<string, Sample>();
  for (const s of rhs) {
    const key = matchKey(s.labels, matching);
    if (right.has(key)) {
      throw new PromqlEvaluationError(`many-to-many matching not allowed: the right side of ${op} has several series for the match group ${key}`);
    }
    right.set(key, s);
  }
  const out: Sample[] = [];
  const seen = new Set<string>();
  for (const l of lhs) {
    const key = matchKey(l.labels, matching);
    const r = right.get(key);
    if (r === undefined) continue;
    if (seen.has(key)) throw new PromqlEvaluationError(`multiple matches for labels: the left side of ${op} has several series for the match group ${key}`);
    seen.add(key);
    if (isComparison(op)) {
      const holds = compare(op, l.value, r.value);
      if (expr.bool) out.push({ labels: resultLabels(l.labels, expr), value: holds ? 1 : 0 });
      else if (holds) out.push({ labels: resultLabels(l.labels, expr), value: l.value });
    } else out.push({ labels: resultLabels(l.labels, expr), value: arithmetic(op as ArithmeticOp, l.value, r.value) });
  }
  return out;
}

function aggregate(expr: AggregateExpr, samples: Sample[]): Sample[] {
  const { without, labels } = expr.grouping;
  const groups = new Map<string, { labels: Labels; values: number[] }>();
  for (const s of samples) {
    const key = without ? dropLabels(s.labels, [METRIC_NAME, ...labels]) : keepLabels(s.labels, labels);
    const sig = signature(key);
    let group = groups.get(sig);
    if (group === undefined) groups.set(sig, (group = { labels: key, values: [] }));
    group.values.push(s.value);
  }
  return [...groups.values()].map((g) => ({ labels: g.labels.size === 0 ? labelsOf([]) : g.labels, value: reduce(expr.op, g.values) }));
}

function reduce(op: AggregateExpr['op'], values: number[]): number {
  switch (op) {
    case 'sum':
      return values.reduce((a, v) => a + v, 0);
    case 'avg':
      return values.reduce((a, v) => a + v, 0) / values.length;
    case 'count':
      return values.length;
    case 'group':
      return 1;
    case 'max':
    case 'min': {
      // NaN is ignored unless every value is NaN (aggregators in promql/engine.go).
      let out = values[0]!;
      for (const v of values) if ((op === 'max' ? v > out : v < out) || Number.isNaN(out)) out = v;
      return out;
    }
  }
}
