import type { JobRunner } from '../../../analyzers/run-points.js';
import type { Scenario } from '../../../engine/scenario/scenario-types.js';
import type { ShardedCommand } from '../../../analyzers/shard/partial-result.js';
import { loadScenario, type LoadedScenario } from '../../../engine/scenario/load-scenario.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { checkDistinctPaths, checkOutputPath, emit, type OutputOptions } from '../output.js';

/**
 * How a many-simulation command runs: on its own runner (a plain run), as one shard of N
 * (`--shard i/N`), or replayed from the shards' partials (`headroom merge`). Each sharded command
 * splits itself into a compute step, which takes this context and returns its result, and the
 * output step every mode shares.
 */
export interface RunContext {
  /** The runner every analysis of the command shares (the caller closes it); default: their own. */
  runner?: JobRunner;
  /** --vary comparisons: whether this process analyses feasible configuration k (a shard takes its own). */
  onlyConfiguration?: (k: number) => boolean;
}

/** What a command computed: its result JSON, its terminal text, and its exit code when not 0. */
export interface Computed {
  result: unknown;
  human: () => string;
  exitCode?: number;
}

/** A sharded command as the shard and merge machinery drive it. */
export interface ShardableCommand {
  /** The scenarios it runs, loaded as it loads them (their hash ties partials to them). */
  scenarios(files: string[], options: Record<string, unknown>): Scenario[];
  /** 'record' when its units are --vary configurations (each shard analyses whole ones); 'split' otherwise. */
  mode(options: Record<string, unknown>): 'split' | 'record';
  compute(files: string[], options: Record<string, unknown>, context: RunContext): Promise<Computed>;
}

/** The sharded commands, each loaded only when used. */
export async function shardableCommand(name: ShardedCommand): Promise<ShardableCommand> {
  switch (name) {
    case 'saturation':
      return (await import('./saturation.js')).SATURATION_SHARDING;
    case 'survive':
      return (await import('./survive.js')).SURVIVE_SHARDING;
    case 'fabric':
      return (await import('./fabric.js')).FABRIC_SHARDING;
    case 'check':
      return (await import('./check.js')).CHECK_SHARDING;
  }
}

/** Parses `--shard i/N` (1 <= i <= N <= 10000). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m === null ? NaN : Number(m[1]);
  const count = m === null ? NaN : Number(m[2]);
  if (!(Number.isInteger(index) && Number.isInteger(count) && count >= 1 && count <= 10_000 && index >= 1 && index <= count)) {
    throw new ExitError(EXIT.INVALID_INPUT, `--shard ${text}: expected i/N with 1 <= i <= N <= 10000 (e.g. 2/4; a Kubernetes index is 0-based: use $((JOB_COMPLETION_INDEX + 1))/N)`);
  }
  return { index, count };
}

/** Option keys that change where output goes or how fast, never what is computed: left out of a partial's command. */
const NOT_REPLAYED = new Set(['shard', 'output', 'json', 'workers', 'junit', 'summary']);

export function replayedOptions(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([k, v]) => !NOT_REPLAYED.has(k) && v !== undefined));
}

/** The scenario a one-file command runs, loaded with its --set and --seed. */
export function loadCommandScenario(file: string, options: { set?: string[]; seed?: number }): LoadedScenario {
  return loadScenario(file, { sets: options.set ?? [], ...(options.seed !== undefined ? { seed: options.seed } : {}) });
}

/**
 * A one-scenario analysis command as the sharding drives it: its scenario loaded as the command
 * loads it, 'record' for a --vary comparison (configurations are the units), 'split' otherwise.
 */
export function oneScenarioSharding<O extends { set?: string[]; seed?: number; vary?: string[] }>(compute: (file: string, options: O, context: RunContext) => Promise<Computed>): ShardableCommand {
  return {
    scenarios: ([file], options) => [loadCommandScenario(file!, options as O).scenario],
    mode: (options) => (((options as O).vary ?? []).length > 0 ? 'record' : 'split'),
    compute: ([file], options, context) => compute(file!, options as O, context),
  };
}

/** Runs a one-scenario command: as a shard with --shard (a partial to -o), else whole, its result emitted. */
export async function runOneScenarioCommand<O extends OutputOptions & { shard?: string; workers?: number }>(
  name: ShardedCommand,
  file: string,
  options: O,
  compute: (file: string, options: O, context: RunContext) => Promise<Computed>,
): Promise<void> {
  checkOutputPath(options.output);
  checkDistinctPaths([{ flag: '-o', path: options.output }], [file]);
  if (options.shard !== undefined) {
    const { runAsShard } = await import('./shard-run.js');
    await runAsShard(name, [file], { ...(options as Record<string, unknown>), shard: options.shard });
    return;
  }
  const computed = await compute(file, options, {});
  emit(computed.result, computed.human, options);
}
