/**
 * Shapes of catalog entries. Every entry carries `source`: where each of its numbers comes from
 * (vendor datasheet, model card / config.json, standard), so a reader can check it.
 */

/** Weight or KV element types a replica can run with. */
export type Dtype = 'bf16' | 'fp8' | 'int4';

/** One accelerator. Throughput figures are dense (no 2:4 sparsity). */
export interface GpuSpec {
  id: string;
  name: string;
  vendor: 'nvidia' | 'amd';
  /** Usable HBM capacity in GiB (2^30 bytes). */
  hbmGiB: number;
  /** Peak HBM bandwidth in TB/s (1e12 bytes/s). */
  hbmTBps: number;
  /** Dense BF16 tensor throughput, TFLOP/s (1e12). */
  bf16Tflops: number;
  /** Dense FP8 tensor throughput, TFLOP/s; 0 when the GPU has no FP8 tensor cores. */
  fp8Tflops: number;
  /** Scale-up fabric inside a node: catalog fabric id (nvlink4, infinity-fabric, pcie5, ...). */
  intraNodeFabric: string;
  /** Scale-up bandwidth per GPU, GB/s (1e9 bytes/s) in one direction. */
  intraNodeGBps: number;
  source: string;
  /**
   * A typical on-demand rental price of one GPU-hour, US dollars, with the market range it was
   * taken from, the month it was read and where (scenario `cost: { gpuHourUsd: catalog }` uses
   * it); null where no cited price exists.
   */
  rentalPrice: { usdPerGpuHour: number; rangeUsd: [number, number]; asOf: string; source: string } | null;
}

/** Multi-head latent attention (DeepSeek-V2/V3): the KV cache holds a compressed latent per token. */
export interface MlaAttention {
  kind: 'mla';
  qLoraRank: number;
  kvLoraRank: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
}

/** Grouped-query attention (MHA when kvHeads == heads). */
export interface GqaAttention {
  kind: 'gqa';
}

/** A decoder-only transformer architecture. Fields follow Hugging Face config.json names in camelCase. */
export interface ModelSpec {
  id: string;
  name: string;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Intermediate size of a dense MLP layer. */
  ffn: number;
  vocab: number;
  /** Routed experts per MoE layer (0 for a dense model). */
  experts: number;
  /** Routed experts each token activates (0 for a dense model). */
  activeExperts: number;
  /** Always-on shared experts per MoE layer (DeepSeek); 0 otherwise. */
  sharedExperts: number;
  /** Intermediate size of one expert (MoE); equals ffn for Mixtral. */
  expertFfn: number;
  /** Leading layers that use a dense MLP even in an MoE model (DeepSeek-V3: 3). */
  denseLayers: number;
  /** SwiGLU-style gated MLP: 3 matrices (gate, up, down) instead of 2. */
  gatedMlp: boolean;
  /** Input and output embeddings share one matrix. */
  tiedEmbeddings: boolean;
  attention: GqaAttention | MlaAttention;
  /** Dtype the published checkpoint ships in. */
  weightDtype: Dtype;
  /** Maximum context length (tokens) of the published model. */
  maxContext: number;
  /** Published total parameter count in billions, to check the architecture arithmetic against. */
  publishedParamsB: number;
  source: string;
}

/** A link technology. Bandwidth is per GPU (or per NIC serving one GPU), one direction. */
export interface FabricSpec {
  id: string;
  name: string;
  kind: 'nvlink' | 'infinity-fabric' | 'infiniband' | 'roce' | 'pcie';
  scope: 'intra-node' | 'inter-node';
  /** Bandwidth per GPU in one direction, GB/s (1e9 bytes/s). */
  GBpsPerGpu: number;
  /** One-way small-message latency, microseconds (order of magnitude; collectives add their own). */
  latencyUs: number;
  /**
   * NCCL's per-step latency over this link for its low-latency (LL) and bandwidth (Simple)
   * protocols, microseconds (its tuning model's hwLat): what collectives priced by protocol
   * (engine/fabric/collective-flows.ts, `costs.protocols`) scale. Absent: latencyUs for both.
   */
  protocolLatencyUs?: { ll: number; simple: number };
  /**
   * Fraction of this link's bandwidth an NCCL all-reduce reaches on large messages, in the flow
   * model's terms (engine/fabric/collective-flows.ts: ring inside a node, rails across nodes, with
   * the chunk-pipelining fill), fitted on nccl-tests logs by analyzers/calibration/collective-fit.ts.
   * Absent where no log measures the fabric: collectives then assume its line rate (1).
   */
  allReduceBandwidthEfficiency?: number;
  /**
   * The switch reduces (NVLink SHARP, "NVLS", NVSwitch gen 3 and later): NCCL's NVLS all-reduce
   * (engine/fabric/collective-flows.ts) with its fraction of the port bandwidth on large messages
   * and its per-call latency, microseconds. Absent: the switch only forwards.
   */
  nvls?: { bandwidthEfficiency: number; latencyUs: number };
  source: string;
}
