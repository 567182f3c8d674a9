import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../engine/simulate.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

/**
 * Throughput is what the deployment sustained while load was offered: not diluted by the final
 * drain, not lowered by a cold start's ramp, and past capacity the capacity itself.
 */
describe('sustained throughput in the steady window', () => {
  it('below capacity, the deployment keeps up: throughput is what arrived in the window, completions within 3% of it, the whole run lower', () => {
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
        expect(t.window.keptUp).toBe(true);
        expect(t.requestsPerSecond).toBe(t.window.acceptedPerSecond);
        expect(t.window.acceptedPerSecond).toBe(t.window.arrivalsPerSecond);
        expect(Math.abs(t.window.completionsPerSecond / t.window.arrivalsPerSecond - 1)).toBeLessThan(0.03);
        // The whole run divides by the drain too.
        expect(t.wholeRun.requestsPerSecond).toBeLessThan(r.requests.completed / r.run.lastArrivalSeconds);
        expect(t.window.toSeconds).toBeCloseTo(r.run.lastArrivalSeconds, 9);
        expect(t.window.fromSeconds).toBeCloseTo(r.run.lastArrivalSeconds / 2, 9);
        expect(r.slo.goodputRequestsPerSecond).toBeNull();
      }),
      { numRuns: 12 },
    );
  });

  it('near capacity, a short run that is still filling reads the offered rate, which a run ten times longer confirms by its completions', () => {
    // Chat lengths on one H100 at ~75% of its capacity (~21 req/s): long-tailed outputs keep the
    // decode batch growing for a minute, so a 75-second run completes less than arrives.
    const at = (requests: number) =>
      simulate(
        tinyScenario({
          stop: { requests },
          workload: {
            arrival: { process: 'poisson', rate: 16 },
            inputTokens: { dist: 'lognormal', mean: 1150, sd: 900 },
            outputTokens: { dist: 'lognormal', mean: 210, sd: 250 },
          },
        }),
      ).throughput;
    const short = at(1200);
    const long = at(7200);
    expect(short.window.completionsPerSecond).toBeLessThan(0.97 * short.window.arrivalsPerSecond);
    expect(short.window.keptUp).toBe(true);
    expect(short.requestsPerSecond).toBe(short.window.arrivalsPerSecond);
    expect(Math.abs(long.window.completionsPerSecond / long.window.arrivalsPerSecond - 1)).toBeLessThan(0.03);
    expect(Math.abs(short.requestsPerSecond / long.requestsPerSecond - 1)).toBeLessThan(0.05);
  });

  it('past capacity, it falls behind and the throughput is its completions: the same figure whether the run is 4,000 or 20,000 requests (within 5%)', () => {
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
    expect(short.window.keptUp).toBe(false);
    expect(short.requestsPerSecond).toBe(short.window.completionsPerSecond);
    expect(short.requestsPerSecond).toBeLessThan(short.window.arrivalsPerSecond / 2);
    expect(Math.abs(short.requestsPerSecond / long.requestsPerSecond - 1)).toBeLessThan(0.05);
  });

  it('dropped requests are not carried: a deployment that keeps up sustains its accepted arrivals', () => {
    // A third of the prompts (over 4,096 - 64 tokens) exceed the model's context and are dropped on arrival.
    const r = simulate(
      tinyScenario({
        stop: { requests: 3000 },
        serving: { maxModelLen: 4096 },
        workload: { arrival: { process: 'poisson', rate: 4 }, inputTokens: { dist: 'uniform', min: 256, max: 6000 } },
      }),
    );
    const w = r.throughput.window;
    expect(r.requests.dropped).toBeGreaterThan(800);
    expect(w.keptUp).toBe(true);
    expect(w.acceptedPerSecond / w.arrivalsPerSecond).toBeGreaterThan(0.6);
    expect(w.acceptedPerSecond / w.arrivalsPerSecond).toBeLessThan(0.72);
    expect(r.throughput.requestsPerSecond).toBe(w.acceptedPerSecond);
  });

  it("goodput is the sustained throughput's share within the SLO; the whole-run figure is kept beside it", () => {
    const r = simulate(tinyScenario({ stop: { requests: 3000 }, workload: { arrival: { process: 'poisson', rate: 4 } }, slo: { ttftP99: '10s' } }));
    expect(r.slo.attainment).toBe(1);
    expect(r.slo.goodputRequestsPerSecond).toBeCloseTo(r.throughput.requestsPerSecond, 9);
    expect(r.slo.goodputWholeRunRequestsPerSecond).toBeCloseTo(r.throughput.wholeRun.requestsPerSecond, 9);
  });
});
