import type { ArrivalSpec, LengthSpec, Scenario } from '../../../engine/scenario/scenario-types.js';
import type { SimulationResult } from '../../../engine/simulation-result.js';
import { formatCount, formatGiB, formatNumber, formatRate, formatSeconds } from '../format.js';

/** A titled group of label/value rows for the scenario panel (all plain text). */
export interface ScenarioSection {
  title: string;
  rows: [label: string, value: string][];
}

/** How an arrival process reads: "Poisson, 12.0 req/s". */
export function describeArrival(arrival: ArrivalSpec): string {
  switch (arrival.process) {
    case 'poisson':
      return `Poisson, ${formatRate(arrival.rate, 'req/s')}`;
    case 'gamma':
      return `Gamma, ${formatRate(arrival.rate, 'req/s')}, CV ${formatNumber(arrival.cv)}`;
    case 'trace':
      return `Trace ${baseName(arrival.file)}${arrival.timeScale !== 1 ? `, ${formatNumber(arrival.timeScale)}× speed` : ''}`;
    case 'closed':
      return `Closed loop, ${formatCount(arrival.concurrency)} clients, think time ${formatSeconds(arrival.thinkTime)}`;
    default:
      return 'unknown';
  }
}

/** How a length distribution reads: "lognormal, mean 1,024, sd 512 tokens". */
export function describeLengths(lengths: LengthSpec): string {
  switch (lengths.dist) {
    case 'fixed':
      return `${formatCount(lengths.value)} tokens each`;
    case 'uniform':
      return `uniform ${formatCount(lengths.min)}–${formatCount(lengths.max)} tokens`;
    case 'lognormal':
      return `lognormal, mean ${formatCount(lengths.mean)}, sd ${formatCount(lengths.sd)} tokens`;
    case 'empirical':
      return `empirical, from ${baseName(lengths.file)}`;
    default:
      return 'unknown';
  }
}

/** GPUs a result's engines hold (not the cluster's total): what per-GPU figures divide by. */
export function servingGpus(s: Scenario): number {
  const d = s.serving.disaggregation ?? null;
  if (d !== null) return d.prefill.replicas * d.prefill.tensorParallelSize + d.decode.replicas * d.decode.tensorParallelSize;
  return s.serving.replicas * s.serving.tensorParallelSize * s.serving.pipelineParallelSize;
}

/** The engines in words: "4 replicas at TP2 PP1", or the two pools of a disaggregated deployment. */
export function describeEngines(s: Scenario): string {
  const d = s.serving.disaggregation ?? null;
  const n = (count: number, word: string) => `${formatCount(count)} ${word}${count === 1 ? '' : 's'}`;
  if (d !== null) return `${n(d.prefill.replicas, 'prefill engine')} at TP${d.prefill.tensorParallelSize} + ${n(d.decode.replicas, 'decode engine')} at TP${d.decode.tensorParallelSize}`;
  return `${n(s.serving.replicas, 'replica')} at TP${s.serving.tensorParallelSize} PP${s.serving.pipelineParallelSize}`;
}

/** The last part of a path: scenario paths are absolute on the machine that ran them. */
function baseName(path: string): string {
  const parts = String(path).split(/[\\/]/);
  return parts[parts.length - 1] ?? String(path);
}

/** Where a result's step-time constants come from (simulation and saturation results alike). */
export type Calibration = SimulationResult['calibration'];

/** calibrationOf(result) -> its calibration, or null for older result files that lack the key. */
export function calibrationOf(result: { calibration?: Calibration | null }): Calibration | null {
  return result.calibration ?? null;
}

/** The borrowed family as results name it, or a generic stand-in if a file omits it. */
function lender(c: Calibration): string {
  return c.borrowedFrom ?? 'another GPU family';
}

/** The scenario panel's "Calibration" row: "fitted on measurements: <source>" or "uncalibrated: ...". */
export function describeCalibration(c: Calibration): string {
  return c.fitted ? `fitted on measurements: ${c.source}` : `uncalibrated: constants borrowed from ${lender(c)}`;
}

/** The warning an uncalibrated result shows near the top of its view; null when fitted or unknown. */
export function calibrationWarning(c: Calibration | null): string | null {
  if (c === null || c.fitted) return null;
  return `Uncalibrated: step-time constants borrowed from ${lender(c)}; no measurements of this GPU and dtype were fitted, so the figures are extrapolations.`;
}

/**
 * calibrationNotices(entries) -> one warning per distinct borrowing among these results. A warning
 * that covers every result reads as is; one that covers only some names them first, so a
 * comparison of several configurations on one uncalibrated GPU warns once, not once per result.
 */
