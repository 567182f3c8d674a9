import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../engine/simulate.js';
import { auditReplica } from '../helpers/audit-replica.js';
import { tinyScenario } from '../helpers/tiny-scenario.js';

/** Small scenarios across the scheduler's regimes, including KV so tight that it preempts. */
const scenarioArb = fc.record({
  seed: fc.integer({ min: 0, max: 1000 }),
  requests: fc.integer({ min: 1, max: 300 }),
  rate: fc.double({ min: 0.5, max: 60, noNaN: true }),
  scheduler: fc.constantFrom('continuous', 'static'),
  chunked: fc.boolean(),
  maxNumSeqs: fc.integer({ min: 1, max: 64 }),
  blockSize: fc.constantFrom(8, 16, 32),
  // 0.215 leaves about 1,200 KV tokens on an H100 for Llama-3.1-8B: preemption territory.
  utilization: fc.constantFrom(0.215, 0.22, 0.25, 0.9),
  replicas: fc.integer({ min: 1, max: 3 }),
  router: fc.constantFrom('round-robin', 'least-outstanding'),
  meanIn: fc.integer({ min: 16, max: 600 }),
  meanOut: fc.integer({ min: 1, max: 300 }),
});

describe('conservation and KV invariants (property)', () => {
  it('simulate(): every arrival completes or is dropped with a reason; KV counters match a recount; time never goes back', () => {
    fc.assert(
      fc.property(scenarioArb, (p) => {
        const scenario = tinyScenario({
          seed: p.seed,
          stop: { requests: p.requests },
          cluster: { gpusPerNode: p.replicas },
          serving: {
            replicas: p.replicas,
            scheduler: p.scheduler,
            enableChunkedPrefill: p.chunked,
            maxNumSeqs: p.maxNumSeqs,
            maxNumBatchedTokens: 2048,
            maxModelLen: 2048,
            blockSize: p.blockSize,
            gpuMemoryUtilization: p.utilization,
            router: p.router,
          },
          workload: {
            arrival: { process: 'poisson', rate: p.rate },
            inputTokens: { dist: 'lognormal', mean: p.meanIn, sd: p.meanIn },
            outputTokens: { dist: 'lognormal', mean: p.meanOut, sd: p.meanOut },
          },
        });
        let lastTime = 0;
        const problems: string[] = [];
        const result = simulate(scenario, undefined, {
          afterStep: (replica, time) => {
            if (time < lastTime) problems.push(`clock went back from ${lastTime} to ${time}`);
            lastTime = time;
            problems.push(...auditReplica(replica));
          },
        });
        expect(problems).toEqual([]);
        const r = result.requests;
        expect(r.arrived).toBe(p.requests);
        expect(r.completed + r.dropped).toBe(r.arrived);
        expect(Object.values(r.droppedByReason).reduce((a, b) => a + b, 0)).toBe(r.dropped);
        // Each completed request has exactly one TTFT, E2E and queue wait.
        expect(result.latency.ttft.count).toBe(r.completed);
        expect(result.latency.e2e.count).toBe(r.completed);
        expect(result.utilization.kvOccupancyPeak).toBeLessThanOrEqual(1);
      }),
      { numRuns: 60 },
    );
  });
});
