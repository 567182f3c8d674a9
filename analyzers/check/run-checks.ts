import { loadScenario, type LoadedScenario } from '../../engine/scenario/load-scenario.js';
import {
  formatThreshold,
  parseThreshold,
  thresholdNeedsFabric,
  thresholdNeedsSurvival,
  thresholdNeedsSaturation,
  type Threshold,
} from '../../engine/scenario/threshold-expression.js';
import { simulate } from '../../engine/simulate.js';
import type { SimulationResult } from '../../engine/simulation-result.js';
import type { SaturationResult } from '../saturation/saturation-result.js';
import type { JobRunner } from '../run-points.js';
import type { FabricResult } from '../fabric/fabric-result.js';
import type { SurvivabilityResult } from '../survivability/survival-result.js';
import { evaluateThresholds, type ThresholdOutcome } from './check-thresholds.js';

export const CHECK_REPORT_VERSION = 1;

/** Where a threshold was written: the scenario's `checks:` list or a `--fail-on` on the command line. */
export type ThresholdSource = 'scenario' | 'command-line';

export interface CheckOutcome extends ThresholdOutcome {
  source: ThresholdSource;
}

/** One scenario's run and the outcome of every threshold on it. */
export interface ScenarioCheck {
  /** The scenario file as given. */
  file: string;
  name: string;
  seed: number;
  passed: boolean;
  outcomes: CheckOutcome[];
  simulation: SimulationResult;
  /** The saturation analysis, run only when a threshold needs it. */
  saturation: SaturationResult | null;
  /** The fabric analysis, present only when a threshold needed it. */
  fabric?: FabricResult;
  /** The survivability analysis, present only when a threshold needed it. */
  survival?: SurvivabilityResult;
}

export interface CheckReport {
  kind: 'check';
  version: number;
  /** True when every threshold of every scenario holds. */
  passed: boolean;
  thresholds: number;
  failed: number;
  scenarios: ScenarioCheck[];
}

export interface RunChecksOptions {
  /** Thresholds applied to every scenario, on top of each scenario's own `checks:`. */
  failOn: string[];
  /** `key.path=value` overrides applied to every scenario. */
  sets?: string[];
  seed?: number;
  /** Worker threads for a saturation analysis. */
  workers?: number;
  /** Replications per rate for a saturation analysis. */
  replications?: number;
  /** A runner every analysis shares (its owner closes it); default: each its own pool. */
  runner?: JobRunner;
  /** Called as each scenario starts (index into `files`) and as its saturation simulations finish. */
  onProgress?: (event: { file: string; index: number; stage: 'simulate' | 'saturation'; simulations?: number }) => void;
}

/**
 * Bad input to `runChecks` found before anything runs: a malformed `--fail-on`, or a scenario with
 * no threshold at all. `column` is where a malformed expression failed to parse (1-based).
 */
export class CheckInputError extends Error {
  constructor(
    message: string,
    readonly expression: string | null = null,
    readonly column: number | null = null,
  ) {
    super(message);
    this.name = 'CheckInputError';
  }
}

/** parseFailOn(expressions) -> thresholds; throws CheckInputError naming the first malformed one and its column. */
export function parseFailOn(expressions: readonly string[]): Threshold[] {
  return expressions.map((expression) => {
    const parsed = parseThreshold(expression);
    if (!parsed.ok) throw new CheckInputError(`invalid --fail-on: ${parsed.message}`, expression, parsed.column);
    return parsed.threshold;
  });
}

/** The scenario's thresholds then the command line's, each canonical form once (the first source wins). */
function thresholdsOf(loaded: LoadedScenario, failOn: readonly Threshold[]): { threshold: Threshold; source: ThresholdSource }[] {
  const out: { threshold: Threshold; source: ThresholdSource }[] = [];
  const seen = new Set<string>();
  const add = (threshold: Threshold, source: ThresholdSource) => {
    const key = formatThreshold(threshold);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ threshold, source });
  };
  for (const text of loaded.scenario.checks) {
    const parsed = parseThreshold(text);
    // validateScenario already rejected a malformed check; this guards a hand-built Scenario.
    if (!parsed.ok) throw new CheckInputError(`${loaded.scenario.name}: checks: ${parsed.message}`, text, parsed.column);
    add(parsed.threshold, 'scenario');
  }
  for (const threshold of failOn) add(threshold, 'command-line');
  return out;
}

/**
 * runChecks(files, options) -> a CheckReport: for each scenario, one simulation, a saturation
 * analysis only when some threshold needs one, and the outcome of the scenario's `checks:` plus
 * every `--fail-on`. Every input is checked before anything runs: a malformed `--fail-on` or a
 * scenario without thresholds throws CheckInputError, an invalid scenario ScenarioError.
 */
