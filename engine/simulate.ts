import { createRandomStreams } from './kernel/random-streams.js';
import { Kernel } from './kernel/simulation-clock.js';
import { PRIORITY } from './kernel/event-queue.js';
import { ROUTERS } from './cluster/router.js';
import { RunMetrics } from './metrics/run-metrics.js';
import { buildResult } from './metrics/build-result.js';
import { replicaMemoryPlan, replicaShapeOf } from './replica/replica-shape.js';
import { Replica } from './replica/replica.js';
import { Sequence } from './replica/sequence.js';
import type { Scenario } from './scenario/scenario-types.js';
import type { SimulationResult } from './simulation-result.js';
import { createRooflineStepTime } from './step-time/roofline-step-time.js';
import type { StepBatch, StepTimeModel } from './step-time/step-time-model.js';
import { interarrivalSampler } from './workload/arrivals.js';
import { lengthSampler } from './workload/token-lengths.js';
import { NO_WORKLOAD_DATA, type WorkloadData } from './workload/workload-data.js';

/** Named random streams: one per concern, so changing one never reshuffles another. */
export const STREAMS = {
  arrivals: 'arrivals',
  inputTokens: 'input-tokens',
  outputTokens: 'output-tokens',
  thinkTime: 'think-time',
} as const;

export interface SimulateOptions {
  /** Replaces the roofline model (e.g. a table-driven model from profiles). */
  stepTimeModel?: StepTimeModel;
  /** Called for every arrival, after routing (tests and traces; not part of the result). */
  onArrival?: (seq: Sequence, replica: Replica, time: number) => void;
  /** Called after every step of every replica, before its next step starts. */
  afterStep?: (replica: Replica, time: number, batch: Readonly<StepBatch>) => void;
}

/**
 * One seeded run of a scenario: a pure function of (scenario, workload data). No I/O, no wall
 * clock, no Math.random: the same inputs give the same result, byte for byte.
 */
export function simulate(scenario: Scenario, data: WorkloadData = NO_WORKLOAD_DATA, options: SimulateOptions = {}): SimulationResult {
  const { serving, workload, stop } = scenario;
  const kernel = new Kernel();
  const streams = createRandomStreams(scenario.seed);
  const memory = replicaMemoryPlan(scenario);

  const stepModel = options.stepTimeModel ?? createRooflineStepTime(replicaShapeOf(scenario));
  const metrics = new RunMetrics(scenario);
  const replicaConfig = {
    scheduler: serving.scheduler,
    maxNumSeqs: serving.maxNumSeqs,
    maxNumBatchedTokens: serving.maxNumBatchedTokens,
    enableChunkedPrefill: serving.enableChunkedPrefill,
    blockSize: serving.blockSize,
    // With pipeline parallelism a replica runs one virtual engine per stage (vLLM's), each with
    // its own scheduler and a share of the KV blocks, so PP micro-batches are in flight at once.
    kvBlocks: Math.floor(memory.kvBlocks / serving.pipelineParallelSize),
    maxModelLen: serving.maxModelLen,
  };
  const engines = serving.replicas * serving.pipelineParallelSize;
  const replicas = Array.from({ length: engines }, (_, i) => new Replica(i, kernel, replicaConfig, stepModel, metrics));
  if (options.afterStep) for (const r of replicas) r.afterStep = options.afterStep;
  const router = ROUTERS[serving.router]();

  const maxRequests = stop.requests ?? Infinity;
  const endOfArrivals = stop.duration ?? Infinity;
  let nextId = 0;
  const dispatch = (prompt: number, output: number, client: number): void => {
    const seq = new Sequence(nextId++, kernel.now, prompt, output, client);
    const replica = replicas[router.pick(replicas)]!;
    replica.enqueue(seq);
    metrics.onArrival(replica, kernel.now);
    options.onArrival?.(seq, replica, kernel.now);
  };
  const mayArrive = (time: number): boolean => nextId < maxRequests && time <= endOfArrivals;

  const arrival = workload.arrival;
  if (arrival.process === 'trace') {
    const trace = data.trace;
    if (trace === null) throw new Error(`trace ${arrival.file} was not loaded`);
    let i = 0;
    const arriveNext = (): void => {
      dispatch(trace.inputTokens[i]!, trace.outputTokens[i]!, -1);
      i++;
      if (i < trace.arrivals.length && mayArrive(trace.arrivals[i]!)) kernel.at(trace.arrivals[i]!, 'arrival', arriveNext);
    };
    if (trace.arrivals.length > 0 && mayArrive(trace.arrivals[0]!)) kernel.at(trace.arrivals[0]!, 'arrival', arriveNext);
  } else {
    const nextInput = lengthSampler(workload.inputTokens, streams.stream(STREAMS.inputTokens), data.inputSamples);
    const nextOutput = lengthSampler(workload.outputTokens, streams.stream(STREAMS.outputTokens), data.outputSamples);
    if (arrival.process === 'closed') {
      const think = arrival.thinkTime;
      const send = (client: number) => (): void => {
        if (mayArrive(kernel.now)) dispatch(nextInput(), nextOutput(), client);
      };
      metrics.onRequestDone = (seq) => {
        if (seq.client >= 0) kernel.after(think, 'arrival', send(seq.client), PRIORITY.NORMAL);
      };
      for (let c = 0; c < arrival.concurrency; c++) kernel.at(0, 'arrival', send(c));
    } else {
      const gap = interarrivalSampler(arrival, streams.stream(STREAMS.arrivals));
      const arriveNext = (): void => {
        dispatch(nextInput(), nextOutput(), -1);
        const at = kernel.now + gap();
        if (mayArrive(at)) kernel.at(at, 'arrival', arriveNext);
      };
      const first = gap();
      if (mayArrive(first)) kernel.at(first, 'arrival', arriveNext);
    }
  }

  kernel.run({ eventBudget: scenario.limits.eventBudget });
  const end = Math.max(kernel.now, metrics.lastCompletion);
  metrics.closeSeries(end);
  return buildResult({ scenario, metrics, replicas, memory, end, events: kernel.eventsFired });
}
