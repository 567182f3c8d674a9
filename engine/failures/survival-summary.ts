import type { RunMetrics } from '../metrics/run-metrics.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { DEFAULT_CLIENTS, RECOVERY_SOURCES } from './failure-catalog.js';
import type { ClientSpec, RecoverySpec } from './failure-types.js';
import type { FailureDriver, FailureEvent } from './failure-driver.js';
import type { Autoscaler, ScalingEvent } from './autoscaler.js';

/**
 * What failures did to a run: each failure with when it was detected and recovered and what it
 * lost; how requests ended (completed, or given up on after retries or a timeout); the work done
 * twice (retries re-prefill their prompts) or for nobody (abandoned attempts the server finished);
 * and goodput over time, to see a failure's dip and whether it recovers.
 */
export interface SurvivalSummary {
  failures: FailureEvent[];
  requests: {
    lostInFlight: number;
    refused: number;
    retried: number;
    failedAfterRetries: number;
    timedOut: number;
    /** Attempts whose client gave up but the server finished anyway. */
    abandonedCompleted: number;
    /** Attempts turned away by admission control (serving.maxQueuedRequests). */
    shed: number;
  };
  work: {
    /** Prompt tokens prefilled again by retries: the amplification. */
    reprefillTokens: number;
    /** Output tokens generated for abandoned attempts. */
    abandonedOutputTokens: number;
  };
  /** Per series bucket: requests completed within the SLO per second (or completed, without an SLO), and arrivals per second. */
  timeline: { bucketSeconds: number; goodputPerSecond: number[]; arrivalsPerSecond: number[] };
  clients: ClientSpec;
  recovery: RecoverySpec & { sources: typeof RECOVERY_SOURCES };
}

export function survivalOf(scenario: Scenario, metrics: RunMetrics, failures: FailureDriver, end: number): SurvivalSummary {
  const w = metrics.failureWork;
  const done = scenario.slo === null ? metrics.series.map((s) => s.completions) : [metrics.offeredAndDone.attained];
  const goodput = done.map((s) => s.values(end)).reduce((sum, v) => sum.map((x, i) => x + (v[i] ?? 0)));
  return {
    failures: failures.events,
    requests: {
      lostInFlight: w.lostInFlight,
      refused: w.refused,
      retried: w.retried,
      failedAfterRetries: metrics.clientEnds['failed-after-retries'],
      timedOut: metrics.clientEnds['timed-out'],
      abandonedCompleted: w.abandonedCompleted,
      shed: metrics.shedAttempts,
    },
    work: { reprefillTokens: w.reprefillTokens, abandonedOutputTokens: w.abandonedOutputTokens },
    timeline: { bucketSeconds: metrics.offeredAndDone.arrivals.bucketSeconds, goodputPerSecond: goodput, arrivalsPerSecond: metrics.offeredAndDone.arrivals.values(end) },
    clients: scenario.clients ?? DEFAULT_CLIENTS,
    recovery: { ...scenario.recovery, sources: RECOVERY_SOURCES },
  };
}

/** What the autoscaler did: its decisions, replicas in service over time, and the replica-hours served. */
export interface ScalingSummary {
  events: ScalingEvent[];
  inService: { bucketSeconds: number; replicas: number[] };
  /** Replica-hours in service over the run (what a per-hour price bills for), and its mean replicas. */
  replicaHours: number;
  meanReplicas: number;
}

export function scalingOf(autoscaler: Autoscaler, end: number): ScalingSummary {
  const series = autoscaler.inServiceSeries;
  series.advance(end);
  const replicas = series.values(end);
  const bucket = series.bucketSeconds;
  const replicaSeconds = replicas.reduce((a, v, i) => a + v * Math.min(bucket, end - i * bucket), 0);
  return { events: autoscaler.events, inService: { bucketSeconds: bucket, replicas }, replicaHours: replicaSeconds / 3600, meanReplicas: end > 0 ? replicaSeconds / end : 0 };
}
