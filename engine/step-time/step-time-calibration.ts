import type { Dtype, GpuSpec } from '../catalog/catalog-types.js';

/**
 * The efficiency factors and fixed costs that turn the roofline's peak-rate arithmetic into
 * measured time. Fractions are of the GPU's (or link's) catalog peak; times are seconds.
 *
 * The linear-layer and collective constants are fitted on real measurements by
 * analyzers/calibration/operator-profile-fit.ts (re-run it with `npx tsx
 * analyzers/calibration/operator-profile-fit.ts [shared/data]`); test/engine/step-time/step-time-calibration.test.ts
 * refits them and fails when the constants below drift from what the data gives, or stop reproducing it.
 */
export interface StepTimeCalibration {
  /** Where these numbers come from, in a few words (shown by `headroom steptime`). */
  fittedOn: string;
  /** Fraction of peak BF16 tensor FLOP/s that the linear-layer GEMMs reach when compute-bound. */
  computeEfficiency: number;
  /**
   * Fraction of peak FP8 tensor FLOP/s that FP8 GEMMs reach (w8a8 with per-token or per-tensor
   * scales): lower than BF16's on every GPU measured, since the activation quantization and
   * scaling epilogues run inside the same kernels. Decides capacity at large batch in fp8.
   */
  fp8ComputeEfficiency: number;
  /** Fraction of peak HBM bandwidth at which FP8 GEMMs stream their weights (small-batch decode in fp8). */
  fp8MemoryEfficiency: number;
  /** Fraction of peak HBM bandwidth at which the GEMMs stream their weights and activations. */
  memoryEfficiency: number;
  /**
   * Exponent p of the smooth roofline (a^p + b^p)^(1/p) joining compute and memory time;
   * Infinity = the hard max(). Fitted: real GEMMs are slower than max() near the ridge point.
   */
  rooflineSharpness: number;
  /** Fraction of HBM bandwidth reached by element-wise kernels (RMSNorm, rotary, SiLU-and-mul, residual add). */
  elementwiseEfficiency: number;
  /** Fixed time per kernel (launch, tail, synchronisation gaps); a dense layer runs 9 outside attention. */
  perOpOverheadSeconds: number;
  /** Fraction of peak BF16 FLOP/s that prefill (and MLA decode) attention reaches. */
  attentionComputeEfficiency: number;
  /** Fraction of HBM bandwidth at which decode attention reads the paged KV cache. */
  attentionMemoryEfficiency: number;
  /** Fraction of the link's one-direction bandwidth that a ring all-reduce's data phase reaches. */
  allReduceBandwidthEfficiency: number;
  /** Latency per ring step (2(n-1) steps per all-reduce) inside a node. */
  allReduceLatencySeconds: number;
  /** Fixed cost of one all-reduce call, whatever the ring length (launch, NCCL setup, sync). */
  allReduceFixedSeconds: number;
  /**
   * vLLM's own one-kernel all-reduce over NVLink (custom_all_reduce), which it uses instead of NCCL
   * for small messages inside a node: messages up to `customAllReduceMaxBytes` (0: not measured,
   * NCCL's constants apply) take min(NCCL, fixed + 2(n-1)/n x bytes / (link x efficiency)).
   */
  customAllReduceMaxBytes: number;
  customAllReduceFixedSeconds: number;
  customAllReduceBandwidthEfficiency: number;
  /** Fraction of the link's bandwidth a point-to-point send reaches. */
  sendRecvBandwidthEfficiency: number;
  /** Fixed cost of one point-to-point send inside a node. */
  sendRecvLatencySeconds: number;
  /** Once per iteration: scheduling, input preparation, sampling, output processing on the CPU. */
  stepOverheadSeconds: number;
  /**
   * Per sequence in the iteration: the part of the CPU work and sampling that grows with the
   * batch (input tensors, logits processing, detokenization). Does not scale with HBM bandwidth,
   * which is why a faster-memory GPU gains less than its bandwidth ratio at small batch.
   */
  perSequenceOverheadSeconds: number;
}

/** Which fitted family a GPU takes its constants from. */
export type CalibrationFamily = 'a100' | 'h100';

