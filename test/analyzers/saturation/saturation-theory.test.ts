import { describe, expect, it } from 'vitest';
import { analyzeSaturation } from '../../../analyzers/saturation/analyze-saturation.js';
import { simulate } from '../../../engine/simulate.js';
import { createRooflineStepTime } from '../../../engine/step-time/roofline-step-time.js';
import { replicaShapeOf } from '../../../engine/replica/replica-shape.js';
import { NO_WORKLOAD_DATA } from '../../../engine/workload/workload-data.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

/** maxNumSeqs 1, whole prefills, fixed lengths: an M/D/1 queue with service time S. */
const md1 = (requests: number, slo?: Record<string, number>) =>
  tinyScenario({
    seed: 21,
    stop: { requests },
    // Queueing theory describes the engine's queue: no API server in front.
    serving: { maxNumSeqs: 1, maxNumBatchedTokens: 8192, enableChunkedPrefill: false, frontendOverhead: { perRequest: 0 } },
    workload: { arrival: { process: 'poisson', rate: 0.5 }, inputTokens: { dist: 'fixed', value: 256 }, outputTokens: { dist: 'fixed', value: 16 } },
    ...(slo ? { slo } : {}),
  });

const serviceTime = () => {
  const r = simulate(md1(50));
  return r.latency.e2e.mean! - r.latency.queueWait.mean!;
};

describe('saturation analysis against theory', () => {
  const S = serviceTime();

  it('finds the M/D/1 rate where the mean queue wait reaches W = rho S / (2 (1 - rho)) at rho 0.8, within 5%', async () => {
    const W = (0.8 * S) / (2 * 0.2);
    const result = await analyzeSaturation({ scenario: md1(20_000, { queueWaitMean: W }), data: NO_WORKLOAD_DATA }, { workers: 1 });
    const expected = 0.8 / S;
    const got = result.saturationRate!.mean;
    expect(Math.abs(got - expected) / expected, `saturation ${got} req/s vs M/D/1 ${expected} req/s (S = ${S} s), tolerance 5%`).toBeLessThanOrEqual(0.05);
    expect(result.saturationRate!.low).toBeLessThanOrEqual(got);
    expect(result.saturationRate!.high).toBeGreaterThanOrEqual(got);
    // Requests wait for the one sequence slot: raising maxNumSeqs is what would help, and the
    // analysis shows it does (two slots at the broken rate: the queue wait falls under W).
    expect(result.bottleneck!.name).toBe('batch-limit');
    expect(result.bottleneck!.tried).toMatchObject([{ key: 'serving.maxNumSeqs', value: '2', meetsSlo: true }]);
    expect(result.method.simulations).toBe(result.points.length * 3 + 3);
  });

  it('the knee search agrees with a dense --rates sweep of the same scenario (within the search precision)', async () => {
    const W = (0.8 * S) / (2 * 0.2);
    const loaded = { scenario: md1(5_000, { queueWaitMean: W }), data: NO_WORKLOAD_DATA };
    const searched = await analyzeSaturation(loaded, { workers: 1, replications: 2 });
    const knee = searched.saturationRate!.mean;
    const rates = Array.from({ length: 21 }, (_, i) => Number((knee * (0.9 + 0.01 * i)).toPrecision(6)));
    const swept = await analyzeSaturation(loaded, { workers: 1, replications: 2, rates });
    const dense = swept.saturationRate!.mean;
    expect(Math.abs(dense - knee) / knee, `search ${knee} vs sweep ${dense}`).toBeLessThanOrEqual(0.02);
  });

  it('with unlimited KV and a decode-only workload, throughput follows the offered load up to the step-time capacity', async () => {
    const B = 32;
    const out = 128;
    const scenario = tinyScenario({
      stop: { requests: 6000 },
      serving: { maxNumSeqs: B, maxNumBatchedTokens: 2048, frontendOverhead: { perRequest: 0 } },
      workload: { inputTokens: { dist: 'fixed', value: 1 }, outputTokens: { dist: 'fixed', value: out } },
    });
    // A full batch: B sequences at contexts spread evenly over 1..out tokens.
    const step = createRooflineStepTime(replicaShapeOf(scenario)).stepTime({
      prefillTokens: 0,
      prefillSeqs: 0,
      prefillAttentionPairs: 0,
      prefillContextTokens: 0,
      decodeSeqs: B,
      decodeContextTokens: (B * (out + 2)) / 2,
    }).stepSeconds;
    const capacity = B / (out * step);
    const rates = Array.from({ length: 21 }, (_, i) => Number((capacity * (0.6 + 0.04 * i)).toPrecision(6)));
    const result = await analyzeSaturation({ scenario, data: NO_WORKLOAD_DATA }, { workers: 1, replications: 1, rates });
    const following = result.points.filter((p) => p.throughput.requestsPerSecond.mean >= 0.97 * p.rate);
    const knee = following.at(-1)!.rate;
    expect(Math.abs(knee - capacity) / capacity, `throughput stops following at ${knee} req/s; step-time capacity ${capacity} req/s`).toBeLessThanOrEqual(0.1);
    // Beyond it, throughput stays at the capacity.
    const top = result.points.at(-1)!.throughput.requestsPerSecond.mean;
    expect(Math.abs(top - capacity) / capacity).toBeLessThanOrEqual(0.1);
  });
});
