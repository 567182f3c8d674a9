import { analyzeFabric, compareFabric, SWEEP_FACTORS } from '../../../analyzers/fabric/analyze-fabric.js';
import { loadScenario } from '../../../engine/scenario/load-scenario.js';
import { formatFabric, formatFabricComparison } from '../../writers/fabric-table.js';
import { checkDistinctPaths, checkOutputPath, emit } from '../output.js';
import { createProgress, exitOnInterrupt } from '../progress.js';
import { parseRates, parseVaryAxes } from './saturation.js';
import type { Computed, RunContext, ShardableCommand } from './sharding.js';

export interface FabricCommandOptions {
  rates?: string;
  workers?: number;
  vary: string[];
  set: string[];
  seed?: number;
  json?: boolean;
  output?: string;
  /** Run as shard i/N (writes a partial result to -o). */
  shard?: string;
}

function loadFabricScenario(file: string, options: FabricCommandOptions) {
  return loadScenario(file, { sets: options.set, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
}

/** The Fabric Pressure analysis (or its --vary comparison) and its text, on the context's runner. */
export async function computeFabric(file: string, options: FabricCommandOptions, context: RunContext = {}): Promise<Computed> {
  const rates = options.rates === undefined ? undefined : parseRates(options.rates);
  const axes = parseVaryAxes(options.vary);
  const configurations = axes.reduce((n, a) => n * a.values.length, 1);
  const progress = createProgress('fabric', (rates?.length ?? SWEEP_FACTORS.length) * configurations);
  exitOnInterrupt(() => progress.stop());
  const seedOption = options.seed !== undefined ? { seed: options.seed } : {};
  const common = {
    ...(rates !== undefined ? { rates } : {}),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(context.runner !== undefined ? { runner: context.runner } : {}),
    onProgress: (done: number) => progress.update(done),
    file,
  };
  try {
    if (axes.length > 0) {
      const comparison = await compareFabric(file, axes, { ...common, sets: options.set, ...seedOption, ...(context.onlyConfiguration !== undefined ? { onlyConfiguration: context.onlyConfiguration } : {}) });
      return { result: comparison, human: () => formatFabricComparison(comparison) };
    }
    const result = await analyzeFabric(loadFabricScenario(file, options), common);
    return { result, human: () => formatFabric(result) };
  } finally {
    progress.stop();
  }
}

/** How `fabric --shard` and `merge` drive it: a --vary comparison shards by configuration, an analysis by simulation. */
export const FABRIC_SHARDING: ShardableCommand = {
  scenarios: ([file], options) => [loadFabricScenario(file!, options as unknown as FabricCommandOptions).scenario],
  mode: (options) => (((options as unknown as FabricCommandOptions).vary ?? []).length > 0 ? 'record' : 'split'),
  compute: ([file], options, context) => computeFabric(file!, options as unknown as FabricCommandOptions, context),
};

/** `headroom fabric <scenario>`: the Fabric Pressure analysis, or a --vary comparison of it. */
export async function fabricCommand(file: string, options: FabricCommandOptions): Promise<void> {
  checkOutputPath(options.output);
  checkDistinctPaths([{ flag: '-o', path: options.output }], [file]);
  if (options.shard !== undefined) {
    const { runAsShard } = await import('./shard-run.js');
    await runAsShard('fabric', [file], { ...options, shard: options.shard });
    return;
  }
  const computed = await computeFabric(file, options);
  emit(computed.result, computed.human, options);
}