/*
 * Data the constants come from (all under ../shared/data, read in place; see each SOURCE.md):
 * - VIDUR_LINEAR: profiling/vidur/compute/{a100,h100}/meta-llama/Llama-2-7b-hf/mlp.csv, 1044 rows each
 *   (num_tokens 1..4096, TP 1/2/4/8; sum of the medians of the 9 non-embedding ops = one layer's
 *   linear time). Held out: profiling/vidur/compute/a100/meta-llama/Meta-Llama-3-8B/mlp.csv (1824 rows,
 *   num_tokens 1..32768). Fitted jointly (5 constants per family, least squares on log ratios) by
 *   fitLinear in analyzers/calibration/operator-profile-fit.ts, through the roofline model itself.
 * - VIDUR_ALL_REDUCE: profiling/vidur/network/{a100,h100}_dgx/all_reduce.csv, single-node rows
 *   (devices_per_node == num_workers: 2, 4, 8 GPUs, 2 KiB..64 MiB); fitted on the even-indexed rows
 *   in size order, checked on the odd ones (fitAllReduce).
 * - VIDUR_SEND_RECV: profiling/vidur/network/{a100,h100}_dgx/send_recv.csv, the 994 single-node rows.
 * - AZURE: fabric/azure-ai-benchmarking-guide_ND_{A100_v4,H100_v5,H200_v5}_results.md: Flash
 *   Attention 2.0 TFLOPS (batch 2, sequence 8192) and STREAM HBM TB/s.
 * Errors are |predicted / measured - 1| over the rows named, as median / p90, for the constants as
 * written here (test/engine/step-time/step-time-calibration.test.ts prints them on every run).
 */

const A100: StepTimeCalibration = {
  fittedOn: 'A100-SXM4-80GB: Vidur Llama-2-7B layer profiles and DGX A100 NCCL profiles; Azure ND A100 v4 benchmarks',
  // VIDUR_LINEAR A100 Llama-2-7B (training): median 3.4%, p90 9.4%; A100 Llama-3-8B (held out):
  // median 3.5%, p90 7.2%. The five linear constants are one joint fit; read them together.
  // 0.715 x 312 = 223 TFLOP/s of BF16 GEMM (asymptotic; the smooth roofline lowers it near the ridge).
  computeEfficiency: 0.715,
  // A100 has no FP8 tensor cores: fp8 weights run BF16 GEMMs (peakLinearFlops), at this efficiency.
  fp8ComputeEfficiency: 0.715,
  fp8MemoryEfficiency: 0.855,
  // 0.855 x 2.039 = 1.74 TB/s; AZURE STREAM on ND A100 v4 measures 1.61 (copy) to 1.75 (dot) TB/s.
  memoryEfficiency: 0.855,
  rooflineSharpness: 1.51,
  elementwiseEfficiency: 0.697,
  // x 9 kernels = 40 us per dense layer.
  perOpOverheadSeconds: 4.4e-6,
  // Not fitted (no attention profile in the shared data): AZURE Flash Attention 2.0 on ND A100 v4,
  // 179.5 / 312 TFLOP/s. That benchmark uses head dimension 64; Llama's 128 runs somewhat faster.
  attentionComputeEfficiency: 0.575,
  // Not fitted: AZURE STREAM copy 1.61 / 2.039 TB/s, taken as the rate paged decode attention
  // streams the KV cache at (an optimistic proxy at short contexts, where perOpOverheadSeconds rules).
  attentionMemoryEfficiency: 0.79,
  // VIDUR_ALL_REDUCE a100_dgx over nvlink3's 300 GB/s: training median 7.7%, p90 19.8%; held out
  // median 7.9%, p90 19.8% (2 GPUs 4.4%/13.2%, 4 GPUs 9.4%/21.6%, 8 GPUs 11.1%/21.4%). The
  // floor of 40 us does not grow with the ring length, so it is a fixed cost, and the per-step
  // latency the fit leaves is tiny.
  allReduceBandwidthEfficiency: 0.532,
  allReduceLatencySeconds: 2.5e-7,
  allReduceFixedSeconds: 3.99e-5,
  // vLLM uses its custom all-reduce on A100 too, but no A100 measurement of it is at hand.
  customAllReduceMaxBytes: 0,
  customAllReduceFixedSeconds: 0,
  customAllReduceBandwidthEfficiency: 1,
  // VIDUR_SEND_RECV a100_dgx: median 11.2%, p90 14.9%.
  sendRecvBandwidthEfficiency: 0.933,
  sendRecvLatencySeconds: 1.34e-5,
  // Not fitted: the shared data has no per-iteration CPU profile (scheduling, input preparation,
  // sampling). 0.3 ms is an assumption for a vLLM-style engine with CUDA graphs; `headroom calibrate`
  // fits it from a deployment's own telemetry.
  stepOverheadSeconds: 3e-4,
  perSequenceOverheadSeconds: 0,
};

