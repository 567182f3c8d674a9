import { describe, expect, it } from 'vitest';
import { ROUTERS, headKey, LIVE_ROUTING, type RouteRequest } from '../../../engine/cluster/router.js';
import { simulate } from '../../../engine/simulate.js';
import type { SimulationResult } from '../../../engine/simulation-result.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

/** Four H100 replicas of Llama-3.1-8B, 3,000 requests of lognormal lengths, Poisson at `rate`. */
function run(router: string, workload: Record<string, unknown>, rate: number, serving: Record<string, unknown> = {}): SimulationResult {
  return simulate(
    tinyScenario({
      seed: 3,
      stop: { requests: 3000 },
      cluster: { gpusPerNode: 4 },
      serving: { replicas: 4, router, ...serving },
      workload: {
        arrival: { process: 'poisson', rate },
        inputTokens: { dist: 'lognormal', mean: 300, sd: 300 },
        outputTokens: { dist: 'lognormal', mean: 200, sd: 200 },
        ...workload,
      },
    }),
  );
}

/** 64 system prompts of 12,000 tokens: 768k tokens, more than one replica's cache (441k), less than four. */
const SHARED = { prefix: { groups: 64, tokens: 12000, share: 1 } };

describe('prefix-aware routing', () => {
  it('kv-aware routing beats round-robin on TTFT when prompts share prefixes that no one replica can cache', () => {
    const rr = run('round-robin', SHARED, 20);
    const kv = run('kv-aware', SHARED, 20);
    // Measured: TTFT p90 57 s (round-robin, every replica prefilling every prefix) vs 0.52 s.
    expect(kv.prefixCache!.hitRate.tokens).toBeGreaterThan(rr.prefixCache!.hitRate.tokens + 0.2);
    expect(kv.latency.ttft.p90!).toBeLessThan(rr.latency.ttft.p90! / 10);
  });

  it('and ties it when nothing is shared (the cost is then the load alone)', () => {
    const rr = run('round-robin', {}, 30);
    const kv = run('kv-aware', {}, 30);
    expect(kv.prefixCache).toBeUndefined();
    expect(kv.latency.ttft.p90! / rr.latency.ttft.p90!).toBeGreaterThan(0.9);
    expect(kv.latency.ttft.p90! / rr.latency.ttft.p90!).toBeLessThan(1.1);
  });

  it('prefix-hash keeps each prefix on one replica: the highest hit rate, at the price of imbalance', () => {
    const hash = run('prefix-hash', SHARED, 10);
    const rr = run('round-robin', SHARED, 10);
    expect(hash.prefixCache!.hitRate.tokens).toBeGreaterThan(0.9);
    const requests = hash.prefixCache!.perReplica.map((r) => r.requests);
    expect(Math.max(...requests) / Math.min(...requests)).toBeGreaterThan(1.5);
    expect(rr.prefixCache!.perReplica.map((r) => r.requests)).toEqual([750, 750, 750, 750]);
  });

  it('session-affinity sends every turn of a conversation to one replica: its history stays cached', () => {
    const sessions = { sessions: { turns: 5, thinkTime: '20s' } };
    const sticky = run('session-affinity', sessions, 8);
    const rr = run('round-robin', sessions, 8);
    // Measured: 64% of prompt tokens hit vs 20% (a turn finds its history only where it was before).
    expect(sticky.prefixCache!.hitRate.tokens).toBeGreaterThan(0.55);
    expect(rr.prefixCache!.hitRate.tokens).toBeLessThan(0.3);
    expect(sticky.latency.ttft.p90!).toBeLessThan(rr.latency.ttft.p90!);
  });

  it('a sticky target holding fallbackOutstanding requests is passed over for the least loaded', () => {
    const router = ROUTERS['prefix-hash']({ ...LIVE_ROUTING, fallbackOutstanding: 5 }, 16);
    const chain = { keys: Int32Array.of(42), ends: Int32Array.of(2000), continuation: -1 };
    const request: RouteRequest = { promptTokens: 3000, prefix: chain, session: -1 };
    const idle = [0, 0, 0].map(() => ({ outstanding: 0, routable: true }));
    const target = router.pick(idle, request, 0);
    const busy = idle.map((r, i) => ({ ...r, outstanding: i === target ? 5 : 1 + i }));
    const fallback = router.pick(busy, request, 0);
    expect(fallback).not.toBe(target);
    expect(busy[fallback]!.outstanding).toBe(Math.min(...busy.filter((_, i) => i !== target).map((r) => r.outstanding)));
    expect(router.explain(busy, fallback, request)).toMatch(/holds 5 \(>= 5\)/);
  });

  it('kv-aware scores overlap against load as Dynamo does: weight x blocks to prefill + active blocks', () => {
    const request: RouteRequest = { promptTokens: 1600, prefix: null, session: -1 };
    const replica = (active: number, cached: number) => ({ outstanding: 1, routable: true, activeBlocks: active, cachedBlocksOf: () => cached });
    // 100 blocks of prompt. A: 90 cached, 500 active: 10 + 600 = 610. B: none cached, 450 active: 100 + 550 = 650.
    const replicas = [replica(450, 0), replica(500, 90)];
    expect(ROUTERS['kv-aware'](LIVE_ROUTING, 16).pick(replicas, request, 0)).toBe(1);
    // With the overlap weighted 0, only the load counts.
    expect(ROUTERS['kv-aware']({ ...LIVE_ROUTING, overlapWeight: 0 }, 16).pick(replicas, request, 0)).toBe(0);
  });

  it('a router on stale load counts its own picks between refreshes, and sees the replicas again after one', () => {
    const router = ROUTERS['least-outstanding']({ ...LIVE_ROUTING, refreshSeconds: 1 }, 16);
    const replicas = [{ outstanding: 0, routable: true }, { outstanding: 0, routable: true }];
    const picks = [0, 0.1, 0.2, 0.3].map((t) => router.pick(replicas, undefined, t));
    expect(picks).toEqual([0, 1, 0, 1]);
    // The replicas' own load, as it now is, once the snapshot expires.
    const later = [{ outstanding: 9, routable: true }, { outstanding: 2, routable: true }];
    expect(router.pick(later, undefined, 1.5)).toBe(1);
  });

  it('routing on stale load lets a burst pile up on one replica where live load spreads it', () => {
    const stale = run('least-outstanding', {}, 30, { routing: { refresh: '1s' } });
    const live = run('least-outstanding', {}, 30);
    expect(stale.latency.ttft.p90!).not.toBe(live.latency.ttft.p90!);
    expect(stale.requests.completed).toBe(3000);
  });

  it('headKey takes the segment that holds the last of the first `tokens` tokens', () => {
    const chain = { keys: Int32Array.of(7, 8, 9), ends: Int32Array.of(512, 1024, 1300), continuation: -1 };
    expect(headKey(chain, 100)).toBe(7);
    expect(headKey(chain, 512)).toBe(7);
    expect(headKey(chain, 513)).toBe(8);
    expect(headKey(chain, 99999)).toBe(9);
    expect(headKey(null, 100)).toBe(-1);
  });
});

describe('prefix caching on and off', () => {
  it('changes nothing for prompts that share nothing: the result is the one caching off gives', () => {
    const on = run('least-outstanding', {}, 20);
    const off = run('least-outstanding', {}, 20, { enablePrefixCaching: false });
    expect({ ...on, scenario: null }).toEqual({ ...off, scenario: null });
  });

  it('off, a shared-prefix workload computes every prompt token and reports no cache', () => {
    const on = run('kv-aware', SHARED, 10);
    const off = run('kv-aware', SHARED, 10, { enablePrefixCaching: false });
    expect(off.prefixCache).toBeUndefined();
    expect(on.prefixCache!.prefillTokensSaved).toBeGreaterThan(0);
    expect(on.latency.ttft.p50!).toBeLessThan(off.latency.ttft.p50!);
  });

  it('is deterministic: the same scenario and seed give the same JSON', () => {
    const a = run('kv-aware', { ...SHARED, sessions: { turns: 3, thinkTime: '5s' } }, 10);
    const b = run('kv-aware', { ...SHARED, sessions: { turns: 3, thinkTime: '5s' } }, 10);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
