import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../engine/simulate.js';
import { tinyScenario } from '../helpers/tiny-scenario.js';
import { CLI, PROJECT_ROOT } from '../cli/run-cli.js';

/**
 * Work is bounded before it starts and while it runs, and numbers whose arithmetic degenerates
 * are refused: every case ends with exit 2 and a message that names the key and the estimate,
 * and writes nothing. The spawn timeout only guards against a hang.
 */
const dir = mkdtempSync(join(tmpdir(), 'headroom-runaway-'));
const chat = join(PROJECT_ROOT, 'scenarios', 'llama-3.1-8b-h100-chat.yaml');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, timedOut: r.error !== undefined };
}

const CASES: [string, string[], RegExp][] = [
  ['rate x duration implies too many arrivals', ['--set', 'stop.requests=null', '--set', 'stop.duration=10h', '--set', 'workload.arrival.rate=10000'], /stop\.duration: expected a run of at most 100,000,000 arrivals, got about 360,000,000/],
  ['the event budget cannot cover two events per request', ['--set', 'limits.eventBudget=1000'], /limits\.eventBudget: expected a budget for at least 20,000 events/],
  ['a rate so small the clock loses its microseconds', ['--set', 'workload.arrival.rate=1e-300'], /workload\.arrival\.rate: expected a run of at most 1,000,000,000 simulated seconds/],
  ['a duration past 31 years', ['--set', 'stop.duration=1e12'], /stop\.duration: expected a duration of at most 1000000000 seconds, got 1000000000000/],
  ['a gamma cv whose shape never samples', ['--set', 'workload.arrival={process: gamma, rate: 5, cv: 1e-9}'], /workload\.arrival\.cv: expected a coefficient of variation of at least 0\.01/],
  ['a trace time scale that stretches time past what doubles resolve', ['--set', 'workload.arrival={process: trace, file: x.csv, timeScale: 1e-300}'], /workload\.arrival\.timeScale: expected a time scale of at least 0\.000001, got 1e-300/],
];

describe('runaway work is refused before it starts', () => {
  it.each(CASES)('%s: exit 2, named, nothing written', (_what, sets, message) => {
    const out = join(dir, 'never.json');
    const r = run(['simulate', chat, ...sets, '-o', out]);
    expect(r.timedOut).toBe(false);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('a trace whose timestamps span centuries is refused after reading, naming the file', () => {
    const far = join(dir, 'far.csv');
    writeFileSync(far, 'arrived_at,num_prefill_tokens,num_decode_tokens\n0,10,10\n1e300,10,10\n');
    const r = run(['simulate', chat, '--set', `workload.arrival={process: trace, file: ${far}}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${far}: expected arrivals spanning at most 1e+9 s`);
  });

  it('a knee precision doubles cannot resolve, and a --vary product past 64 configurations, are usage errors', () => {
    const precision = run(['saturation', chat, '--precision', '1e-300']);
    expect(precision.code).toBe(2);
    expect(precision.stderr).toMatch(/--precision must be a number from 0\.001 to 0\.5/);
    const vary = run(['saturation', chat, '--vary', 'serving.maxNumSeqs=1,2,3,4,5,6,7,8,9', '--vary', 'serving.blockSize=16,32,64,128,256,512,1024,2048']);
    expect(vary.code).toBe(2);
    expect(vary.stderr).toMatch(/--vary gives 72 configurations \(9 x 8\), at most 64/);
  });
});

describe('a run stops at its budgets instead of exhausting memory', () => {
  it('an overloaded 20M-request run stops once a million requests are in the system: exit 2, not a heap abort', () => {
    const overload = join(dir, 'overload.yaml');
    writeFileSync(
      overload,
      'name: overload\nstop: { requests: 20000000 }\nlimits: { eventBudget: 1000000000 }\nmodel: llama-3.1-8b\ncluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 1 }\n' +
        'workload:\n  arrival: { process: poisson, rate: 1000 }\n  inputTokens: { dist: fixed, value: 1000 }\n  outputTokens: { dist: fixed, value: 200 }\n',
    );
    const r = run(['simulate', overload]);
    expect(r.timedOut).toBe(false);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/1000000 requests were in the system at once .* raise limits\.maxInSystem/);
  });
});

describe('a huge cluster costs aggregates, not per-replica detail', () => {
  it('200,000 replicas simulate (no argument spread), listing the extremes only and no per-replica series', () => {
    const r = simulate(
      tinyScenario({
        stop: { requests: 2000 },
        cluster: { gpu: 'h100-sxm', nodes: 25_000, gpusPerNode: 8 },
        serving: { replicas: 200_000 },
        workload: { arrival: { process: 'poisson', rate: 100 }, inputTokens: { dist: 'fixed', value: 100 }, outputTokens: { dist: 'fixed', value: 10 } },
      }),
    );
    expect(r.requests.completed).toBe(2000);
    const u = r.utilization;
    expect(u.perReplica.length).toBeLessThanOrEqual(3);
    expect(u.perReplica.length + u.perReplicaOmitted).toBe(200_000);
    expect(r.timeSeries.perReplica).toEqual([]);
    // The cluster series still conserve what happened.
    const t = r.timeSeries.total;
    const completed = t.completedPerSecond.reduce((a, v, i) => a + v * Math.min(r.timeSeries.bucketSeconds, r.run.simulatedSeconds - i * r.timeSeries.bucketSeconds), 0);
    expect(completed).toBeCloseTo(2000, 6);
    expect(Math.max(...t.running)).toBeLessThanOrEqual(2000);
    // Busiest and least busy replicas are among those listed.
    const busy = u.perReplica.map((p) => p.busyFraction);
    expect(Math.min(...busy)).toBe(0);
    expect(Math.max(...busy)).toBeGreaterThan(0);
    expect(u.kvOccupancyPeak).toBe(Math.max(...u.perReplica.map((p) => p.kvOccupancyPeak)));
  });

  it('up to 1,024 engines every replica is listed with its own series, and the cluster KV mean is their mean', () => {
    const r = simulate(tinyScenario({ stop: { requests: 400 }, cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 }, serving: { replicas: 8 }, workload: { arrival: { process: 'poisson', rate: 40 } } }));
    expect(r.utilization.perReplica).toHaveLength(8);
    expect(r.utilization.perReplicaOmitted).toBe(0);
    expect(r.timeSeries.perReplica).toHaveLength(8);
    const means = r.utilization.perReplica.map((p) => p.kvOccupancyMean);
    expect(r.utilization.kvOccupancyMean).toBeCloseTo(means.reduce((a, b) => a + b, 0) / 8, 12);
  });
});
