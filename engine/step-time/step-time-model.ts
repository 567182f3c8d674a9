import type { Dtype, FabricSpec, GpuSpec, ModelSpec } from '../catalog/catalog-types.js';

/**
 * The work of one scheduler iteration of one replica, in aggregate. The scheduler keeps these sums
 * up to date as sequences join and leave, so a step costs O(1) to time however many tokens it holds.
 */
export interface StepBatch {
  /** Prefill tokens computed this step (sum of the chunk lengths of all prefilling sequences). */
  prefillTokens: number;
  /** Sequences with a prefill chunk in this step. */
  prefillSeqs: number;
  /**
   * Causal attention query-key pairs of the prefill chunks: for a chunk of c tokens after p tokens
   * already in the cache, c*p + c*(c+1)/2. Drives prefill attention FLOPs.
   */
  prefillAttentionPairs: number;
  /** KV tokens already in cache that prefill chunks read (sum of p over chunks). */
  prefillContextTokens: number;
  /** Sequences producing one decode token this step. */
  decodeSeqs: number;
  /** Sum of the context lengths (KV tokens) that the decoding sequences attend over. */
  decodeContextTokens: number;
}

/** What a replica is made of: enough to time a step on it. */
export interface ReplicaShape {
  model: ModelSpec;
  gpu: GpuSpec;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  /** Weight dtype used for bytes per parameter and for tensor-core throughput. */
  weightDtype: Dtype;
  /** KV-cache element dtype. */
  kvCacheDtype: Dtype;
  /** Link the tensor-parallel all-reduce runs over (the GPU's scale-up fabric when TP fits a node). */
  tensorParallelFabric: FabricSpec;
  /**
   * Pipeline stage boundaries that cross nodes and the link they use (absent: every boundary stays
   * inside a node). A send across nodes goes over one GPU's NIC at `GBpsPerGpu` (the scenario's
   * line rate divided by its oversubscription) after the link's latency.
   */
  interNodePipeline?: { crossings: number; GBpsPerGpu: number; latencyUs: number };
  /**
   * A TP group spanning whole nodes (TP > GPUs per node): its all-reduces run hierarchically, the
   * inter-node phase over each GPU's NIC at `GBpsPerGpu` (line rate / oversubscription).
   */
  interNodeTensorParallel?: { nodes: number; gpusPerNode: number; GBpsPerGpu: number; latencyUs: number };
  /**
   * Expert parallelism: the MoE layers' experts dealt whole to `size` GPUs; with `dataParallel`
   * ranks (data-parallel attention) each rank's tokens are dispatched to their experts' GPUs and
   * combined back over `link` (two all-to-alls per MoE layer), and the experts see every rank's
   * tokens (the ranks assumed equally loaded). `busiestShare`: the busiest GPU's share of the routed
   * tokens (1 / size when experts are equally popular); the step waits for that GPU.
   */
  expertParallel?: { size: number; dataParallel: number; busiestShare: number; link: { GBps: number; latencySeconds: number } };
}

/** One step's time and what it is made of. All values in seconds. */
export interface StepTime {
  /** Wall time of the iteration: what the scheduler advances the clock by. */
  stepSeconds: number;
  /** 'compute' when FLOPs dominated the linear layers, 'memory' when bytes read did. */
  bound: 'compute' | 'memory';
  layers: number;
  perLayer: {
    /** Everything in a layer but attention and communication: QKV/O projections, MLP, norms, activation, residual. */
    linearSeconds: number;
    attentionSeconds: number;
    communicationSeconds: number;
  };
  /** Embedding, LM head and sampling, once per step. */
  headSeconds: number;
  /** Pipeline-parallel activation sends between stages per step. */
  pipelineSeconds: number;
  /** Fixed per-iteration CPU/scheduling/launch overhead. */
  overheadSeconds: number;
  /**
   * Time of the slowest pipeline stage (equals stepSeconds without pipeline parallelism): with PP,
   * stages work on different micro-batches at once, so throughput follows this, latency stepSeconds.
   */
  stageSeconds: number;
}

/** A step-time model times one iteration of a batch on a replica shape. Pure and deterministic. */
export interface StepTimeModel {
  readonly name: string;
  stepTime(batch: StepBatch): StepTime;
}
