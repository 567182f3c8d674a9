import { describe, expect, it } from 'vitest';
import { ROUTERS } from '../../../engine/cluster/router.js';
import { simulate } from '../../../engine/simulate.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

describe('routers', () => {
  it('round-robin sends requests to replicas in turn, whatever their load', () => {
    const r = ROUTERS['round-robin']();
    const up = (outstanding: number) => ({ outstanding, routable: true });
    const replicas = [up(100), up(0), up(5)];
    expect(Array.from({ length: 7 }, () => r.pick(replicas))).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('least-outstanding picks the replica with the fewest requests, ties to the lowest index', () => {
    const r = ROUTERS['least-outstanding']();
    const up = (outstanding: number) => ({ outstanding, routable: true });
    expect(r.pick([up(3), up(1), up(1)])).toBe(1);
    expect(r.pick([up(0), up(0)])).toBe(0);
  });

  it('both skip replicas health checks marked down, unless every one is', () => {
    const down = (outstanding: number) => ({ outstanding, routable: false });
    const up = (outstanding: number) => ({ outstanding, routable: true });
    expect(ROUTERS['least-outstanding']().pick([down(0), up(5), up(3)])).toBe(2);
    const rr = ROUTERS['round-robin']();
    expect(Array.from({ length: 4 }, () => rr.pick([up(0), down(0), up(0)]))).toEqual([0, 2, 0, 2]);
    expect(ROUTERS['least-outstanding']().pick([down(2), down(1)])).toBe(0);
  });

  it('least-outstanding keeps replicas within a few requests of each other where round-robin lets skew grow', () => {
    const run = (router: string) =>
      simulate(
        tinyScenario({
          stop: { requests: 3000 },
          cluster: { gpusPerNode: 4 },
          serving: { replicas: 4, router },
          workload: {
            arrival: { process: 'poisson', rate: 40 },
            inputTokens: { dist: 'lognormal', mean: 1000, sd: 1500 },
            outputTokens: { dist: 'lognormal', mean: 200, sd: 400 },
          },
        }),
      );
    const rr = run('round-robin');
    const lo = run('least-outstanding');
    expect(rr.utilization.perReplica.map((p) => p.completed)).toEqual([750, 750, 750, 750]);
    expect(lo.latency.e2e.p99!).toBeLessThan(rr.latency.e2e.p99!);
    expect(lo.requests.completed).toBe(3000);
  });
});
