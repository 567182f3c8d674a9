import { AlertState, type AlertOutcome } from './alert-state.js';
import type { AlertingRule, Rule, RuleFile } from './alert-rules.js';
import { evaluatePromql } from './evaluate-promql.js';
import { METRIC_NAME, labelsOf, signature, withoutName, type Labels } from './labels.js';
import type { Expr } from './promql-ast.js';
import { PromqlEvaluationError, type Sample, type Value } from './promql-value.js';
import type { SampleStore } from './sample-store.js';

/** Evaluations one group may run over one run (a run's series hold at most a few hundred samples). */
export const MAX_EVALUATIONS = 100_000;

export interface RuleRunOptions {
  /** Interval of groups that set none, ms. */
  defaultIntervalMs: number;
  /** Last evaluation time, ms into the run; evaluations run at k x interval for k = 1, 2, ... up to it. */
  endMs: number;
}

/** What one alerting rule did over a run, and how close its compared quantity came to the threshold. */
export interface RuleRunOutcome extends AlertOutcome {
  rule: AlertingRule;
  /** Extremes of the rule's subject (see subjectOf) over every evaluation; null when it never had a value. */
  subjectMax: number | null;
  subjectMin: number | null;
  evaluations: number;
}

/** An evaluation interval too fine for the run's length (bounded work whatever the input). */
export class TooManyEvaluations extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TooManyEvaluations';
  }
}

/** A rule whose query failed at some evaluation (Prometheus would log it and skip the rule there). */
export class RuleEvaluationError extends Error {
  constructor(
    readonly rule: Rule,
    readonly timeSeconds: number,
    message: string,
  ) {
    super(`${rule.kind} ${JSON.stringify(rule.name)} (line ${rule.line}): at ${timeSeconds.toFixed(1)} s into the run: ${message}`);
    this.name = 'RuleEvaluationError';
  }
}

/**
 * evaluateRules(rules, store, options) -> each alerting rule's outcome over one run. Every group is
 * evaluated at its own interval; at a time several groups share, they go in file order, and the
 * rules of a group in order, so a recording rule's output is there for the rules after it (its
 * samples are added to `store`, stamped with the evaluation time, as Prometheus stores them).
 */
export function evaluateRules(rules: RuleFile, store: SampleStore, options: RuleRunOptions): RuleRunOutcome[] {
  const schedules = rules.groups.map((g) => {
    const intervalMs = g.intervalMs ?? options.defaultIntervalMs;
    const evaluations = Math.floor(options.endMs / intervalMs);
    if (evaluations > MAX_EVALUATIONS) {
      throw new TooManyEvaluations(`group ${JSON.stringify(g.name)}: evaluating every ${intervalMs / 1000} s over ${(options.endMs / 1000).toFixed(0)} s is ${evaluations} evaluations, at most ${MAX_EVALUATIONS}: give a longer interval`);
    }
    return { group: g, intervalMs, evaluations };
  });
  const alerts = new Map<AlertingRule, { state: AlertState; subject: Expr | null; max: number | null; min: number | null; evaluations: number }>();
  for (const g of rules.groups) {
    for (const r of g.rules) if (r.kind === 'alert') alerts.set(r, { state: new AlertState(r), subject: subjectOf(r.parsed), max: null, min: null, evaluations: 0 });
  }
  // The union of every group's evaluation times, in order (integer ms, so equal times compare equal).
  const times = [...new Set(schedules.flatMap((s) => Array.from({ length: s.evaluations }, (_, k) => (k + 1) * s.intervalMs)))].sort((a, b) => a - b);
  for (const timeMs of times) {
    for (const { group, intervalMs } of schedules) {
      if (timeMs % intervalMs !== 0) continue;
      for (const rule of group.rules) {
        try {
          const value = evaluatePromql(rule.parsed, { store, timeMs });
          const samples = outputSamples(value);
          if (rule.kind === 'record') {
            record(rule.name, rule.labels, samples, store, timeMs);
            continue;
          }
          const a = alerts.get(rule)!;
          a.evaluations++;
          a.state.evaluate(timeMs, intervalMs, alertLabels(rule, samples));
          const subject = a.subject === null ? samples : outputSamples(evaluatePromql(a.subject, { store, timeMs }));
          for (const s of subject) {
            if (Number.isNaN(s.value)) continue;
            a.max = a.max === null ? s.value : Math.max(a.max, s.value);
            a.min = a.min === null ? s.value : Math.min(a.min, s.value);
          }
        } catch (error) {
          if (error instanceof PromqlEvaluationError) throw new RuleEvaluationError(rule, timeMs / 1000, error.message);
          throw error;
        }
      }
    }
  }
  return [...alerts].map(([rule, a]) => ({ ...a.state.result(), rule, subjectMax: a.max, subjectMin: a.min, evaluations: a.evaluations }));
}

