/**
 * The PromQL subset `headroom alerts` evaluates, as a syntax tree of its own: parse-promql.ts
 * builds it from the official Prometheus grammar (@prometheus-io/lezer-promql) and refuses, by
 * name, anything outside the subset, so the evaluator only meets what it knows.
 */

/** What an expression evaluates to, as Prometheus types it. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
  /** For =~ and !~: the fully anchored pattern (Prometheus anchors label regexes). */
  regex: RegExp | null;
}

export interface VectorSelector {
  kind: 'vector-selector';
  /** The metric name is a matcher on __name__, as in Prometheus. */
  matchers: LabelMatcher[];
  offsetMs: number;
}

export interface MatrixSelector {
  kind: 'matrix-selector';
  selector: VectorSelector;
  rangeMs: number;
}

export const ARITHMETIC_OPS = ['+', '-', '*', '/', '%', '^', 'atan2'] as const;
export const COMPARISON_OPS = ['==', '!=', '>', '<', '>=', '<='] as const;
export const SET_OPS = ['and', 'or', 'unless'] as const;
export type ArithmeticOp = (typeof ARITHMETIC_OPS)[number];
export type ComparisonOp = (typeof COMPARISON_OPS)[number];
export type SetOp = (typeof SET_OPS)[number];
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

/** `on(labels)` / `ignoring(labels)` between two vectors (one-to-one only: group_left/right are refused). */
export interface VectorMatching {
  on: boolean;
  labels: string[];
}

export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  /** The `bool` modifier of a comparison: 0/1 instead of filtering. */
  bool: boolean;
  matching: VectorMatching | null;
  lhs: Expr;
  rhs: Expr;
}

export const AGGREGATE_OPS = ['sum', 'avg', 'max', 'min', 'count', 'group'] as const;
export type AggregateOp = (typeof AGGREGATE_OPS)[number];

export interface AggregateExpr {
  kind: 'aggregate';
  op: AggregateOp;
  /** `by (labels)` or `without (labels)`; no clause is `by ()`. */
  grouping: { without: boolean; labels: string[] };
  arg: Expr;
}

export interface CallExpr {
  kind: 'call';
  name: string;
  args: Expr[];
}

export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | VectorSelector
  | MatrixSelector
  | CallExpr
  | AggregateExpr
  | BinaryExpr
  | { kind: 'negate'; arg: Expr };
