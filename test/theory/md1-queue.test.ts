import { describe, expect, it } from 'vitest';
import { simulate } from '../../engine/simulate.js';
import { tinyScenario } from '../helpers/tiny-scenario.js';

/**
 * With maxNumSeqs 1, whole prefills and fixed lengths, a replica serves one request at a time in a
 * fixed time S: Poisson arrivals make it an M/D/1 queue, whose mean wait is Pollaczek-Khinchine's
 * W = rho * S / (2 * (1 - rho)).
 */
const md1 = (rate: number, requests: number, seed: number) =>
  tinyScenario({
    seed,
    stop: { requests },
    // Queueing theory describes the engine's queue: no API server in front.
    serving: { maxNumSeqs: 1, maxNumBatchedTokens: 8192, enableChunkedPrefill: false, frontendOverhead: { perRequest: 0 } },
    workload: { arrival: { process: 'poisson', rate } },
  });

function serviceTime(): number {
  const r = simulate(md1(0.01, 50, 1));
  return r.latency.e2e.mean! - r.latency.queueWait.mean!;
}

describe('M/D/1 (maxNumSeqs 1, fixed lengths)', () => {
  const S = serviceTime();

  it('every request takes the same service time S', () => {
    const r = simulate(md1(0.01, 50, 2));
    expect(r.latency.e2e.max! - r.latency.queueWait.max!).toBeGreaterThan(0);
    expect(S).toBeGreaterThan(0);
  });

  it.each([0.5, 0.8])('mean queue wait at rho %s matches Pollaczek-Khinchine within 5% over 150,000 requests', (rho) => {
    const r = simulate(md1(rho / S, 150_000, 3));
    const expected = (rho * S) / (2 * (1 - rho));
    const observed = r.latency.queueWait.mean!;
    const err = Math.abs(observed - expected) / expected;
    expect(err, `rho ${rho}: observed ${observed} s, P-K ${expected} s, tolerance 5%`).toBeLessThanOrEqual(0.05);
  });

  it("Little's law: mean number in system = arrival rate x mean time in system", () => {
    const rate = 0.7 / S;
    const r = simulate(md1(rate, 100_000, 4));
    const lambda = r.requests.arrived / r.run.simulatedSeconds;
    // Mean number in system from the time series: waiting + running, time-weighted.
    const series = r.timeSeries.total;
    const width = r.timeSeries.bucketSeconds;
    let area = 0;
    series.queueDepth.forEach((q, i) => {
      const span = Math.min(r.run.simulatedSeconds, (i + 1) * width) - i * width;
      area += (q + series.running[i]!) * span;
    });
    const L = area / r.run.simulatedSeconds;
    const expected = lambda * r.latency.e2e.mean!;
    const err = Math.abs(L - expected) / expected;
    expect(err, `L ${L} vs lambda x W ${expected}, tolerance 2%`).toBeLessThanOrEqual(0.02);
  });
});
