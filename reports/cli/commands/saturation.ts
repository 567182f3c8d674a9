import { analyzeSaturation, DEFAULT_REPLICATIONS } from '../../../analyzers/saturation/analyze-saturation.js';
import { compareConfigurations, parseVary, type VaryAxis } from '../../../analyzers/saturation/compare-configurations.js';
import { formatComparison, formatConcurrencySweep, formatSaturation } from '../../writers/saturation-table.js';
import { sweepConcurrency } from '../../../analyzers/saturation/concurrency-sweep.js';
import { safeLine } from '../../../engine/input/terminal-text.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { createProgress, exitOnInterrupt } from '../progress.js';
import { loadCommandScenario, oneScenarioSharding, runOneScenarioCommand, type Computed, type RunContext, type ShardableCommand } from './sharding.js';

export interface SaturationCommandOptions {
  rates?: string;
  replications?: number;
  precision?: number;
  workers?: number;
  vary: string[];
  targetRate?: number;
  concurrency?: string;
  set: string[];
  seed?: number;
  json?: boolean;
  output?: string;
  /** Run as shard i/N of the analysis (writes a partial result to -o). */
  shard?: string;
}

/** Parses `from:to:step` (inclusive) or a comma list `2,4,8` into ascending rates. */
export function parseRates(text: string): number[] {
  const bad = (why: string): never => {
    throw new ExitError(EXIT.INVALID_INPUT, `--rates ${text}: ${why}`);
  };
  let rates: number[];
  if (text.includes(':')) {
    const parts = text.split(':').map(Number);
    if (parts.length !== 3 || parts.some((x) => !Number.isFinite(x))) bad('expected from:to:step, e.g. 2:40:2');
    const [from, to, step] = parts as [number, number, number];
    if (!(from > 0 && to >= from && step > 0)) bad('expected 0 < from <= to and step > 0');
    const n = Math.floor((to - from) / step + 1e-9) + 1;
    if (n > 1000) bad(`expected at most 1000 rates, got ${n}`);
    rates = Array.from({ length: n }, (_, i) => Number((from + i * step).toPrecision(12)));
  } else {
    rates = text.split(',').map(Number);
    if (rates.some((r) => !(Number.isFinite(r) && r > 0))) bad('expected positive rates, e.g. 2,4,8 or 2:40:2');
  }
  return [...new Set(rates)].sort((a, b) => a - b);
}

/** Parses `--concurrency 1,2,4,8` into levels (whole clients, 1 to 65,536, at most 64 levels). */
export function parseLevels(text: string): number[] {
  const levels = text.split(',').map((x) => Number(x.trim()));
  if (levels.length > 64 || levels.some((n) => !(Number.isInteger(n) && n >= 1 && n <= 65_536))) {
    throw new ExitError(EXIT.INVALID_INPUT, `--concurrency ${text}: expected up to 64 whole numbers of clients from 1 to 65536, e.g. 1,2,4,8,16`);
  }
  return levels;
}

/** Configurations one --vary comparison may run (a full saturation analysis each; the report draws up to this many). */
const MAX_CONFIGURATIONS = 64;

/** The --vary axes as typed, each `key.path=v1,v2`, at most MAX_CONFIGURATIONS combinations; else exit 2 saying which. */
export function parseVaryAxes(vary: readonly string[]): VaryAxis[] {
  const axes = vary.map((v) => {
    const axis = parseVary(v);
    if (axis === null) throw new ExitError(EXIT.INVALID_INPUT, `--vary ${safeLine(v)}: expected key.path=value1,value2`);
    return axis;
  });
  const configurations = axes.reduce((n, a) => n * a.values.length, 1);
  if (configurations > MAX_CONFIGURATIONS) {
    throw new ExitError(
      EXIT.INVALID_INPUT,
      `--vary gives ${configurations} configurations (${axes.map((a) => a.values.length).join(' x ')}), at most ${MAX_CONFIGURATIONS}: narrow the values, or split the comparison`,
    );
  }
  return axes;
}

/** The analysis (or comparison, or concurrency sweep) and its text, on the context's runner. */
export async function computeSaturation(file: string, options: SaturationCommandOptions, context: RunContext = {}): Promise<Computed> {
  const rates = options.rates === undefined ? undefined : parseRates(options.rates);
  const axes = parseVaryAxes(options.vary);
  const seedOption = options.seed !== undefined ? { seed: options.seed } : {};
  const replications = options.replications ?? DEFAULT_REPLICATIONS;
  const estimate = (rates?.length ?? 14) * replications * Math.max(1, axes.reduce((n, a) => n * a.values.length, 1));
  const progress = createProgress('saturation', estimate);
  exitOnInterrupt(() => progress.stop());
  const common = {
    ...(rates !== undefined ? { rates } : {}),
    replications,
    ...(options.precision !== undefined ? { precision: options.precision } : {}),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.targetRate !== undefined ? { targetRate: options.targetRate } : {}),
    ...(context.runner !== undefined ? { runner: context.runner } : {}),
    onProgress: (done: number) => progress.update(done),
    file,
  };
  try {
    if (axes.length > 0) {
      const comparison = await compareConfigurations(file, axes, {
        ...common,
        sets: options.set,
        ...seedOption,
        ...(context.onlyConfiguration !== undefined ? { onlyConfiguration: context.onlyConfiguration } : {}),
      });
      return { result: comparison, human: () => formatComparison(comparison) };
    }
    const loaded = loadCommandScenario(file, options);
    if (options.concurrency !== undefined) {
      const levels = parseLevels(options.concurrency);
      const sweep = await sweepConcurrency(loaded, levels, common);
      return { result: sweep, human: () => formatConcurrencySweep(sweep) };
    }
    const result = await analyzeSaturation(loaded, common);
    return { result, human: () => formatSaturation(result) };
  } finally {
    progress.stop();
  }
}

/** How `saturation --shard` and `merge` drive it: a --vary comparison shards by configuration, an analysis by simulation. */
export const SATURATION_SHARDING: ShardableCommand = oneScenarioSharding(computeSaturation);

/** `headroom saturation <scenario>`: the Inference Saturation analysis, or a --vary comparison. */
export async function saturationCommand(file: string, options: SaturationCommandOptions): Promise<void> {
  await runOneScenarioCommand('saturation', file, options, computeSaturation);
}
