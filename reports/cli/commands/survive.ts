import { analyzeSurvival, DEFAULT_TRIALS } from '../../../analyzers/survivability/analyze-survival.js';
import { loadScenario } from '../../../engine/scenario/load-scenario.js';
import { formatSurvival } from '../../writers/survival-table.js';
import { checkDistinctPaths, checkOutputPath, emit } from '../output.js';
import { createProgress, exitOnInterrupt } from '../progress.js';
import { parseRates } from './saturation.js';
import type { Computed, RunContext, ShardableCommand } from './sharding.js';

export interface SurviveCommandOptions {
  trials?: number;
  rates?: string;
  workers?: number;
  set: string[];
  seed?: number;
  json?: boolean;
  output?: string;
  /** Run as shard i/N (writes a partial result to -o). */
  shard?: string;
}

function loadSurviveScenario(file: string, options: SurviveCommandOptions) {
  return loadScenario(file, { sets: options.set, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
}

/** The Survivability analysis and its text, on the context's runner. */
export async function computeSurvival(file: string, options: SurviveCommandOptions, context: RunContext = {}): Promise<Computed> {
  const rates = options.rates === undefined ? undefined : parseRates(options.rates);
  const loaded = loadSurviveScenario(file, options);
  const trials = options.trials ?? DEFAULT_TRIALS;
  const progress = createProgress('survive', 1 + 2 * trials + 2 * 3 * (rates?.length ?? 5) + 5);
  exitOnInterrupt(() => progress.stop());
  try {
    const result = await analyzeSurvival(loaded, {
      trials,
      ...(rates !== undefined ? { rates } : {}),
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(context.runner !== undefined ? { runner: context.runner } : {}),
      onProgress: (done) => progress.update(done),
      file,
    });
    return { result, human: () => formatSurvival(result) };
  } finally {
    progress.stop();
  }
}

/** How `survive --shard` and `merge` drive it: the trials are split across shards. */
export const SURVIVE_SHARDING: ShardableCommand = {
  scenarios: ([file], options) => [loadSurviveScenario(file!, options as unknown as SurviveCommandOptions).scenario],
  mode: () => 'split',
  compute: ([file], options, context) => computeSurvival(file!, options as unknown as SurviveCommandOptions, context),
};

/** `headroom survive <scenario>`: the Survivability analysis. */
export async function surviveCommand(file: string, options: SurviveCommandOptions): Promise<void> {
  checkOutputPath(options.output);
  checkDistinctPaths([{ flag: '-o', path: options.output }], [file]);
  if (options.shard !== undefined) {
    const { runAsShard } = await import('./shard-run.js');
    await runAsShard('survive', [file], { ...options, shard: options.shard });
    return;
  }
  const computed = await computeSurvival(file, options);
  emit(computed.result, computed.human, options);
}
