import type { CalibrationProfile } from '../step-time/calibration-profile.js';
import type { Dtype, FabricSpec, GpuSpec, ModelSpec } from '../catalog/catalog-types.js';
import type { AutoscalingSpec, ClientSpec, FailureSpec, RecoverySpec } from '../failures/failure-types.js';

/**
 * The normalized scenario (`z.output` of the schema): durations in seconds, catalog ids resolved to
 * specs, file paths absolute, every default filled in. `simulate` and the analyzers take only this.
 */
export interface Scenario {
  name: string;
  description: string;
  seed: number;
  stop: StopRule;
  model: ModelSpec;
  cluster: ClusterSpec;
  serving: ServingSpec;
  workload: WorkloadSpec;
  /** Latency bounds; null when the scenario states no SLO. */
  slo: SloSpec | null;
  /** Thresholds for `headroom check`, as written ("ttft.p99 < 2s"); each one parses (threshold-expression.ts). */
  checks: string[];
  /**
   * Budgets a run stops at (exit 2) instead of running away: events fired, and requests in the
   * system at once (each holds memory; an overloaded run's queue grows without bound).
   */
  limits: { eventBudget: number; maxInSystem: number };
  /**
   * What a GPU-hour costs, US dollars, and where that price comes from (the scenario's number, or
   * the catalog's cited rental price); null when the scenario states no cost.
   */
  cost: { gpuHourUsd: number; priceSource: string } | null;
  /**
   * A calibration profile the scenario names (`calibration: { profile: path }`): the path, and the
   * profile itself once loadScenario has read it, so it travels with the scenario to worker threads
   * by value. null when the scenario names none (the catalog's constants apply).
   */
  calibration: { profileFile: string; profile: CalibrationProfile | null } | null;
  /** Scheduled and random failures (`failures:`); empty: nothing fails. */
  failures: FailureSpec[];
  /** How a failed replica comes back (`recovery:`), defaults cited in engine/failures/failure-catalog.ts. */
  recovery: RecoverySpec;
  /**
   * How clients time out and retry (`clients:`); null when the scenario states none. With failures
   * and no `clients:`, the OpenAI Python client's defaults apply.
   */
  clients: ClientSpec | null;
  /** A horizontal autoscaler over the replicas; null: they all serve, always. */
  autoscaling: AutoscalingSpec | null;
}

/** Stop after this many arrivals, or at this simulated time (seconds), whichever comes first. */
export interface StopRule {
  requests: number | null;
  duration: number | null;
}

export interface ClusterSpec {
  gpu: GpuSpec;
  nodes: number;
  gpusPerNode: number;
  fabric: {
    intraNode: FabricSpec;
    interNode: { fabric: FabricSpec; gbpsPerGpu: number; oversubscription: number } | null;
  };
  /**
   * Racks (one leaf each) and the spine above them (cluster.topology); null: every node under one
   * leaf. The spine's oversubscription, when given, replaces fabric.interNode.oversubscription for
   * traffic between racks.
   */
  topology: { racks?: number; nodesPerRack?: number; spine?: { oversubscription?: number } } | null;
}

export const ROUTER_KINDS = ['round-robin', 'least-outstanding', 'kv-aware', 'prefix-hash', 'session-affinity'] as const;
export type RouterKind = (typeof ROUTER_KINDS)[number];

export const SCHEDULER_KINDS = ['continuous', 'static'] as const;
export type SchedulerKind = (typeof SCHEDULER_KINDS)[number];

/** One pool of a prefill/decode disaggregated deployment. */
export interface PoolSpec {
  replicas: number;
  tensorParallelSize: number;
}

