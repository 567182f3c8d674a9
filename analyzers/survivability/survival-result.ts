import type { FailureSpec } from '../../engine/failures/failure-types.js';
import type { Scenario } from '../../engine/scenario/scenario-types.js';

export const SURVIVABILITY_RESULT_VERSION = 1;

/**
 * How a deployment came through one failure at one load, from its goodput over time:
 * - absorbed: goodput stayed within 5% of the baseline's over the run;
 * - degraded: it dipped, and came back to at least 90% of the offered rate by the end of the load;
 * - collapsed: it did not come back while the load stayed, with the failed part still down;
 * - metastable: it did not come back although the failed part had recovered (retries sustaining the overload).
 */
export type SurvivalOutcome = 'absorbed' | 'degraded' | 'collapsed' | 'metastable';

/** One seeded run with the failures, beside the same seed without them (common random numbers). */
export interface SurvivalTrial {
  seed: number;
  /** SLO attainment (or the completed share, without an SLO), with and without the failures. */
  attainment: number;
  baselineAttainment: number;
  /** Requests per second completed within the SLO, over the run. */
  goodput: number;
  baselineGoodput: number;
  lostInFlight: number;
  retried: number;
  failedAfterRetries: number;
  timedOut: number;
  reprefillTokens: number;
  /** Longest failure-to-recovery time of the trial's failures; null when one did not recover. */
  recoverySeconds: number | null;
  outcome: SurvivalOutcome;
}

/** One failure size at one offered rate. */
export interface BoundaryPoint {
  rate: number;
  outcome: SurvivalOutcome;
  attainment: number;
  /** Goodput over the last quarter of the arrival window as a share of the offered rate. */
  endGoodputShare: number;
  recoveredAt: number | null;
  lostInFlight: number;
  retried: number;
}

export interface BoundarySize {
  /** "1 GPU", "1 node", "1 rack". */
  size: string;
  failure: FailureSpec;
  points: BoundaryPoint[];
  /** The highest swept rate it survives (absorbed or degraded); null when it survives none. */
  boundaryRate: number | null;
}

export interface SurvivabilityResult {
  kind: 'survivability';
  version: number;
  seed: number;
  scenario: Scenario;
  /** The failures the trials played: the scenario's own, or (it has none) one GPU at a quarter of the load window. */
  failures: FailureSpec[];
  failuresSource: string;
  trials: {
    count: number;
    perTrial: SurvivalTrial[];
    attainment: { mean: number; p5: number; p95: number };
    baselineAttainment: number;
    /** Share of the baseline's goodput lost to the failures, mean over trials. */
    goodputLoss: number;
    /** Trial attainments ascending: the survival curve. */
    survivalCurve: number[];
    outcomes: Record<SurvivalOutcome, number>;
  };
  /** Goodput over time, mean over trials, beside the baseline's; failure markers from trial 0. */
  timeline: {
    bucketSeconds: number;
    goodputPerSecond: number[];
    baselineGoodputPerSecond: number[];
    arrivalsPerSecond: number[];
    markers: { kind: string; at: number; detectedAt: number | null; recoveredAt: number | null }[];
  };
  /** The survivability boundary: per failure size, the outcome at each offered rate. */
  boundary: { rates: number[]; sizes: BoundarySize[] } | null;
  boundaryReason: string | null;
  /** N+k: the fewest extra replicas that keep the SLO through one node's failure at today's load. */
  spares: { failure: string; rate: number; needed: number | null; tried: { extra: number; meetsSlo: boolean; attainment: number }[]; reason: string | null } | null;
  findings: string[];
}
