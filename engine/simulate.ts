import { createRandomStreams } from './kernel/random-streams.js';
import { TooManyInSystem } from './kernel/kernel-errors.js';
import { Kernel } from './kernel/simulation-clock.js';
import { Cluster, closedFormKvTransport, placeEngines } from './cluster/cluster.js';
import { ClusterFabric, type FabricMode } from './fabric/cluster-fabric.js';
import { summarizeFabric } from './fabric/fabric-summary.js';
import { summarizePrefixCache } from './metrics/prefix-cache-summary.js';
import { Clients } from './cluster/clients.js';
import { DEFAULT_CLIENTS } from './failures/failure-catalog.js';
import { FailureDriver } from './failures/failure-driver.js';
import { scalingOf, survivalOf } from './failures/survival-summary.js';
import { Autoscaler } from './failures/autoscaler.js';
import { TIME_SERIES_BUCKETS } from './metrics/run-metrics.js';
import { gpusPerReplica } from './scenario/deployment.js';
import { RunMetrics, type RequestHistogramMetric } from './metrics/run-metrics.js';
import type { IntervalHistograms } from './metrics/interval-histograms.js';
import { newRequestHistograms, vllmMetricFamilies, type MetricFamily } from './metrics/vllm-metrics.js';
import { buildResult } from './metrics/build-result.js';
import { Replica, type DropReason } from './replica/replica.js';
import { Sequence } from './replica/sequence.js';
import type { PrefixChain } from './replica/prefix-cache.js';
import type { Scenario } from './scenario/scenario-types.js';
import type { SimulationResult } from './simulation-result.js';
import { calibrationOf } from './step-time/calibration-of.js';
import type { CalibrationProvenance } from './step-time/step-time-calibration.js';
import type { StepBatch, StepTimeModel } from './step-time/step-time-model.js';
import { scheduleArrivals } from './workload/schedule-arrivals.js';
import { NO_WORKLOAD_DATA, type WorkloadData } from './workload/workload-data.js';

export interface SimulateOptions {
  /** Replaces the roofline model (e.g. a table-driven model from profiles). */
  stepTimeModel?: StepTimeModel;
  /** Called for every arrival, after routing (tests and traces; not part of the result). */
  onArrival?: (seq: Sequence, replica: Replica, time: number) => void;
  /** Called after every step of every replica, before its next step starts. */
  afterStep?: (replica: Replica, time: number, batch: Readonly<StepBatch>) => void;
  /** Called for every arrival before it is enqueued, with the router's reason (traces). */
  onRoute?: (seq: Sequence, replica: Replica, reason: string, time: number) => void;
  /** Called when a request completes (with its replica) or is dropped (replica null, with why). */
  onRequestEnd?: (seq: Sequence, time: number, replica: Replica | null, dropped: DropReason | null) => void;
  /**
   * Which traffic runs on the flow-level fabric: 'shared' (default) what can meet other engines'
   * traffic (TP or PP across nodes, KV hand-offs), 'all' every collective too (a fabric analysis),
   * 'off' none: every collective and hand-off at its closed-form price, links never shared.
   */
  fabric?: FabricMode | 'off';
  /**
   * Seed of the failures stream alone (random failure times and targets), so Monte Carlo trials can
   * vary the failures over the same arrivals; default the scenario's seed.
   */
  failureSeed?: number;
  /** Per-interval request histograms to fill (Prometheus export); not part of the result. */
  histograms?: IntervalHistograms<RequestHistogramMetric>;
}

/**
 * One seeded run of a scenario: a pure function of (scenario, workload data). No I/O, no wall
 * clock, no Math.random: the same inputs give the same result, byte for byte.
 */
