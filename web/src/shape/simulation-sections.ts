import type { FabricResult } from '../../../analyzers/fabric/fabric-result.js';
import type { SimulationResult } from '../../../engine/simulation-result.js';
import { formatCount, formatGiB, formatNumber, formatSeconds } from '../format.js';
import { finite } from './fabric-links.js';
import type { SurvivalMarker, SurvivalTimeline, SurvivalTimePoint } from './survival.js';

/**
 * The optional sections of one simulation result as the simulation view draws them: the
 * prefill/decode pools and their KV hand-offs, the fabric (as the fabric panels read it), the
 * failures with goodput over time, and the autoscaler's replicas in service. Each is null when the
 * result has no such section. Pure and DOM-free.
 */

/** Most buckets and events drawn (the report's input bounds). */
export const MAX_SECTION_BUCKETS = 4_096;
export const MAX_SECTION_EVENTS = 1_000;

export interface PoolRow {
  role: 'prefill' | 'decode';
  replicas: number;
  tensorParallelSize: number;
  /** Engines of this role in utilization.perReplica. */
  engines: number;
  /** "14.96 GiB weights, 2.88 GiB activations, 53.8 GiB KV = 441,056 tokens per replica" */
  memory: string;
}

export interface DisaggregationModel {
  /** "KV hand-off: mean 1.5 ms, p99 3.6 ms, 0.52 GB per request, part of every TTFT" */
  sentence: string;
  pools: PoolRow[];
}

const num = (n: unknown): number => (finite(n) ? n : 0);

/** disaggregationModel(result) -> the pools and the KV hand-off sentence; null without disaggregation. */
export function disaggregationModel(result: SimulationResult): DisaggregationModel | null {
  const d = result.disaggregation;
  if (d === undefined || d === null) return null;
  const kv = d.kvTransfer;
  const sentence = `KV hand-off: mean ${formatSeconds(kv.mean)}, p99 ${formatSeconds(kv.p99)}, ${formatNumber(d.kvTransferGBPerRequest)} GB per request, part of every TTFT (prefill done to KV landed on the decode engine).`;
  const perReplica = result.utilization.perReplica;
  const pools = (['prefill', 'decode'] as const).map((role): PoolRow => {
    const p = d[role];
    const m = p.memory;
    return {
      role,
      replicas: num(p.replicas),
      tensorParallelSize: num(p.tensorParallelSize),
      engines: perReplica.filter((r) => r.role === role).length,
      memory: `${formatGiB(m.weightGiBPerGpu)} weights, ${formatGiB(m.activationGiBPerGpu)} activations, ${formatGiB(m.kvGiBPerGpu)} KV per GPU = ${formatCount(m.kvTokensPerReplica)} tokens per replica`,
    };
  });
  return { sentence, pools };
}

/** POOL_COLUMNS: the pools table's header. */
export const POOL_COLUMNS = ['Pool', 'Replicas', 'TP', 'Engines', 'Memory'] as const;

/** poolRows(model) -> the pools table's cells. */
export function poolRows(model: DisaggregationModel): string[][] {
  return model.pools.map((p) => [p.role, formatCount(p.replicas), formatCount(p.tensorParallelSize), formatCount(p.engines), p.memory]);
}

/** simulationFabric(result) -> the result's fabric section shaped as the fabric panels read it; null without one. */
export function simulationFabric(result: SimulationResult): Pick<FabricResult, 'run' | 'scenario'> | null {
  if (result.fabric === undefined || result.fabric === null) return null;
  return { run: result.fabric, scenario: result.scenario };
}

/** fabricSentence(fabric) -> "24 engines on the flow network: 40 of 132 links used, the hottest at p99 94% (mean 73%)." */
export function fabricSentence(fabric: Pick<FabricResult, 'run'>): string {
  const r = fabric.run;
  const pct = (n: unknown) => `${(num(n) * 100).toFixed(0)}%`;
  return `${formatCount(r.engines.length)} engine${r.engines.length === 1 ? '' : 's'} on the flow network: ${formatCount(r.linksUsed)} of ${formatCount(r.links)} links used, the hottest at p99 ${pct(r.linkUtilizationP99)} (mean ${pct(r.linkUtilizationMean)}).`;
}

function points(values: readonly number[], bucket: number): SurvivalTimePoint[] {
  return values.slice(0, MAX_SECTION_BUCKETS).map((v, i) => ({ t0: i * bucket, t1: (i + 1) * bucket, value: finite(v) && v > 0 ? v : 0 }));
}

/**
 * simulationSurvivalTimeline(result) -> goodput and arrivals per bucket with a marker per failure,
 * as the survivability timeline chart draws them (no baseline line: one run); null without failures.
 */