export function calibrationNotices(entries: readonly { label: string; result: { calibration?: Calibration | null } }[]): string[] {
  const groups = new Map<string, string[]>();
  for (const e of entries) {
    const warning = calibrationWarning(calibrationOf(e.result));
    if (warning !== null) groups.set(warning, [...(groups.get(warning) ?? []), e.label]);
  }
  return [...groups].map(([warning, labels]) => (labels.length === entries.length ? warning : `${labels.join(', ')}: ${warning}`));
}

function onOff(flag: boolean): string {
  return flag ? 'on' : 'off';
}

/**
 * scenarioSections(scenario, calibration) -> model, hardware, parallelism, serving, workload, SLO
 * and run rows; the hardware rows say where the step-time constants come from when it is known.
 */
export function scenarioSections(scenario: Scenario, calibration: Calibration | null = null): ScenarioSection[] {
  const { model, cluster, serving, workload, stop } = scenario;
  const gpus = cluster.nodes * cluster.gpusPerNode;
  const moe = model.experts > 0 ? `, MoE ${model.activeExperts} of ${model.experts} experts` : '';
  const interNode = cluster.fabric.interNode;
  const stopRule = [stop.requests !== null ? `${formatCount(stop.requests)} requests` : null, stop.duration !== null ? formatSeconds(stop.duration) : null]
    .filter((s) => s !== null)
    .join(' or ');
  const slo = scenario.slo === null ? [] : Object.entries(scenario.slo).map(([key, bound]) => `${key} ≤ ${formatSeconds(bound)}`);
  return [
    {
      title: 'Model',
      rows: [
        ['Model', `${model.name} (${formatNumber(model.publishedParamsB)}B parameters${moe})`],
        ['Architecture', `${model.layers} layers, hidden ${formatCount(model.hidden)}, ${model.heads} heads / ${model.kvHeads} KV heads`],
        ['Weights', `${serving.quantization} (checkpoint ${model.weightDtype}), KV cache ${serving.kvCacheDtype}`],
      ],
    },
    {
      title: 'Hardware',
      rows: [
        ['GPU', `${cluster.gpu.name}: ${formatGiB(cluster.gpu.hbmGiB)} HBM, ${formatNumber(cluster.gpu.hbmTBps)} TB/s`],
        ['Cluster', `${cluster.nodes} node${cluster.nodes === 1 ? '' : 's'} × ${cluster.gpusPerNode} GPU${cluster.gpusPerNode === 1 ? '' : 's'} = ${gpus} GPU${gpus === 1 ? '' : 's'}`],
        ['Fabric', `${cluster.fabric.intraNode.name} inside a node${interNode ? `; ${interNode.fabric.name} between nodes, ${formatNumber(interNode.gbpsPerGpu)} Gb/s per GPU, oversubscription ${formatNumber(interNode.oversubscription)}:1` : ''}`],
        // Older result files carry no calibration: no row rather than a guess.
        ...(calibration === null ? [] : [['Calibration', describeCalibration(calibration)] as [string, string]]),
      ],
    },
    {
      title: 'Parallelism and serving',
      rows: [
        ['Parallelism', (serving.disaggregation ?? null) !== null ? `disaggregated: ${describeEngines(scenario)}` : `TP ${serving.tensorParallelSize} × PP ${serving.pipelineParallelSize}, ${serving.replicas} replica${serving.replicas === 1 ? '' : 's'}`],
        ['Scheduler', `${serving.scheduler} batching, maxNumSeqs ${formatCount(serving.maxNumSeqs)}, maxNumBatchedTokens ${formatCount(serving.maxNumBatchedTokens)}, chunked prefill ${onOff(serving.enableChunkedPrefill)}`],
        ['KV cache', `block size ${serving.blockSize}, gpuMemoryUtilization ${formatNumber(serving.gpuMemoryUtilization)}, maxModelLen ${formatCount(serving.maxModelLen)}`],
        ['Router', serving.router],
      ],
    },
    {
      title: 'Workload',
      rows: [
        ['Arrivals', describeArrival(workload.arrival)],
        ['Input tokens', describeLengths(workload.inputTokens)],
        ['Output tokens', describeLengths(workload.outputTokens)],
        ['Stop after', stopRule || 'not set'],
      ],
    },
    {
      title: 'SLO and run',
      rows: [
        ['SLO', slo.length > 0 ? slo.join(', ') : 'none stated'],
        ['Seed', String(scenario.seed)],
      ],
    },
  ];
}
