import { describe, expect, it } from 'vitest';
import { analyzeSaturation } from '../../../analyzers/saturation/analyze-saturation.js';
import { costAt } from '../../../engine/metrics/cost.js';
import { simulate } from '../../../engine/simulate.js';
import { NO_WORKLOAD_DATA } from '../../../engine/workload/workload-data.js';
import { GPUS } from '../../../engine/catalog/gpus.js';
import { findGpu } from '../../../engine/catalog/lookup.js';
import { validateScenario } from '../../../engine/scenario/validate-scenario.js';
import { tinyScenario, writtenScenario } from '../../helpers/tiny-scenario.js';

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
    const c = costAt({ gpuHourUsd: 2.5, priceSource: 'test' }, 4, { requestsPerSecond: 10, outputTokensPerSecond: 2000, inputTokensPerSecond: 8000 });
    expect(c.usdPerHour).toBe(10);
    // $10/h = $0.002778/s; / 2000 tok/s x 1e6
    expect(c.usdPerMillionOutputTokens).toBeCloseTo((10 / 3600 / 2000) * 1e6, 12);
    expect(c.usdPerMillionTotalTokens).toBeCloseTo((10 / 3600 / 10000) * 1e6, 12);
    expect(c.usdPerThousandRequests).toBeCloseTo((10 / 3600 / 10) * 1e3, 12);
  });

  it('has no cost per unit where nothing is produced, and none without a price', () => {
    const c = costAt({ gpuHourUsd: 2, priceSource: 'test' }, 1, { requestsPerSecond: 0, outputTokensPerSecond: 0, inputTokensPerSecond: null });
    expect([c.usdPerMillionOutputTokens, c.usdPerMillionTotalTokens, c.usdPerThousandRequests]).toEqual([null, null, null]);
    expect(simulate(tinyScenario({ stop: { requests: 50 } })).cost).toBeNull();
  });

  it('a scenario with cost.gpuHourUsd gets a cost section at its steady throughput', () => {
    const r = simulate(tinyScenario({ stop: { requests: 500 }, cost: { gpuHourUsd: 3 } }));
    const rates = { requestsPerSecond: r.throughput.requestsPerSecond, outputTokensPerSecond: r.throughput.outputTokensPerSecond, inputTokensPerSecond: r.throughput.inputTokensPerSecond };
    expect(r.cost).toEqual(costAt({ gpuHourUsd: 3, priceSource: 'scenario cost.gpuHourUsd' }, 1, rates));
  });

  it('`cost: { gpuHourUsd: catalog }` prices the GPU at its cited rental price, and says where it comes from', () => {
    const r = simulate(tinyScenario({ stop: { requests: 200 }, cost: { gpuHourUsd: 'catalog' } }));
    const h100 = findGpu('h100-sxm')!.rentalPrice!;
    expect(r.cost!.gpuHourUsd).toBe(h100.usdPerGpuHour);
    expect(r.cost!.priceSource).toMatch(/^catalog: h100-sxm typical on-demand \$3\.00\/GPU-h \(range \$2\.50-\$3\.50, 2026-05; Mercatus/);
    // Every cited price carries its range, month and source; the price sits inside its range.
    for (const gpu of GPUS.filter((g) => g.rentalPrice !== null)) {
      const p = gpu.rentalPrice!;
      expect(p.usdPerGpuHour, gpu.id).toBeGreaterThanOrEqual(p.rangeUsd[0]);
      expect(p.usdPerGpuHour, gpu.id).toBeLessThanOrEqual(p.rangeUsd[1]);
      expect(p.asOf, gpu.id).toMatch(/^\d{4}-\d{2}$/);
      expect(p.source, gpu.id).toMatch(/https:\/\//);
    }
  });

  it('a GPU without a cited price refuses `catalog`, naming the key and asking for a number', () => {
    const result = validateScenario(writtenScenario({ cluster: { gpu: 'l40s' }, cost: { gpuHourUsd: 'catalog' } }), { file: 'priced.yaml', baseDir: process.cwd() });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toContainEqual(
      expect.objectContaining({ path: ['cost', 'gpuHourUsd'], message: expect.stringMatching(/no cited rental price for l40s, got "catalog"/) }),
    );
    const typo = validateScenario(writtenScenario({ cost: { gpuHourUsd: 'cheap' } }), { file: 'priced.yaml', baseDir: process.cwd() });
    expect(typo.ok).toBe(false);
    if (!typo.ok) expect(typo.issues[0]!.message).toMatch(/expected US dollars per GPU-hour \(e\.g\. 2\.5\) or "catalog", got "cheap"/);
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
