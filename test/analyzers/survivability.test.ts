import { describe, expect, it } from 'vitest';
import { analyzeSurvival } from '../../analyzers/survivability/analyze-survival.js';
import { analyzeSaturation } from '../../analyzers/saturation/analyze-saturation.js';
import { validateScenario } from '../../engine/scenario/validate-scenario.js';
import type { Scenario } from '../../engine/scenario/scenario-types.js';
import { simulate } from '../../engine/simulate.js';
import { NO_WORKLOAD_DATA } from '../../engine/workload/workload-data.js';
import { PROJECT_ROOT, runCli } from '../cli/run-cli.js';
import { writtenScenario } from '../helpers/tiny-scenario.js';

/**
 * Survivability: partial failures, what they lose, and where one failure turns into collapse.
 * Four H100s serving Llama-3.1-8B chat (about 21 req/s each at this SLO).
 */
function scenario(overrides: Record<string, unknown>): Scenario {
  const v = validateScenario(
    writtenScenario({
      stop: { requests: 3000 },
      cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 4 },
      serving: { tensorParallelSize: 1, replicas: 4 },
      workload: { arrival: { process: 'poisson', rate: 30 }, inputTokens: { dist: 'lognormal', mean: 1000, sd: 800 }, outputTokens: { dist: 'lognormal', mean: 200, sd: 150 } },
      slo: { ttftP99: '2s', tpotP99: '100ms' },
      ...overrides,
    }),
    { file: 'survive.yaml', baseDir: process.cwd() },
  );
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.scenario;
}

describe('failures in a run', () => {
  it('an empty failure list leaves the run byte-identical', () => {
    expect(JSON.stringify(simulate(scenario({ failures: [] })))).toBe(JSON.stringify(simulate(scenario({}))));
  });

  it('a crash with instant recovery while nothing is in flight changes nothing', () => {
    const clients = { timeout: '10m' };
    const calm = scenario({ clients });
    const crashed = scenario({ clients, failures: [{ kind: 'engine', at: 0, target: 2 }], recovery: { detection: 0, restart: 0, startup: 0, storageGBpsPerNode: 10000 } });
    const a = simulate(calm);
    const b = simulate(crashed);
    expect(b.survival!.failures[0]).toMatchObject({ lost: 0, detectedAt: 0 });
    expect(b.survival!.failures[0]!.recoveredAt!).toBeLessThan(0.01);
    expect(JSON.stringify(b.latency)).toBe(JSON.stringify(a.latency));
    expect(b.requests).toEqual(a.requests);
  });

  it('conservation: every request ends completed, or given up on after retries or a timeout; each retry counted once', () => {
    const r = simulate(scenario({ failures: [{ kind: 'gpu', at: '20s', target: 1 }], recovery: { passiveEjection: 0 }, clients: { maxRetries: 1 } }));
    const s = r.survival!;
    expect(r.requests.completed + r.requests.dropped).toBe(r.requests.arrived);
    expect(r.requests.droppedByReason['failed-after-retries']! + r.requests.droppedByReason['timed-out']!).toBe(s.requests.failedAfterRetries + s.requests.timedOut);
    // Without passive ejection, least-outstanding sends everything to the dead replica (it holds none) until detection.
    expect(s.requests.refused).toBeGreaterThan(100);
    expect(r.requests.retried).toBe(s.requests.retried);
    expect(s.work.reprefillTokens).toBeGreaterThan(0);
  });

  it('passive ejection (Envoy: 5 refusals in a row) stops the black hole before the health check does', () => {
    const without = simulate(scenario({ failures: [{ kind: 'gpu', at: '20s', target: 1 }], recovery: { passiveEjection: 0 } }));
    const withIt = simulate(scenario({ failures: [{ kind: 'gpu', at: '20s', target: 1 }] }));
    expect(withIt.survival!.requests.refused).toBeLessThanOrEqual(10);
    expect(withIt.slo.attainment!).toBeGreaterThan(without.slo.attainment!);
  });
});

describe('a cold start (serving.coldStart)', () => {
  it('every engine starts up and loads its weights (sharing its node\'s storage bandwidth) before it serves; until then requests are refused and retried', () => {
    const cold = simulate(scenario({ serving: { tensorParallelSize: 1, replicas: 4, coldStart: true }, recovery: { startup: '20s', storageGBpsPerNode: 4 }, clients: { maxRetries: 10, backoff: { initial: '1s', max: '8s' } } }));
    const start = cold.survival!.failures[0]!;
    // Four Llama-3.1-8B replicas (16 GB each) on one node at 4 GB/s: 16 s of weights after 20 s of startup.
    expect(start.recovery).toMatch(/^cold start: 20 s startup, then 16\.\d s of weights at 4 GB\/s per node/);
    expect(start.recoveredAt!).toBeGreaterThan(35);
    expect(start.recoveredAt!).toBeLessThan(37);
    expect(cold.survival!.requests.refused).toBeGreaterThan(0);
    expect(cold.latency.ttft.max!).toBeGreaterThan(start.recoveredAt! - 10);
  });
});

