import type { ClientSpec, FailureKind, RecoverySpec } from './failure-types.js';

/**
 * Default failure rates and recovery times, each with where it comes from. Where no measurement
 * backs a figure it says so: a scenario that relies on it should state its own.
 */

/**
 * Llama 3 405B pre-training on 16,384 H100 80GB GPUs: 419 unexpected interruptions in a 54-day
 * snapshot; 148 (30.1%) faulty GPUs (NVLink included), 72 (17.2%) HBM3, 19 (4.5%) GPU SRAM,
 * 17 (4.1%) GPU system processor: GPU issues 58.7% of the unexpected interruptions; network switch
 * and cable 35 (8.4%); the rest (41.3%, software bugs, host maintenance, NICs, ... less the switches)
 * elsewhere. Grattafiori, Dubey et al., "The Llama 3 Herd of Models", arXiv:2407.21783 (2024),
 * section 3.3.4, Table 5.
 */
const LLAMA3_GPU_HOURS = 16384 * 54 * 24;
const LLAMA3_UNEXPECTED = 419;

export interface FailureRate {
  ratePerHour: number;
  source: string;
}

const LLAMA3 = 'Llama 3 paper (arXiv:2407.21783, section 3.3.4, Table 5): 419 unexpected interruptions in 54 days on 16,384 H100s';

/**
 * Rates per component-hour for the kinds the catalog can back: GPUs only. The paper's other
 * categories are per training job, not per host, rack or engine: a random node, rack or engine
 * failure needs the scenario's own rate (`rate: 0.001` per node-hour, ...).
 */
export const CATALOG_FAILURE_RATES: Partial<Record<FailureKind, FailureRate>> = {
  // GPU issues: 58.7% of the 419, per GPU-hour (about one per 86,000 GPU-hours).
  gpu: { ratePerHour: (0.587 * LLAMA3_UNEXPECTED) / LLAMA3_GPU_HOURS, source: `${LLAMA3}; GPU issues 58.7% of them, per GPU-hour` },
};

/**
 * Recovery defaults.
 * - Detection 30 s: Kubernetes liveness probe defaults, periodSeconds 10 x failureThreshold 3
 *   (kubernetes.io, "Configure Liveness, Readiness and Startup Probes").
 * - Passive ejection after 5 refusals in a row: Envoy's outlier detection default, consecutive_5xx 5
 *   (envoyproxy.io, "Outlier detection"); a least-outstanding router without it sends every request
 *   to a dead replica (it holds none) until the health check notices. 0 turns it off.
 * - Restart 10 s: Kubernetes restarts a failed container after an exponential back-off that starts
 *   at 10 s (doubling, capped at five minutes: kubernetes.io, "Pod Lifecycle", container restart policy).
 * - Startup 60 s before weights: NOT MEASURED here; an assumption for a vLLM engine's process start,
 *   CUDA context, torch.compile and CUDA-graph capture. State your own (`recovery.startup`).
 * - Storage 2 GB/s per node: NOT MEASURED here; an assumption within the 1-3.5 GiB/s that streaming
 *   weights from object storage reaches per node. State your own (`recovery.storageGBpsPerNode`).
 */
export const DEFAULT_RECOVERY: RecoverySpec = {
  detectionSeconds: 30,
  passiveEjection: 5,
  restartSeconds: 10,
  startupSeconds: 60,
  storageGBpsPerNode: 2,
  spares: 0,
};

export const RECOVERY_SOURCES = {
  detection: 'Kubernetes liveness probe defaults: periodSeconds 10 x failureThreshold 3',
  passiveEjection: "Envoy outlier detection's default: eject after 5 consecutive 5xx (here: refused connections)",
  restart: "Kubernetes container restart back-off's first step, 10 s",
  startup: 'assumed (not measured): process, CUDA context, compile and graph capture',
  storage: 'assumed (not measured): streaming weights from object storage, 1-3.5 GiB/s per node',
} as const;

/**
 * The OpenAI Python client's defaults (openai/openai-python, src/openai/_constants.py:
 * DEFAULT_TIMEOUT 600 s, DEFAULT_MAX_RETRIES 2, INITIAL_RETRY_DELAY 0.5 s, MAX_RETRY_DELAY 8 s; its
 * _base_client multiplies each delay by a jitter of 1 - 0.25 x U(0, 1)): what most clients of an
 * OpenAI-compatible server (vLLM, SGLang) do.
 */
export const DEFAULT_CLIENTS: ClientSpec = {
  timeoutSeconds: 600,
  maxRetries: 2,
  backoffInitialSeconds: 0.5,
  backoffMaxSeconds: 8,
  source: 'OpenAI Python client defaults (openai-python src/openai/_constants.py): 600 s timeout, 2 retries, 0.5-8 s exponential back-off with jitter',
};

/**
 * Autoscaler timing defaults: Kubernetes' HPA syncs every 15 s (kube-controller-manager
 * --horizontal-pod-autoscaler-sync-period) and scales down only after a 300 s stabilization window
 * (behavior.scaleDown.stabilizationWindowSeconds default); the 120 s provisioning delay is ASSUMED
 * (a pod on a warm node: image pulled, weights streamed, graphs captured), state your own.
 */
export const DEFAULT_AUTOSCALING_TIMING = { intervalSeconds: 15, stabilizationSeconds: 300, delaySeconds: 120 };
