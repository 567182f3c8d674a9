import type { Replica } from '../replica/replica.js';
import type { MemoryPlan } from '../replica/memory-plan.js';
import type { EnginePool } from '../cluster/cluster.js';
import { enginesPerReplica } from '../scenario/deployment.js';
import type { Scenario } from '../scenario/scenario-types.js';
import type { CalibrationProvenance } from '../step-time/step-time-calibration.js';
import { SIMULATION_RESULT_VERSION, type MemoryFigures, type SeriesSet, type SimulationResult, type SloBoundResult } from '../simulation-result.js';
import type { LatencySummary } from './latency-summary.js';
import type { ReplicaSeries, RunMetrics } from './run-metrics.js';
import { sloBounds } from './slo-targets.js';
import { windowMean } from './series-window.js';
import { costAt } from './cost.js';
import { finishedShare, keptUp } from './sustained-rate.js';
import type { TimeSeries } from './time-series.js';

const GIB = 2 ** 30;

export interface BuildResultInput {
  scenario: Scenario;
  metrics: RunMetrics;
  replicas: Replica[];
  pools: readonly EnginePool[];
  calibration: CalibrationProvenance;
  end: number;
  events: number;
}

/**
 * A statistic (Mean, P50, ...) of every arrived request, a dropped one counting as never served
 * (infinite latency): Pq is the completed requests' quantile at q / (1 - dropped share), and
 * Infinity once the drops alone fill the tail past q; the Mean is Infinity with any drop.
 */
function statistic(summary: LatencySummary, stat: string, droppedShare: number): number | null {
  if (stat === 'Mean') return droppedShare > 0 ? Infinity : summary.mean;
  const q = Number(stat.slice(1)) / 100 / (1 - droppedShare);
  return q > 1 ? Infinity : summary.quantile(q);
}

function seriesSet(s: ReplicaSeries, end: number): SeriesSet {
  return {
    queueDepth: s.queueDepth.values(end),
    running: s.running.values(end),
    kvOccupancy: s.kvOccupancy.values(end),
    // Token amounts per bucket divided by the bucket's span: tokens per second.
    tokensPerSecond: s.tokens.values(end),
    outputTokensPerSecond: s.outputTokens.values(end),
    completedPerSecond: s.completions.values(end),
  };
}

