import { describe, expect, it } from 'vitest';
import { deltaRows, SATURATION_MEASURES, SIMULATION_MEASURES } from '../../web/src/shape/deltas.js';
import { chatScenario, saturationFixture, simulated } from './fixtures/results.js';

describe('deltaRows', () => {
  it('deltaRows(results, measures) measures every result against the first, with the direction that is better', () => {
    const base = simulated();
    const busier = simulated(['workload.arrival.rate=16']);
    const rows = deltaRows([base, busier], SIMULATION_MEASURES);
    expect(rows).toHaveLength(SIMULATION_MEASURES.length);
    const ttft = rows.find((r) => r.label === 'TTFT p99')!;
    expect(ttft.deltas[0]).toBe('');
    expect(ttft.verdicts).toEqual(['none', busier.latency.ttft.p99! > base.latency.ttft.p99! ? 'worse' : 'better']);
    const throughput = rows.find((r) => r.label === 'Throughput')!;
    expect(throughput.verdicts[1]).toBe('better');
    expect(throughput.deltas[1]).toMatch(/^\+[\d.]+ req\/s \(\+[\d.]+%\)$/);
  });

  it('an unchanged measure says "no change", and a fraction changes in percentage points', () => {
    const a = simulated();
    const rows = deltaRows([a, a], SIMULATION_MEASURES);
    expect(rows.find((r) => r.label === 'GPUs serving')!.deltas[1]).toBe('no change');
    expect(rows.find((r) => r.label === 'TTFT p99')!.verdicts[1]).toBe('same');
    const sat = deltaRows([saturationFixture(chatScenario(), 20), saturationFixture(chatScenario(), 30)], SATURATION_MEASURES);
    expect(sat.find((r) => r.label === 'Headroom')!.deltas[1]).toMatch(/^\+[\d.]+ pt$/);
  });

  it('a missing value (no saturation rate) shows a dash and no verdict', () => {
    const found = saturationFixture(chatScenario());
    const rows = deltaRows([found, { ...found, saturationRate: null }], SATURATION_MEASURES);
    const row = rows.find((r) => r.label === 'Saturation rate')!;
    expect(row.texts[1]).toBe('–');
    expect(row.verdicts[1]).toBe('none');
  });

  it('a difference under the 2% noise floor, or inside both intervals, is "no change", not better or worse', () => {
    const a = simulated();
    const b = { ...a, throughput: { ...a.throughput, requestsPerSecond: a.throughput.requestsPerSecond * 1.01 } };
    const row = deltaRows([a, b], SIMULATION_MEASURES).find((r) => r.label === 'Throughput')!;
    expect(row.verdicts[1]).toBe('same');
    expect(row.deltas[1]).toBe('no change (under 2%)');
    const s1 = saturationFixture(chatScenario(), 20);
    const s2 = { ...s1, saturationRate: { mean: s1.saturationRate!.mean * 1.04, low: s1.saturationRate!.low, high: s1.saturationRate!.high * 1.05 } };
    const sat = deltaRows([s1, s2], SATURATION_MEASURES).find((r) => r.label === 'Saturation rate')!;
    expect(sat.deltas[1]).toBe('no change (within the intervals)');
  });

  it('shows per-GPU figures beside totals: twice the GPUs for 1.6x the throughput is better in total, worse per GPU', () => {
    const a = simulated();
    const s = a.scenario;
    const doubled = {
      ...a,
      scenario: { ...s, serving: { ...s.serving, replicas: s.serving.replicas * 2 } },
      throughput: { ...a.throughput, requestsPerSecond: a.throughput.requestsPerSecond * 1.6 },
    };
    const rows = deltaRows([a, doubled], SIMULATION_MEASURES);
    expect(rows.find((r) => r.label === 'Throughput')!.verdicts[1]).toBe('better');
    expect(rows.find((r) => r.label === 'Throughput per GPU')!.verdicts[1]).toBe('worse');
  });
});
