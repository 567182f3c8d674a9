import { createHash } from 'node:crypto';
import type { JobRunner } from '../run-points.js';
import type { RunSummary } from '../run-summary.js';
import type { SimulationJob } from '../simulation-job.js';

/**
 * Sharding a many-simulation analysis across processes (Kubernetes Indexed Job pods, CI matrix
 * jobs) without a scheduler: every analyzer asks its JobRunner for simulations in batches, so a
 * runner decides what a process simulates.
 *
 * - A unit of work is one simulation job; its identity is a hash of the job itself (the varied
 *   scenario, the replication's seed, the fabric mode, the failure seed), never of which shard runs
 *   it, so the seed a unit runs with cannot depend on the sharding.
 * - A shard (i of N) runs the analysis as one process would, but the first batch of two or more
 *   units is split: unit k of it is shard (k mod N)'s. The shard simulates its share, records every
 *   unit it simulated (single-unit batches before the split are run by every shard: a probe, a
 *   baseline) and stops (ShardStop): what comes after depends on the units the other shards hold.
 * - With `record` instead (a --vary comparison whose configurations are the units), nothing is
 *   split: the shard runs whole analyses and records them.
 * - The merge replays the analysis with every recorded unit known (replay below): it asks for the
 *   same jobs in the same order and gets the same summaries, so its result is the unsharded run's,
 *   byte for byte. What the analysis asks for beyond them (a search's next rates, refined around
 *   the merged results) the merge simulates itself and counts.
 */

/** Shard `index` (1-based) of `count`. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** Thrown out of an analysis once its shard has simulated its share of the split batch. */
export class ShardStop extends Error {
  constructor() {
    super('this shard has simulated its share');
    this.name = 'ShardStop';
  }
}

/** A job's identity: sha256 of its canonical JSON (the scenario echo is built the same way every run). */
export function unitId(job: SimulationJob): string {
  return createHash('sha256').update(JSON.stringify(job)).digest('hex');
}

/** The split batch of a shard's round: every unit's id in batch order (unit k belongs to shard k mod N + 1). */
export interface SplitBatch {
  ids: string[];
}

export interface RecordingRunner extends JobRunner {
  /** Every unit this process simulated, by id, in the order simulated. */
  readonly recorded: Map<string, RunSummary>;
  /** The batch this shard split (null: none was, the analysis ran to its end). */
  readonly split: SplitBatch | null;
}

/** The runner of shard `shard`: splits the first batch of two or more units (see above), or only records. */
export function createShardRunner(inner: JobRunner, shard: ShardSpec, mode: 'split' | 'record' = 'split'): RecordingRunner {
  const recorded = new Map<string, RunSummary>();
  let split: SplitBatch | null = null;
  const simulate = async (jobs: readonly SimulationJob[], ids: readonly string[]): Promise<RunSummary[]> => {
    const runs = await inner.run(jobs);
    runs.forEach((r, k) => recorded.set(ids[k]!, r));
    return runs;
  };
  return {
    recorded,
    get split() {
      return split;
    },
    async run(jobs) {
      const ids = jobs.map(unitId);
      if (mode === 'record' || jobs.length < 2) return simulate(jobs, ids);
      const mine = jobs.flatMap((_job, k) => (k % shard.count === shard.index - 1 ? [k] : []));
      await simulate(
        mine.map((k) => jobs[k]!),
        mine.map((k) => ids[k]!),
      );
      split = { ids };
      throw new ShardStop();
    },
    get completed() {
      return inner.completed;
    },
    close: () => inner.close(),
  };
}

export interface ReplayRunner extends JobRunner {
  /** Units the replay had to simulate itself (the analysis asked past what the shards recorded). */
  readonly simulatedHere: number;
  /** Recorded units the replay used. */
  readonly replayed: number;
}

/** Serves recorded units; simulates (on `inner`) only what no shard recorded. */
export function createReplayRunner(inner: JobRunner, known: ReadonlyMap<string, RunSummary>): ReplayRunner {
  let simulatedHere = 0;
  let replayed = 0;
  return {
    async run(jobs) {
      const ids = jobs.map(unitId);
      const missing = jobs.flatMap((_job, k) => (known.has(ids[k]!) ? [] : [k]));
      const fresh = missing.length === 0 ? [] : await inner.run(missing.map((k) => jobs[k]!));
      simulatedHere += fresh.length;
      replayed += jobs.length - missing.length;
      const byIndex = new Map(missing.map((k, j) => [k, fresh[j]!]));
      return jobs.map((_, k) => byIndex.get(k) ?? known.get(ids[k]!)!);
    },
    get completed() {
      return inner.completed;
    },
    get simulatedHere() {
      return simulatedHere;
    },
    get replayed() {
      return replayed;
    },
    close: () => inner.close(),
  };
}

/**
 * A summary as JSON that reads back exactly: numbers JSON cannot hold (Infinity, NaN, -0) are
 * written as { "$number": "Infinity" }, and every other number as its shortest round-trip form.
 */
export function encodeSummary(summary: RunSummary): unknown {
  return JSON.parse(
    JSON.stringify(summary, (_key, value: unknown) =>
      typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0)) ? { $number: Object.is(value, -0) ? '-0' : String(value) } : value,
    ),
  );
}

export function decodeSummary(value: unknown): RunSummary {
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === '$number' && typeof o.$number === 'string') return o.$number === '-0' ? -0 : Number(o.$number);
      return Object.fromEntries(keys.map((k) => [k, revive(o[k])]));
    }
    return v;
  };
  return revive(value) as RunSummary;
}