function sumSeries(sets: SeriesSet[], averageKv: boolean): SeriesSet {
  const add = (pick: (s: SeriesSet) => number[]) =>
    pick(sets[0]!).map((_, i) => sets.reduce((acc, s) => acc + (pick(s)[i] ?? 0), 0));
  const kv = add((s) => s.kvOccupancy);
  return {
    queueDepth: add((s) => s.queueDepth),
    running: add((s) => s.running),
    kvOccupancy: averageKv ? kv.map((v) => v / sets.length) : kv,
    tokensPerSecond: add((s) => s.tokensPerSecond),
    outputTokensPerSecond: add((s) => s.outputTokensPerSecond),
    completedPerSecond: add((s) => s.completedPerSecond),
  };
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Throughput while load is offered, over the second half of the arrival window [lastArrival / 2,
 * lastArrival], when the queue has filled and the final drain has not begun: what the deployment
 * sustained (see sustained-rate.ts). A deployment that kept up carried what it accepted there;
 * one that fell behind sustained its completions. Read from bucketed series (a window edge inside
 * a bucket takes its share). A run whose arrivals span less than two buckets has no such window:
 * the whole run stands in.
 */
function steadyWindow(metrics: RunMetrics, span: number, total: SeriesSet) {
  const c = metrics.offeredAndDone;
  const width = c.arrivals.bucketSeconds;
  const to = metrics.lastArrival;
  const from = to / 2;
  if (to - from < 2 * width) {
    return {
      from: 0,
      to: span,
      arrivalsPerSecond: metrics.arrived / span,
      acceptedPerSecond: (metrics.arrived - metrics.dropped) / span,
      completionsPerSecond: metrics.completed / span,
      stableCompletionsPerSecond: (metrics.arrived - metrics.dropped) / span,
      keptUp: true,
      requestsPerSecond: metrics.completed / span,
      inputTokensPerSecond: metrics.inputTokensCompleted / span,
      outputTokensPerSecond: metrics.outputTokensCompleted / span,
      goodputRequestsPerSecond: metrics.attained / span,
    };
  }
  const mean = (s: TimeSeries) => windowMean(s.values(span), s.bucketSeconds, from, to);
  // Every series was closed at the same end, so they share the bucket width.
  const completed = windowMean(total.completedPerSecond, width, from, to);
  const accepted = mean(c.accepted);
  const attained = mean(c.attained);
  // A stable system started empty completes, by each T, the accepted arrivals whose time in
  // service is under T (its queue wait is short, and a queue that builds is what is tested for).
  const stable = accepted * finishedShare(metrics.service.summarize().cdf, from, to);
  const up = keptUp(completed, stable);
  return {
    from,
    to,
    arrivalsPerSecond: mean(c.arrivals),
    acceptedPerSecond: accepted,
    completionsPerSecond: completed,
    stableCompletionsPerSecond: stable,
    keptUp: up,
    requestsPerSecond: up ? accepted : completed,
    inputTokensPerSecond: mean(up ? c.acceptedInputTokens : c.inputTokens),
    // Fallen behind: the tokens it generated (completions favour the short answers in a window).
    outputTokensPerSecond: up ? mean(c.acceptedOutputTokens) : windowMean(total.outputTokensPerSecond, width, from, to),
    // Kept up: the accepted load at the share of the window's completions that attained the SLO.
    goodputRequestsPerSecond: up ? (completed > 0 ? (accepted * attained) / completed : 0) : attained,
  };
}

/** Indices of the least and most busy engines and of the fullest KV peak, ascending, without repeats. */
function extremes(replicas: readonly Replica[], span: number): number[] {
  let least = 0;
  let most = 0;
  let fullest = 0;
  const busy = (i: number) => replicas[i]!.busySeconds / span;
  const peak = (i: number) => replicas[i]!.kv.peak / replicas[i]!.kv.capacity;
  for (let i = 1; i < replicas.length; i++) {
    if (busy(i) < busy(least)) least = i;
    if (busy(i) > busy(most)) most = i;
    if (peak(i) > peak(fullest)) fullest = i;
  }
  return [...new Set([least, most, fullest])].sort((a, b) => a - b);
}

/** Assembles the result JSON with its keys in a fixed order. */
function memoryFigures(memory: MemoryPlan): MemoryFigures {
  return {
    weightGiBPerGpu: memory.weightBytesPerGpu / GIB,
    activationGiBPerGpu: memory.activationBytesPerGpu / GIB,
    kvGiBPerGpu: memory.kvBytesPerGpu / GIB,
    kvBlocksPerReplica: memory.kvBlocks,
    kvTokensPerReplica: memory.kvTokens,
  };
}

export function buildResult({ scenario, metrics, replicas, pools, calibration, end, events }: BuildResultInput): SimulationResult {
  const memory = pools.at(-1)!.memory;
  const span = end > 0 ? end : 1;
  const detailed = metrics.detailed;
  const perReplicaSeries = detailed ? metrics.series.map((s) => seriesSet(s, end)) : [];
  const pp = enginesPerReplica(scenario);
  const entryOf = (i: number) => {
    const r = replicas[i]!;
    return {
      replica: Math.floor(i / pp),
      engine: i % pp,
      completed: r.completedCount,
      steps: r.steps,
      preemptions: r.preemptions,
      busyFraction: r.busySeconds / span,
      kvOccupancyMean: detailed ? mean(perReplicaSeries[i]!.kvOccupancy) : metrics.kvOccupancyMeanOf(i, span),
      kvOccupancyPeak: r.kv.peak / r.kv.capacity,
      ...(pools.length === 2 ? { role: i < pools[0]!.engines.length ? ('prefill' as const) : ('decode' as const) } : {}),
    };
  };
  // Past PER_ENGINE_DETAIL_LIMIT engines the result lists the extremes only (least and most
  // busy, fullest KV): aggregates cover the rest, and the JSON stays small however big the cluster.
  const shown = detailed ? replicas.map((_, i) => i) : extremes(replicas, span);
  const perReplica = shown.map(entryOf);
  const kvMeans = detailed ? perReplica.map((r) => r.kvOccupancyMean) : replicas.map((_, i) => metrics.kvOccupancyMeanOf(i, span));
  const busy = replicas.reduce((a, r) => a + r.busySeconds, 0);
  // Each engine holds TP GPUs (a PP replica is PP engines of TP GPUs each).
  const gpus = pools.reduce((a, p) => a + p.engines.length * p.tensorParallelSize, 0);
  const summaries = { ttft: metrics.ttft, tpot: metrics.tpot, itl: metrics.itl, e2e: metrics.e2e, queueWait: metrics.queueWait };

  const total = detailed ? sumSeries(perReplicaSeries, true) : seriesSet(metrics.series[0]!, end);
  const latency = {
    ttft: metrics.ttft.summarize(),
    tpot: metrics.tpot.summarize(),
    itl: metrics.itl.summarize(),
    e2e: metrics.e2e.summarize(),
    queueWait: metrics.queueWait.summarize(),
    engineTtft: metrics.engineTtft.summarize(),
    engineE2e: metrics.engineE2e.summarize(),
  };
  const steady = steadyWindow(metrics, span, total);
  let slo: SimulationResult['slo'] = { attainment: null, goodputRequestsPerSecond: null, goodputWholeRunRequestsPerSecond: null, met: null, bounds: [] };
  if (scenario.slo !== null) {
    const droppedShare = metrics.arrived === 0 ? 0 : metrics.dropped / metrics.arrived;
    const bounds: SloBoundResult[] = sloBounds(scenario.slo).map(({ key, metric, stat, bound }) => {
      const value = statistic(summaries[metric], stat, droppedShare);
      const met = value !== null && value <= bound;
      // JSON has no Infinity: a statistic the drops make unbounded is null, and not met.
      return { key, bound, observed: value === Infinity ? null : value, met };
    });
    slo = {
      attainment: metrics.arrived === 0 ? 0 : metrics.attained / metrics.arrived,
      goodputRequestsPerSecond: steady.goodputRequestsPerSecond,
      goodputWholeRunRequestsPerSecond: metrics.attained / span,
      met: bounds.every((b) => b.met),
      bounds,
    };
  }

  return {
    kind: 'simulation',
    version: SIMULATION_RESULT_VERSION,
    seed: scenario.seed,
    scenario,
    requests: {
      arrived: metrics.arrived,
      completed: metrics.completed,
      dropped: metrics.dropped,
      preempted: metrics.preempted,
      retried: metrics.failureWork.retried,
      droppedByReason: {
        ...metrics.droppedByReason,
        ...(metrics.attemptsCanFail ? metrics.clientEnds : {}),
        ...(scenario.serving.maxQueuedRequests !== null ? { shed: metrics.shed } : {}),
      },
    },
    latency,
    throughput: {
      requestsPerSecond: steady.requestsPerSecond,
      inputTokensPerSecond: steady.inputTokensPerSecond,
      outputTokensPerSecond: steady.outputTokensPerSecond,
      outputTokensPerSecondPerGpu: steady.outputTokensPerSecond / gpus,
      window: {
        fromSeconds: steady.from,
        toSeconds: steady.to,
        arrivalsPerSecond: steady.arrivalsPerSecond,
        acceptedPerSecond: steady.acceptedPerSecond,
        completionsPerSecond: steady.completionsPerSecond,
        stableCompletionsPerSecond: steady.stableCompletionsPerSecond,
        keptUp: steady.keptUp,
      },
      wholeRun: {
        requestsPerSecond: metrics.completed / span,
        inputTokensPerSecond: metrics.inputTokensCompleted / span,
        outputTokensPerSecond: metrics.outputTokensCompleted / span,
      },
    },
    cost:
      scenario.cost === null
        ? null
        : costAt(scenario.cost, gpus, {
            requestsPerSecond: steady.requestsPerSecond,
            outputTokensPerSecond: steady.outputTokensPerSecond,
            inputTokensPerSecond: steady.inputTokensPerSecond,
          }),
    slo,
    utilization: {
      gpuBusyFraction: mean(replicas.map((r) => r.busySeconds / span)),
      communicationShare: busy > 0 ? replicas.reduce((a, r) => a + r.communicationSeconds, 0) / busy : 0,
      admissionBlocked: {
        batchLimit: mean(replicas.map((r) => r.admissionBlocked.batchLimit / span)),
        tokenBudget: mean(replicas.map((r) => r.admissionBlocked.tokenBudget / span)),
        kvMemory: mean(replicas.map((r) => r.admissionBlocked.kvMemory / span)),
      },
      kvOccupancyMean: mean(kvMeans),
      // A loop, not Math.max(...): a spread of 200,000 arguments overflows the stack.
      kvOccupancyPeak: replicas.reduce((m, r) => Math.max(m, r.kv.peak / r.kv.capacity), 0),
      perReplica,
      perReplicaOmitted: replicas.length - perReplica.length,
    },
    calibration: { ...calibration },
    memory: memoryFigures(memory),
    ...(pools.length === 2
      ? {
          disaggregation: {
            prefill: { replicas: pools[0]!.engines.length, tensorParallelSize: pools[0]!.tensorParallelSize, memory: memoryFigures(pools[0]!.memory) },
            decode: { replicas: pools[1]!.engines.length, tensorParallelSize: pools[1]!.tensorParallelSize, memory: memoryFigures(pools[1]!.memory) },
            kvTransfer: metrics.kvTransfer.summarize(),
            kvTransferGBPerRequest: metrics.kvTransfer.count > 0 ? metrics.kvTransferBytes / metrics.kvTransfer.count / 1e9 : 0,
          },
        }
      : {}),
    run: {
      simulatedSeconds: end,
      lastArrivalSeconds: metrics.lastArrival,
      events,
      steps: replicas.reduce((a, r) => a + r.steps, 0),
    },
    timeSeries: {
      bucketSeconds: metrics.series[0]!.tokens.bucketSeconds,
      total,
      perReplica: perReplicaSeries,
    },
  };
}
