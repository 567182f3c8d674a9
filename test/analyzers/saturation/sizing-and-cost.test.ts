import { describe, expect, it } from 'vitest';
import { analyzeSaturation } from '../../../analyzers/saturation/analyze-saturation.js';
import { costAt } from '../../../engine/metrics/cost.js';
import { simulate } from '../../../engine/simulate.js';
import { NO_WORKLOAD_DATA } from '../../../engine/workload/workload-data.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

const chat = (overrides: Record<string, unknown> = {}) =>
  tinyScenario({
    seed: 5,
    stop: { requests: 3000 },
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
    serving: { replicas: 1 },
    workload: {
      arrival: { process: 'poisson', rate: 4 },
      inputTokens: { dist: 'lognormal', mean: 600, sd: 400 },
      outputTokens: { dist: 'lognormal', mean: 150, sd: 100 },
    },
    slo: { ttftP99: '2s', tpotP99: '100ms' },
    ...overrides,
  });

describe('cost arithmetic', () => {
  it('spreads the GPUs\' hourly price over what they produce', () => {
    const c = costAt(2.5, 4, { requestsPerSecond: 10, outputTokensPerSecond: 2000, inputTokensPerSecond: 8000 });
    expect(c.usdPerHour).toBe(10);
    // $10/h = $0.002778/s; / 2000 tok/s x 1e6
    expect(c.usdPerMillionOutputTokens).toBeCloseTo((10 / 3600 / 2000) * 1e6, 12);
    expect(c.usdPerMillionTotalTokens).toBeCloseTo((10 / 3600 / 10000) * 1e6, 12);
    expect(c.usdPerThousandRequests).toBeCloseTo((10 / 3600 / 10) * 1e3, 12);
  });

  it('has no cost per unit where nothing is produced, and none without a price', () => {
    const c = costAt(2, 1, { requestsPerSecond: 0, outputTokensPerSecond: 0, inputTokensPerSecond: null });
    expect([c.usdPerMillionOutputTokens, c.usdPerMillionTotalTokens, c.usdPerThousandRequests]).toEqual([null, null, null]);
    expect(simulate(tinyScenario({ stop: { requests: 50 } })).cost).toBeNull();
  });

  it('a scenario with cost.gpuHourUsd gets a cost section at its steady throughput', () => {
    const r = simulate(tinyScenario({ stop: { requests: 500 }, cost: { gpuHourUsd: 3 } }));
    expect(r.cost).toEqual(costAt(3, 1, { requestsPerSecond: r.throughput.requestsPerSecond, outputTokensPerSecond: r.throughput.outputTokensPerSecond, inputTokensPerSecond: r.throughput.inputTokensPerSecond }));
  });
});

describe('sizing: --target-rate', () => {
  it('finds the same replica count as a sweep of serving.replicas at the target rate', async () => {
    const target = 40;
    const r = await analyzeSaturation({ scenario: chat(), data: NO_WORKLOAD_DATA }, { workers: 1, replications: 2, targetRate: target });
    const sizing = r.sizing!;
    expect(sizing.replicasNeeded).not.toBeNull();
    expect(sizing.gpusNeeded).toBe(sizing.replicasNeeded);
    // The sweep: the target rate on 1, 2, ... replicas; the first that meets the SLO.
    let first: number | null = null;
    for (let n = 1; n <= 8 && first === null; n++) {
      const point = await analyzeSaturation({ scenario: chat({ serving: { replicas: n } }), data: NO_WORKLOAD_DATA }, { workers: 1, replications: 2, rates: [target] });
      if (point.points[0]!.meetsSlo) first = n;
    }
    expect(sizing.replicasNeeded).toBe(first);
    expect(sizing.marginPercent!).toBeGreaterThan(-50);
    expect(sizing.nextSize!.marginPercent).toBeGreaterThan(sizing.marginPercent!);
  });
});