const H100: StepTimeCalibration = {
  fittedOn:
    "H100-SXM5-80GB: Vidur Llama-2-7B layer profiles and DGX H100 NCCL profiles; Azure ND H100 v5 benchmarks; FP8 weight streaming from dstack's Llama-3.1-405B FP8 runs",
  // VIDUR_LINEAR H100 Llama-2-7B (training): median 3.1%, p90 8.9%. H100 has no second model
  // profile, so nothing is held out for this family beyond the A100 check of the model's form.
  // 0.824 x 989.5 = 815 TFLOP/s asymptotic; with p = 1.29 a 4096-token layer reaches 640 TFLOP/s.
  computeEfficiency: 0.824,
  // Until fitted below: the BF16 fraction.
  // Not measured: no FP8 run on H100 in the shared data is compute-bound without an engine
  // artefact (see h100Spec in analyzers/calibration/family-fits.ts); the BF16 fraction stands in.
  fp8ComputeEfficiency: 0.824,
  // DSTACK 405B FP8 TP8 (vLLM 0.6.3), batches 4-16 (h100Spec): 0.597 x 3.35 = 2.0 TB/s, i.e. FP8
  // GEMMs at small batch stream weights at 67% of the BF16 rate (per-token activation quantization
  // kernels and row-wise scaling epilogues).
  fp8MemoryEfficiency: 0.597,
  // 0.887 x 3.35 = 2.97 TB/s, exactly AZURE STREAM triad on ND H100 v5 (2.90 copy .. 3.18 dot).
  memoryEfficiency: 0.887,
  rooflineSharpness: 1.29,
  elementwiseEfficiency: 0.467,
  // x 9 kernels = 30 us per dense layer.
  perOpOverheadSeconds: 3.34e-6,
  // Not fitted here, measured elsewhere: vLLM runs FlashAttention-3 on Hopper, which reaches
  // 614-621 TFLOP/s forward at head dim 128 and 8k-16k tokens on H100 SXM5 (pytorch/benchmark
  // @ff65cb675209d2308f7d27c6920af8a32de9aa90, PR #2391, flash_v3 rows; the FA3 paper's Figure 5
  // shows 646-648): 615 / 989.5 = 0.62. (FlashAttention-2, AZURE's ND H100 v5 run, reaches 0.331:
  // with it, long prompts prefilled at half the speed vLLM reaches.) Short sequences run slower
  // (430 TFLOP/s at 512 tokens), where attention is a small share of a step anyway.
  attentionComputeEfficiency: 0.62,
  // Not fitted: AZURE STREAM copy 2.90 / 3.35 TB/s (see A100).
  attentionMemoryEfficiency: 0.866,
  // VIDUR_ALL_REDUCE h100_dgx over nvlink4's 450 GB/s: training median 6.6%, p90 20.8%; held out
  // median 6.8%, p90 18.9% (2 GPUs 10.1%/27.3%, 4 GPUs 6.6%/21.7%, 8 GPUs 3.7%/10.8%).
  allReduceBandwidthEfficiency: 0.783,
  allReduceLatencySeconds: 2.4e-7,
  allReduceFixedSeconds: 2.78e-5,
  // vLLM's custom all-reduce on 8 x H100 (TP 2/4/8, 512 B to 1 MiB, no CUDA graph), as tabulated
  // in sgl-project/sglang PR #2904 ("unit test performance in H100", the vllm rows): least squares
  // on log ratios over the 18 rows gives 9 us + 2(n-1)/n x bytes at 0.105 x 450 GB/s, median 8%,
  // worst 22% (TP8 at 256 KiB). Up to 1 MiB, the largest size measured; NCCL beyond.
  customAllReduceMaxBytes: 1 << 20,
  customAllReduceFixedSeconds: 9e-6,
  customAllReduceBandwidthEfficiency: 0.105,
  // VIDUR_SEND_RECV h100_dgx: median 1.8%, p90 7.8%.
  sendRecvBandwidthEfficiency: 0.795,
  sendRecvLatencySeconds: 7.67e-6,
  // Not fitted: see A100.
  stepOverheadSeconds: 3e-4,
  perSequenceOverheadSeconds: 0,
};