export function simulationSurvivalTimeline(result: SimulationResult): SurvivalTimeline | null {
  const s = result.survival;
  if (s === undefined || s === null) return null;
  const tl = s.timeline;
  const bucket = finite(tl.bucketSeconds) && tl.bucketSeconds > 0 ? tl.bucketSeconds : 1;
  const buckets = Math.min(MAX_SECTION_BUCKETS, Math.max(1, tl.goodputPerSecond.length, tl.arrivalsPerSecond.length));
  const end = buckets * bucket;
  const goodputLabel = result.scenario.slo === null ? 'Completed per second' : 'Goodput (completed within the SLO)';
  const markers = s.failures.slice(0, MAX_SECTION_EVENTS).map((f, index): SurvivalMarker => {
    const detected = f.detectedAt === null ? 'never detected' : `detected ${formatSeconds(f.detectedAt)}`;
    const recovered = f.recoveredAt === null ? 'not recovered within the run' : `recovered ${formatSeconds(f.recoveredAt)}`;
    return {
      index,
      kind: String(f.kind),
      at: num(f.at),
      detectedAt: f.detectedAt,
      recoveredAt: f.recoveredAt,
      bandEnd: f.recoveredAt ?? Math.max(end, num(f.at)),
      title: `${f.kind} failure at ${formatSeconds(f.at)}, ${detected}, ${recovered}`,
    };
  });
  return {
    bucketSeconds: bucket,
    lines: [
      { key: 'arrivals', label: 'Arrivals (offered)', points: points(tl.arrivalsPerSecond, bucket) },
      { key: 'goodput', label: goodputLabel, points: points(tl.goodputPerSecond, bucket) },
    ],
    markers,
    extent: [0, Math.max(end, ...markers.map((m) => m.at))],
  };
}

/**
 * survivalSentences(result) -> a sentence per failure (when, detected, recovered, how, lost) and one
 * of what the failures cost the requests and the work; [] without failures.
 */
export function survivalSentences(result: SimulationResult): string[] {
  const s = result.survival;
  if (s === undefined || s === null) return [];
  const lines = s.failures.slice(0, MAX_SECTION_EVENTS).map((f) => {
    const detected = f.detectedAt === null ? 'never detected' : `detected at ${formatSeconds(f.detectedAt)}`;
    const recovered = f.recoveredAt === null ? 'not recovered within the run' : `serving again at ${formatSeconds(f.recoveredAt)}`;
    return `A ${f.kind} failure at ${formatSeconds(f.at)} took down ${formatCount(f.engines.length)} engine${f.engines.length === 1 ? '' : 's'} and lost ${formatCount(f.lost)} request${f.lost === 1 ? '' : 's'} in flight; ${detected}, ${recovered} (${f.recovery}).`;
  });
  const r = s.requests;
  lines.push(
    `Requests: ${formatCount(r.lostInFlight)} lost in flight, ${formatCount(r.refused)} refused, ${formatCount(r.retried)} retried, ${formatCount(r.failedAfterRetries)} failed after retries, ${formatCount(r.timedOut)} timed out; ${formatCount(s.work.reprefillTokens)} prompt tokens prefilled again by retries.`,
  );
  return lines;
}

export interface ScalingMark {
  index: number;
  at: number;
  from: number;
  to: number;
  /** When the added replicas serve (scale-up); null for a scale-down (at once). */
  servesAt: number | null;
  direction: 'up' | 'down';
  title: string;
}

export interface AutoscalingModel {
  bucketSeconds: number;
  /** Replicas in service per bucket. */
  points: SurvivalTimePoint[];
  events: ScalingMark[];
  extent: [number, number];
  /** The most replicas in service or decided, for the y axis. */
  maxReplicas: number;
  /** "1 scaling decision (1 up, 0 down); mean 3.56 replicas in service, 0.302 replica-hours." */
  sentence: string;
}

/** autoscalingModel(result) -> replicas in service as steps and the scaling decisions; null without autoscaling. */
export function autoscalingModel(result: SimulationResult): AutoscalingModel | null {
  const a = result.autoscaling;
  if (a === undefined || a === null) return null;
  const bucket = finite(a.inService.bucketSeconds) && a.inService.bucketSeconds > 0 ? a.inService.bucketSeconds : 1;
  const pts = points(a.inService.replicas, bucket);
  const events = a.events.slice(0, MAX_SECTION_EVENTS).map((e, index): ScalingMark => {
    const direction = e.to >= e.from ? 'up' : 'down';
    const serves = e.servesAt === null ? 'at once' : `serving at ${formatSeconds(e.servesAt)}`;
    return { index, at: num(e.at), from: num(e.from), to: num(e.to), servesAt: e.servesAt, direction, title: `At ${formatSeconds(e.at)}: ${formatCount(e.from)} → ${formatCount(e.to)} replicas, ${serves}` };
  });
  const end = Math.max(pts.length * bucket, bucket, ...events.map((e) => Math.max(e.at, e.servesAt ?? 0)));
  const up = events.filter((e) => e.direction === 'up').length;
  const n = events.length;
  const sentence = `${formatCount(n)} scaling decision${n === 1 ? '' : 's'} (${formatCount(up)} up, ${formatCount(n - up)} down); mean ${formatNumber(a.meanReplicas)} replicas in service, ${formatNumber(a.replicaHours)} replica-hours over the run.`;
  const maxReplicas = Math.max(1, ...pts.map((p) => p.value), ...events.map((e) => Math.max(e.from, e.to)));
  return { bucketSeconds: bucket, points: pts, events, extent: [0, end], maxReplicas, sentence };
}

/** scalingLegendKeys(model) -> the legend entries the chart draws: the line, and only the marks it has. */
export function scalingLegendKeys(model: AutoscalingModel): ('in-service' | 'scale-up' | 'scale-down' | 'serves')[] {
  const keys: ('in-service' | 'scale-up' | 'scale-down' | 'serves')[] = ['in-service'];
  if (model.events.some((e) => e.direction === 'up')) keys.push('scale-up');
  if (model.events.some((e) => e.direction === 'down')) keys.push('scale-down');
  if (model.events.some((e) => e.servesAt !== null)) keys.push('serves');
  return keys;
}
