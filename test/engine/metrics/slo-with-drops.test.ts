import { describe, expect, it } from 'vitest';
import { simulate } from '../../../engine/simulate.js';
import { formatPercentDown } from '../../../reports/writers/format-units.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

/** A dropped request was never served: it counts against the SLO as an infinite latency. */
const withDrops = (slo: Record<string, string>) =>
  simulate(
    tinyScenario({
      stop: { requests: 2000 },
      serving: { maxModelLen: 2048 },
      // About a fifth of the prompts are longer than maxModelLen and dropped at arrival.
      workload: { inputTokens: { dist: 'uniform', min: 100, max: 2500 }, outputTokens: { dist: 'fixed', value: 32 } },
      slo,
    }),
  );

describe('SLO statistics count dropped requests', () => {
  it('a P99 bound with more than 1% dropped is unbounded (observed null) and missed, however fast the rest were', () => {
    const r = withDrops({ ttftP99: '1h' });
    const share = r.requests.dropped / r.requests.arrived;
    expect(share).toBeGreaterThan(0.1);
    expect(r.slo.bounds[0]).toMatchObject({ key: 'ttftP99', observed: null, met: false });
    expect(r.slo.met).toBe(false);
    expect(r.slo.attainment!).toBeLessThanOrEqual(1 - share + 1e-12);
  });

  it('a P50 bound takes the completed quantile at 0.5 / (1 - dropped share); a Mean bound with any drop is unbounded', () => {
    const r = withDrops({ ttftP50: '1h', ttftMean: '1h' });
    const share = r.requests.dropped / r.requests.arrived;
    const p50 = r.slo.bounds.find((b) => b.key === 'ttftP50')!;
    const mean = r.slo.bounds.find((b) => b.key === 'ttftMean')!;
    expect(p50.met).toBe(true);
    // Above the completed requests' own median: the drops sit in the tail.
    expect(p50.observed!).toBeGreaterThan(r.latency.ttft.p50!);
    expect(0.5 / (1 - share)).toBeLessThan(1);
    expect(mean).toMatchObject({ observed: null, met: false });
  });

  it('without drops the bounds are the completed statistics themselves', () => {
    const r = simulate(tinyScenario({ stop: { requests: 300 }, slo: { ttftP99: '1h', ttftMean: '1h' } }));
    expect(r.requests.dropped).toBe(0);
    expect(r.slo.bounds.map((b) => b.observed)).toEqual([r.latency.ttft.mean, r.latency.ttft.p99]);
    expect(r.slo.met).toBe(true);
  });

  it('attainment is shown truncated, never rounded up to a better figure: 99.95% is 99.9%', () => {
    expect(formatPercentDown(0.9995)).toBe('99.9%');
    expect(formatPercentDown(1)).toBe('100.0%');
    expect(formatPercentDown(0.8370)).toBe('83.7%');
  });
});