/**
 * H200: the H100 die and clocks with faster HBM3e. No layer profile exists, so it takes the H100 fit
 * with the bandwidth-bound efficiencies scaled by AZURE STREAM triad, H200 4.15/4.8 = 0.865 against
 * H100 2.97/3.35 = 0.887 (x 0.975), attention compute as on H100 (FlashAttention-3) and the KV
 * streaming rate from AZURE ND H200 v5 (STREAM copy 4.01 TB/s).
 */
const H200: StepTimeCalibration = {
  ...H100,
  fittedOn: 'H200: the H100 fit, with bandwidth efficiencies rescaled by Azure ND H200 v5 STREAM',
  memoryEfficiency: 0.865,
  // The H100 FP8 rate x the same STREAM ratio (0.975).
  fp8MemoryEfficiency: 0.582,
  elementwiseEfficiency: 0.455,
  // The H100 die and clocks: FlashAttention-3's H100 fraction (AZURE's FA2 run on ND H200 v5,
  // 329.3 TFLOP/s, matches the H100's FA2 figure, so the kernel, not the memory, sets it).
  attentionComputeEfficiency: 0.62,
  attentionMemoryEfficiency: 0.835,
};

/**
 * MI300X (CDNA3): its own fit, on AMD's vLLM latency table (static batches 1-128 of Llama-3.1-70B and
 * 405B FP8 at TP8; analyzers/calibration/family-fits.ts, mi300xSpec: batches 1/4/16/64 train,
 * 2/8/32/128 and dstack's vLLM 0.6.4 runs check). Errors are printed by
 * test/validation/gpu-family-calibration.test.ts. What that data cannot see stays the A100 fit's and
 * is marked so: BF16 GEMMs (every row is FP8), element-wise kernels and per-kernel costs, collectives
 * beyond their fixed cost, attention compute.
 */
export const MI300X_CALIBRATION: StepTimeCalibration = {
  ...A100,
  fittedOn:
    "MI300X: FP8 GEMM rates, all-reduce and per-step costs fitted on AMD's vLLM latency table (Llama-3.1-70B/405B FP8 TP8, batch 1-128); BF16 GEMMs, element-wise and attention-compute constants borrowed from the A100 fit",
  // 0.644 x 5.3 TB/s = 3.4 TB/s streaming FP8 weights at small batch (hipBLASLt FP8 GEMMs).
  fp8MemoryEfficiency: 0.644,
  // 0.693 x 2614.9 = 1.81 PFLOP/s of FP8 GEMM at large batch.
  fp8ComputeEfficiency: 0.693,
  // vLLM's ROCm custom all-reduce: 8.2 us per call, against 40 us of plain NCCL on DGX A100.
  allReduceFixedSeconds: 8.22e-6,
  stepOverheadSeconds: 2.22e-4,
  // 75 us per sequence per step: the batch-proportional CPU and sampling work of vLLM 0.9 on ROCm,
  // identified by 70B and 405B sharing it while their per-token FLOPs differ 5.8x.
  perSequenceOverheadSeconds: 7.54e-5,
  // At its bound: decode attention streams the fp16 KV cache at the full HBM rate in this fit.
  attentionMemoryEfficiency: 1.0,
};

/**
 * L40S (Ada, PCIe): its decode weight-streaming rate fitted on nerdalert's vLLM runs of
 * Llama-3.2-3B bf16 on 4 x L40S (analyzers/calibration/served-runs.ts: the "no-features" gateway at
 * 10 req/s fits, the 30 req/s run and the two other gateway set-ups check). Everything else, prefill
 * compute included, is the A100 fit's (no L40S measurement isolates it).
 */
export const L40S_CALIBRATION: StepTimeCalibration = {
  ...A100,
  fittedOn:
    "L40S: decode weight streaming fitted on nerdalert's vLLM Llama-3.2-3B runs on 4 x L40S (median TPOT); prefill compute, kernel and collective constants borrowed from the A100 fit",
  // 0.771 x 864 GB/s = 666 GB/s of GDDR6 (A100's fraction, 0.855, made decode 8-11% too fast).
  memoryEfficiency: 0.771,
  // Unmeasured (results say so: fp8 on L40S is not a fitted dtype): the BF16 rate stands in.
  fp8MemoryEfficiency: 0.771,
};

