import {
  compareThreshold,
  LATENCY_STATS,
  type LatencyField,
  type LatencyStat,
  type Threshold,
  type ThresholdField,
} from '../../engine/scenario/threshold-expression.js';
import { SLO_METRICS, type SloMetric } from '../../engine/scenario/scenario-types.js';
import type { SimulationResult } from '../../engine/simulation-result.js';
import type { SaturationResult } from '../saturation/saturation-result.js';
import type { FabricResult } from '../fabric/fabric-result.js';
import type { SurvivabilityResult } from '../survivability/survival-result.js';

/** What a threshold is evaluated against: one simulation, and a saturation analysis when one ran. */
export interface ThresholdSubject {
  simulation: SimulationResult;
  saturation: SaturationResult | null;
  /** The fabric analysis, when a threshold needed one. */
  fabric?: FabricResult | null;
  /** The survivability analysis, when a threshold needed one. */
  survival?: SurvivabilityResult | null;
  /** Why `saturation` is null, when the caller knows (e.g. the scenario states no SLO). */
  saturationMissing?: string;
}

export interface ThresholdOutcome {
  threshold: Threshold;
  /** The field's value, normalized like threshold.value; null when the result has none. */
  measured: number | null;
  passed: boolean;
  /** Why a threshold could not be measured (it then fails). */
  reason?: string;
}

/** A field's value, or null with the reason it has none. */
type Measurement = { value: number } | { value: null; reason: string };
type FieldReader = (subject: ThresholdSubject) => Measurement;

const measured = (value: number): Measurement => ({ value });
const missing = (reason: string): Measurement => ({ value: null, reason });

function latencyReader(metric: SloMetric, stat: LatencyStat): FieldReader {
  return ({ simulation }) => {
    const value = simulation.latency[metric][stat];
    return value === null ? missing(`no ${metric} samples: no request in the run produced one`) : measured(value);
  };
}

function latencyReaders(): Record<LatencyField, FieldReader> {
  const out = {} as Record<LatencyField, FieldReader>;
  for (const metric of SLO_METRICS) for (const stat of LATENCY_STATS) out[`${metric}.${stat}`] = latencyReader(metric, stat);
  return out;
}

const NO_SLO = 'the scenario states no slo, so it is not measured (add e.g. slo: { ttftP99: 2s } to the scenario)';

const NO_COST = 'the scenario states no price, so cost is not measured (add e.g. cost: { gpuHourUsd: 2.5 } to the scenario)';

/** A cost figure of the simulation, or why there is none (no price; nothing produced to spread it over). */
function costReader(key: keyof NonNullable<SimulationResult['cost']> & `usd${string}`): FieldReader {
  return ({ simulation }) => {
    const cost = simulation.cost;
    if (cost === null) return missing(NO_COST);
    const value = cost[key];
    return value === null ? missing(`nothing was produced to spread the $${cost.usdPerHour.toFixed(2)}/h over`) : measured(value);
  };
}

/** The saturation result, or the reason there is none (a caller that skipped the analysis). */
function withSaturation(read: (s: SaturationResult) => Measurement): FieldReader {
  return ({ saturation, saturationMissing }) =>
    saturation === null ? missing(saturationMissing ?? 'no saturation analysis was run') : read(saturation);
}

/** Why the saturation rate (and everything derived from it) is unknown. */
function saturationUnknown(s: SaturationResult): string {
  if (s.scenario.slo === null) return `the saturation rate is indeterminate: ${NO_SLO}`;
  return `the saturation rate is indeterminate: ${s.saturationReason ?? 'the analysis found no rate meeting the SLO'}`;
}

/**
 * Where each field is read. A Record over every ThresholdField: a field added to the grammar
 * without a reader here fails to compile.
 */
