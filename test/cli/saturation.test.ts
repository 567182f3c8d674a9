import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, PROJECT_ROOT, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-saturation-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A quick M/D/1-like scenario (one slot, fixed lengths) with a queue-wait SLO. */
const scenario = join(dir, 'md1.yaml');
writeFileSync(
  scenario,
  `name: md1-cli
seed: 5
stop: { requests: 2000 }
model: llama-3.1-8b
cluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 1 }
serving: { tensorParallelSize: 1, maxNumSeqs: 1, maxNumBatchedTokens: 8192, enableChunkedPrefill: false }
workload:
  arrival: { process: poisson, rate: 0.5 }
  inputTokens: { dist: fixed, value: 256 }
  outputTokens: { dist: fixed, value: 16 }
slo: { queueWaitMean: 500ms }
`,
);

describe('headroom saturation', () => {
  it('`saturation <scenario> --json` searches and prints a saturation result', () => {
    const run = runCli('saturation', scenario, '--replications', '2', '--workers', '1', '--json');
    expect(run.code, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout);
    expect(r.kind).toBe('saturation');
    expect(r.method.mode).toBe('search');
    // Every point's replications, and the same again for each knob tried at the first broken rate.
    expect(r.method.simulations).toBe(2 * r.points.length + 2 * r.bottleneck.tried.length);
    expect(r.saturationRate.low).toBeLessThanOrEqual(r.saturationRate.mean);
    expect(r.saturationRate.high).toBeGreaterThanOrEqual(r.saturationRate.mean);
    expect(['queue', 'compute', 'kv-memory', 'batch-limit', 'communication']).toContain(r.bottleneck.name);
    expect(r.headroom.requestsPerSecond).toBeCloseTo(r.saturationRate.mean - 0.5, 9);
  });

  it('`saturation --rates 1:3:1` prints the same JSON with --workers 1 and --workers 3', () => {
    const one = runCli('saturation', scenario, '--rates', '1:3:1', '--replications', '2', '--workers', '1', '--json');
    const three = runCli('saturation', scenario, '--rates', '1:3:1', '--replications', '2', '--workers', '3', '--json');
    expect(one.code, one.stderr).toBe(0);
    expect(three.stdout).toBe(one.stdout);
    expect(JSON.parse(one.stdout).points.map((p: { rate: number }) => p.rate)).toEqual([1, 2, 3]);
  });

  it('the terminal table marks today, the knee and names the bottleneck', () => {
    const run = runCli('saturation', scenario, '--replications', '1', '--workers', '1');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('<- today');
    expect(run.stdout).toMatch(/<- SLO breaks \(knee [\d.]+\)/);
    expect(run.stdout).toMatch(/first bottleneck: \S+:/);
    expect(run.stdout).toMatch(/headroom at today's/);
  });

  it('`--vary serving.maxNumSeqs=1,2` compares configurations with a Pareto flag each', () => {
    const run = runCli('saturation', scenario, '--vary', 'serving.maxNumSeqs=1,2', '--replications', '1', '--workers', '1', '--json');
    expect(run.code, run.stderr).toBe(0);
    const c = JSON.parse(run.stdout);
    expect(c.kind).toBe('saturation-comparison');
    expect(c.configurations.map((k: { label: string }) => k.label)).toEqual(['maxNumSeqs=1', 'maxNumSeqs=2']);
    // Two slots carry more load than one.
    expect(c.configurations[1].saturationRate).toBeGreaterThan(c.configurations[0].saturationRate);
    for (const k of c.configurations) expect(typeof k.paretoOptimal).toBe('boolean');
  });

  it.each([['0:1:1'], ['3:1:1'], ['a,b'], ['1:2']])('`--rates %s` exits 2 naming --rates', (rates) => {
    const run = runCli('saturation', scenario, '--rates', rates);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--rates');
  });

  it('a scenario without an slo and without --rates exits 2 naming the slo key', () => {
    const noSlo = join(dir, 'no-slo.yaml');
    writeFileSync(noSlo, 'name: no-slo\nmodel: llama-3.1-8b\ncluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 1 }\nworkload:\n  arrival: { process: poisson, rate: 1 }\n  inputTokens: { dist: fixed, value: 64 }\n  outputTokens: { dist: fixed, value: 8 }\n');
    const run = runCli('saturation', noSlo);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/slo/);
  });

  it('Ctrl-C (SIGINT) stops the analysis with exit 130 and writes no output file', async () => {
    const out = join(dir, 'interrupted.json');
    const child = spawn(process.execPath, [CLI, 'saturation', scenario, '--set', 'stop.requests=200000', '--workers', '2', '-o', out], {
      cwd: PROJECT_ROOT,
      stdio: 'ignore',
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(existsSync(out)).toBe(false);
  });
});

describe('--vary with an infeasible combination', () => {
  it('compares the feasible ones and lists the refused one with the reason, instead of aborting', () => {
    const run = runCli(
      'saturation', 'scenarios/llama-3.1-70b-h100-tp4.yaml', '--set', 'stop.requests=800', '--set', 'serving.replicas=null',
      '--vary', 'serving.tensorParallelSize=3,4', '--rates', '2,4', '--replications', '1', '--workers', '1', '--json',
    );
    expect(run.code).toBe(0);
    const c = JSON.parse(run.stdout);
    expect(c.configurations.map((k: { label: string; replicas: number }) => [k.label, k.replicas])).toEqual([['tensorParallelSize=4', 2]]);
    expect(c.infeasible).toEqual([{ label: 'tensorParallelSize=3', overrides: { 'serving.tensorParallelSize': '3' }, reason: expect.stringContaining('divisor') }]);
  });
});
