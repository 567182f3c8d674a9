import { analyzeSurvival, DEFAULT_TRIALS } from '../../../analyzers/survivability/analyze-survival.js';
import { formatSurvival } from '../../writers/survival-table.js';
import { createProgress, exitOnInterrupt } from '../progress.js';
import { parseRates } from './saturation.js';
import { loadCommandScenario, oneScenarioSharding, runOneScenarioCommand, type Computed, type RunContext, type ShardableCommand } from './sharding.js';

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

/** The Survivability analysis and its text, on the context's runner. */
export async function computeSurvival(file: string, options: SurviveCommandOptions, context: RunContext = {}): Promise<Computed> {
  const rates = options.rates === undefined ? undefined : parseRates(options.rates);
  const loaded = loadCommandScenario(file, options);
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
export const SURVIVE_SHARDING: ShardableCommand = oneScenarioSharding(computeSurvival);

/** `headroom survive <scenario>`: the Survivability analysis. */
export async function surviveCommand(file: string, options: SurviveCommandOptions): Promise<void> {
  await runOneScenarioCommand('survive', file, options, computeSurvival);
}
