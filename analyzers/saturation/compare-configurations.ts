import { loadScenario, type LoadedScenario } from '../../engine/scenario/load-scenario.js';
import { ScenarioError } from '../../engine/scenario/scenario-issue.js';
import { gpusInUse } from '../../engine/scenario/deployment.js';
import { createJobRunner } from '../run-points.js';
import { analyzeSaturation, type SaturationOptions } from './analyze-saturation.js';
import type { SaturationComparison, SaturationResult } from './saturation-result.js';

/** One `--vary key=v1,v2` axis. */
export interface VaryAxis {
  key: string;
  values: string[];
}

/** Parses `key.path=v1,v2,...`; returns null when malformed. */
export function parseVary(text: string): VaryAxis | null {
  const eq = text.indexOf('=');
  if (eq <= 0) return null;
  const values = text
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  return values.length === 0 ? null : { key: text.slice(0, eq).trim(), values };
}

/** Every combination of the axes' values, first axis varying slowest. */
export function combinations(axes: readonly VaryAxis[]): Record<string, string>[] {
  return axes.reduce<Record<string, string>[]>((acc, axis) => acc.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.key]: v }))), [{}]);
}

/** The point at the saturation rate: the highest rate that still met the SLO. */
function kneePoint(result: SaturationResult) {
  if (result.saturationRate === null) return null;
  const sat = result.saturationRate.mean;
  return result.points.filter((p) => p.meetsSlo && p.rate <= sat).at(-1) ?? null;
}

/**
 * Runs the saturation analysis for each configuration (every combination of the --vary values)
 * on one shared worker pool, and compares them at their saturation rates: tokens per second per
 * GPU (what the deployment costs) against tokens per second per user (what a user feels), with
 * the Pareto front of the two marked.
 */
export async function compareConfigurations(
  file: string,
  axes: readonly VaryAxis[],
  options: SaturationOptions & { sets?: string[]; seed?: number; onlyConfiguration?: (k: number) => boolean },
): Promise<SaturationComparison> {
  const own = options.runner === undefined;
  const runner = options.runner ?? createJobRunner({ workers: options.workers, onProgress: options.onProgress });
  try {
    const configs = combinations(axes);
    const labelOf = (overrides: Record<string, string>) =>
      Object.entries(overrides)
        .map(([k, v]) => `${k.split('.').at(-1)}=${v}`)
        .join(' ');
    // Validate every configuration before simulating any: a combination the rules refuse is
    // reported as infeasible, the others are compared (all refused: nothing to compare, exit 2).
    const feasible: { overrides: Record<string, string>; loaded: LoadedScenario }[] = [];
    const infeasible: SaturationComparison['infeasible'] = [];
    const refusals: ScenarioError[] = [];
    for (const overrides of configs) {
      try {
        const loaded = loadScenario(file, {
          sets: [...(options.sets ?? []), ...Object.entries(overrides).map(([k, v]) => `${k}=${v}`)],
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
        });
        feasible.push({ overrides, loaded });
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error;
        refusals.push(error);
        infeasible.push({ label: labelOf(overrides), overrides, reason: error.issues.map((i) => i.message).join('; ') });
      }
    }
    if (feasible.length === 0) throw refusals[0]!;
    const configurations: SaturationComparison['configurations'] = [];
    for (const [k, { overrides, loaded: l }] of feasible.entries()) {
      // A shard analyses its own configurations only (the comparison it would build is not kept).
      if (options.onlyConfiguration !== undefined && !options.onlyConfiguration(k)) continue;
      const result = await analyzeSaturation(l, { ...options, runner, file });
      const sv = l.scenario.serving;
      const gpus = gpusInUse(l.scenario);
      const knee = kneePoint(result);
      configurations.push({
        label: labelOf(overrides),
        overrides,
        replicas: sv.replicas,
        gpus,
        saturationRate: result.saturationRate?.mean ?? null,
        goodputAtSaturation: result.goodputAtSaturation,
        costAtSaturation: result.costAtSaturation,
        tokensPerSecondPerGpu: knee === null ? null : knee.throughput.outputTokensPerSecond.mean / gpus,
        tokensPerSecondPerUser: knee?.latency.tpot.mean ? 1 / knee.latency.tpot.mean : null,
        prefixHitRate: knee?.prefixHitRate?.mean ?? null,
        paretoOptimal: false,
        result,
      });
    }
    for (const c of configurations) {
      if (c.tokensPerSecondPerGpu === null || c.tokensPerSecondPerUser === null) continue;
      c.paretoOptimal = !configurations.some(
        (o) =>
          o !== c &&
          o.tokensPerSecondPerGpu !== null &&
          o.tokensPerSecondPerUser !== null &&
          o.tokensPerSecondPerGpu >= c.tokensPerSecondPerGpu! &&
          o.tokensPerSecondPerUser >= c.tokensPerSecondPerUser! &&
          (o.tokensPerSecondPerGpu > c.tokensPerSecondPerGpu! || o.tokensPerSecondPerUser > c.tokensPerSecondPerUser!),
      );
    }
    return { kind: 'saturation-comparison', version: 1, seed: feasible[0]!.loaded.scenario.seed, configurations, infeasible };
  } finally {
    if (own) await runner.close();
  }
}
