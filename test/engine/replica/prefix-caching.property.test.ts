import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../engine/simulate.js';
import type { Replica } from '../../../engine/replica/replica.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

/**
 * Block conservation with prefix caching, after every step of every replica: blocks in use are
 * exactly the held cache entries' plus each running request's own; evictable blocks are exactly
 * the unheld entries'; the two together never exceed the cache; no refcount goes negative.
 */
function audit(replica: Replica): void {
  const cache = replica.prefixCache!;
  const totals = cache.totals();
  expect(totals.minRefs).toBeGreaterThanOrEqual(0);
  expect(replica.kv.evictable).toBe(totals.evictableBlocks);
  expect(replica.kv.used + replica.kv.evictable).toBeLessThanOrEqual(replica.kv.capacity);
  let own = 0;
  for (let seq = replica.running.head; seq !== null; seq = seq.next) {
    const total = seq.phase === 'decode' ? replica.decoding.blocksOf(seq) : seq.blocks;
    expect(seq.sharedBlocks).toBeLessThanOrEqual(total);
    own += total - seq.sharedBlocks;
  }
  expect(replica.kv.used).toBe(totals.heldBlocks + own);
}

describe('prefix caching keeps every KV block accounted for', () => {
  it('under shared prefixes, conversations, preemption and every router (fast-check)', () => {
    const seen = { hitTokens: 0, preempted: 0, evicted: 0 };
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 0, max: 1000 }),
          groups: fc.integer({ min: 1, max: 4 }),
          prefixTokens: fc.integer({ min: 1, max: 3000 }),
          share: fc.double({ min: 0, max: 1, noNaN: true }),
          turns: fc.integer({ min: 1, max: 5 }),
          router: fc.constantFrom('round-robin', 'least-outstanding', 'kv-aware', 'prefix-hash', 'session-affinity'),
          chunked: fc.boolean(),
          rate: fc.double({ min: 2, max: 40, noNaN: true }),
        }),
        (p) => {
          const scenario = tinyScenario({
            seed: p.seed,
            stop: { requests: 150 },
            cluster: { gpusPerNode: 2 },
            // A small KV cache (about 36k tokens each): eviction and preemption both happen.
            serving: { replicas: 2, router: p.router, enableChunkedPrefill: p.chunked, gpuMemoryUtilization: 0.28, maxNumBatchedTokens: 8192, maxModelLen: 8192 },
            workload: {
              arrival: { process: 'poisson', rate: p.rate },
              inputTokens: { dist: 'uniform', min: 16, max: 1500 },
              outputTokens: { dist: 'uniform', min: 1, max: 400 },
              // Without a prefix or conversations, a preempted request's own cached blocks are all there is.
              ...(p.share > 0.15 ? { prefix: { groups: p.groups, tokens: p.prefixTokens, share: p.share } } : {}),
              ...(p.turns > 1 ? { sessions: { turns: p.turns, thinkTime: '2s' } } : {}),
            },
          });
          const result = simulate(scenario, undefined, { afterStep: audit });
          expect(result.requests.completed + result.requests.dropped).toBe(result.requests.arrived);
          seen.hitTokens += result.prefixCache?.prefillTokensSaved ?? 0;
          seen.evicted += result.prefixCache?.evictedBlocks ?? 0;
          seen.preempted += result.requests.preempted;
        },
      ),
      { numRuns: 40 },
    );
    // The runs did exercise what is audited: hits, eviction and preemption.
    expect(seen.hitTokens).toBeGreaterThan(0);
    expect(seen.evicted).toBeGreaterThan(0);
    expect(seen.preempted).toBeGreaterThan(0);
  });
});

describe('a preempted request recomputes only what left the cache', () => {
  it('with caching on, recompute after preemption prefills fewer tokens than with it off (the same arrivals)', () => {
    const run = (enablePrefixCaching: boolean) => {
      let prefilled = 0;
      const scenario = tinyScenario({
        seed: 4,
        stop: { requests: 300 },
        serving: { enablePrefixCaching, gpuMemoryUtilization: 0.26, maxModelLen: 8192 },
        workload: { arrival: { process: 'poisson', rate: 30 }, inputTokens: { dist: 'uniform', min: 200, max: 2000 }, outputTokens: { dist: 'uniform', min: 200, max: 1500 } },
      });
      const result = simulate(scenario, undefined, {
        afterStep: (replica, _time, batch) => {
          prefilled += batch.prefillTokens;
          if (enablePrefixCaching) audit(replica);
        },
      });
      return { prefilled, preempted: result.requests.preempted, result };
    };
    const on = run(true);
    const off = run(false);
    expect(off.preempted).toBeGreaterThan(10);
    expect(on.prefilled).toBeLessThan(off.prefilled);
    // Only the workload's own prompts are counted as prefix-cache queries: these share nothing.
    expect(on.result.prefixCache).toBeUndefined();
  });
});
