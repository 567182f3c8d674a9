/**
 * What can fail in a scenario (`failures:`), how it recovers (`recovery:`), and how clients react
 * (`clients:`), normalized: durations in seconds, defaults filled in.
 */

/**
 * - gpu: one GPU dies; its whole replica (TP x PP group) goes down with it.
 * - node: a host dies; every replica with a GPU on it goes down.
 * - rack: a leaf switch or a rack's power; every replica on its nodes goes down.
 * - engine: the serving process crashes (a software fault); the hardware is fine.
 * - straggler: one GPU runs at `factor` of its speed for `duration`; its replica's steps slow with it.
 * - link: one GPU's NIC runs at `factor` of its bandwidth for `duration` (a flapping port, a
 *   degraded cable): what crosses it on the flow-level fabric slows, and what shares links with that.
 */
export const FAILURE_KINDS = ['gpu', 'node', 'rack', 'engine', 'straggler', 'link'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface FailureSpec {
  kind: FailureKind;
  /** A scheduled failure's time, seconds; null for a random one. */
  at: number | null;
  /** A random failure's rate per component-hour (per GPU, node, rack or engine); null when scheduled. */
  ratePerHour: number | null;
  /** Where the rate comes from (the catalog's cited figure, or the scenario's own number). */
  rateSource: string | null;
  /** The component a scheduled failure hits (GPU, node, rack or replica index); random ones draw it. */
  target: number;
  /**
   * Hardware repair time (gpu, node, rack): after it the component is back; null: not within the
   * run (a spare, if there is one, takes over). A straggler's slow spell. Not used for engine crashes.
   */
  duration: number | null;
  /** A straggler's speed as a fraction of normal (0 < factor <= 1). */
  factor: number;
}

export interface RecoverySpec {
  /** From a failure until the router stops sending to the replica: health-check period x failures to trip. */
  detectionSeconds: number;
  /** Refused requests in a row after which the router ejects a replica before detection (passive health checks); 0: off. */
  passiveEjection: number;
  /** From detection until the engine process starts again (container restart back-off). */
  restartSeconds: number;
  /** Engine start before weights: process, CUDA context, compile and graph capture. */
  startupSeconds: number;
  /** Weights stream from storage at this rate per node, GB/s (1e9 bytes). */
  storageGBpsPerNode: number;
  /** Standby replicas' worth of GPUs that can take a failed replica's place (hardware failures). */
  spares: number;
}

export interface ClientSpec {
  /** A client gives up on an attempt after this long (and retries, if it has retries left). */
  timeoutSeconds: number;
  maxRetries: number;
  /** Exponential back-off between attempts: initial x 2^(attempt - 1), capped at max, less up to 25% jitter. */
  backoffInitialSeconds: number;
  backoffMaxSeconds: number;
  /** Where the defaults come from. */
  source: string;
}

/**
 * A horizontal autoscaler over the scenario's replicas (`autoscaling:`), as Kubernetes' HPA sizes a
 * deployment: every `intervalSeconds` it wants ceil(active x metric / target) replicas, clamped to
 * [min, max]; a scale-up serves after `delaySeconds` (provisioning, startup, weights), a scale-down
 * stops routing to a replica (it drains what it holds) only once the wish has stayed lower for the
 * stabilization window. `serving.replicas` is the most it can run (max).
 */
export interface AutoscalingSpec {
  min: number;
  max: number;
  /** What it reads per active replica: waiting requests, running requests, or KV-cache usage (0-1). */
  metric: 'waiting' | 'running' | 'kvUsage';
  target: number;
  delaySeconds: number;
  intervalSeconds: number;
  stabilizationSeconds: number;
}
