import { describe, expect, it } from 'vitest';
import type { JobRunner } from '../../analyzers/run-points.js';
import type { RunSummary } from '../../analyzers/run-summary.js';
import { createReplayRunner, createShardRunner, decodeSummary, encodeSummary, ShardStop, unitId } from '../../analyzers/shard/shard-runner.js';
import type { SimulationJob } from '../../analyzers/simulation-job.js';
import { tinyScenario } from '../helpers/tiny-scenario.js';

/** A runner that "simulates" a job as its seed, and counts. */
function fakeRunner(): JobRunner & { ran: number[] } {
  const ran: number[] = [];
  return {
    ran,
    async run(jobs) {
      for (const j of jobs) ran.push(j.seed);
      return jobs.map((j) => ({ seed: j.seed }) as unknown as RunSummary);
    },
    get completed() {
      return ran.length;
    },
    async close() {},
  };
}

const scenario = tinyScenario();
const job = (seed: number): SimulationJob => ({ scenario, seed });

describe('shard runners', () => {
  it('a unit is named by what it runs: the same job anywhere has one id, another seed another', () => {
    expect(unitId(job(1))).toBe(unitId({ scenario: tinyScenario(), seed: 1 }));
    expect(unitId(job(1))).not.toBe(unitId(job(2)));
    expect(unitId(job(1))).not.toBe(unitId({ ...job(1), failureSeed: 7 }));
  });

  it('a shard runs single-unit batches whole, then its share (k mod N) of the first larger batch, and stops', async () => {
    const inner = fakeRunner();
    const shard = createShardRunner(inner, { index: 2, count: 3 });
    expect(await shard.run([job(100)])).toEqual([{ seed: 100 }]);
    await expect(shard.run([0, 1, 2, 3, 4, 5, 6].map(job))).rejects.toBeInstanceOf(ShardStop);
    expect(inner.ran).toEqual([100, 1, 4]);
    expect(shard.split!.ids).toEqual([0, 1, 2, 3, 4, 5, 6].map((s) => unitId(job(s))));
    expect([...shard.recorded.keys()]).toEqual([100, 1, 4].map((s) => unitId(job(s))));
  });

  it('in record mode nothing is split: every batch runs and is recorded', async () => {
    const inner = fakeRunner();
    const shard = createShardRunner(inner, { index: 1, count: 4 }, 'record');
    await shard.run([1, 2, 3].map(job));
    expect(inner.ran).toEqual([1, 2, 3]);
    expect(shard.split).toBeNull();
  });

  it('a replay serves recorded units in order and simulates only the others', async () => {
    const known = new Map([2, 4].map((s) => [unitId(job(s)), { seed: -s } as unknown as RunSummary]));
    const inner = fakeRunner();
    const replay = createReplayRunner(inner, known);
    expect(await replay.run([1, 2, 3, 4].map(job))).toEqual([{ seed: 1 }, { seed: -2 }, { seed: 3 }, { seed: -4 }]);
    expect(inner.ran).toEqual([1, 3]);
    expect([replay.replayed, replay.simulatedHere]).toEqual([2, 2]);
  });

  it('summaries round-trip through JSON exactly, Infinity, NaN and -0 included', () => {
    const summary = { a: Infinity, b: -Infinity, c: NaN, d: -0, e: 0.1 + 0.2, f: [1e-300, { g: Infinity }], h: null, i: 'x' } as unknown as RunSummary;
    const back = decodeSummary(JSON.parse(JSON.stringify(encodeSummary(summary)))) as unknown as Record<string, unknown>;
    expect(back).toEqual(summary);
    expect(Object.is(back.d, -0)).toBe(true);
    expect(back.e).toBe(0.30000000000000004);
  });
});
