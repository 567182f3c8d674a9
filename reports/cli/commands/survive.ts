import { analyzeSurvival, DEFAULT_TRIALS } from '../../../analyzers/survivability/analyze-survival.js';
import { loadScenario } from '../../../engine/scenario/load-scenario.js';
import { formatSurvival } from '../../writers/survival-table.js';
import { checkDistinctPaths, checkOutputPath, emit } from '../output.js';
import { createProgress, exitOnInterrupt } from '../progress.js';
import { parseRates } from './saturation.js';

export interface SurviveCommandOptions {
  trials?: number;
  rates?: string;
  workers?: number;
  set: string[];
  seed?: number;
  json?: boolean;
  output?: string;
}

/** `headroom survive <scenario>`: the Survivability analysis. */
export async function surviveCommand(file: string, options: SurviveCommandOptions): Promise<void> {
  checkOutputPath(options.output);
  checkDistinctPaths([{ flag: '-o', path: options.output }], [file]);
  const rates = options.rates === undefined ? undefined : parseRates(options.rates);
  const loaded = loadScenario(file, { sets: options.set, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  const trials = options.trials ?? DEFAULT_TRIALS;
  const progress = createProgress('survive', 1 + 2 * trials + 2 * 3 * (rates?.length ?? 5) + 5);
  exitOnInterrupt(() => progress.stop());
  try {
    const result = await analyzeSurvival(loaded, {
      trials,
      ...(rates !== undefined ? { rates } : {}),
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      onProgress: (done) => progress.update(done),
      file,
    });
    progress.stop();
    emit(result, () => formatSurvival(result), options);
  } finally {
    progress.stop();
  }
}
