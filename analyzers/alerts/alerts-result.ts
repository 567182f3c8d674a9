export const ALERTS_RESULT_VERSION = 1;

/**
 * Where an alert first fires against the SLO break: below it (it warns before users are hurt), at
 * or above it (users are hurt first), not at all in the swept range; `fires` when there is no
 * break to compare with (a single simulation, or an SLO that held at every rate).
 */
export const ALERT_VERDICTS = ['warns-early', 'fires-late', 'never-fires', 'fires'] as const;
export type AlertVerdict = (typeof ALERT_VERDICTS)[number];

/** One alert at one simulated rate. Times are seconds into that run. */
export interface AlertAtRate {
  rate: number | null;
  /** First evaluation with the alert firing, or null. */
  firesAt: number | null;
  /** First evaluation with the alert pending (its expression held), or null. */
  pendingAt: number | null;
  /** Time with the alert firing (evaluations firing x their interval). */
  firingSeconds: number;
  /**
   * Extremes over the run of what the alert compares with its threshold (the other side of a
   * top-level comparison with a number, e.g. the p99 of histogram_quantile(...) > 2; otherwise the
   * expression's output, which then only exists while it holds); null when it never had a finite value.
   */
  maxValue: number | null;
  minValue: number | null;
}

export interface AlertReport {
  name: string;
  group: string;
  expr: string;
  /** The rule's `for`, seconds. */
  for: number;
  keepFiringFor: number;
  /** Labels the rule adds (as written). */
  labels: Record<string, string>;
  /** The top-level comparison with a number, when the expression is one (`> 2`). */
  threshold: { op: string; value: number } | null;
  /** The lowest simulated rate at which the alert fired, or null. */
  firstFiringRate: number | null;
  /** Seconds into the run at that rate when it fired. */
  firesAt: number | null;
  verdict: AlertVerdict;
  /**
   * How far below the SLO break it first fires: break - firstFiringRate, in req/s and as a percent
   * of the break (negative: it fires only after the break); null without both.
   */
  margin: { requestsPerSecond: number; percent: number } | null;
  /** The labels of the first instance that fired there (alertname and rule labels included). */
  firedLabels: Record<string, string> | null;
  perRate: AlertAtRate[];
  /** What a reader should know about this alert's answer (fires at today's rate, could not fire in a short run, ...). */
  notes: string[];
}

/** One simulated run the rules were evaluated over. */
export interface AlertRun {
  rate: number | null;
  /** The analysis's SLO verdict at this rate (null without an SLO). */
  sloMet: boolean | null;
  simulatedSeconds: number;
  lastArrivalSeconds: number;
  /** The last evaluation time: the end of the offered load, or of the run with --include-drain. */
  evaluatedUntilSeconds: number;
  /** One sample per series per interval of this width. */
  seriesIntervalSeconds: number;
  /** Evaluation interval of groups that set none. */
  evalIntervalSeconds: number;
}

export interface AlertsResult {
  kind: 'alerts';
  version: number;
  /** The result the rates came from: its kind, scenario and seed (replication 0 of each rate is re-simulated). */
  source: { kind: 'saturation' | 'simulation'; scenario: string; seed: number; replication: 0 };
  /** The scenario's own offered rate ("today"), or null. */
  currentRate: number | null;
  /**
   * The rate where the SLO breaks: the saturation result's saturationRate.mean, else the first
   * evaluated rate that missed the SLO; null (with the reason) when neither exists.
   */
  sloBreak: { rate: number; from: 'saturationRate' | 'first-missed-rate' } | null;
  sloBreakReason: string | null;
  evaluation: {
    /** --eval-interval, seconds; null: each run's own series interval. A group's `interval` wins over either. */
    intervalSeconds: number | null;
    lookbackSeconds: number;
    /** 'load': up to the last arrival (the default); 'run': the drain too. */
    window: 'load' | 'run';
  };
  runs: AlertRun[];
  /** Recording rules evaluated (their series were readable by the rules after them). */
  records: string[];
  alerts: AlertReport[];
  notes: string[];
}
