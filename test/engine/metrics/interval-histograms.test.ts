import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalHistograms } from '../../../engine/metrics/interval-histograms.js';
import { TimeSeries } from '../../../engine/metrics/time-series.js';
import { simulate, simulateWithVllmMetrics } from '../../../engine/simulate.js';
import type { PromSample } from '../../../engine/input/prometheus-text.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

describe('IntervalHistograms: bucketed counts per interval', () => {
  it('puts a value in the first bucket whose bound is >= it (Prometheus le), the rest above the last bound', () => {
    const h = new IntervalHistograms({ x: [1, 2, 5] }, 10, 1);
    for (const v of [0.5, 1, 1.5, 2, 4.9, 5, 6, 100]) h.record('x', 0.5, v);
    expect(h.of('x').counts[0]).toEqual([2, 2, 2, 2]);
    expect(h.of('x').sums[0]).toBeCloseTo(0.5 + 1 + 1.5 + 2 + 4.9 + 5 + 6 + 100, 12);
  });

  it('widens its intervals as a TimeSeries of the same shape does, keeping every observation', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 500, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true })), { maxLength: 200 }), (obs) => {
        const h = new IntervalHistograms({ x: [0.5, 1, 3] }, 8, 0.25);
        const ts = new TimeSeries(8, 0.25);
        const sorted = [...obs].sort((a, b) => a[0] - b[0]);
        for (const [t, v] of sorted) {
          h.record('x', t, v);
          ts.addAmount(t, 1);
        }
        const end = (sorted.at(-1)?.[0] ?? 0) + 1;
        h.close(end);
        ts.advance(end);
        expect(h.intervalSeconds).toBe(ts.bucketSeconds);
        const counts = h.of('x').counts;
        expect(counts.flat().reduce((a, b) => a + b, 0)).toBe(obs.length);
        // Each interval holds the observations the series put in the same bucket.
        const perInterval = ts.values(end).map((perSecond, i) => Math.round(perSecond * Math.min(ts.bucketSeconds, end - i * ts.bucketSeconds)));
        counts.forEach((c, i) => expect(c.reduce((a, b) => a + b, 0)).toBe(perInterval[i]));
      }),
    );
  });
});

describe('simulated vLLM metrics, interval by interval', () => {
  const scenario = tinyScenario({ stop: { requests: 1500 }, workload: { arrival: { process: 'poisson', rate: 6 }, inputTokens: { dist: 'lognormal', mean: 800, sd: 600 }, outputTokens: { dist: 'lognormal', mean: 150, sd: 120 } } });
  const { result, metrics } = simulateWithVllmMetrics(scenario);
  const family = (name: string) => metrics.find((f) => f.name === name)!;
  const at = (samples: PromSample[], name: string, le?: string) => samples.filter((s) => s.name === name && (le === undefined || s.labels.le === le));

  it('recording histograms leaves the result byte-identical', () => {
    expect(JSON.stringify(simulate(scenario))).toBe(JSON.stringify(result));
  });

  it('every family has one sample per series interval (per bucket for histograms), stamped like the series; counters and histograms open at 0 with zeros', () => {
    const n = result.timeSeries.total.running.length;
    const stamps = family('vllm:num_requests_running').samples.map((s) => s.timestamp);
    expect(stamps).toHaveLength(n);
    const ttft = family('vllm:time_to_first_token_seconds').samples;
    const counts = at(ttft, 'vllm:time_to_first_token_seconds_count');
    expect(counts.map((s) => s.timestamp)).toEqual([0, ...stamps]);
    expect(counts[0]!.value).toBe(0);
    expect(at(ttft, 'vllm:time_to_first_token_seconds_bucket', '+Inf')).toHaveLength(n + 1);
    expect(family('vllm:request_success_total').samples[0]).toMatchObject({ value: 0, timestamp: 0 });
  });

  it('histograms are cumulative over time and end at the run totals, sum / count = the mean', () => {
    for (const [name, stats] of [
      ['vllm:time_to_first_token_seconds', result.latency.ttft],
      ['vllm:e2e_request_latency_seconds', result.latency.e2e],
      ['vllm:request_time_per_output_token_seconds', result.latency.tpot],
      ['vllm:inter_token_latency_seconds', result.latency.itl],
      ['vllm:request_queue_time_seconds', result.latency.queueWait],
    ] as const) {
      const s = family(name).samples;
      const counts = at(s, `${name}_count`).map((x) => x.value);
      for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThanOrEqual(counts[i - 1]!);
      expect(counts.at(-1)).toBe(stats.count);
      expect(at(s, `${name}_sum`).at(-1)!.value / counts.at(-1)!).toBeCloseTo(stats.mean!, 9);
    }
  });

  it('the last scrape\'s buckets hold the run\'s distribution: the bucket around the p50 brackets it', () => {
    const s = family('vllm:e2e_request_latency_seconds').samples;
    const last = s.at(-1)!.timestamp;
    const buckets = s.filter((x) => x.name.endsWith('_bucket') && x.timestamp === last && x.labels.le !== '+Inf');
    const total = result.latency.e2e.count;
    const firstAbove = buckets.find((b) => b.value >= total / 2)!;
    const index = buckets.indexOf(firstAbove);
    expect(Number(firstAbove.labels.le)).toBeGreaterThanOrEqual(result.latency.e2e.p50!);
    if (index > 0) expect(Number(buckets[index - 1]!.labels.le)).toBeLessThanOrEqual(result.latency.e2e.p50!);
  });

  it('length histograms count every completed request with its exact token totals', () => {
    const s = family('vllm:request_prompt_tokens').samples;
    expect(at(s, 'vllm:request_prompt_tokens_count').at(-1)!.value).toBe(result.requests.completed);
    const meanPrompt = at(s, 'vllm:request_prompt_tokens_sum').at(-1)!.value / result.requests.completed;
    expect(meanPrompt).toBeGreaterThan(600);
    expect(meanPrompt).toBeLessThan(1000);
  });
});