/** The constants the fit produced, one entry per family that has profiles. */
export const FITTED_CALIBRATIONS: Readonly<Record<CalibrationFamily, StepTimeCalibration>> = { a100: A100, h100: H100 };

/** Where a run's step-time constants come from, as a result reports it. */
export interface CalibrationProvenance {
  /** The constants' own account of their data (`fittedOn`). */
  source: string;
  /** The GPU family whose constants the run uses (a100, h100, h200, mi300x). */
  gpuFamily: string;
  /** True when measurements of this GPU family at this weight dtype were fitted. */
  fitted: boolean;
  /** When not fitted: the family (and dtype) whose constants stand in. */
  borrowedFrom?: string;
  /** The calibration profile that scaled the constants (scenario `calibration.profile`), when one did. */
  profile?: string;
  /** Where the scenario's load lies outside what that profile's data covered (rate, mean lengths). */
  extrapolating?: string[];
}

interface FamilyEntry {
  family: string;
  calibration: StepTimeCalibration;
  /** Weight dtypes whose GEMM constants were fitted on this family's own measurements. */
  fittedDtypes: readonly Dtype[];
  /** A family with no fit of its own (h200): whose fit it derives from. */
  derivedFrom?: string;
}

const FAMILIES: readonly FamilyEntry[] = [
  { family: 'a100', calibration: A100, fittedDtypes: ['bf16'] },
  { family: 'h100', calibration: H100, fittedDtypes: ['bf16', 'fp8'] },
  { family: 'h200', calibration: H200, fittedDtypes: [], derivedFrom: 'h100' },
  { family: 'mi300x', calibration: MI300X_CALIBRATION, fittedDtypes: ['fp8'] },
  { family: 'l40s', calibration: L40S_CALIBRATION, fittedDtypes: ['bf16'] },
];

/**
 * The family a GPU belongs to by its catalog id, or, for a GPU with no measurements of its own,
 * the family it borrows from: b200 (Blackwell, the newest family next to Hopper), an inline GPU and
 * anything else take the H100 fit.
 */
function familyOf(gpu: GpuSpec): { entry: FamilyEntry; own: boolean } {
  const byId = (family: string) => FAMILIES.find((f) => f.family === family)!;
  if (gpu.id.startsWith('a100')) return { entry: byId('a100'), own: true };
  if (gpu.id.startsWith('h100')) return { entry: byId('h100'), own: true };
  if (gpu.id.startsWith('h200')) return { entry: byId('h200'), own: true };
  if (gpu.id.startsWith('mi300x')) return { entry: byId('mi300x'), own: true };
  if (gpu.id.startsWith('l40')) return { entry: byId('l40s'), own: true };
  return { entry: byId('h100'), own: false };
}

/**
 * The constants a run on `gpu` with `weightDtype` weights uses, and whether measurements back them.
 * Never silent: a GPU, or a dtype, that no data was fitted on says which family stands in.
 */
export function calibrationFor(gpu: GpuSpec, weightDtype: Dtype): { calibration: StepTimeCalibration; provenance: CalibrationProvenance } {
  const { entry, own } = familyOf(gpu);
  const calibration = entry.calibration;
  const source = calibration.fittedOn;
  if (!own) {
    return { calibration, provenance: { source, gpuFamily: entry.family, fitted: false, borrowedFrom: entry.family } };
  }
  if (entry.derivedFrom !== undefined) {
    return { calibration, provenance: { source, gpuFamily: entry.family, fitted: false, borrowedFrom: entry.derivedFrom } };
  }
  if (!entry.fittedDtypes.includes(weightDtype)) {
    // MI300X BF16 GEMMs run on the A100 fit's constants (MI300X_CALIBRATION spreads A100's).
    const standIn = entry.family === 'mi300x' ? 'a100' : `${entry.family} ${entry.fittedDtypes[0] ?? 'bf16'}`;
    return { calibration, provenance: { source, gpuFamily: entry.family, fitted: false, borrowedFrom: `${standIn} (no ${weightDtype} measurements on ${entry.family})` } };
  }
  return { calibration, provenance: { source, gpuFamily: entry.family, fitted: true } };
}

/** Fitted constants for this GPU: its own family's where the data has it, else the closest family's. */
export function defaultCalibration(gpu: GpuSpec): StepTimeCalibration {
  return calibrationFor(gpu, 'bf16').calibration;
}
