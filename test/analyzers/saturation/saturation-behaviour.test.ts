import { describe, expect, it } from 'vitest';
import { analyzeSaturation } from '../../../analyzers/saturation/analyze-saturation.js';
import { NO_WORKLOAD_DATA } from '../../../engine/workload/workload-data.js';
import { ScenarioError } from '../../../engine/scenario/scenario-issue.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

const chat = (overrides: Record<string, unknown> = {}) =>
  tinyScenario({
    seed: 3,
    stop: { requests: 1500 },
    workload: {
      arrival: { process: 'poisson', rate: 4 },
      inputTokens: { dist: 'lognormal', mean: 600, sd: 400 },
      outputTokens: { dist: 'lognormal', mean: 150, sd: 100 },
    },
    slo: { ttftP99: '2s', tpotP99: '100ms' },
    ...overrides,
  });
const analyze = (scenario: ReturnType<typeof chat>, options = {}) =>
  analyzeSaturation({ scenario, data: NO_WORKLOAD_DATA }, { workers: 1, replications: 2, ...options });

describe('analyzeSaturation', () => {
  it('is byte-identical with 1 and 2 worker threads', async () => {
    const scenario = chat();
    const one = await analyze(scenario, { workers: 1, rates: [4, 8, 12, 16] });
    const two = await analyze(scenario, { workers: 2, rates: [4, 8, 12, 16] });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
  });

  it('reports headroom at the scenario rate as (saturation - current) / saturation', async () => {
    const r = await analyze(chat());
    expect(r.currentRate).toBe(4);
    const sat = r.saturationRate!.mean;
    expect(r.headroom!.requestsPerSecond).toBeCloseTo(sat - 4, 9);
    expect(r.headroom!.percent).toBeCloseTo((100 * (sat - 4)) / sat, 9);
    expect(r.points.map((p) => p.rate)).toEqual([...r.points.map((p) => p.rate)].sort((a, b) => a - b));
  });

  it('names kv-memory the first bottleneck when KV blocks run out before anything else', async () => {
    const r = await analyze(chat({ serving: { gpuMemoryUtilization: 0.25, maxNumSeqs: 256, maxModelLen: 4096 } }));
    expect(r.bottleneck!.name).toBe('kv-memory');
    expect(r.bottleneck!.evidence).toMatch(/KV cache/);
    // Pressure shows at or before the SLO breaks.
    expect(r.pressureOnsetRate!).toBeLessThanOrEqual(r.saturationRate!.high);
  });

  it('names batch-limit when maxNumSeqs slots fill while KV has room', async () => {
    const r = await analyze(chat({ serving: { maxNumSeqs: 4 } }));
    expect(r.bottleneck!.name).toBe('batch-limit');
  });

  it('says "indeterminate" with a reason instead of inventing a knee when the SLO cannot be met at all', async () => {
    const r = await analyze(chat({ slo: { ttftP99: '1ms' } }));
    expect(r.saturationRate).toBeNull();
    expect(r.saturationReason).toMatch(/not met even at/);
    expect(r.headroom).toBeNull();
  });

  it('a --rates sweep without an SLO reports the curve and no saturation rate', async () => {
    const s = chat();
    const r = await analyze({ ...s, slo: null }, { rates: [2, 4] });
    expect(r.points).toHaveLength(2);
    expect(r.saturationRate).toBeNull();
    expect(r.saturationReason).toMatch(/no slo/);
  });

  it('refuses to search without an SLO, naming the slo key', async () => {
    const s = chat();
    await expect(analyze({ ...s, slo: null })).rejects.toBeInstanceOf(ScenarioError);
  });

  it('refuses a closed-loop workload: there is no offered rate to sweep', async () => {
    await expect(analyze(chat({ workload: { arrival: { process: 'closed', concurrency: 4 } } }))).rejects.toThrow(/open-loop/);
  });
});