export function simulate(scenario: Scenario, data: WorkloadData = NO_WORKLOAD_DATA, options: SimulateOptions = {}): SimulationResult {
  const kernel = new Kernel();
  const streams = createRandomStreams(scenario.seed);

  const { calibration, provenance } = calibrationOf(scenario);
  const calibrationUsed: CalibrationProvenance =
    options.stepTimeModel === undefined
      ? provenance
      : { source: `step-time model "${options.stepTimeModel.name}" given to simulate()`, gpuFamily: provenance.gpuFamily, fitted: false, borrowedFrom: options.stepTimeModel.name };
  const metrics = new RunMetrics(scenario);
  metrics.histograms = options.histograms ?? null;
  metrics.onRequestEnd = options.onRequestEnd ?? null;
  const placement = placeEngines(scenario);
  const mode = options.fabric ?? 'shared';
  const fabric = mode !== 'off' && (mode === 'all' || ClusterFabric.needed(scenario, placement)) ? new ClusterFabric(kernel, scenario, calibration, placement, mode) : null;
  const cluster = new Cluster(
    kernel,
    scenario,
    options.stepTimeModel === undefined ? Cluster.rooflineOf(calibration) : () => options.stepTimeModel!,
    metrics,
    fabric?.kvTransport() ?? closedFormKvTransport(kernel, scenario, calibration, placement),
  );
  const replicas = cluster.engines;
  fabric?.attach(replicas);
  if (options.afterStep) for (const r of replicas) r.afterStep = options.afterStep;

  const maxInSystem = scenario.limits.maxInSystem;
  let nextId = 0;
  const send = (seq: Sequence): void => {
    const { engine: replica, reason } = cluster.route(seq, kernel.now, options.onRoute !== undefined);
    if (options.onRoute) options.onRoute(seq, replica, reason, kernel.now);
    const accepted = replica.enqueue(seq);
    metrics.onArrival(replica, kernel.now, seq, accepted);
    if (metrics.arrived - metrics.completed - metrics.dropped > maxInSystem) throw new TooManyInSystem(maxInSystem, kernel.now, metrics.arrived);
    options.onArrival?.(seq, replica, kernel.now);
  };
  // With failures (or clients stated), requests have clients that time out and retry.
  const failing = scenario.failures.length > 0 || scenario.clients !== null || scenario.serving.coldStart;
  const clients = failing ? new Clients(kernel, scenario.clients ?? DEFAULT_CLIENTS, streams.stream('retries'), metrics, send, () => nextId++) : null;
  let failures: FailureDriver | null = null;
  let autoscaler: Autoscaler | null = null;
  const dispatch = (prompt: number, output: number, client: number, prefix: PrefixChain | null, session: number): void => {
    const seq = new Sequence(nextId++, kernel.now, prompt, output, client);
    seq.prefix = prefix;
    seq.session = session;
    if (clients === null) send(seq);
    else clients.start(seq);
    if (scenario.stop.requests !== null && metrics.arrived >= scenario.stop.requests) {
      failures?.stopRandom();
      autoscaler?.stop();
    }
  };
  const clientDone = scheduleArrivals(kernel, scenario, data, streams, { dispatch, arrived: () => metrics.arrived });
  if (clientDone !== null) {
    // A closed-loop client thinks once it has the whole answer, after the API server's share.
    metrics.onRequestDone = (seq, clientTime) => clientDone(seq, clientTime - kernel.now);
  }
  const stop = scenario.stop;
  const traceLength = data.trace?.arrivals.length ?? Infinity;
  const arrivalsOpen = () => (stop.requests === null || metrics.arrived < stop.requests) && (stop.duration === null || kernel.now < stop.duration) && metrics.arrived < traceLength;
  if (scenario.autoscaling !== null) {
    const perReplica = replicas.length / scenario.serving.replicas;
    const groups = Array.from({ length: scenario.serving.replicas }, (_, r) => replicas.slice(r * perReplica, (r + 1) * perReplica));
    autoscaler = new Autoscaler(kernel, scenario.autoscaling, groups, arrivalsOpen, TIME_SERIES_BUCKETS);
    autoscaler.start();
  }
  if (clients !== null) {
    metrics.attemptsCanFail = true;
    metrics.onAttemptError = (seq) => clients.onError(seq);
    metrics.onAttemptDone = (seq) => clients.onCompleted(seq);
    const memory = cluster.pools.at(-1)!.memory;
    // A replica's GPUs on one node load its weights together, sharing the node's storage bandwidth.
    const perNode = Math.min(gpusPerReplica(scenario), scenario.cluster.gpusPerNode);
    const weightLoad = (memory.weightBytesPerGpu * perNode) / (scenario.recovery.storageGBpsPerNode * 1e9);
    const failureStream = options.failureSeed === undefined ? streams.stream('failures') : createRandomStreams(options.failureSeed).stream('failures');
    const driver = new FailureDriver(kernel, scenario, replicas, placement, weightLoad, failureStream, (lost) => {
      for (const seq of lost) metrics.onLost(seq);
    }, arrivalsOpen);
    failures = driver;
    driver.fabric = fabric;
    driver.start();
    if (stop.duration !== null) kernel.at(stop.duration, 'failures-end', () => driver.stopRandom());
  }

  kernel.run({ eventBudget: scenario.limits.eventBudget });
  const end = Math.max(kernel.now, metrics.lastCompletion);
  metrics.closeSeries(end);
  const result = buildResult({ scenario, metrics, replicas, pools: cluster.pools, calibration: calibrationUsed, end, events: kernel.eventsFired });
  const prefixCache = metrics.prefixSeries === null ? null : summarizePrefixCache(replicas, metrics.prefixSeries, end);
  const withCache = prefixCache === null ? result : { ...result, prefixCache };
  const withFabric = fabric === null ? withCache : { ...withCache, fabric: summarizeFabric(fabric, replicas) };
  const withSurvival = failures === null ? withFabric : { ...withFabric, survival: survivalOf(scenario, metrics, failures, end) };
  return autoscaler === null ? withSurvival : { ...withSurvival, autoscaling: scalingOf(autoscaler, end) };
}

/** One run and its metrics as vLLM names them, interval by interval (`simulate --metrics`, `headroom alerts`). */
export function simulateWithVllmMetrics(
  scenario: Scenario,
  data: WorkloadData = NO_WORKLOAD_DATA,
  options: Omit<SimulateOptions, 'histograms'> = {},
): { result: SimulationResult; metrics: MetricFamily[] } {
  const histograms = newRequestHistograms(scenario.serving.maxModelLen);
  const result = simulate(scenario, data, { ...options, histograms });
  return { result, metrics: vllmMetricFamilies(result, histograms) };
}
