import { describe, expect, it } from 'vitest';
import { sweepConcurrency } from '../../../analyzers/saturation/concurrency-sweep.js';
import { NO_WORKLOAD_DATA } from '../../../engine/workload/workload-data.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

describe('closed-loop concurrency sweep (--concurrency)', () => {
  it('one level per client count, throughput rising with concurrency, and Little\'s law N = X x R at each level (within 5%)', async () => {
    const scenario = tinyScenario({
      stop: { requests: 3000 },
      // Engine time only: Little's law holds for what the clients cycle through.
      serving: { frontendOverhead: { perRequest: 0 } },
      workload: { inputTokens: { dist: 'fixed', value: 300 }, outputTokens: { dist: 'fixed', value: 100 } },
    });
    const r = await sweepConcurrency({ scenario, data: NO_WORKLOAD_DATA }, [16, 1, 4], { workers: 1, replications: 1 });
    expect(r.kind).toBe('concurrency-sweep');
    expect(r.levels.map((l) => l.concurrency)).toEqual([1, 4, 16]);
    const x = r.levels.map((l) => l.throughput.requestsPerSecond.mean);
    expect(x[1]!).toBeGreaterThan(x[0]!);
    expect(x[2]!).toBeGreaterThan(x[1]!);
    for (const level of r.levels) {
      const littles = level.throughput.requestsPerSecond.mean * level.latency.e2e.mean!;
      expect(Math.abs(littles / level.concurrency - 1)).toBeLessThan(0.05);
    }
  });
});
