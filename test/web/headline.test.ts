import { describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../engine/simulation-result.js';
import { formatRate, formatUsd } from '../../web/src/format.js';
import { costCard } from '../../web/src/shape/cost.js';
import { headlineCards, throughputCard } from '../../web/src/shape/headline.js';
import { costFixture, simulated } from './fixtures/results.js';

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

describe('the Cost and Throughput cards', () => {
  it('a priced simulation gets a Cost card: $ per 1M output tokens big, $/h for its GPUs and the other unit costs below', () => {
    const result = simulated(['cost.gpuHourUsd=2.5']);
    const cost = result.cost!;
    const cards = headlineCards(result);
    expect(cards.map((c) => c.key)).toEqual(['throughput', 'ttft', 'tpot', 'e2e', 'attainment', 'goodput', 'cost', 'preemptions', 'dropped']);
    const card = cards.find((c) => c.key === 'cost')!;
    expect(card.label).toBe('Cost');
    expect(card.value).toBe(formatUsd(cost.usdPerMillionOutputTokens));
    expect(card.value).toMatch(/^\$0\.\d+$/);
    expect(card.detail).toBe(
      `per 1M output tokens · $2.50/h for 1 GPU · ${formatUsd(cost.usdPerMillionTotalTokens)} per 1M tokens (prompt + output) · ${formatUsd(cost.usdPerThousandRequests)} per 1k requests`,
    );
  });

  it("a catalog price says so on the card: it is a market typical, not what the deployment pays", () => {
    const card = headlineCards(simulated(['cost.gpuHourUsd=catalog'])).find((c) => c.key === 'cost')!;
    expect(card.detail).toMatch(/^per 1M output tokens · \$3\.00\/h for 1 GPU · .* · at the catalog's typical rental price$/);
  });

  it('without a price (or in an older file without the key) there is no Cost card', () => {
    const result = simulated();
    expect(result.cost).toBeNull();
    expect(headlineCards(result).some((c) => c.key === 'cost')).toBe(false);
    const older: Partial<SimulationResult> = { ...result };
    delete older.cost;
    expect(headlineCards(older as SimulationResult).some((c) => c.key === 'cost')).toBe(false);
  });

  it('a Cost card where nothing was produced shows the hourly price and says why there is no unit cost', () => {
    const card = costCard(costFixture(4, 0, 0, null), 'cost', 'Cost');
    expect(card.value).toBe('$10.00/h');
    expect(card.detail).toBe('for 4 GPUs at $2.50 per GPU-hour; nothing was produced, so no cost per token');
    // A figure that is null is left out of the detail rather than shown as a dash.
    expect(costCard(costFixture(1, 2400, 12, null), 'cost', 'Cost').detail).toBe('per 1M output tokens · $2.50/h for 1 GPU · $0.0579 per 1k requests');
  });

  it('the Throughput card says the deployment kept up with what was offered', () => {
    const result = simulated();
    const steady = result.throughput.window;
    expect(steady.keptUp).toBe(true);
    const card = headlineCards(result)[0]!;
    expect(card.status).toBe('none');
    expect(card.detail).toMatch(new RegExp(`^kept up with ${formatRate(steady.arrivalsPerSecond, 'req/s').replace('.', '\\.')} offered · `));
  });

  it('a deployment that fell behind gets a Throughput card marked "fell behind": it completed X of Y req/s offered and a queue builds', () => {
    const result = simulated(['workload.arrival.rate=200']);
    const steady = result.throughput.window;
    expect(steady.keptUp).toBe(false);
    const card = headlineCards(result)[0]!;
    expect(card.status).toBe('missed');
    expect(card.statusText).toBe('fell behind');
    expect(card.detail.startsWith(`completed ${formatRate(steady.completionsPerSecond, 'req/s')} of ${formatRate(steady.arrivalsPerSecond, 'req/s')} offered: a queue builds`)).toBe(true);
  });

  it('an older file without the steady window shows the throughput alone', () => {
    const result = simulated();
    const { window: _, ...throughput } = result.throughput;
    const card = throughputCard({ ...result, throughput: throughput as SimulationResult['throughput'] });
    expect(card.status).toBe('none');
    expect(card.detail).not.toContain('kept up');
    expect(card.detail).toMatch(/^[\d,.]+ output tok\/s · [\d,.]+ tok\/s per GPU$/);
  });
});
