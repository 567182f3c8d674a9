import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from './run-cli.js';

/** `headroom calibrate` as a user runs it: simulate --metrics, calibrate, simulate with the profile. */
const dir = mkdtempSync(join(tmpdir(), 'headroom-calibrate-cli-'));
const chat = join(PROJECT_ROOT, 'scenarios', 'llama-3.1-8b-h100-chat.yaml');

describe('headroom calibrate', () => {
  it('simulate --metrics writes vLLM-named scrapes; calibrate fits a profile from them; a scenario naming it says so', () => {
    const prom = join(dir, 'run.prom');
    expect(runCli('simulate', chat, '--set', 'stop.requests=1500', '--metrics', prom).code).toBe(0);
    const text = readFileSync(prom, 'utf8');
    expect(text).toMatch(/^# TYPE vllm:num_requests_running gauge$/m);
    expect(text).toMatch(/^vllm:inter_token_latency_seconds_count\{engine="0",model_name="llama-3\.1-8b"\} \d+\.0 \d+$/m);
    const profile = join(dir, 'profile.json');
    // The model comes from the scrape's model_name label; the GPU and TP from the flags.
    const cal = runCli('calibrate', '--prometheus', prom, '--gpu', 'h100-sxm', '--tp', '1', '-o', profile);
    expect(cal.code, cal.stderr).toBe(0);
    expect(cal.stdout).toMatch(/^calibration profile for llama-3\.1-8b on h100-sxm \(TP1, bf16\)$/m);
    expect(cal.stdout).toMatch(/memory scale 1\.0\d\d|memory scale 0\.9\d\d/);
    const used = runCli('simulate', chat, '--set', 'stop.requests=500', '--set', `calibration={profile: ${profile}}`);
    expect(used.code, used.stderr).toBe(0);
    expect(used.stdout).toMatch(/calibrated from telemetry: calibrated from .*profile\.json \(memory x/);
  });

  it('--compare puts each measured statistic beside its simulation; with the fitted profile the errors shrink, running sequences too (not fitted)', () => {
    const slowGpu = JSON.stringify({ hbmGiB: 79.6474609375, hbmTBps: 3.35 * 0.7, bf16Tflops: 989.5, fp8Tflops: 1979, intraNodeFabric: 'nvlink4', intraNodeGBps: 450, name: 'slow' });
    const prom = join(dir, 'slow.prom');
    expect(runCli('simulate', chat, '--set', 'stop.requests=1500', '--set', `cluster.gpu=${slowGpu}`, '--metrics', prom).code).toBe(0);
    const profile = join(dir, 'slow-profile.json');
    expect(runCli('calibrate', '--prometheus', prom, '--gpu', 'h100-sxm', '--tp', '1', '-o', profile).code).toBe(0);
    const compare = (...extra: string[]) => {
      const r = runCli('calibrate', '--compare', '--prometheus', prom, '--gpu', 'h100-sxm', '--tp', '1', '--json', ...extra);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { kind: string; profile: string | null; runs: { statistics: { name: string; errorPercent: number }[] }[] };
    };
    const plain = compare();
    const fitted = compare('--profile', profile);
    expect(plain).toMatchObject({ kind: 'calibration', profile: null });
    expect(fitted.profile).toBe(profile);
    const err = (c: typeof plain, name: string) => Math.abs(c.runs[0]!.statistics.find((s) => s.name.startsWith(name))!.errorPercent);
    expect(err(plain, 'mean inter-token')).toBeGreaterThan(20);
    expect(err(fitted, 'mean inter-token')).toBeLessThan(3);
    expect(err(fitted, 'mean running')).toBeLessThan(err(plain, 'mean running'));
  });

  it('without telemetry, or with a profile that is not one, exits 2 and writes nothing', () => {
    const out = join(dir, 'never.json');
    const none = runCli('calibrate', '--gpu', 'h100-sxm', '--tp', '1', '-o', out);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give --prometheus <file>/);
    expect(existsSync(out)).toBe(false);
    const bad = runCli('simulate', chat, '--set', `calibration={profile: ${chat}}`);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not valid JSON/);
  });

  it('--profile-csv fits from operator profiles and checks on the served run given beside them; a bad CSV exits 2 naming its line', () => {
    const header = 'time_stats.input_layernorm.median,time_stats.attn_pre_proj.median,time_stats.attn_rope.median,time_stats.attn_post_proj.median,time_stats.post_attention_layernorm.median,time_stats.mlp_up_proj.median,time_stats.mlp_act.median,time_stats.mlp_down_proj.median,time_stats.add.median,n_head,n_kv_head,n_embd,n_expanded_embd,num_tokens,num_tensor_parallel_workers';
    // Llama-3.1-8B layers on an H100 at three token counts (ms per op, a plausible profile).
    const rows = ['0.01,0.05,0.01,0.04,0.01,0.16,0.01,0.08,0.01,32,8,4096,14336,1,1', '0.01,0.06,0.01,0.04,0.01,0.17,0.01,0.09,0.01,32,8,4096,14336,64,1', '0.05,0.35,0.03,0.25,0.05,1.2,0.1,0.6,0.03,32,8,4096,14336,4096,1'];
    const csv = join(dir, 'mlp.csv');
    writeFileSync(csv, `${header}\n${rows.join('\n')}\n`);
    const prom = join(dir, 'served.prom');
    expect(runCli('simulate', chat, '--set', 'stop.requests=800', '--metrics', prom).code).toBe(0);
    const out = join(dir, 'op-profile.json');
    const run = runCli('calibrate', '--profile-csv', csv, '--prometheus', prom, '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--tp', '1', '-o', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/memory scale \d\.\d{3} \(fitted on the linear-layer times/);
    expect(run.stdout).toMatch(/check: \d+\.\d% \(.*served runs held out/);
    const profile = JSON.parse(readFileSync(out, 'utf8')) as { fittedFrom: { format: string }[] };
    expect(profile.fittedFrom.map((f) => f.format)).toEqual(['operator profile (linear layers)', 'prometheus (vllm)']);
    writeFileSync(csv, `${header}\n${rows[0]}\n${rows[1]!.replace('0.06', 'n/a')}\n`);
    const bad = runCli('calibrate', '--profile-csv', csv, '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--tp', '1', '-o', join(dir, 'never2.json'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/mlp\.csv: line 3: expected a number in column time_stats\.attn_pre_proj\.median, got "n\/a"/);
    expect(existsSync(join(dir, 'never2.json'))).toBe(false);
  });
});
