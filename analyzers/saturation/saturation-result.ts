import type { Scenario, SloKey } from '../../engine/scenario/scenario-types.js';
import type { CalibrationProvenance } from '../../engine/step-time/step-time-calibration.js';
import type { CostFigures } from '../../engine/metrics/cost.js';

export const SATURATION_RESULT_VERSION = 1;

/** What saturates first, as serving engineers name it. */
export const BOTTLENECKS = ['queue', 'compute', 'kv-memory', 'batch-limit', 'communication'] as const;
export type BottleneckName = (typeof BOTTLENECKS)[number];

/** A mean over replications with its 95% confidence interval (Student t); low = high = mean for one replication. */
export interface Estimate {
  mean: number;
  low: number;
  high: number;
}

/** Each latency statistic's mean over replications (null where a replication had no sample). */
export type LatencyEstimate = { [K in 'mean' | 'p50' | 'p90' | 'p95' | 'p99' | 'max']: number | null };

/** Signals of state pressure at one rate: they rise before latency breaks. */
export interface PressureSignals {
  /** Waiting requests (mean over the second half of the arrival window), summed over replicas. */
  queueDepth: number;
  /** Growth of the waiting queue over the arrival window, requests per second (> 0: not draining). */
  queueGrowthPerSecond: number;
  /** Mean fraction of KV blocks in use over the arrival window. */
  kvOccupancy: number;
  kvOccupancyPeak: number;
  /** Preemptions per completed request. */
  preemptionsPerRequest: number;
  /** Mean running sequences as a fraction of maxNumSeqs x replicas. */
  batchFill: number;
  /** Fraction of time replicas spent stepping. */
  busyFraction: number;
  /** Share of step time spent in tensor-parallel communication. */
  communicationShare: number;
  /** Fraction of time requests waited, by what kept them out of the batch (see SimulationResult). */
  admissionBlocked: { batchLimit: number; tokenBudget: number; kvMemory: number };
  /** Names of the signals past their thresholds at this rate. */
  pressured: string[];
}

/**
 * One key changed (as `--vary` would) and the first rate that broke the SLO simulated again:
 * whether it then meets the SLO and keeps up, and the worst SLO bound's observed / bound before
 * and after (< 1: met).
 */
export interface KnobTrial {
  key: string;
  value: string;
  rate: number;
  meetsSlo: boolean | null;
  keepsUp: boolean;
  worstBefore: number;
  worstAfter: number;
}

/** One offered rate of the sweep, averaged over its replications. */
export interface SaturationPoint {
  rate: number;
  replications: number;
  latency: { ttft: LatencyEstimate; tpot: LatencyEstimate; itl: LatencyEstimate; e2e: LatencyEstimate; queueWait: LatencyEstimate };
  /** Throughput while the load was offered (second half of the arrival window, before the drain). */
  throughput: { requestsPerSecond: Estimate; outputTokensPerSecond: Estimate };
  /** Each SLO bound's statistic at this rate, with its interval, and whether the mean meets it. */
  slo: { key: SloKey; bound: number; observed: Estimate | null; met: boolean }[];
  /**
   * True when the deployment completed at least 95% of what a stable system would have over the
   * steady window (the accepted arrivals there, less those whose time in service had not yet
   * elapsed since the load began): it keeps up with this rate. False adds 'falling-behind' to the
   * pressure signals and misses the SLO.
   */
  keepsUp: boolean;
  /**
   * The keep-up test's figures, means over the replications; margin = 0.95 x stable / completions
   * (> 1: fell behind), the curve the knee search reads beside the SLO bounds.
   */
  keepUp: { completionsPerSecond: number; stableCompletionsPerSecond: number; margin: number };
  /**
   * Whether the run reached steady state before its steady window (the second half of the arrival
   * window) opened: the window starts at least two mean end-to-end times after the load began.
   */
  steady: { windowStartSeconds: number; e2eMeanSeconds: number; reached: boolean };
  /**
   * False when the verdict could change with a longer run: the SLO looked met (or the deployment
   * fell behind) before steady state. A missed bound is decided at any length.
   */
  decided: boolean;
  /** True when every bound's mean holds and the deployment keeps up (null without an SLO). */
  meetsSlo: boolean | null;
  attainment: Estimate | null;
  goodputRequestsPerSecond: Estimate | null;
  preemptions: Estimate;
  pressure: PressureSignals;
  /** Share of prompt tokens served from the prefix cache, when prompts carried prefix chains. */
  prefixHitRate?: Estimate;
}

