import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, PROJECT_ROOT, runCli } from './run-cli.js';

/**
 * Sharded sweeps as a capacity planner runs them on a CI matrix or an Indexed Job, here as local
 * processes: each shard writes a partial, `headroom merge` makes the result, and that result is
 * byte for byte what one process running the whole command prints with --json.
 */

const dir = mkdtempSync(join(tmpdir(), 'headroom-shard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Llama-3.1-8B on two H100 replicas, 600 requests (small enough for dozens of processes). */
const SCENARIO = `name: shard-chat
seed: 9
stop: { requests: 600 }
model: llama-3.1-8b
cluster: { gpu: h100-sxm, nodes: 1, gpusPerNode: 2 }
serving: { tensorParallelSize: 1, replicas: 2 }
workload:
  arrival: { process: poisson, rate: 8 }
  inputTokens: { dist: lognormal, mean: 512, sd: 256 }
  outputTokens: { dist: lognormal, mean: 128, sd: 64 }
slo: { ttftP99: 1s, tpotP99: 50ms }
checks: ["ttft.p99 < 1s", "saturation.rate >= 5"]
`;
const scenario = join(dir, 'chat.yaml');
writeFileSync(scenario, SCENARIO);

/** Each sharded command, as a planner would shard it. */
const COMMANDS: Record<string, string[]> = {
  'saturation --rates (a grid, then refined around the break)': ['saturation', scenario, '--rates', '4:28:6', '--replications', '2'],
  'saturation --vary (whole configurations per shard)': ['saturation', scenario, '--vary', 'serving.maxNumSeqs=32,128,1024', '--rates', '6,18', '--replications', '1'],
  'survive (the trials split)': ['survive', scenario, '--trials', '8', '--rates', '6,12'],
  'fabric (the rate sweep split)': ['fabric', scenario, '--rates', '4,8,16'],
  'check (its saturation search)': ['check', scenario],
};

function shardAndMerge(args: string[], shards: number, tag: string): { merged: string; partials: string[]; mergeCode: number | null; mergeErr: string } {
  const partials: string[] = [];
  for (let i = 1; i <= shards; i++) {
    const out = join(dir, `${tag}-${shards}-part${i}.json`);
    const run = runCli(...args, '--shard', `${i}/${shards}`, '-o', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^shard ${i}/${shards} of ${args[0]}: `));
    partials.push(out);
  }
  const merged = join(dir, `${tag}-${shards}-merged.json`);
  const run = runCli('merge', ...partials, '-o', merged);
  return { merged: readFileSync(merged, 'utf8'), partials, mergeCode: run.code, mergeErr: run.stderr };
}

describe('--shard i/N and headroom merge', () => {
  for (const [label, args] of Object.entries(COMMANDS)) {
    it(`${label}: N = 1, 2, 3, 7 shards merged give the unsharded result, byte for byte`, () => {
      const whole = runCli(...args, '--json');
      const expectedCode = args[0] === 'check' ? whole.code : 0;
      expect([0, 1]).toContain(whole.code);
      const tag = args[0]! + Object.keys(COMMANDS).indexOf(label);
      for (const shards of [1, 2, 3, 7]) {
        const { merged, mergeCode, mergeErr } = shardAndMerge(args, shards, tag);
        expect(merged, `${shards} shards`).toBe(whole.stdout);
        expect(mergeCode, mergeErr).toBe(expectedCode);
        expect(mergeErr).toMatch(/merged \d+ partials? of \d+ shards? /);
      }
    });
  }

  it('a partial records what it covered, its wall time and simulation count, the scenario hash and the version', () => {
    const out = join(dir, 'record.json');
    expect(runCli(...COMMANDS['survive (the trials split)']!, '--shard', '2/3', '-o', out).code).toBe(0);
    const p = JSON.parse(readFileSync(out, 'utf8'));
    expect(p).toMatchObject({ kind: 'partial', version: 1, headroom: '0.1.0', shard: { index: 2, count: 3 }, command: { name: 'survive', files: [scenario] } });
    expect(p.scenarioHash).toMatch(/^[0-9a-f]{64}$/);
    expect(p.covers.what).toBe('simulations');
    // 8 trials x (with failure, baseline) = 16 split: shard 2 takes units 1, 4, 7, 10, 13; the probe
    // before is every shard's (and is trial 0's baseline, unit 1: one unit, simulated twice).
    expect(p.covers.batch).toHaveLength(16);
    expect(p.run.simulations).toBe(1 + 5);
    expect(p.units).toHaveLength(5);
    expect(p.run.wallSeconds).toBeGreaterThan(0);
    expect(p.command.options).not.toHaveProperty('shard');
    expect(p.command.options).not.toHaveProperty('output');
  });

  describe('merge refuses sets that are not one whole sharded run (exit 2, saying what is wrong)', () => {
    const args = COMMANDS['saturation --rates (a grid, then refined around the break)']!;
    const part = (i: number, n: number, extra: string[] = [], tag = 'refuse') => {
      const out = join(dir, `${tag}-${i}-of-${n}.json`);
      expect(runCli(...args, ...extra, '--shard', `${i}/${n}`, '-o', out).code).toBe(0);
      return out;
    };
    const p1 = part(1, 3);
    const p2 = part(2, 3);
    const p3 = part(3, 3);

    it('a missing shard, named', () => {
      const r = runCli('merge', p1, p3, '-o', join(dir, 'x.json'));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('missing shard 2/3 of 3');
      expect(existsSync(join(dir, 'x.json'))).toBe(false);
    });

    it('partials of another scenario setting or another shard count', () => {
      const other = part(2, 3, ['--set', 'workload.arrival.rate=9'], 'other');
      const r = runCli('merge', p1, other, p3, '-o', join(dir, 'x.json'));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/options .* differs from .*: these partials are not one sharded run/);
      const four = part(2, 4, [], 'four');
      const r4 = runCli('merge', p1, four, p3);
      expect(r4.code).toBe(2);
      expect(r4.stderr).toMatch(/shard count 4 differs/);
    });

    it('a rerun index that agrees is merged once; two shard files that disagree are refused', () => {
      const rerun = join(dir, 'rerun-2.json');
      copyFileSync(p2, rerun);
      const ok = runCli('merge', p1, p2, rerun, p3, '--json');
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toBe(runCli(...args, '--json').stdout);
      const tampered = JSON.parse(readFileSync(p2, 'utf8'));
      tampered.units[0].summary.requests.completed += 1;
      const bad = join(dir, 'tampered-2.json');
      writeFileSync(bad, JSON.stringify(tampered));
      const r = runCli('merge', p1, p2, bad, p3);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/are both shard 2\/3 but ran different simulations/);
    });

    it('a file that is not a partial, and a scenario changed since the shards ran', () => {
      const result = join(dir, 'a-result.json');
      writeFileSync(result, runCli('simulate', scenario, '--json').stdout);
      const r = runCli('merge', result);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/expected a partial result .*, got a "simulation" result/);
      const copy = join(dir, 'changing.yaml');
      writeFileSync(copy, SCENARIO);
      const before = [1, 2].map((i) => {
        const out = join(dir, `changing-${i}.json`);
        expect(runCli('saturation', copy, '--rates', '4,8', '--replications', '1', '--shard', `${i}/2`, '-o', out).code).toBe(0);
        return out;
      });
      writeFileSync(copy, SCENARIO.replace('seed: 9', 'seed: 10'));
      const changed = runCli('merge', ...before);
      expect(changed.code).toBe(2);
      expect(changed.stderr).toMatch(/changed since the shards ran/);
    });

    it('bad --shard values and a shard without -o are usage errors, before anything runs', () => {
      for (const bad of ['0/3', '4/3', '2', 'a/b', '1/0']) {
        const r = runCli(...args, '--shard', bad, '-o', join(dir, 'never.json'));
        expect(r.code, bad).toBe(2);
        expect(r.stderr).toMatch(/--shard .*: expected i\/N with 1 <= i <= N/);
      }
      const r = runCli(...args, '--shard', '1/2');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/expected -o <partial.json>/);
      expect(existsSync(join(dir, 'never.json'))).toBe(false);
    });
  });

  it('a shard that dies leaves no partial file', async () => {
    const out = join(dir, 'killed.json');
    const child = spawn(process.execPath, [CLI, 'survive', scenario, '--trials', '400', '--workers', '1', '--shard', '1/2', '-o', out], { cwd: PROJECT_ROOT, stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('killed'))).toEqual([]);
  });
});
