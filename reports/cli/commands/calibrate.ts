import { CalibrateInputError, fitProfile, measureRun, type DeploymentFlags } from '../../../analyzers/calibration/calibrate-prometheus.js';
import { readVllmBench } from '../../../analyzers/calibration/vllm-bench-runs.js';
import { PromTextError } from '../../../engine/input/prometheus-text.js';
import { safeLine } from '../../../engine/input/terminal-text.js';
import { writeFileAtomically } from '../../write-file-atomically.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { checkDistinctPaths, checkOutputPath } from '../output.js';

export interface CalibrateCommandOptions extends DeploymentFlags {
  prometheus: string[];
  requests: string[];
  output: string;
}

/**
 * `headroom calibrate --prometheus scrape.prom ... -o profile.json`: fits a calibration profile
 * on the first measured run, checks it on the others, writes it and prints what it found.
 */
export function calibrateCommand(options: CalibrateCommandOptions): void {
  checkOutputPath(options.output);
  checkDistinctPaths([{ flag: '-o', path: options.output }], [...options.prometheus, ...options.requests]);
  if (options.prometheus.length + options.requests.length === 0) {
    throw new ExitError(EXIT.INVALID_INPUT, 'expected telemetry to calibrate from: give --prometheus <file> (vLLM /metrics scrapes) or --requests <file> (vLLM/SGLang benchmark results)');
  }
  let profile;
  try {
    const runs = [...options.prometheus.map((file) => measureRun(file, options)), ...options.requests.flatMap((file) => readVllmBench(file))];
    profile = fitProfile(runs, options);
  } catch (error) {
    if (error instanceof PromTextError || error instanceof CalibrateInputError) throw new ExitError(EXIT.INVALID_INPUT, error.message);
    throw error;
  }
  try {
    writeFileAtomically(options.output, `${JSON.stringify(profile, null, 2)}\n`);
  } catch (error) {
    throw new ExitError(EXIT.INVALID_INPUT, `-o ${options.output}: cannot write (${(error as Error).message})`);
  }
  const p = profile.parameters;
  const lines = [
    `calibration profile for ${profile.model} on ${profile.gpu} (TP${profile.tensorParallelSize}, ${profile.quantization})`,
    `  memory scale ${p.memoryScale.value.toFixed(3)} (${p.memoryScale.note})`,
    `  compute scale ${p.computeScale.value.toFixed(3)} (${p.computeScale.note})`,
    ...profile.fit.map((f) => `  fit: ${f.statistic}: measured ${f.measured.toPrecision(4)}, simulated ${f.simulated.toPrecision(4)} (${f.errorPercent >= 0 ? '+' : ''}${f.errorPercent.toFixed(1)}%)`),
    `  check: ${profile.check.errorPercent === null ? profile.check.note : `${profile.check.errorPercent.toFixed(1)}% (${profile.check.note})`}`,
    `wrote ${options.output}; use it with calibration: { profile: ${options.output} } in a scenario`,
  ];
  process.stdout.write(`${lines.map(safeLine).join('\n')}\n`);
}