export interface SaturationResult {
  kind: 'saturation';
  version: number;
  seed: number;
  scenario: Scenario;
  /** The offered rate of the scenario itself ("today's load"), req/s; null for closed workloads. */
  currentRate: number | null;
  method: {
    /** 'search': doubling then bisection; 'sweep': the --rates grid. */
    mode: 'search' | 'sweep';
    replications: number;
    /** Relative precision the bisection stopped at (search mode). */
    precision: number | null;
    simulations: number;
    /** How a rate is imposed: the arrival process's rate, or the trace's timeScale. */
    rateKnob: 'arrival.rate' | 'arrival.timeScale';
  };
  /**
   * Where the step-time constants come from (as in a simulation result). When they are borrowed
   * from another GPU family, `intervalWidening` is the relative error that borrowing was measured to
   * carry, and saturationRate's interval is widened to at least mean / (1 + w) .. mean x (1 + w).
   */
  calibration: CalibrationProvenance & { intervalWidening: number | null };
  /**
   * Where the worst SLO bound crosses 1, or null with the reason when it could not be found. Its
   * interval holds the replications' 95% interval and the bracket of evaluated rates around the
   * break (never of zero width); `intervalNote` says which.
   */
  saturationRate: Estimate | null;
  intervalNote: string;
  /**
   * The most the deployment completed per second at a rate it could not keep up with (the highest
   * sustained completion rate among evaluated points that fell behind), and that rate; null when
   * every evaluated rate kept up. The saturation rate never exceeds it: a deployment cannot meet an
   * SLO in steady state at a rate it cannot sustain.
   */
  sustainedCapacity: { requestsPerSecond: number; measuredAtRate: number } | null;
  saturationReason: string | null;
  goodputAtSaturation: number | null;
  /** What serving costs at the saturation rate (the last rate meeting the SLO), with cost.gpuHourUsd; else null. */
  costAtSaturation: CostFigures | null;
  /** Lowest rate where state pressure shows, or null with the reason. */
  pressureOnsetRate: number | null;
  pressureOnsetReason: string | null;
  /** How far the pressure onset sits below the saturation rate, percent of the saturation rate. */
  pressureLeadPercent: number | null;
  /**
   * What saturated first, with the evidence, and the one-key changes tried at the first broken
   * rate to show whether the knob the evidence points at helps (empty when no such knob exists).
   */
  bottleneck: { name: BottleneckName; evidence: string; tried: KnobTrial[] } | null;
  /** Capacity left at the scenario's own rate: (saturation - current) / saturation. */
  headroom: { percent: number; requestsPerSecond: number } | null;
  /** Every evaluated rate, ascending. */
  points: SaturationPoint[];
  /** The answer to --target-rate: how many replicas carry that rate under the SLO; null without one. */
  sizing: Sizing | null;
}

/**
 * The fewest replicas that carry `targetRate` under the SLO. Found from the per-replica saturation
 * rate (the analysis's, divided by its replicas: least-outstanding routing shares load evenly) and
 * then checked by simulating the target rate at that size and one replica fewer.
 */
export interface Sizing {
  targetRate: number;
  /** null (with `reason`) when no size could be found or checked. */
  replicasNeeded: number | null;
  gpusNeeded: number | null;
  /** The analysis's saturation rate divided by its replicas. */
  perReplicaSaturationRate: number | null;
  /** Capacity left at that size: 100 x (replicas x perReplica - target) / (replicas x perReplica). */
  marginPercent: number | null;
  /** The same one size up, for planners who want a spare. */
  nextSize: { replicas: number; gpus: number; marginPercent: number } | null;
  /** The simulations that checked it: the target rate at each size tried. */
  checked: { replicas: number; meetsSlo: boolean | null; decided: boolean }[];
  /** What serving the target rate costs at that size, with cost.gpuHourUsd. */
  cost: CostFigures | null;
  reason: string | null;
}

/** `--vary` runs one analysis per configuration and compares them. */
export interface SaturationComparison {
  kind: 'saturation-comparison';
  version: number;
  seed: number;
  /** One entry per feasible configuration, in the order the --vary values were given. */
  configurations: {
    label: string;
    overrides: Record<string, string>;
    /** Replicas the configuration runs (derived from the cluster when not pinned). */
    replicas: number;
    gpus: number;
    saturationRate: number | null;
    goodputAtSaturation: number | null;
  /** What serving costs at the saturation rate (the last rate meeting the SLO), with cost.gpuHourUsd; else null. */
  costAtSaturation: CostFigures | null;
    /** Output tokens per second per GPU at the saturation rate. */
    tokensPerSecondPerGpu: number | null;
    /** Output tokens per second one user sees at the saturation rate (1 / mean TPOT). */
    tokensPerSecondPerUser: number | null;
    /** Share of prompt tokens the prefix cache served at its saturation rate; absent or null without prefix chains. */
    prefixHitRate?: number | null;
    /** Not beaten on both tokens/s/GPU and tokens/s/user by another configuration. */
    paretoOptimal: boolean;
    result: SaturationResult;
  }[];
  /** Combinations the scenario rules refuse (a TP that does not divide the node, a model that does not fit), with why. */
  infeasible: { label: string; overrides: Record<string, string>; reason: string }[];
}
