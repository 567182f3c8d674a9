import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import secureJsonParse from 'secure-json-parse';
import * as z from 'zod';
import { BoundedFileError, readBoundedText } from '../../engine/input/bounded-file.js';
import type { Scenario } from '../../engine/scenario/scenario-types.js';
import type { RunSummary } from '../run-summary.js';
import { decodeSummary, encodeSummary, type ShardSpec } from './shard-runner.js';

/**
 * What one shard writes (`--shard i/N -o part.json`) and `headroom merge` reads: the command it
 * ran (to replay), what it covered, and every simulation it ran, each under its unit id. Versioned;
 * a merge refuses partials of other versions, scenarios, commands or shard counts, and sets with a
 * shard missing or two different files for one shard.
 */

export const PARTIAL_RESULT_VERSION = 1;

/** Commands that run many simulations and take --shard. */
export const SHARDED_COMMANDS = ['saturation', 'survive', 'fabric', 'check'] as const;
export type ShardedCommand = (typeof SHARDED_COMMANDS)[number];

export interface PartialResult {
  kind: 'partial';
  version: number;
  /** The Headroom version that wrote it. */
  headroom: string;
  /** What to replay: the command, its scenario files (as given) and its options (no output, shard or worker flags). */
  command: { name: ShardedCommand; files: string[]; options: Record<string, unknown> };
  /** sha256 of the scenarios as loaded (keys normalized, --set and --seed applied) and of the files they read. */
  scenarioHash: string;
  shard: ShardSpec;
  /**
   * What the sharding split: the ids of the batch whose unit k is shard (k mod N + 1)'s
   * (`simulations`), or the --vary configurations k with k mod N + 1 = this shard (`configurations`,
   * of `total`); `none` when nothing was split (every shard ran the whole analysis).
   */
  covers: { what: 'simulations'; batch: string[] } | { what: 'configurations'; total: number; items: number[] } | { what: 'none' };
  /** Every distinct simulation this shard ran (one unit once, whichever analysis asked for it), in the order run. */
  units: { id: string; summary: unknown }[];
  /** Wall time of the shard and the simulations it ran (a unit asked for twice counts twice). */
  run: { wallSeconds: number; simulations: number };
}

const partialSchema = z.object({
  kind: z.literal('partial'),
  version: z.number(),
  headroom: z.string().max(100),
  command: z.object({ name: z.enum(SHARDED_COMMANDS), files: z.array(z.string().max(4096)).min(1).max(1000), options: z.record(z.string(), z.unknown()) }),
  scenarioHash: z.string().regex(/^[0-9a-f]{64}$/),
  shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1).max(10_000) }),
  covers: z.union([
    z.object({ what: z.literal('simulations'), batch: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(1_000_000) }),
    z.object({ what: z.literal('configurations'), total: z.number().int().min(0), items: z.array(z.number().int().min(0)) }),
    z.object({ what: z.literal('none') }),
  ]),
  units: z.array(z.object({ id: z.string().regex(/^[0-9a-f]{64}$/), summary: z.record(z.string(), z.unknown()) })).max(1_000_000),
  run: z.object({ wallSeconds: z.number().min(0), simulations: z.number().int().min(0) }),
});

/** A partial that cannot be merged (its file, and why), or a set that does not add up. Exit 2. */
export class MergeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeInputError';
  }
}

/** Partials can be large (a summary per simulation): 512 MB at most. */
const MAX_PARTIAL_BYTES = 512 * 2 ** 20;

