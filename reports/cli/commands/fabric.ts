import { analyzeFabric, compareFabric, SWEEP_FACTORS } from '../../../analyzers/fabric/analyze-fabric.js';
import { loadScenario } from '../../../engine/scenario/load-scenario.js';
import { formatFabric, formatFabricComparison } from '../../writers/fabric-table.js';
import { checkDistinctPaths, checkOutputPath, emit } from '../output.js';
import { createProgress, exitOnInterrupt } from '../progress.js';
import { parseRates, parseVaryAxes } from './saturation.js';

export interface FabricCommandOptions {
  rates?: string;
  workers?: number;
  vary: string[];
  set: string[];
  seed?: number;
  json?: boolean;
  output?: string;
}

/** `headroom fabric <scenario>`: the Fabric Pressure analysis, or a --vary comparison of it. */
export async function fabricCommand(file: string, options: FabricCommandOptions): Promise<void> {
  checkOutputPath(options.output);
  checkDistinctPaths([{ flag: '-o', path: options.output }], [file]);
  const rates = options.rates === undefined ? undefined : parseRates(options.rates);
  const axes = parseVaryAxes(options.vary);
  const configurations = axes.reduce((n, a) => n * a.values.length, 1);
  const progress = createProgress('fabric', (rates?.length ?? SWEEP_FACTORS.length) * configurations);
  exitOnInterrupt(() => progress.stop());
  const seedOption = options.seed !== undefined ? { seed: options.seed } : {};
  const common = { ...(rates !== undefined ? { rates } : {}), ...(options.workers !== undefined ? { workers: options.workers } : {}), onProgress: (done: number) => progress.update(done), file };
  try {
    if (axes.length > 0) {
      const comparison = await compareFabric(file, axes, { ...common, sets: options.set, ...seedOption });
      progress.stop();
      emit(comparison, () => formatFabricComparison(comparison), options);
      return;
    }
    const result = await analyzeFabric(loadScenario(file, { sets: options.set, ...seedOption }), common);
    progress.stop();
    emit(result, () => formatFabric(result), options);
  } finally {
    progress.stop();
  }
}