export interface ServingSpec {
  /** With disaggregation: the decode pool's (the engines that generate); each pool has its own. */
  tensorParallelSize: number;
  pipelineParallelSize: number;
  replicas: number;
  scheduler: SchedulerKind;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  enableChunkedPrefill: boolean;
  blockSize: number;
  gpuMemoryUtilization: number;
  /** Weight dtype (bf16 = unquantized). */
  quantization: Dtype;
  /** KV element dtype, 'auto' already resolved. */
  kvCacheDtype: Dtype;
  router: RouterKind;
  routing: RoutingSpec;
  /** vLLM's automatic prefix caching (on by default in vLLM V1): cached prompt blocks skip prefill. */
  enablePrefixCaching: boolean;
  /** Longest prompt + output a request may have; longer requests are dropped at arrival. */
  maxModelLen: number;
  /**
   * What the API server in front of the engine adds to what a client measures, seconds: once per
   * request (HTTP, tokenization, scheduling wake-up, detokenization, the first streamed chunk),
   * counted as intake before the engine queue, and per output token after the first (per-token
   * detokenization and streaming). Engine scheduling is unaffected; client-side latencies
   * (queueWait, ttft, tpot, itl, e2e) include it, latency.engineTtft / engineE2e do not, and
   * e2e - queueWait stays the engine's service time.
   */
  frontendOverhead: { perRequest: number; perOutputToken: number };
  /**
   * Prefill/decode disaggregation (vLLM's P/D with a KV connector, DistServe, Mooncake): a prefill
   * pool computes each prompt, its KV moves over the fabric to a decode engine, which generates
   * every output token (the first one too, once the KV has landed). Null: every engine does both.
   * With it, `replicas` counts the engines of both pools (prefill first).
   */
  disaggregation: { prefill: PoolSpec; decode: PoolSpec } | null;
  /**
   * Admission control: an engine with this many requests queued sheds more at arrival (SGLang's
   * --max-queued-requests); a shed request's client retries after its back-off, or it is dropped
   * ('shed'). null: queues grow without bound, as vLLM's do.
   */
  maxQueuedRequests: number | null;
  /**
   * Expert parallelism (vLLM --enable-expert-parallel): an MoE model's experts are dealt whole to
   * this many GPUs instead of each being sharded over TP. 1: experts sharded over TP (the default).
   * Without data-parallel attention it equals tensorParallelSize (EP is the TP group).
   */
  expertParallelSize: number;
  /**
   * Data-parallel attention (vLLM --data-parallel-size with expert parallelism, DeepSeek-V3 and
   * Mixtral at scale): a replica is expertParallelSize GPUs in expertParallelSize / TP data-parallel
   * ranks, each an engine of TP GPUs with its own requests and KV cache; MoE layers dispatch each
   * token to its experts' GPUs and combine the results (two all-to-alls per MoE layer).
   */
  dataParallelAttention: boolean;
  /** Zipf exponent of expert popularity (0: every expert equally popular): the busiest GPU's share of routed tokens. */
  expertSkew: number;
  /**
   * The run starts cold: every engine starts up and loads its weights (recovery.startup, then the
   * weights at recovery.storageGBpsPerNode) before it serves; until then requests are refused, as a
   * deployment whose pods are not ready refuses them, and clients retry.
   */
  coldStart: boolean;
}

export type ArrivalSpec =
  | { process: 'poisson'; rate: number }
  | { process: 'gamma'; rate: number; cv: number }
  | { process: 'trace'; file: string; timeScale: number }
  | { process: 'closed'; concurrency: number; thinkTime: number };

export type LengthSpec =
  | { dist: 'fixed'; value: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'lognormal'; mean: number; sd: number }
  | { dist: 'empirical'; file: string };

export interface WorkloadSpec {
  arrival: ArrivalSpec;
  /** Ignored for lengths a trace supplies itself. */
  inputTokens: LengthSpec;
  outputTokens: LengthSpec;
  /** A shared prefix (system prompt, RAG corpus) in front of a share of the prompts; null: none. */
  prefix: PrefixSpec | null;
  /** Multi-turn conversations: each turn's prompt holds the earlier turns; null: single requests. */
  sessions: SessionSpec | null;
}

export interface PrefixSpec {
  /** Distinct prefixes, each request with one picking one uniformly. */
  groups: number;
  /** Tokens of each prefix, added in front of the sampled input length. */
  tokens: number;
  /** Fraction of requests that carry one (0-1). */
  share: number;
}

export interface SessionSpec {
  /** Turns per conversation (fewer when the context would pass serving.maxModelLen). */
  turns: number;
  /** Mean of the user's (exponential) think time between a reply and the next turn, seconds. */
  thinkTimeSeconds: number;
}

/** How routers see the replicas (serving.routing). */
export interface RoutingSpec {
  /** Seconds between the router's refreshes of the replicas' load (0: it sees live load); between them it counts its own picks. */
  refreshSeconds: number;
  /** kv-aware: weight of the blocks to prefill against the blocks in use (Dynamo's kv-overlap-score-weight, default 1). */
  overlapWeight: number;
  /** prefix-hash: tokens of the prompt's head whose chain key picks the replica. */
  prefixTokens: number;
  /** prefix-hash and session-affinity: a target holding this many requests or more is passed over for the least loaded; default serving.maxNumSeqs. */
  fallbackOutstanding: number;
}

export const SLO_METRICS = ['ttft', 'tpot', 'itl', 'e2e', 'queueWait'] as const;
export type SloMetric = (typeof SLO_METRICS)[number];
export const SLO_STATS = ['Mean', 'P50', 'P90', 'P95', 'P99'] as const;
export type SloStat = (typeof SLO_STATS)[number];
export type SloKey = `${SloMetric}${SloStat}`;
/** Upper bounds in seconds, e.g. { ttftP99: 2, tpotP99: 0.1 }. */
export type SloSpec = Partial<Record<SloKey, number>>;
