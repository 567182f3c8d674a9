import { createJobRunner } from '../../../analyzers/run-points.js';
import { buildPartial, MergeInputError, planMerge, readPartial, scenarioHash, type PartialResult, type ShardedCommand } from '../../../analyzers/shard/partial-result.js';
import { createReplayRunner, createShardRunner, ShardStop } from '../../../analyzers/shard/shard-runner.js';
import { safeLine } from '../../../engine/input/terminal-text.js';
import { toJson } from '../../writers/json.js';
import { writeFileAtomically } from '../../write-file-atomically.js';
import { EXIT, ExitError } from '../exit-codes.js';
import { checkDistinctPaths, checkOutputPath, emit } from '../output.js';
import { packageVersion } from '../program.js';
import { parseShard, replayedOptions, shardableCommand, type RunContext } from './sharding.js';

interface ShardFlags {
  shard: string;
  output?: string;
  json?: boolean;
  workers?: number;
}

/**
 * `<command> ... --shard i/N -o part.json`: runs this shard's share of the command's simulations
 * and writes a partial result (atomically: a shard that dies leaves none). Exit 0 whatever a check
 * would conclude: the verdict is the merge's.
 */
export async function runAsShard(name: ShardedCommand, files: string[], options: ShardFlags & Record<string, unknown>): Promise<void> {
  const shard = parseShard(options.shard);
  if (options.output === undefined) throw new ExitError(EXIT.INVALID_INPUT, `--shard ${options.shard}: expected -o <partial.json> (a shard writes a partial result for headroom merge)`);
  if (options.json) throw new ExitError(EXIT.INVALID_INPUT, '--shard with --json: a shard writes its partial result to -o; the merge prints the result');
  checkOutputPath(options.output);
  checkDistinctPaths([{ flag: '-o', path: options.output }], files);
  const command = await shardableCommand(name);
  const replayed = replayedOptions(options);
  const hash = scenarioHash(command.scenarios(files, replayed));
  const started = performance.now();
  const inner = createJobRunner(options.workers !== undefined ? { workers: options.workers } : {});
  const mode = command.mode(replayed);
  const runner = createShardRunner(inner, shard, mode);
  const items: number[] = [];
  let total = 0;
  const context: RunContext = {
    runner,
    ...(mode === 'record'
      ? {
          onlyConfiguration: (k: number) => {
            total = Math.max(total, k + 1);
            const mine = k % shard.count === shard.index - 1;
            if (mine) items.push(k);
            return mine;
          },
        }
      : {}),
  };
  try {
    await command.compute(files, replayed, context);
  } catch (error) {
    if (!(error instanceof ShardStop)) throw error;
  } finally {
    await inner.close();
  }
  const covers: PartialResult['covers'] =
    mode === 'record' ? { what: 'configurations', total, items } : runner.split !== null ? { what: 'simulations', batch: runner.split.ids } : { what: 'none' };
  const wallSeconds = (performance.now() - started) / 1000;
  const partial = buildPartial({ name, files, options: replayed }, hash, packageVersion(), shard, covers, runner.recorded, wallSeconds, runner.completed);
  writeFileAtomically(options.output, toJson(partial));
  const what =
    covers.what === 'configurations'
      ? `configurations ${items.map((k) => k + 1).join(', ') || 'none'} of ${total}`
      : covers.what === 'simulations'
        ? `${Math.ceil((covers.batch.length - shard.index + 1) / shard.count)} of the ${covers.batch.length} simulations split`
        : 'the whole analysis (nothing to split)';
  process.stdout.write(`shard ${shard.index}/${shard.count} of ${name}: ${what}; ${partial.run.simulations} simulations in ${wallSeconds.toFixed(2)} s; wrote ${safeLine(options.output)}\n`);
}

export interface MergeOptions {
  output?: string;
  json?: boolean;
  workers?: number;
}

/**
 * `headroom merge <partials...> -o result.json`: checks the partials are one whole sharded run,
 * replays the command over the units they hold (simulating only what the analysis asks for beyond
 * them: a search's refinement around the merged results) and writes the command's result, the one
 * an unsharded run writes, byte for byte. Exit 2 on a set that does not add up; a check's exit code
 * otherwise (1 when a threshold fails).
 */
export async function mergeCommand(files: string[], options: MergeOptions): Promise<void> {
  checkOutputPath(options.output);
  checkDistinctPaths([{ flag: '-o', path: options.output }], files);
  let plan;
  try {
    plan = planMerge(files.map((file) => ({ file, partial: readPartial(file) })));
  } catch (error) {
    if (error instanceof MergeInputError) throw new ExitError(EXIT.INVALID_INPUT, error.message);
    throw error;
  }
  if (plan.headroom !== packageVersion()) {
    throw new ExitError(EXIT.INVALID_INPUT, `the partials were written by Headroom ${plan.headroom}; this is ${packageVersion()}: merge with the version that ran the shards`);
  }
  const { name, files: scenarioFiles, options: replayed } = plan.command;
  const command = await shardableCommand(name);
  if (scenarioHash(command.scenarios(scenarioFiles, replayed)) !== plan.scenarioHash) {
    throw new ExitError(EXIT.INVALID_INPUT, `${scenarioFiles.join(', ')}: the scenario (or a file it reads) changed since the shards ran: its hash differs from the partials'`);
  }
  const inner = createJobRunner(options.workers !== undefined ? { workers: options.workers } : {});
  const replay = createReplayRunner(inner, plan.known);
  let computed;
  try {
    computed = await command.compute(scenarioFiles, replayed, { runner: replay });
  } finally {
    await inner.close();
  }
  const slowest = Math.max(...plan.shardRuns.map((s) => s.wallSeconds));
  process.stderr.write(
    `merged ${files.length} partial${files.length > 1 ? 's' : ''} of ${plan.shards} shard${plan.shards > 1 ? 's' : ''} (${name}): ${replay.replayed} simulations from the shards (slowest shard ${slowest.toFixed(2)} s), ` +
      `${replay.simulatedHere} simulated here${replay.simulatedHere > 0 ? ' (what the analysis asked for after the merged results: a search refined around them)' : ''}\n`,
  );
  emit(computed.result, computed.human, options);
  if (computed.exitCode !== undefined) process.exitCode = computed.exitCode;
}
