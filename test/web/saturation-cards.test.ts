import { describe, expect, it } from 'vitest';
import type { SaturationResult } from '../../analyzers/saturation/saturation-result.js';
import { formatUsd } from '../../web/src/format.js';
import { meetsSloText, saturationCards, saturationPointRows, sizingCard, sustainedCard } from '../../web/src/shape/saturation-cards.js';
import { chatScenario, costFixture, saturationFixture, sizingFixture } from './fixtures/results.js';

const base = saturationFixture(chatScenario());
const keys = (r: SaturationResult) => saturationCards(r).map((c) => c.key);

describe('saturation cards: sustained capacity, cost and sizing', () => {
  it('the sustained capacity card says what the deployment completed at the rate where it fell behind', () => {
    const card = sustainedCard(base)!;
    expect(card.label).toBe('Sustained capacity');
    expect(card.value).toBe('20.0 req/s');
    expect(card.detail).toBe('completed at 24.0 req/s offered, where it fell behind');
    expect(keys(base)).toEqual(['saturation', 'sustained', 'onset', 'current', 'headroom', 'goodput', 'bottleneck', 'method']);
  });

  it('a sweep that kept up at every rate says so; an older file without the key has no such card', () => {
    expect(sustainedCard({ ...base, sustainedCapacity: null })).toMatchObject({ value: 'not reached', detail: 'it kept up at every evaluated rate' });
    const older: Partial<SaturationResult> = { ...base };
    delete older.sustainedCapacity;
    delete older.costAtSaturation;
    delete older.sizing;
    expect(keys(older as SaturationResult)).toEqual(['saturation', 'onset', 'current', 'headroom', 'goodput', 'bottleneck', 'method']);
  });

  it('a priced analysis gets a "Cost at saturation" card: $ per 1M output tokens, $/h for its GPUs, $ per 1k requests', () => {
    const cost = costFixture(1, 4100, 19.6, null);
    const cards = saturationCards({ ...base, costAtSaturation: cost });
    const card = cards.find((c) => c.key === 'cost')!;
    expect(card.label).toBe('Cost at saturation');
    expect(card.value).toBe(formatUsd(cost.usdPerMillionOutputTokens));
    expect(card.detail).toBe(`per 1M output tokens at the saturation rate · $2.50/h for 1 GPU · ${formatUsd(cost.usdPerThousandRequests)} per 1k requests`);
    expect(cards.map((c) => c.key).indexOf('cost')).toBe(cards.map((c) => c.key).indexOf('goodput') + 1);
  });

  it('--target-rate adds a sizing card: N replicas (M GPUs) carry R req/s, the margin, its cost, the next size and its price, the checks', () => {
    const sizing = sizingFixture();
    const card = sizingCard(sizing);
    expect(card.label).toBe('Sizing for 50.0 req/s');
    expect(card.value).toBe('5 replicas');
    expect(card.detail).toBe(
      `5 replicas (5 GPUs) carry 50.0 req/s under the SLO · margin +16.7% · $12.50/h, ${formatUsd(sizing.cost!.usdPerMillionOutputTokens)} per 1M output tokens · next size 6 replicas (6 GPUs): margin +30.6%, $15.00/h · simulated: 4 missed, 5 met`,
    );
    expect(card.status).toBe('none');
    expect(keys({ ...base, sizing })).toContain('sizing');
  });

  it('a sizing that found no size says why, and says so in words', () => {
    const card = sizingCard({ ...sizingFixture(), replicasNeeded: null, gpusNeeded: null, marginPercent: null, nextSize: null, checked: [], cost: null, reason: 'the saturation rate was not found' });
    expect(card).toMatchObject({ value: 'no size found', detail: 'the saturation rate was not found', status: 'missed', statusText: 'nothing found to carry 50.0 req/s' });
  });

  it('a sizing without a price or a spare size leaves those parts out', () => {
    const card = sizingCard({ ...sizingFixture(), cost: null, nextSize: null, checked: [{ replicas: 5, meetsSlo: true, decided: false }] });
    expect(card.detail).toBe('5 replicas (5 GPUs) carry 50.0 req/s under the SLO · margin +16.7% · simulated: 5 met (undecided)');
  });
});

describe('the points table', () => {
  it('"no: fell behind" only where the file says the deployment did not keep up (older files lack keepsUp)', () => {
    expect(meetsSloText({ meetsSlo: true, keepsUp: true })).toBe('yes');
    expect(meetsSloText({ meetsSlo: false, keepsUp: true })).toBe('no');
    expect(meetsSloText({ meetsSlo: false, keepsUp: false })).toBe('no: fell behind');
    expect(meetsSloText({ meetsSlo: false } as Parameters<typeof meetsSloText>[0])).toBe('no');
    expect(meetsSloText({ meetsSlo: null, keepsUp: false })).toBe('–');
    const rows = saturationPointRows(base);
    // The fixture falls behind past its 20 req/s capacity.
    expect(rows.map((r) => r[6])).toEqual(base.points.map((p) => (p.meetsSlo ? 'yes' : p.keepsUp ? 'no' : 'no: fell behind')));
    expect(rows.some((r) => r[6] === 'no: fell behind')).toBe(true);
  });
});
