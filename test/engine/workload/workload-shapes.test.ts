import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../engine/scenario/load-scenario.js';
import { simulate } from '../../../engine/simulate.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

const arrivalTimes = (scenario: ReturnType<typeof tinyScenario>) => {
  const times: number[] = [];
  const result = simulate(scenario, undefined, { onArrival: (_s, _r, t) => times.push(t) });
  return { times, result };
};

function gapStats(times: number[]) {
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
  return { mean, cv: sd / mean };
}

describe('workload shapes', () => {
  it('poisson arrivals at rate r have mean gap 1/r and CV 1', () => {
    const { times } = arrivalTimes(tinyScenario({ stop: { requests: 20_000 }, workload: { arrival: { process: 'poisson', rate: 4 } } }));
    const g = gapStats(times);
    expect(Math.abs(g.mean - 0.25) / 0.25).toBeLessThan(0.03);
    expect(Math.abs(g.cv - 1)).toBeLessThan(0.03);
  });

  it('gamma arrivals keep the mean rate and have the coefficient of variation asked for', () => {
    const { times } = arrivalTimes(tinyScenario({ stop: { requests: 20_000 }, workload: { arrival: { process: 'gamma', rate: 4, cv: 3 } } }));
    const g = gapStats(times);
    expect(Math.abs(g.mean - 0.25) / 0.25).toBeLessThan(0.06);
    expect(Math.abs(g.cv - 3) / 3).toBeLessThan(0.08);
  });

  it('bursty (gamma CV 3) arrivals wait longer in queue than Poisson at the same rate', () => {
    const at = (arrival: Record<string, unknown>) =>
      simulate(tinyScenario({ stop: { requests: 5000 }, serving: { maxNumSeqs: 4 }, workload: { arrival } })).latency.queueWait.mean!;
    expect(at({ process: 'gamma', rate: 6, cv: 3 })).toBeGreaterThan(2 * at({ process: 'poisson', rate: 6 }));
  });

  it('stop.duration stops arrivals at that time (before stop.requests is reached) and still drains every request', () => {
    const { times, result } = arrivalTimes(
      tinyScenario({ stop: { requests: 100_000, duration: '100s' }, workload: { arrival: { process: 'poisson', rate: 5 } } }),
    );
    expect(Math.max(...times)).toBeLessThanOrEqual(100);
    expect(times.length).toBeGreaterThan(400);
    expect(result.requests.completed).toBe(times.length);
  });

  it('a closed loop of N clients never has more than N requests in flight, and sends again after thinkTime', () => {
    const inFlight: number[] = [];
    const r = simulate(
      tinyScenario({
        stop: { requests: 2000 },
        cluster: { gpusPerNode: 2 },
        serving: { replicas: 2 },
        workload: { arrival: { process: 'closed', concurrency: 16, thinkTime: '500ms' } },
      }),
      undefined,
      {
        afterStep: (replica) => inFlight.push(replica.outstanding),
      },
    );
    expect(r.requests.completed).toBe(2000);
    expect(Math.max(...inFlight)).toBeLessThanOrEqual(16);
    // Each client cycles e2e + thinkTime: throughput = 16 / (mean e2e + 0.5 s) (the interactive response-time law).
    const expected = 16 / (r.latency.e2e.mean! + 0.5);
    expect(Math.abs(r.throughput.requestsPerSecond - expected) / expected).toBeLessThan(0.05);
  });

  it('empirical lengths draw only values from the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-empirical-'));
    writeFileSync(join(dir, 'lengths.txt'), 'tokens\n100\n200\n300\n');
    writeFileSync(
      join(dir, 's.yaml'),
      `name: empirical
model: llama-3.1-8b
cluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 1 }
stop: { requests: 300 }
workload:
  arrival: { process: poisson, rate: 2 }
  inputTokens: { dist: empirical, file: lengths.txt }
  outputTokens: { dist: fixed, value: 5 }
`,
    );
    const { scenario, data } = loadScenario(join(dir, 's.yaml'));
    const prompts = new Set<number>();
    simulate(scenario, data, { onArrival: (seq) => prompts.add(seq.promptTokens) });
    expect([...prompts].sort()).toEqual([100, 200, 300]);
  });
});
