import type { PrefixCacheSummary } from './metrics/prefix-cache-summary.js';
import type { LatencyStats } from './metrics/latency-summary.js';
import type { Scenario, SloKey } from './scenario/scenario-types.js';
import type { CalibrationProvenance } from './step-time/step-time-calibration.js';
import type { CostFigures } from './metrics/cost.js';
import type { FabricSummary } from './fabric/fabric-summary.js';
import type { ScalingSummary, SurvivalSummary } from './failures/survival-summary.js';

export const SIMULATION_RESULT_VERSION = 1;

export interface SloBoundResult {
  key: SloKey;
  bound: number;
  /**
   * The statistic over every arrived request, dropped ones counting as never served: null when
   * there is no sample, or when the drops make it unbounded (a Mean with any drop, a P99 with
   * more than 1% dropped).
   */
  observed: number | null;
  met: boolean;
}

export interface SeriesSet {
  /** Mean requests waiting (not yet scheduled) over each bucket. */
  queueDepth: number[];
  /** Mean running sequences (prefilling or decoding). */
  running: number[];
  /** Mean fraction of KV blocks in use. */
  kvOccupancy: number[];
  /** Prefill + decode tokens processed per second. */
  tokensPerSecond: number[];
  /** Output tokens generated per second (decode tokens and each prompt's first token). */
  outputTokensPerSecond: number[];
  /** Requests completed per second. */
  completedPerSecond: number[];
}

/**
 * One scheduling engine: a replica, or with pipeline parallelism one of its PP virtual engines
 * (`engine` 0..PP-1 of replica `replica`); the list has replicas x PP entries.
 */
export interface ReplicaUtilization {
  replica: number;
  engine: number;
  completed: number;
  steps: number;
  preemptions: number;
  /** Fraction of the run the replica spent stepping. */
  busyFraction: number;
  kvOccupancyMean: number;
  kvOccupancyPeak: number;
  /** With disaggregation only: which pool the engine serves in. */
  role?: 'prefill' | 'decode';
}

/** The result of one `simulate` run. Keys are always in this order. All times in seconds. */
export interface SimulationResult {
  kind: 'simulation';
  version: number;
  seed: number;
  scenario: Scenario;
  requests: {
    arrived: number;
    completed: number;
    dropped: number;
    preempted: number;
    retried: number;
    droppedByReason: Record<string, number>;
  };
  /**
   * As a client measures them (benchmark tools): engine time plus serving.frontendOverhead.
   * engineTtft and engineE2e are the engine-only parts (arrival to first / last token at the engine).
   */
  latency: {
    ttft: LatencyStats;
    tpot: LatencyStats;
    itl: LatencyStats;
    e2e: LatencyStats;
    queueWait: LatencyStats;
    engineTtft: LatencyStats;
    engineE2e: LatencyStats;
  };
  /**
   * What the deployment sustained while load was offered: over the steady window (the second half
   * of the arrival window), so the final drain does not dilute it. A deployment that kept up
   * (`window.keptUp`) sustained what it accepted there (arrivals less drops); one that fell behind
   * sustained its completions. `wholeRun` is completions over the whole run, drain included.
   */
  throughput: {
    requestsPerSecond: number;
    inputTokensPerSecond: number;
    outputTokensPerSecond: number;
    outputTokensPerSecondPerGpu: number;
    /**
     * The steady window, what arrived in it per second (a finite run's offered rate varies), the
     * part of that accepted (not dropped), what completed in it per second, what a stable system
     * started empty would have completed (the accepted arrivals less those whose time in service
     * is longer than the run so far), and whether the completions reached KEEP_UP_SHARE of that.
     */
    window: {
      fromSeconds: number;
      toSeconds: number;
      arrivalsPerSecond: number;
      acceptedPerSecond: number;
      completionsPerSecond: number;
      stableCompletionsPerSecond: number;
      keptUp: boolean;
    };
    wholeRun: { requestsPerSecond: number; inputTokensPerSecond: number; outputTokensPerSecond: number };
  };
  /** What the run's steady throughput costs, when the scenario states cost.gpuHourUsd; else null. */
  cost: CostFigures | null;
  slo: {
    /** Fraction of arrived requests that completed within every per-request target; null without an SLO. */
    attainment: number | null;
    /** Completions within the SLO per second over the steady window (see throughput). */
    goodputRequestsPerSecond: number | null;
    /** The same over the whole run, drain included. */
    goodputWholeRunRequestsPerSecond: number | null;
    /** Whether every bound holds over the run's statistics; null without an SLO. */
    met: boolean | null;
    bounds: SloBoundResult[];
  };
  utilization: {
    gpuBusyFraction: number;
    /** Share of the replicas' busy time spent in tensor-parallel communication. */
    communicationShare: number;
    /**
     * Fraction of the run (mean over replicas) during which requests waited, by what kept them out:
     * every maxNumSeqs slot taken, the maxNumBatchedTokens budget spent, or KV blocks short.
     */
    admissionBlocked: { batchLimit: number; tokenBudget: number; kvMemory: number };
    kvOccupancyMean: number;
    kvOccupancyPeak: number;
    /**
     * One entry per engine; past 1,024 engines only the extremes (least and most busy, fullest KV
     * peak), the aggregates above covering every engine, and `timeSeries.perReplica` is empty.
     */
    perReplica: ReplicaUtilization[];
    /** Engines left out of perReplica (0 up to 1,024 engines). */
    perReplicaOmitted: number;
  };
  /**
   * Where the step-time constants come from: fitted on this GPU family and weight dtype, or
   * borrowed from another family (then every figure is an extrapolation, and says so).
   */
  calibration: CalibrationProvenance;
  /** One replica's memory (with disaggregation: a decode engine's; the prefill pool's is in `disaggregation`). */
  memory: MemoryFigures;
  /**
   * Present only for a prefill/decode disaggregated deployment: the pools, and the KV hand-offs
   * (prefill done to KV landed on the decode engine) with the bytes they moved.
   */
  disaggregation?: {
    prefill: { replicas: number; tensorParallelSize: number; memory: MemoryFigures };
    decode: { replicas: number; tensorParallelSize: number; memory: MemoryFigures };
    kvTransfer: LatencyStats;
    kvTransferGBPerRequest: number;
  };
  /**
   * Present when traffic ran on the flow-level fabric (TP or PP across nodes, KV hand-offs, or a
   * fabric analysis): links, their utilization and traffic, communication share and stretch per
   * engine, coupling between engines.
   */
  /** Present when prefix caching is on and the workload's prompts carry prefix chains. */
  prefixCache?: PrefixCacheSummary;
  fabric?: FabricSummary;
  /** Present when the scenario has failures (or states clients): what failed, what it cost, goodput over time. */
  survival?: SurvivalSummary;
  /** Present with `autoscaling:`: the scaling decisions and replicas in service over time. */
  autoscaling?: ScalingSummary;
  run: {
    /** Simulated time from 0 to the last event (drain included). */
    simulatedSeconds: number;
    /** Time of the last arrival: the end of the offered-load window. */
    lastArrivalSeconds: number;
    events: number;
    steps: number;
  };
  timeSeries: {
    bucketSeconds: number;
    total: SeriesSet;
    perReplica: SeriesSet[];
  };
}

export interface MemoryFigures {
  weightGiBPerGpu: number;
  activationGiBPerGpu: number;
  kvGiBPerGpu: number;
  kvBlocksPerReplica: number;
  kvTokensPerReplica: number;
}
