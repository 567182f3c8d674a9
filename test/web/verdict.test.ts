import { describe, expect, it } from 'vitest';
import { formatRate, formatSeconds } from '../../web/src/format.js';
import { comparisonVerdict, saturationVerdict, simulationVerdict } from '../../web/src/shape/verdict.js';
import { chatScenario, saturationFixture, simulated, varyFixture } from './fixtures/results.js';

describe('simulationVerdict', () => {
  it('an SLO met says so with attainment, every bound and the rate', () => {
    const result = simulated();
    const v = simulationVerdict(result);
    expect(v.status).toBe('met');
    expect(v.text).toBe(`SLO met: 100.0% of requests within ttftP99 <= 2 s and tpotP99 <= 100 ms at ${formatRate(result.throughput.requestsPerSecond, 'req/s')}`);
  });

  it('an SLO missed is in capitals and names the broken bound with its observed value', () => {
    const result = simulated(['slo.ttftP99=1ms']);
    const v = simulationVerdict(result);
    expect(v.status).toBe('missed');
    expect(v.text).toMatch(/^SLO MISSED: \d+\.\d% of requests within ttftP99 <= 1 ms and tpotP99 <= 100 ms at .* req\/s \(ttftP99 observed .+\)$/);
    expect(v.text).not.toContain('tpotP99 observed');
  });

  it('no SLO: the rate and TTFT p99', () => {
    const result = simulated();
    const v = simulationVerdict({ ...result, slo: { ...result.slo, attainment: null, goodputRequestsPerSecond: null, met: null, bounds: [] } });
    expect(v).toEqual({ status: 'none', text: `No SLO stated: ${formatRate(result.throughput.requestsPerSecond, 'req/s')}, TTFT p99 ${formatSeconds(result.latency.ttft.p99)}` });
  });

  it('dropped requests are counted on the line', () => {
    const result = simulated();
    const v = simulationVerdict({ ...result, requests: { ...result.requests, dropped: 3, arrived: 1500 } });
    expect(v.text).toMatch(/; 3 of 1,500 requests dropped$/);
  });
});

describe('saturationVerdict', () => {
  it('states the rate, its interval, the headroom at today\'s rate and the first bottleneck', () => {
    const result = saturationFixture(chatScenario(), 20);
    const v = saturationVerdict(result);
    expect(v.status).toBe('met');
    expect(v.text).toMatch(/^Saturates at 19\.6 req\/s \(interval 19\.0 req\/s to 20\.0 req\/s\); \d+% headroom at today's .* req\/s; first bottleneck KV-cache memory$/);
  });

  it('a rate above saturation is "over it"; sizing is stated when present', () => {
    const base = saturationFixture(chatScenario(), 20);
    const v = saturationVerdict({
      ...base,
      currentRate: 25,
      headroom: { percent: -27.6, requestsPerSecond: -5.4 },
      sizing: { targetRate: 40, replicasNeeded: 3, gpusNeeded: 3, perReplicaSaturationRate: 19.6, marginPercent: 32, nextSize: null, checked: [], cost: null, reason: null },
    });
    expect(v.status).toBe('missed');
    expect(v.text).toContain("today's 25.0 req/s is 28% over it; 40.0 req/s needs 3 replicas (3 GPUs, 32% margin)");
  });

  it('an indeterminate result gives the reason', () => {
    const v = saturationVerdict({ ...saturationFixture(chatScenario()), saturationRate: null, saturationReason: 'the SLO is missed at the lowest rate tried' });
    expect(v).toEqual({ status: 'indeterminate', text: 'Saturation rate not determined: the SLO is missed at the lowest rate tried' });
  });
});

describe('comparisonVerdict', () => {
  it('names the configuration carrying most load and the Pareto-optimal ones', () => {
    expect(comparisonVerdict(varyFixture(chatScenario())).text).toBe(
      'Most load: serving.maxNumSeqs=256 saturates at 21.6 req/s on 1 GPU; Pareto-optimal: serving.maxNumSeqs=64, serving.maxNumSeqs=256',
    );
  });
});
