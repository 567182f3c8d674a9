import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../engine/simulate.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

/** Throughput is what the deployment does while load is offered, not diluted by the final drain. */
describe('steady-window throughput', () => {
  it('below capacity, throughput in the steady window is what arrived in it (within 3%), while the whole run reads lower', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 1, max: 8, noNaN: true }), (seed, rate) => {
        const r = simulate(
          tinyScenario({
            seed,
            stop: { requests: 4000 },
            workload: { arrival: { process: 'poisson', rate }, inputTokens: { dist: 'fixed', value: 256 }, outputTokens: { dist: 'fixed', value: 64 } },
          }),
        );
        const t = r.throughput;
        expect(Math.abs(t.requestsPerSecond / t.window.arrivalsPerSecond - 1)).toBeLessThan(0.03);
        // The whole run divides by the drain too.
        expect(t.wholeRun.requestsPerSecond).toBeLessThan(r.requests.completed / r.run.lastArrivalSeconds);
        expect(t.window.toSeconds).toBeCloseTo(r.run.lastArrivalSeconds, 9);
        expect(t.window.fromSeconds).toBeCloseTo(r.run.lastArrivalSeconds / 2, 9);
        expect(r.slo.goodputRequestsPerSecond).toBeNull();
      }),
      { numRuns: 12 },
    );
  });

  it('past capacity, it is the capacity: the same figure whether the run is 4,000 or 20,000 requests (within 5%)', () => {
    const at = (requests: number) =>
      simulate(
        tinyScenario({
          stop: { requests },
          serving: { maxNumSeqs: 8 },
          workload: { arrival: { process: 'poisson', rate: 200 }, inputTokens: { dist: 'fixed', value: 256 }, outputTokens: { dist: 'fixed', value: 64 } },
        }),
      ).throughput;
    const short = at(4000);
    const long = at(20000);
    expect(short.requestsPerSecond).toBeLessThan(short.window.arrivalsPerSecond / 2);
    expect(Math.abs(short.requestsPerSecond / long.requestsPerSecond - 1)).toBeLessThan(0.05);
  });

  it('goodput is the steady window\'s completions within the SLO; the whole-run figure is kept beside it', () => {
    const r = simulate(tinyScenario({ stop: { requests: 3000 }, workload: { arrival: { process: 'poisson', rate: 4 } }, slo: { ttftP99: '10s' } }));
    expect(r.slo.attainment).toBe(1);
    expect(r.slo.goodputRequestsPerSecond).toBeCloseTo(r.throughput.requestsPerSecond, 9);
    expect(r.slo.goodputWholeRunRequestsPerSecond).toBeCloseTo(r.throughput.wholeRun.requestsPerSecond, 9);
  });
});
