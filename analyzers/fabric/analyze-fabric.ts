import type { FabricSummary } from '../../engine/fabric/fabric-summary.js';
import { loadScenario, type LoadedScenario } from '../../engine/scenario/load-scenario.js';
import { ScenarioError } from '../../engine/scenario/scenario-issue.js';
import { simulate } from '../../engine/simulate.js';
import type { SimulationResult } from '../../engine/simulation-result.js';
import { createJobRunner, type JobRunner } from '../run-points.js';
import type { RunSummary } from '../run-summary.js';
import { combinations, type VaryAxis } from '../saturation/compare-configurations.js';
import { rateKnobOf } from '../saturation/rate-knob.js';
import { FABRIC_RESULT_VERSION, type FabricComparison, type FabricPoint, type FabricResult, type PerNodeView } from './fabric-result.js';

/**
 * The Fabric Pressure analysis: where east-west traffic couples engines and stresses links that
 * per-node metrics do not show. It runs the scenario at its own load with every collective on the
 * flow network (links, their traffic, coupling, communication share), then sweeps the offered
 * rate to find where fabric pressure begins (a link's p99 utilization, the stretch, or the
 * communication share climbing) and sets it beside the SLO break of the same sweep.
 */
export interface FabricOptions {
  /** Offered rates to sweep (req/s); default: the scenario's own x SWEEP_FACTORS. */
  rates?: number[];
  workers?: number;
  runner?: JobRunner;
  file?: string;
  onProgress?: (completed: number) => void;
}

/** What a run with no traffic on shared links reports: nothing on the fabric. */
const EMPTY_FABRIC: FabricSummary = { mode: 'shared', links: 0, linksUsed: 0, linkUtilizationP99: 0, linkUtilizationMean: 0, hottest: [], linkLoads: [], engines: [], coupling: null, flows: { recomputations: 0, events: 0 } };

export const SWEEP_FACTORS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2] as const;
/** A link is pressured once its p99 utilization over time reaches this. */
export const LINK_PRESSURE = 0.8;
/** Steps waiting on shared links for this share of busy time is fabric pressure. */
export const STRETCH_PRESSURE = 0.05;

function perNodeView(u: { gpuBusyFraction: number; kvOccupancyMean: number; kvOccupancyPeak: number }): PerNodeView {
  return { gpuBusyFraction: u.gpuBusyFraction, kvOccupancyMean: u.kvOccupancyMean, kvOccupancyPeak: u.kvOccupancyPeak, healthy: u.gpuBusyFraction < 0.85 && u.kvOccupancyPeak < 0.9 };
}

/** Stretch and communication shares of the engines' busy time. */
function shares(fabric: FabricSummary, busySeconds: number): { communicationShare: number; stretchShare: number; handOffWaitMean: number } {
  const stretch = fabric.engines.reduce((a, e) => a + e.stretchSeconds, 0);
  const comm = fabric.engines.reduce((a, e) => a + e.communicationShare, 0) / Math.max(1, fabric.engines.length);
  const handOffs = fabric.engines.reduce((a, e) => a + e.handOffs, 0);
  const waited = fabric.engines.reduce((a, e) => a + e.handOffs * e.handOffWaitMeanSeconds, 0);
  return { communicationShare: comm, stretchShare: busySeconds > 0 ? stretch / busySeconds : 0, handOffWaitMean: handOffs > 0 ? waited / handOffs : 0 };
}

function busyOf(r: Pick<RunSummary, 'utilization' | 'run'>, engines: number): number {
  return r.utilization.gpuBusyFraction * r.run.simulatedSeconds * engines;
}

function pointOf(rate: number, r: RunSummary, hasSlo: boolean): FabricPoint {
  const f = r.fabric ?? EMPTY_FABRIC;
  const hot = f.hottest[0] ?? null;
  return {
    rate,
    linkUtilizationP99: f.linkUtilizationP99,
    linkUtilizationMean: f.linkUtilizationMean,
    hottestLink: hot === null ? null : { id: hot.id, kind: hot.kind, utilizationP99: hot.utilizationP99, topTraffic: hot.traffic[0]?.tag ?? null },
    ...shares(f, busyOf(r, f.engines.length)),
    perNode: perNodeView(r.utilization),
    sloMet: hasSlo ? r.slo.bounds.every((b) => b.met) : null,
    ttftP99: r.latency.ttft.p99,
    tpotP99: r.latency.tpot.p99,
  };
}

