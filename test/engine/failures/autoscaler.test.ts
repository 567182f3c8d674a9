import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../../engine/scenario/validate-scenario.js';
import { simulate } from '../../../engine/simulate.js';
import { writtenScenario } from '../../helpers/tiny-scenario.js';

/**
 * autoscaling: an HPA over the replicas. Four H100 replicas of Llama-3.1-8B chat at 45 req/s need
 * about three; starting from one, the autoscaler adds them and they serve after the delay.
 */
const written = (autoscaling: unknown, serving: Record<string, unknown> = { tensorParallelSize: 1, replicas: 4 }) =>
  writtenScenario({
    stop: { requests: 1000000, duration: '10m' },
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 4 },
    serving,
    workload: { arrival: { process: 'poisson', rate: 45 }, inputTokens: { dist: 'lognormal', mean: 1000, sd: 800 }, outputTokens: { dist: 'lognormal', mean: 200, sd: 150 } },
    slo: { ttftP99: '2s', tpotP99: '100ms' },
    ...(autoscaling === undefined ? {} : { autoscaling }),
  });
const run = (autoscaling: unknown, serving?: Record<string, unknown>) => {
  const v = validateScenario(written(autoscaling, serving), { file: 'as.yaml', baseDir: process.cwd() });
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return simulate(v.scenario);
};

describe('autoscaling', () => {
  const scaled = run({ min: 1, metric: 'running', target: 30, delay: '60s' });
  const fixedMax = run(undefined);

  it('scales up from min at its first look when the load needs it; the added replicas serve after the delay', () => {
    const a = scaled.autoscaling!;
    expect(a.events[0]).toMatchObject({ at: 15, from: 1, servesAt: 75 });
    expect(a.events[0]!.to).toBeGreaterThan(1);
    // One replica served until 75 s, then the rest.
    expect(a.inService.replicas[0]).toBe(1);
    expect(a.inService.replicas.at(-5)).toBe(a.events.at(-1)!.to);
    expect(a.meanReplicas).toBeGreaterThan(1);
    expect(a.meanReplicas).toBeLessThan(4);
  });

  it('pays for the delay: SLO attainment below all four replicas serving from the start', () => {
    expect(fixedMax.slo.attainment).toBe(1);
    expect(scaled.slo.attainment!).toBeLessThan(fixedMax.slo.attainment!);
    expect(scaled.requests.completed).toBe(scaled.requests.arrived);
  });

  it('without autoscaling the result has no autoscaling section', () => {
    expect(fixedMax.autoscaling).toBeUndefined();
  });

  it('refuses what it cannot mean: max above serving.replicas, no serving.replicas, a KV-usage target above 1', () => {
    const issues = (autoscaling: unknown, serving?: Record<string, unknown>) => {
      const v = validateScenario(written(autoscaling, serving), { file: 'as.yaml', baseDir: process.cwd() });
      return v.ok ? '' : v.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    };
    expect(issues({ min: 1, max: 8, metric: 'running', target: 30 })).toMatch(/autoscaling\.max: expected at most serving\.replicas \(4/);
    expect(issues({ min: 1, metric: 'running', target: 30 }, { tensorParallelSize: 1, replicas: undefined })).toMatch(/serving\.replicas: expected serving\.replicas with autoscaling/);
    expect(issues({ min: 1, metric: 'kvUsage', target: 5 })).toMatch(/autoscaling\.target: expected a KV-cache usage target from 0 to 1/);
  });
});
