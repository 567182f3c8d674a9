import { describe, expect, it } from 'vitest';
import { headlineCards } from '../../web/src/shape/headline.js';
import { simulated } from './fixtures/results.js';

describe('headlineCards', () => {
  it('headlineCards(result) gives throughput, TTFT, TPOT, E2E, attainment, goodput, preemptions and dropped', () => {
    const cards = headlineCards(simulated());
    expect(cards.map((c) => c.key)).toEqual(['throughput', 'ttft', 'tpot', 'e2e', 'attainment', 'goodput', 'preemptions', 'dropped']);
  });

  it('a latency card shows p99 big, p50 and the SLO bound in words, and its status against the bound', () => {
    const result = simulated();
    const ttft = headlineCards(result).find((c) => c.key === 'ttft')!;
    expect(ttft.label).toBe('TTFT p99');
    expect(ttft.detail).toMatch(/^p50 .* · SLO p99 ≤ 2\.00 s met$/);
    expect(ttft.status).toBe('met');
    const e2e = headlineCards(result).find((c) => c.key === 'e2e')!;
    expect(e2e.status).toBe('none');
  });

  it('a bound that is missed makes its card and the attainment card say so', () => {
    const result = simulated(['slo.ttftP99=1ms']);
    const cards = headlineCards(result);
    expect(cards.find((c) => c.key === 'ttft')!.status).toBe('missed');
    expect(cards.find((c) => c.key === 'attainment')!.status).toBe('missed');
  });
});
