import { signature, type Labels } from './labels.js';
import type { AlertingRule } from './alert-rules.js';

/** How one alerting rule behaved over one run. Times are seconds into the run. */
export interface AlertOutcome {
  /** First evaluation at which an instance of the alert was firing; null when none ever was. */
  firesAt: number | null;
  /** First evaluation at which an instance became pending (its expression held). */
  pendingAt: number | null;
  /** Last evaluation at which an instance was pending, not yet firing. */
  lastPendingAt: number | null;
  /** Evaluations with at least one instance firing, times their interval. */
  firingSeconds: number;
  /** The labels of the first instance that fired (alertname and rule labels included). */
  firedLabels: Labels | null;
}

interface Active {
  labels: Labels;
  state: 'pending' | 'firing';
  activeAtMs: number;
  /** When its expression stopped holding while firing (keep_firing_for counts from here). */
  keepFiringSinceMs: number | null;
}

/**
 * The life of an alerting rule's alerts, evaluation by evaluation, as Prometheus's rule manager
 * runs it (rules/alerting.go, AlertingRule.Eval): each output series is an alert instance,
 * identified by its labels (the metric name dropped, the rule's labels and alertname added); it
 * turns pending at the first evaluation its expression returns it, firing once
 * `evaluation time - active since >= for` (at once when `for` is 0), and is dropped when the
 * expression stops returning it (a firing one after keep_firing_for).
 */
export class AlertState {
  private readonly active = new Map<string, Active>();
  private outcome: AlertOutcome = { firesAt: null, pendingAt: null, lastPendingAt: null, firingSeconds: 0, firedLabels: null };

  constructor(private readonly rule: AlertingRule) {}

  /** One evaluation at `timeMs` (covering `intervalMs` of the run): the label sets the expression returned. */
  evaluate(timeMs: number, intervalMs: number, present: readonly Labels[]): void {
    const seen = new Set<string>();
    for (const labels of present) {
      const key = signature(labels);
      seen.add(key);
      const alert = this.active.get(key);
      if (alert !== undefined) alert.keepFiringSinceMs = null;
      else {
        this.active.set(key, { labels, state: 'pending', activeAtMs: timeMs, keepFiringSinceMs: null });
        this.outcome.pendingAt ??= timeMs / 1000;
      }
    }
    for (const [key, alert] of this.active) {
      if (seen.has(key)) continue;
      if (alert.state === 'pending') {
        this.active.delete(key);
        continue;
      }
      alert.keepFiringSinceMs ??= timeMs;
      if (timeMs - alert.keepFiringSinceMs >= this.rule.keepFiringForMs || this.rule.keepFiringForMs === 0) this.active.delete(key);
    }
    let firing = false;
    for (const alert of this.active.values()) {
      if (alert.state === 'pending' && timeMs - alert.activeAtMs >= this.rule.forMs) {
        alert.state = 'firing';
        if (this.outcome.firesAt === null) {
          this.outcome.firesAt = timeMs / 1000;
          this.outcome.firedLabels = alert.labels;
        }
      }
      if (alert.state === 'firing') firing = true;
      else this.outcome.lastPendingAt = timeMs / 1000;
    }
    if (firing) this.outcome.firingSeconds += intervalMs / 1000;
  }

  result(): AlertOutcome {
    return { ...this.outcome };
  }
}
