import { loadScenario } from '../../../engine/scenario/load-scenario.js';
import { simulate } from '../../../engine/simulate.js';
import { formatSimulationSummary } from '../../writers/terminal-table.js';
import { checkDistinctPaths, checkOutputPath, emit } from '../output.js';

export interface SimulateCommandOptions {
  set: string[];
  seed?: number;
  json?: boolean;
  output?: string;
}

/** `headroom simulate <scenario>`: one seeded run, summarized or as JSON. */
export function simulateCommand(file: string, options: SimulateCommandOptions): void {
  checkOutputPath(options.output);
  checkDistinctPaths([{ flag: '-o', path: options.output }], [file]);
  const started = performance.now();
  const { scenario, data } = loadScenario(file, { sets: options.set, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  const result = simulate(scenario, data);
  const wall = (performance.now() - started) / 1000;
  emit(result, () => `${formatSimulationSummary(result)}  wall time ${wall.toFixed(2)} s\n`, options);
}