export async function runChecks(files: readonly string[], options: RunChecksOptions): Promise<CheckReport> {
  if (files.length === 0) throw new CheckInputError('expected at least one scenario file, got none');
  const failOn = parseFailOn(options.failOn);
  const loadOptions = { ...(options.sets !== undefined ? { sets: options.sets } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) };
  const planned = files.map((file) => {
    const loaded = loadScenario(file, loadOptions);
    const thresholds = thresholdsOf(loaded, failOn);
    if (thresholds.length === 0) {
      throw new CheckInputError(
        `${file}: no thresholds to check; add a checks: list to the scenario (e.g. checks: ["ttft.p99 < 2s"]) or pass --fail-on 'ttft.p99 < 2s'`,
      );
    }
    return { file, loaded, thresholds };
  });

  const scenarios: ScenarioCheck[] = [];
  for (const [index, { file, loaded, thresholds }] of planned.entries()) {
    options.onProgress?.({ file, index, stage: 'simulate' });
    const simulation = simulate(loaded.scenario, loaded.data);
    const saturation = thresholds.some((t) => thresholdNeedsSaturation(t.threshold))
      ? await runSaturation(file, index, loaded, options)
      : null;
    const fabric = thresholds.some((t) => thresholdNeedsFabric(t.threshold)) ? await runFabric(file, loaded, options) : null;
    const survival = thresholds.some((t) => thresholdNeedsSurvival(t.threshold)) ? await runSurvival(file, loaded, options) : null;
    const outcomes = evaluateThresholds(
      thresholds.map((t) => t.threshold),
      { simulation, saturation: saturation?.result ?? null, fabric, survival, ...(saturation?.missing ? { saturationMissing: saturation.missing } : {}) },
    ).map((outcome, i) => ({ ...outcome, source: thresholds[i]!.source }));
    scenarios.push({
      file,
      name: loaded.scenario.name,
      seed: loaded.scenario.seed,
      passed: outcomes.every((o) => o.passed),
      outcomes,
      simulation,
      saturation: saturation?.result ?? null,
      ...(fabric !== null ? { fabric } : {}),
      ...(survival !== null ? { survival } : {}),
    });
  }
  const all = scenarios.flatMap((s) => s.outcomes);
  const failed = all.filter((o) => !o.passed).length;
  return { kind: 'check', version: CHECK_REPORT_VERSION, passed: failed === 0, thresholds: all.length, failed, scenarios };
}

/** The survivability analysis of one scenario. */
async function runSurvival(file: string, loaded: LoadedScenario, options: RunChecksOptions): Promise<SurvivabilityResult> {
  const { analyzeSurvival } = await import('../survivability/analyze-survival.js');
  return analyzeSurvival(loaded, { file, ...(options.workers !== undefined ? { workers: options.workers } : {}), ...(options.runner !== undefined ? { runner: options.runner } : {}) });
}

/** The fabric analysis of one scenario (its own load and the onset sweep). */
async function runFabric(file: string, loaded: LoadedScenario, options: RunChecksOptions): Promise<FabricResult> {
  const { analyzeFabric } = await import('../fabric/analyze-fabric.js');
  return analyzeFabric(loaded, { file, ...(options.workers !== undefined ? { workers: options.workers } : {}), ...(options.runner !== undefined ? { runner: options.runner } : {}) });
}

/**
 * The saturation analysis of one scenario. Without an SLO there is no rate to find: the analysis
 * is skipped and the saturation thresholds fail with that reason instead of stopping the run.
 */
async function runSaturation(
  file: string,
  index: number,
  loaded: LoadedScenario,
  options: RunChecksOptions,
): Promise<{ result: SaturationResult | null; missing?: string }> {
  const slo = loaded.scenario.slo;
  if (slo === null || Object.keys(slo).length === 0) {
    return {
      result: null,
      missing: 'the scenario states no slo, so there is no saturation rate to find (add e.g. slo: { ttftP99: 2s } to the scenario)',
    };
  }
  options.onProgress?.({ file, index, stage: 'saturation', simulations: 0 });
  // Imported here: the analysis brings the worker pool, which a simulation-only check never needs.
  const { analyzeSaturation } = await import('../saturation/analyze-saturation.js');
  const result = await analyzeSaturation(loaded, {
    file,
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.replications !== undefined ? { replications: options.replications } : {}),
    ...(options.runner !== undefined ? { runner: options.runner } : {}),
    ...(options.onProgress ? { onProgress: (simulations: number) => options.onProgress?.({ file, index, stage: 'saturation', simulations }) } : {}),
  });
  return { result };
}