/** The first point where a fabric signal climbs, and which one. */
function onsetOf(points: readonly FabricPoint[]): { rate: number; signal: string } | null {
  const base = points[0];
  if (base === undefined) return null;
  for (const p of points) {
    if (p.linkUtilizationP99 >= LINK_PRESSURE) return { rate: p.rate, signal: `link p99 utilization ${(100 * p.linkUtilizationP99).toFixed(0)}% (${p.hottestLink?.id ?? '?'})` };
    if (p.stretchShare >= STRETCH_PRESSURE) return { rate: p.rate, signal: `steps waited on shared links ${(100 * p.stretchShare).toFixed(1)}% of busy time` };
    if (p.rate > base.rate && p.communicationShare >= base.communicationShare * 1.25 && p.communicationShare >= base.communicationShare + 0.05) {
      return { rate: p.rate, signal: `communication share ${(100 * p.communicationShare).toFixed(0)}% (from ${(100 * base.communicationShare).toFixed(0)}% at ${base.rate} req/s)` };
    }
  }
  return null;
}

function findings(result: Omit<FabricResult, 'findings'>): string[] {
  const out: string[] = [];
  const run = result.run;
  const hot = run.hottest[0];
  if (run.linksUsed === 0 || hot === undefined) {
    out.push('No traffic crossed the fabric: every engine fits a node and nothing moves between engines, so the per-node view is the whole story.');
    return out;
  }
  const traffic = hot.traffic.map((t) => `${t.tag} ${t.GB.toFixed(1)} GB`).join(', ');
  out.push(`Hottest link: ${hot.id} at p99 ${(100 * hot.utilizationP99).toFixed(0)}% (mean ${(100 * hot.utilizationMean).toFixed(0)}%), carrying ${traffic}.`);
  const n = result.perNode;
  const nodeView = `GPUs ${(100 * n.gpuBusyFraction).toFixed(0)}% busy, KV ${(100 * n.kvOccupancyMean).toFixed(0)}% full (peak ${(100 * n.kvOccupancyPeak).toFixed(0)}%)`;
  if (result.hiddenFromPerNodeView) out.push(`The per-node view looks healthy (${nodeView}) while ${hot.id} runs at p99 ${(100 * hot.utilizationP99).toFixed(0)}%: a per-node dashboard would not show this.`);
  else out.push(`Per-node view: ${nodeView}.`);
  out.push(
    `Communication is ${(100 * result.communicationShare).toFixed(1)}% of the engines' busy time; steps waited on shared links ${(100 * result.stretchShare).toFixed(2)}% of it` +
      (result.run.engines.some((e) => e.handOffs > 0) ? `; a KV hand-off waited ${(result.handOffWaitMean * 1e3).toFixed(2)} ms on average beyond its idle-fabric time.` : '.'),
  );
  const worst = run.coupling === null ? null : worstCoupling(run.coupling);
  if (worst !== null) out.push(`Strongest coupling: engine ${worst.j}'s traffic, sharing engine ${worst.i}'s links, made it wait ${(worst.seconds * 1e3).toFixed(1)} ms in total (step stretch and KV hand-offs).`);
  if (result.pressureOnset !== null) {
    const vs = result.sloBreakRate === null ? '' : result.pressureOnset.rate < result.sloBreakRate ? `, before the SLO breaks at ${result.sloBreakRate} req/s` : result.pressureOnset.rate === result.sloBreakRate ? ', at the rate the SLO breaks' : `, after the SLO breaks at ${result.sloBreakRate} req/s`;
    out.push(`Fabric pressure begins at ${result.pressureOnset.rate} req/s (${result.pressureOnset.signal})${vs}.`);
  }
  return out;
}

function worstCoupling(c: number[][]): { i: number; j: number; seconds: number } | null {
  let best: { i: number; j: number; seconds: number } | null = null;
  c.forEach((row, i) => row.forEach((seconds, j) => {
    if (i !== j && seconds > 0 && (best === null || seconds > best.seconds)) best = { i, j, seconds };
  }));
  return best;
}

