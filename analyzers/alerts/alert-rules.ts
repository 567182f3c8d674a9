import type { Expr, ValueType } from './promql-ast.js';

/** What every rule has: its PromQL as written and parsed, where it is, and the labels it adds. */
interface RuleBase {
  /** The group it belongs to (rules of a group are evaluated in order, at the group's interval). */
  group: string;
  expr: string;
  parsed: Expr;
  type: ValueType;
  /** Labels the rule adds to its output (templates such as {{ $value }} are kept as written, not rendered). */
  labels: [string, string][];
  /** 1-based line of the rule in its file. */
  line: number;
}

/** `alert:` rule: an alert per output series, pending while its expression holds, firing once it held for `for`. */
export interface AlertingRule extends RuleBase {
  kind: 'alert';
  name: string;
  forMs: number;
  /** A firing alert stays firing this long after its expression stops holding. */
  keepFiringForMs: number;
  annotations: [string, string][];
}

/** `record:` rule: its output is stored as series named `name`, which later rules can read. */
export interface RecordingRule extends RuleBase {
  kind: 'record';
  name: string;
}

export type Rule = AlertingRule | RecordingRule;

export interface RuleGroup {
  name: string;
  /** The group's `interval`, or null to evaluate at the run's interval. */
  intervalMs: number | null;
  rules: Rule[];
}

/** A Prometheus rule file, parsed and checked. */
export interface RuleFile {
  file: string;
  groups: RuleGroup[];
}