const FIELD_READERS: Record<ThresholdField, FieldReader> = {
  ...latencyReaders(),
  'slo.attainment': ({ simulation }) => (simulation.slo.attainment === null ? missing(NO_SLO) : measured(simulation.slo.attainment)),
  'slo.goodput': ({ simulation }) =>
    simulation.slo.goodputRequestsPerSecond === null ? missing(NO_SLO) : measured(simulation.slo.goodputRequestsPerSecond),
  'throughput.requestsPerSecond': ({ simulation }) => measured(simulation.throughput.requestsPerSecond),
  'throughput.outputTokensPerSecond': ({ simulation }) => measured(simulation.throughput.outputTokensPerSecond),
  'throughput.outputTokensPerSecondPerGpu': ({ simulation }) => measured(simulation.throughput.outputTokensPerSecondPerGpu),
  'requests.dropped': ({ simulation }) => measured(simulation.requests.dropped),
  'requests.preempted': ({ simulation }) => measured(simulation.requests.preempted),
  'utilization.kvOccupancyPeak': ({ simulation }) => measured(simulation.utilization.kvOccupancyPeak),
  'utilization.kvOccupancyMean': ({ simulation }) => measured(simulation.utilization.kvOccupancyMean),
  'utilization.gpuBusyFraction': ({ simulation }) => measured(simulation.utilization.gpuBusyFraction),
  'cost.usdPerMillionOutputTokens': costReader('usdPerMillionOutputTokens'),
  'cost.usdPerMillionTotalTokens': costReader('usdPerMillionTotalTokens'),
  'cost.usdPerThousandRequests': costReader('usdPerThousandRequests'),
  'cost.usdPerHour': costReader('usdPerHour'),
  'prefixCache.hitRate': withPrefixCache((c) => measured(c.hitRate.tokens)),
  'prefixCache.cachedTokensPerRequest': withPrefixCache((c) => measured(c.cachedTokensPerRequest)),
  'saturation.rate': withSaturation((s) => (s.saturationRate === null ? missing(saturationUnknown(s)) : measured(s.saturationRate.mean))),
  'saturation.headroom': withSaturation((s) => (s.headroom === null ? missing(headroomUnknown(s)) : measured(s.headroom.percent))),
  'saturation.headroomRate': withSaturation((s) =>
    s.headroom === null ? missing(headroomUnknown(s)) : measured(s.headroom.requestsPerSecond),
  ),
  'saturation.pressureOnset': withSaturation((s) =>
    s.pressureOnsetRate === null
      ? missing(`the pressure onset is indeterminate: ${s.pressureOnsetReason ?? 'no rate showed state pressure'}`)
      : measured(s.pressureOnsetRate),
  ),
  'fabric.linkUtilizationP99': withFabric((f) => measured(f.linkUtilizationP99)),
  'fabric.linkUtilizationMean': withFabric((f) => measured(f.linkUtilizationMean)),
  'fabric.communicationShare': withFabric((f) => measured(f.communicationShare)),
  'fabric.stretchShare': withFabric((f) => measured(f.stretchShare)),
  'fabric.handOffWait': withFabric((f) => measured(f.handOffWaitMean)),
  'fabric.pressureOnset': withFabric((f) => (f.pressureOnset === null ? missing(`the fabric pressure onset is indeterminate: ${f.pressureOnsetReason ?? 'no swept rate showed it'}`) : measured(f.pressureOnset.rate))),
  'survive.attainment': withSurvival((r) => measured(r.trials.attainment.mean)),
  'survive.gpuLoss.attainment': withSurvival(lossAttainment('1 GPU')),
  'survive.nodeLoss.attainment': withSurvival(lossAttainment('1 node')),
  'survive.sparesNeeded': withSurvival((r) => (r.spares === null || r.spares.needed === null ? missing(`no spare count: ${r.spares?.reason ?? r.boundaryReason ?? 'the analysis found none'}`) : measured(r.spares.needed))),
  'saturation.goodput': withSaturation((s) =>
    s.goodputAtSaturation === null ? missing(saturationUnknown(s)) : measured(s.goodputAtSaturation),
  ),
};

/** The run's prefix-cache figures, or why it has none. */
function withPrefixCache(read: (c: NonNullable<SimulationResult['prefixCache']>) => Measurement): FieldReader {
  return ({ simulation }) =>
    simulation.prefixCache === undefined
      ? missing(simulation.scenario.serving.enablePrefixCaching ? 'no prompt carried a prefix chain (a trace with hash_ids, workload.prefix or workload.sessions)' : 'serving.enablePrefixCaching is false')
      : read(simulation.prefixCache);
}

/** The fabric analysis, or the reason there is none. */
function withFabric(read: (f: FabricResult) => Measurement): FieldReader {
  return ({ fabric }) => (fabric === undefined || fabric === null ? missing('no fabric analysis was run') : read(fabric));
}

/** The survivability analysis, or the reason there is none. */
function withSurvival(read: (r: SurvivabilityResult) => Measurement): FieldReader {
  return ({ survival }) => (survival === undefined || survival === null ? missing('no survivability analysis was run') : read(survival));
}

/** Attainment through one failure of `size` at the scenario's own rate, from the boundary map. */
function lossAttainment(size: string): (r: SurvivabilityResult) => Measurement {
  return (r) => {
    const s = r.boundary?.sizes.find((x) => x.size === size);
    const own = s?.points.find((p) => p.rate === r.spares?.rate) ?? s?.points[Math.floor((s?.points.length ?? 1) / 2)];
    if (s === undefined || own === undefined) return missing(r.boundary === null ? `no boundary map: ${r.boundaryReason ?? 'no offered rate to sweep'}` : `the cluster has no ${size} to lose (one node, or one rack)`);
    return measured(own.attainment);
  };
}

function headroomUnknown(s: SaturationResult): string {
  if (s.currentRate === null) return 'headroom is unknown: the scenario has no offered rate of its own (a closed workload)';
  if (s.saturationRate === null) return `headroom is unknown: ${saturationUnknown(s)}`;
  return 'headroom is unknown';
}

/** measureField(field, subject) -> the field's normalized value, or null with the reason. */
export function measureField(field: ThresholdField, subject: ThresholdSubject): Measurement {
  return FIELD_READERS[field](subject);
}

/**
 * evaluateThresholds(thresholds, { simulation, saturation }) -> one outcome per threshold, in
 * order. Pure. A field the result has no value for (no SLO in the scenario, an indeterminate
 * saturation rate, no samples) fails, with the reason: a gate that cannot measure does not pass.
 */
export function evaluateThresholds(thresholds: readonly Threshold[], subject: ThresholdSubject): ThresholdOutcome[] {
  return thresholds.map((threshold) => {
    const m = measureField(threshold.field, subject);
    if (m.value === null) return { threshold, measured: null, passed: false, reason: m.reason };
    return { threshold, measured: m.value, passed: compareThreshold(m.value, threshold.op, threshold.value) };
  });
}
