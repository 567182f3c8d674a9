import { analyzeFabric, compareFabric, SWEEP_FACTORS } from '../../../analyzers/fabric/analyze-fabric.js';
import { formatFabric, formatFabricComparison } from '../../writers/fabric-table.js';
import { createProgress, exitOnInterrupt } from '../progress.js';
import { parseRates, parseVaryAxes } from './saturation.js';
import { loadCommandScenario, oneScenarioSharding, runOneScenarioCommand, type Computed, type RunContext, type ShardableCommand } from './sharding.js';

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
    const result = await analyzeFabric(loadCommandScenario(file, options), common);
    return { result, human: () => formatFabric(result) };
  } finally {
    progress.stop();
  }
}

/** How `fabric --shard` and `merge` drive it: a --vary comparison shards by configuration, an analysis by simulation. */
export const FABRIC_SHARDING: ShardableCommand = oneScenarioSharding(computeFabric);

/** `headroom fabric <scenario>`: the Fabric Pressure analysis, or a --vary comparison of it. */
export async function fabricCommand(file: string, options: FabricCommandOptions): Promise<void> {
  await runOneScenarioCommand('fabric', file, options, computeFabric);
}