/**
 * What an alert compares against its threshold: the vector side of a top-level comparison with a
 * scalar (`histogram_quantile(...) > 2` -> the quantile), so a report can say how close it came;
 * null for any other shape (the expression's own output is used then).
 */
export function subjectOf(expr: Expr): Expr | null {
  if (expr.kind !== 'binary' || expr.bool || !['>', '<', '>=', '<=', '==', '!='].includes(expr.op)) return null;
  const scalarLike = (e: Expr) => e.kind === 'number' || (e.kind === 'negate' && e.arg.kind === 'number');
  if (scalarLike(expr.rhs) && !scalarLike(expr.lhs)) return expr.lhs;
  if (scalarLike(expr.lhs) && !scalarLike(expr.rhs)) return expr.rhs;
  return null;
}

/** The literal threshold of a top-level comparison, when there is one. */
export function thresholdOf(expr: Expr): { op: string; value: number } | null {
  if (expr.kind !== 'binary' || subjectOf(expr) === null) return null;
  const side = subjectOf(expr) === expr.lhs ? expr.rhs : expr.lhs;
  const value = side.kind === 'number' ? side.value : side.kind === 'negate' && side.arg.kind === 'number' ? -side.arg.value : null;
  return value === null ? null : { op: expr.op, value };
}

/** A rule's result as samples: a scalar is one sample without labels (as Prometheus's rule manager turns it). */
function outputSamples(value: Value): Sample[] {
  if (value.type === 'vector') return value.samples;
  if (value.type === 'scalar') return [{ labels: labelsOf([]), value: value.value }];
  throw new PromqlEvaluationError(`expected the rule to give an instant vector or a scalar, got a ${value.type}`);
}

function alertLabels(rule: AlertingRule, samples: readonly Sample[]): Labels[] {
  const out: Labels[] = [];
  const seen = new Set<string>();
  for (const s of samples) {
    const labels = new Map(withoutName(s.labels));
    for (const [k, v] of rule.labels) labels.set(k, v);
    labels.set('alertname', rule.name);
    const key = signature(labels);
    if (seen.has(key)) throw new PromqlEvaluationError('vector contains metrics with the same labelset after applying alert labels');
    seen.add(key);
    out.push(labels);
  }
  return out;
}

function record(name: string, ruleLabels: readonly [string, string][], samples: readonly Sample[], store: SampleStore, timeMs: number): void {
  const seen = new Set<string>();
  for (const s of samples) {
    const labels = new Map(s.labels);
    labels.set(METRIC_NAME, name);
    for (const [k, v] of ruleLabels) labels.set(k, v);
    const key = signature(labels);
    if (seen.has(key)) throw new PromqlEvaluationError('vector contains metrics with the same labelset after applying rule labels');
    seen.add(key);
    try {
      store.add(labels, timeMs, s.value);
    } catch (error) {
      if (error instanceof RangeError) throw new PromqlEvaluationError(`the recorded series ${key} is written twice at one time (another rule records the same series)`);
      throw error;
    }
  }
}