describe('a degraded NIC (kind: link)', () => {
  it("slows what crosses it on the shared fabric: a TP16 group's all-reduces over a NIC at a tenth of its bandwidth stretch, and recover after", () => {
    const tp16 = (failures: unknown[]) =>
      simulate(
        scenario({
          stop: { requests: 200 },
          model: 'llama-3.1-70b',
          cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8, fabric: { interNode: { kind: 'infiniband-ndr', gbpsPerGpu: 400 } } },
          serving: { tensorParallelSize: 16, replicas: 1 },
          workload: { arrival: { process: 'poisson', rate: 3 }, inputTokens: { dist: 'fixed', value: 2048 }, outputTokens: { dist: 'fixed', value: 64 } },
          failures,
        }),
      );
    const healthy = tp16([]);
    const degraded = tp16([{ kind: 'link', at: '10s', target: 3, factor: 0.1, duration: '20s' }]);
    const e = degraded.fabric!.engines[0]!;
    console.log(`NIC at 10% for 20 s: ${e.stretchedSteps} steps stretched, ${(e.stretchSeconds * 1e3).toFixed(0)} ms; TTFT p99 ${(healthy.latency.ttft.p99! * 1e3).toFixed(0)} -> ${(degraded.latency.ttft.p99! * 1e3).toFixed(0)} ms`);
    expect(healthy.fabric!.engines[0]!.stretchSeconds).toBe(0);
    expect(e.stretchSeconds).toBeGreaterThan(0);
    expect(degraded.latency.ttft.p99!).toBeGreaterThan(healthy.latency.ttft.p99!);
    expect(degraded.survival!.failures[0]).toMatchObject({ kind: 'link', component: 3, recoveredAt: 30 });
  });

  it('a NIC lost outright (factor 0) takes down the replica whose TP group needs it, until the repair and a restart', () => {
    const lost = simulate(
      scenario({
        stop: { requests: 200 },
        model: 'llama-3.1-70b',
        cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8, fabric: { interNode: { kind: 'infiniband-ndr', gbpsPerGpu: 400 } } },
        serving: { tensorParallelSize: 16, replicas: 1 },
        workload: { arrival: { process: 'poisson', rate: 3 }, inputTokens: { dist: 'fixed', value: 2048 }, outputTokens: { dist: 'fixed', value: 64 } },
        failures: [{ kind: 'link', at: '10s', target: 3, factor: 0, duration: '20s' }],
      }),
    );
    const f = lost.survival!.failures[0]!;
    expect(f).toMatchObject({ kind: 'link', engines: [0] });
    expect(f.lost).toBeGreaterThan(0);
    expect(f.recoveredAt!).toBeGreaterThan(30);
  });

  it('needs an inter-node fabric, and a factor and duration', () => {
    const v = validateScenario(writtenScenario({ failures: [{ kind: 'link', at: '10s', target: 0 }] }), { file: 'x.yaml', baseDir: process.cwd() });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.issues.map((i) => i.message).join('\n')).toMatch(/expected a link to state factor .* and duration[\s\S]*expected cluster\.fabric\.interNode for a link failure/);
  });
});

describe('retry storms and metastability', () => {
  // 72 req/s on four replicas is within capacity; on three, during a 90 s outage, it is not.
  const storm = (maxRetries: number, serving: Record<string, unknown> = {}) =>
    simulate(
      scenario({
        serving: { tensorParallelSize: 1, replicas: 4, ...serving },
        stop: { requests: 1000000, duration: '6m' },
        workload: { arrival: { process: 'poisson', rate: 72 }, inputTokens: { dist: 'lognormal', mean: 1000, sd: 800 }, outputTokens: { dist: 'lognormal', mean: 200, sd: 150 } },
        failures: [{ kind: 'gpu', at: '60s', target: 0, duration: '90s' }],
        recovery: { detection: '10s' },
        clients: { timeout: '20s', maxRetries, backoff: { initial: '0.5s', max: '2s' } },
      }),
    );
  const late = (r: ReturnType<typeof simulate>) => {
    const t = r.survival!.timeline;
    const from = r.survival!.failures[0]!.recoveredAt! + 30;
    const to = r.run.lastArrivalSeconds;
    const pick = (xs: number[]) => xs.filter((_, i) => (i + 0.5) * t.bucketSeconds >= from && (i + 0.5) * t.bucketSeconds < to);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return mean(pick(t.goodputPerSecond)) / mean(pick(t.arrivalsPerSecond));
  };

  it('with retries the deployment stays collapsed after the failed replica is back (metastable); without them it recovers', () => {
    const retrying = storm(5);
    const patient = storm(0);
    console.log(`goodput share after recovery: with retries ${late(retrying).toFixed(2)}, without ${late(patient).toFixed(2)}; retries sent ${retrying.survival!.requests.retried}`);
    expect(late(patient)).toBeGreaterThan(0.8);
    expect(late(retrying)).toBeLessThan(0.3);
    expect(retrying.survival!.requests.retried).toBeGreaterThan(1000);
  });

  it('admission control (serving.maxQueuedRequests) caps the amplification: the same storm recovers', () => {
    const shedding = storm(5, { maxQueuedRequests: 32 });
    console.log(`with shedding: goodput share after recovery ${late(shedding).toFixed(2)}, ${shedding.survival!.requests.shed} attempts shed, attainment ${(100 * shedding.slo.attainment!).toFixed(1)}%`);
    expect(late(shedding)).toBeGreaterThan(0.6);
    expect(shedding.survival!.requests.shed).toBeGreaterThan(0);
    expect(shedding.requests.droppedByReason.shed).toBeDefined();
  });

  it('without clients, a shed request is dropped (reason shed) and counts against the SLO', () => {
    const r = simulate(scenario({ serving: { tensorParallelSize: 1, replicas: 4, maxQueuedRequests: 0 }, workload: { arrival: { process: 'poisson', rate: 150 }, inputTokens: { dist: 'fixed', value: 2000 }, outputTokens: { dist: 'fixed', value: 100 } } }));
    expect(r.requests.droppedByReason.shed!).toBeGreaterThan(0);
    expect(r.requests.completed + r.requests.dropped).toBe(r.requests.arrived);
  });
});