/** Reads and checks one partial file. */
export function readPartial(file: string): PartialResult {
  let text: string;
  try {
    text = readBoundedText(file, { what: 'a partial result', maxBytes: MAX_PARTIAL_BYTES });
  } catch (error) {
    if (error instanceof BoundedFileError) throw new MergeInputError(`${file}: ${error.message}`);
    throw error;
  }
  let value: unknown;
  try {
    value = secureJsonParse.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    throw new MergeInputError(`${file}: not JSON (${(error as Error).message})`);
  }
  if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind !== 'partial') {
    const kind = (value as { kind?: unknown }).kind;
    throw new MergeInputError(`${file}: expected a partial result (written by a command run with --shard i/N), got ${typeof kind === 'string' ? `a "${kind}" result` : 'something else'}`);
  }
  const parsed = partialSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MergeInputError(`${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const p = parsed.data as PartialResult;
  if (p.version !== PARTIAL_RESULT_VERSION) throw new MergeInputError(`${file}: partial format version ${p.version}; this Headroom reads version ${PARTIAL_RESULT_VERSION}`);
  if (p.shard.index > p.shard.count) throw new MergeInputError(`${file}: shard ${p.shard.index}/${p.shard.count}: expected an index from 1 to ${p.shard.count}`);
  return p;
}

/** The files a scenario reads besides itself (their bytes are part of its hash). */
function referencedFiles(s: Scenario): string[] {
  const w = s.workload;
  return [
    ...(w.arrival.process === 'trace' ? [w.arrival.file] : []),
    ...(w.inputTokens.dist === 'empirical' ? [w.inputTokens.file] : []),
    ...(w.outputTokens.dist === 'empirical' ? [w.outputTokens.file] : []),
    ...(s.calibration !== null ? [s.calibration.profileFile] : []),
  ];
}

/** sha256 over the loaded scenarios and the bytes of every file they read: a changed input is a different run. */
export function scenarioHash(scenarios: readonly Scenario[]): string {
  const hash = createHash('sha256');
  for (const s of scenarios) {
    hash.update(JSON.stringify(s));
    for (const file of referencedFiles(s)) hash.update(createHash('sha256').update(readFileSync(file)).digest('hex'));
  }
  return hash.digest('hex');
}

export function buildPartial(
  command: PartialResult['command'],
  hash: string,
  headroom: string,
  shard: ShardSpec,
  covers: PartialResult['covers'],
  recorded: ReadonlyMap<string, RunSummary>,
  wallSeconds: number,
  simulations: number,
): PartialResult {
  return {
    kind: 'partial',
    version: PARTIAL_RESULT_VERSION,
    headroom,
    command,
    scenarioHash: hash,
    shard,
    covers,
    units: [...recorded].map(([id, summary]) => ({ id, summary: encodeSummary(summary) })),
    run: { wallSeconds, simulations },
  };
}

/** What a merge replays: the command, every unit the shards ran, and what it says about them. */
export interface MergePlan {
  command: PartialResult['command'];
  scenarioHash: string;
  headroom: string;
  shards: number;
  known: Map<string, RunSummary>;
  /** Shards' wall times and simulation counts, in shard order (a rerun index counted once). */
  shardRuns: { index: number; wallSeconds: number; simulations: number; files: string[] }[];
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Checks that `partials` are one sharded run, whole: one version, command, scenario hash and
 * shard count; every shard from 1 to N present (a shard run twice, as a rerun index is, must have
 * run the same units to the same summaries); everything the sharding split covered. Pure.
 */
export function planMerge(partials: readonly { file: string; partial: PartialResult }[]): MergePlan {
  if (partials.length === 0) throw new MergeInputError('expected at least one partial result, got none');
  const [first, ...rest] = partials;
  const f = first!.partial;
  for (const { file, partial: p } of rest) {
    const differs = (what: string, a: unknown, b: unknown) => {
      throw new MergeInputError(`${file}: ${what} ${JSON.stringify(b)} differs from ${first!.file}'s ${JSON.stringify(a)}: these partials are not one sharded run`);
    };
    if (p.headroom !== f.headroom) differs('written by Headroom', f.headroom, p.headroom);
    if (p.command.name !== f.command.name) differs('command', f.command.name, p.command.name);
    if (!sameJson(p.command.files, f.command.files)) differs('scenario files', f.command.files, p.command.files);
    if (!sameJson(p.command.options, f.command.options)) differs('options', f.command.options, p.command.options);
    if (p.scenarioHash !== f.scenarioHash) differs('scenario hash', f.scenarioHash, p.scenarioHash);
    if (p.shard.count !== f.shard.count) differs('shard count', f.shard.count, p.shard.count);
    if (p.covers.what !== f.covers.what || (p.covers.what === 'simulations' && !sameJson(p.covers.batch, (f.covers as { batch: string[] }).batch))) {
      differs('split', f.covers.what, p.covers.what);
    }
  }
  const count = f.shard.count;
  const byIndex = new Map<number, { file: string; partial: PartialResult }[]>();
  for (const entry of partials) byIndex.set(entry.partial.shard.index, [...(byIndex.get(entry.partial.shard.index) ?? []), entry]);
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new MergeInputError(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} of ${count}: run ${missing.length > 1 ? 'them' : 'it'} (--shard ${missing[0]}/${count}) and merge again`);
  }
  const known = new Map<string, RunSummary>();
  const raw = new Map<string, { file: string; summary: unknown }>();
  const shardRuns: MergePlan['shardRuns'] = [];
  for (let index = 1; index <= count; index++) {
    const group = byIndex.get(index)!;
    for (const other of group.slice(1)) {
      if (!sameJson(other.partial.units, group[0]!.partial.units)) {
        throw new MergeInputError(`${other.file} and ${group[0]!.file} are both shard ${index}/${count} but ran different simulations: keep the one from the run you trust`);
      }
    }
    const p = group[0]!.partial;
    shardRuns.push({ index, wallSeconds: p.run.wallSeconds, simulations: p.run.simulations, files: group.map((g) => g.file) });
    for (const unit of p.units) {
      const seen = raw.get(unit.id);
      if (seen !== undefined && !sameJson(seen.summary, unit.summary)) {
        throw new MergeInputError(`${group[0]!.file}: simulation ${unit.id.slice(0, 12)} differs from the same one in ${seen.file}: the shards did not run the same inputs`);
      }
      if (seen === undefined) {
        raw.set(unit.id, { file: group[0]!.file, summary: unit.summary });
        known.set(unit.id, decodeSummary(unit.summary));
      }
    }
  }
  if (f.covers.what === 'simulations') {
    const absent = f.covers.batch.flatMap((id, k) => (known.has(id) ? [] : [(k % count) + 1]));
    if (absent.length > 0) {
      const shards = [...new Set(absent)];
      throw new MergeInputError(`${absent.length} of the ${f.covers.batch.length} split simulations are in no partial (shard${shards.length > 1 ? 's' : ''} ${shards.map((i) => `${i}/${count}`).join(', ')}): run ${shards.length > 1 ? 'them' : 'it'} again`);
    }
  } else if (f.covers.what === 'configurations') {
    const total = f.covers.total;
    const covered = new Set(partials.flatMap((p) => (p.partial.covers as { items: number[] }).items));
    const absent = Array.from({ length: total }, (_, k) => k).filter((k) => !covered.has(k));
    if (absent.length > 0) throw new MergeInputError(`configurations ${absent.map((k) => k + 1).join(', ')} of ${total} are in no partial (shards ${[...new Set(absent.map((k) => (k % count) + 1))].join(', ')}): run them again`);
  }
  return { command: f.command, scenarioHash: f.scenarioHash, headroom: f.headroom, shards: count, known, shardRuns };
}