export async function analyzeFabric(loaded: LoadedScenario, options: FabricOptions = {}): Promise<FabricResult> {
  const { scenario, data } = loaded;
  const file = options.file ?? scenario.name;
  const own = options.runner === undefined;
  const runner = options.runner ?? createJobRunner({ workers: options.workers, onProgress: options.onProgress });
  try {
    const result: SimulationResult = simulate(scenario, data, { fabric: 'all' });
    const run = result.fabric!;
    const hasSlo = scenario.slo !== null;
    let rate: number | null = null;
    let points: FabricPoint[] = [];
    let reasonNoSweep: string | null = null;
    try {
      const knob = rateKnobOf(scenario, data, file);
      rate = knob.currentRate;
      const rates = options.rates ?? SWEEP_FACTORS.map((f) => Math.round(knob.currentRate * f * 1000) / 1000);
      // The sweep needs only the shared links (what can saturate); the scale-up ports inside a node
      // are each engine's own, shown in the detailed run above. Results are the same either way.
      const summaries = await runner.run(rates.map((r) => ({ scenario: knob.withRate(r), seed: scenario.seed, fabric: 'shared' as const })));
      points = summaries.map((s, i) => pointOf(rates[i]!, s, hasSlo));
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      reasonNoSweep = error.issues.map((i) => i.message).join('; ');
    }
    const perNode = perNodeView(result.utilization);
    const s = shares(run, result.utilization.gpuBusyFraction * result.run.simulatedSeconds * run.engines.length);
    const onset = onsetOf(points);
    const sloBreak = hasSlo ? (points.find((p) => p.sloMet === false)?.rate ?? null) : null;
    const partial: Omit<FabricResult, 'findings'> = {
      kind: 'fabric',
      version: FABRIC_RESULT_VERSION,
      seed: scenario.seed,
      scenario,
      calibration: result.calibration,
      rate,
      run,
      perNode,
      linkUtilizationP99: run.linkUtilizationP99,
      linkUtilizationMean: run.linkUtilizationMean,
      ...s,
      hiddenFromPerNodeView: perNode.healthy && run.linkUtilizationP99 >= LINK_PRESSURE,
      points,
      pressureOnset: onset,
      pressureOnsetReason: onset !== null ? null : (reasonNoSweep ?? `no swept rate (${points.map((p) => p.rate).join(', ')} req/s) showed a link at p99 >= ${LINK_PRESSURE * 100}%, steps waiting >= ${STRETCH_PRESSURE * 100}% or the communication share climbing`),
      sloBreakRate: sloBreak,
      sloBreakReason: !hasSlo ? 'the scenario has no slo' : sloBreak !== null ? null : reasonNoSweep ?? 'every swept rate met the SLO',
    };
    return { ...partial, findings: findings(partial) };
  } finally {
    if (own) await runner.close();
  }
}

/** `headroom fabric --vary`: every combination analysed on one worker pool; refused ones listed with why. */
export async function compareFabric(
  file: string,
  axes: readonly VaryAxis[],
  options: FabricOptions & { sets?: string[]; seed?: number; onlyConfiguration?: (k: number) => boolean },
): Promise<FabricComparison> {
  const own = options.runner === undefined;
  const runner = options.runner ?? createJobRunner({ workers: options.workers, onProgress: options.onProgress });
  try {
    const configurations: FabricComparison['configurations'] = [];
    const infeasible: FabricComparison['infeasible'] = [];
    let firstRefusal: ScenarioError | null = null;
    let feasible = 0;
    for (const overrides of combinations(axes)) {
      const label = Object.entries(overrides).map(([k, v]) => `${k.split('.').at(-1)}=${v}`).join(' ');
      let loaded: LoadedScenario;
      try {
        loaded = loadScenario(file, { sets: [...(options.sets ?? []), ...Object.entries(overrides).map(([k, v]) => `${k}=${v}`)], ...(options.seed !== undefined ? { seed: options.seed } : {}) });
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error;
        firstRefusal ??= error;
        infeasible.push({ label, overrides, reason: error.issues.map((i) => i.message).join('; ') });
        continue;
      }
      // A shard analyses its own configurations only (numbered among the feasible ones).
      if (options.onlyConfiguration !== undefined && !options.onlyConfiguration(feasible++)) continue;
      configurations.push({ ...(await analyzeFabric(loaded, { ...options, runner, file })), label, overrides });
    }
    if (configurations.length === 0 && options.onlyConfiguration === undefined) throw firstRefusal!;
    return { kind: 'fabric', version: FABRIC_RESULT_VERSION, configurations, infeasible };
  } finally {
    if (own) await runner.close();
  }
}