describe('headroom survive', () => {
  it('capacity arithmetic: with one of four replicas lost for good, one GPU failure is survived below 3/4 of the knee and not above it', async () => {
    const s = scenario({ stop: { requests: 6000 } });
    const sat = await analyzeSaturation({ scenario: s, data: NO_WORKLOAD_DATA }, { replications: 1, precision: 0.05, workers: 1 });
    const knee = sat.saturationRate!.mean;
    const below = Math.round(0.6 * knee);
    const above = Math.round(0.95 * knee);
    const r = await analyzeSurvival({ scenario: s, data: NO_WORKLOAD_DATA }, { trials: 2, rates: [below, above], workers: 1 });
    const gpu = r.boundary!.sizes.find((x) => x.size === '1 GPU')!;
    console.log(`knee ${knee.toFixed(1)} req/s; 1 GPU lost: ${gpu.points.map((p) => `${p.rate} req/s ${p.outcome} (${(100 * p.endGoodputShare).toFixed(0)}% of offered at the end)`).join(', ')}`);
    expect(gpu.points[0]!.outcome === 'absorbed' || gpu.points[0]!.outcome === 'degraded').toBe(true);
    expect(gpu.points[1]!.outcome).toBe('collapsed');
    expect(gpu.boundaryRate).toBe(below);
    expect(r.kind).toBe('survivability');
  });

  it('is byte-identical across worker counts', async () => {
    const s = scenario({ stop: { requests: 1500 }, failures: [{ kind: 'gpu', rate: 50 }], recovery: { spares: 2 } });
    const one = await analyzeSurvival({ scenario: s, data: NO_WORKLOAD_DATA }, { trials: 3, rates: [20, 40], workers: 1 });
    const two = await analyzeSurvival({ scenario: s, data: NO_WORKLOAD_DATA }, { trials: 3, rates: [20, 40], workers: 2 });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    // Random failures differ by trial seed.
    expect(new Set(one.trials.perTrial.map((t) => t.lostInFlight)).size).toBeGreaterThan(1);
  });

  it('random failures: trials vary the failure draws over the same arrivals; a trial whose draws fall after the load is exactly the baseline', async () => {
    // 12 failures per GPU-hour on 4 GPUs over a 50 s load: about one trial in two sees one.
    const s = scenario({ stop: { requests: 1500 }, failures: [{ kind: 'gpu', rate: 12 }], recovery: { spares: 1 } });
    const r = await analyzeSurvival({ scenario: s, data: NO_WORKLOAD_DATA }, { trials: 12, rates: [], workers: 1 });
    const calm = r.trials.perTrial.filter((t) => t.lostInFlight === 0 && t.retried === 0);
    const hit = r.trials.perTrial.filter((t) => t.lostInFlight > 0);
    expect(calm.length).toBeGreaterThan(0);
    expect(hit.length).toBeGreaterThan(0);
    for (const t of calm) expect(t.attainment).toBe(t.baselineAttainment);
    // One baseline for every trial (common random numbers).
    expect(new Set(r.trials.perTrial.map((t) => t.baselineAttainment)).size).toBe(1);
  });

  it('the CLI prints the trials and the boundary map; bad failures exit 2 naming the key', () => {
    const chat = `${PROJECT_ROOT}/scenarios/llama-3.1-8b-h100-chat.yaml`;
    const run = runCli('survive', chat, '--set', 'stop.requests=1500', '--trials', '2', '--rates', '6,12');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Headroom survivability/);
    expect(run.stdout).toMatch(/1 GPU: /);
    const bad = runCli('survive', chat, '--set', 'failures=[{kind: gpu, at: 1m, target: 9}]');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/failures\[0\]\.target|failures\.0\.target/);
  });
});
