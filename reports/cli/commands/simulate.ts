import { loadScenario } from '../../../engine/scenario/load-scenario.js';
import { simulate, simulateWithVllmMetrics } from '../../../engine/simulate.js';
import { formatPrometheus } from '../../writers/prometheus.js';
import { formatSimulationSummary } from '../../writers/terminal-table.js';
import { writeFileAtomically } from '../../write-file-atomically.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { checkDistinctPaths, checkOutputPath, emit } from '../output.js';

export interface SimulateCommandOptions {
  set: string[];
  seed?: number;
  json?: boolean;
  output?: string;
  metrics?: string;
}

/** `headroom simulate <scenario>`: one seeded run, summarized or as JSON. */
export function simulateCommand(file: string, options: SimulateCommandOptions): void {
  checkOutputPath(options.output);
  checkOutputPath(options.metrics, '--metrics');
  checkDistinctPaths(
    [
      { flag: '-o', path: options.output },
      { flag: '--metrics', path: options.metrics },
    ],
    [file],
  );
  const started = performance.now();
  const { scenario, data } = loadScenario(file, { sets: options.set, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  const { result, metrics } = options.metrics === undefined ? { result: simulate(scenario, data), metrics: null } : simulateWithVllmMetrics(scenario, data);
  const wall = (performance.now() - started) / 1000;
  if (options.metrics !== undefined && metrics !== null) {
    try {
      writeFileAtomically(options.metrics, formatPrometheus(metrics));
    } catch (error) {
      throw new ExitError(EXIT.INVALID_INPUT, `--metrics ${options.metrics}: cannot write (${(error as Error).message})`);
    }
  }
  emit(result, () => `${formatSimulationSummary(result)}  wall time ${wall.toFixed(2)} s\n`, options);
}
