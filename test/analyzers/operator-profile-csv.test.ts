import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CalibrateInputError } from '../../analyzers/calibration/calibrate-prometheus.js';
import { allReduceLinks, fitLinearProfiles, readOperatorProfileCsv } from '../../analyzers/calibration/operator-profile-csv.js';
import { LINEAR_OPS, predictLinear } from '../../analyzers/calibration/operator-profile-fit.js';
import { findGpu, findModel } from '../../engine/catalog/lookup.js';
import { scaleCalibration } from '../../engine/step-time/calibration-profile.js';
import { calibrationFor } from '../../engine/step-time/step-time-calibration.js';
import { hasSharedData, sharedDataPath } from '../helpers/shared-data.js';

/**
 * `calibrate --profile-csv`: a deployment's own operator profiles (Vidur's CSV layout) fit the
 * profile's memory and compute scales on every other row in token order and check on the rows between.
 */
const dir = mkdtempSync(join(tmpdir(), 'headroom-opcsv-'));
const gpu = findGpu('h100-sxm')!;
const model = findModel('llama-2-7b')!;

/** A linear-layer profile of `model` on `gpu` as the engine times it with the given scales (all time in one op). */
function syntheticCsv(memory: number, compute: number, tokens: readonly number[]): string {
  const rows = tokens.map((n) => ({ numTokens: n, tensorParallelSize: 1, seconds: 0, architecture: { heads: 32, kvHeads: 32, hidden: 4096, ffn: 11008 } }));
  const seconds = predictLinear(model, gpu, rows, scaleCalibration(calibrationFor(gpu, 'bf16').calibration, memory, compute));
  const header = [...LINEAR_OPS.map((op) => `time_stats.${op}.median`), 'n_head', 'n_kv_head', 'n_embd', 'n_expanded_embd', 'num_tokens', 'num_tensor_parallel_workers'];
  const lines = rows.map((r, i) => [...LINEAR_OPS.map((op) => (op === 'mlp_up_proj' ? seconds[i]! * 1e3 : 0)), 32, 32, 4096, 11008, r.numTokens, 1].join(','));
  return `${header.join(',')}\n${lines.join('\n')}\n`;
}

const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const flags = { model: 'llama-2-7b', gpu: 'h100-sxm', tp: 1 };
const linear = (file: string) => {
  const p = readOperatorProfileCsv(file);
  if (p.kind !== 'linear') throw new Error('expected a linear profile');
  return p;
};

describe('calibrate --profile-csv: linear-layer profiles', () => {
  it('recovers the scales a GPU was profiled with (HBM x0.8, tensor cores x0.9) within 3%, checked on held-out rows', () => {
    const tokens = Array.from({ length: 40 }, (_, i) => Math.round(2 ** (i / 3)));
    const profile = fitLinearProfiles([linear(write('slow.csv', syntheticCsv(0.8, 0.9, tokens)))], flags);
    expect(profile.parameters.memoryScale.fitted).toBe(true);
    expect(profile.parameters.computeScale.fitted).toBe(true);
    expect(profile.parameters.memoryScale.value).toBeCloseTo(0.8, 1);
    expect(Math.abs(profile.parameters.memoryScale.value / 0.8 - 1)).toBeLessThan(0.03);
    expect(Math.abs(profile.parameters.computeScale.value / 0.9 - 1)).toBeLessThan(0.03);
    expect(profile.check.errorPercent!).toBeLessThan(1);
    expect(profile.check.note).toMatch(/20 rows between the fitted ones \(held out\)/);
  });

  it('says what the rows cannot identify: small batches only (weight streaming) leave the compute scale at 1, marked, and fit the memory scale alone', () => {
    const profile = fitLinearProfiles([linear(write('small.csv', syntheticCsv(0.8, 1, [1, 2, 3, 4, 6, 8])))], flags);
    expect(profile.parameters.computeScale).toMatchObject({ value: 1, fitted: false });
    expect(profile.parameters.computeScale.note).toMatch(/no row .* depends on compute .*left at 1/);
    expect(Math.abs(profile.parameters.memoryScale.value / 0.8 - 1)).toBeLessThan(0.03);
  });

  it("refuses a profile of another model's layers, naming both", () => {
    expect(() => fitLinearProfiles([linear(write('other.csv', syntheticCsv(1, 1, [1, 2, 4])))], { ...flags, model: 'llama-3.1-8b' })).toThrow(
      /line 2: expected the layers of llama-3\.1-8b \(heads 32, kv heads 8, hidden 4096, ffn 14336\), got heads 32, kv heads 32, hidden 4096, ffn 11008/,
    );
  });

  it('names the file, line and column of a bad cell, a missing column, or a layout it does not know', () => {
    const good = syntheticCsv(1, 1, [1, 2, 4]).split('\n');
    const bad = [good[0], good[1], good[2]!.replace(/^[^,]+/, 'fast'), ''].join('\n');
    expect(() => readOperatorProfileCsv(write('cell.csv', bad))).toThrow(/cell\.csv: line 3: expected a number in column time_stats\.input_layernorm\.median, got "fast"/);
    expect(() => readOperatorProfileCsv(write('cols.csv', 'time_stats.mlp_up_proj.median,num_tokens\n1,2\n'))).toThrow(/line 1: expected the linear-layer profile columns/);
    expect(() => readOperatorProfileCsv(write('what.csv', 'a,b\n1,2\n'))).toThrow(/what\.csv: line 1: expected a Vidur-style operator profile .* got columns a, b/);
    expect(() => readOperatorProfileCsv(write('empty.csv', ''))).toThrow(CalibrateInputError);
    expect(() => readOperatorProfileCsv(join(dir, 'missing.csv'))).toThrow(/missing\.csv/);
  });
});

describe('calibrate --profile-csv on Vidur profiles (../shared/data/profiling)', () => {
  const run = hasSharedData('profiling', 'vidur') ? it : it.skip;
  const vidur = (...p: string[]) => sharedDataPath('profiling', 'vidur', ...p);

  run('H100 Llama-2-7B, the rows the catalog constants were fitted on: scales within 5% of 1, held-out rows within 6%', () => {
    const profile = fitLinearProfiles([linear(vidur('compute', 'h100', 'meta-llama', 'Llama-2-7b-hf', 'mlp.csv'))], flags);
    console.log(`H100 Llama-2-7B: memory x${profile.parameters.memoryScale.value.toFixed(3)}, compute x${profile.parameters.computeScale.value.toFixed(3)}, check ${profile.check.errorPercent!.toFixed(1)}%`);
    expect(Math.abs(profile.parameters.memoryScale.value - 1)).toBeLessThan(0.05);
    expect(Math.abs(profile.parameters.computeScale.value - 1)).toBeLessThan(0.05);
    expect(profile.check.errorPercent!).toBeLessThan(6);
  });

  run('A100 Llama-3-8B, never used by the catalog fit: held-out rows within 6%', () => {
    const profile = fitLinearProfiles([linear(vidur('compute', 'a100', 'meta-llama', 'Meta-Llama-3-8B', 'mlp.csv'))], { model: 'llama-3.1-8b', gpu: 'a100-80gb', tp: 1 });
    console.log(`A100 Llama-3-8B: memory x${profile.parameters.memoryScale.value.toFixed(3)}, compute x${profile.parameters.computeScale.value.toFixed(3)}, check ${profile.check.errorPercent!.toFixed(1)}%`);
    expect(profile.check.errorPercent!).toBeLessThan(6);
  });

  run('an all_reduce.csv gives one link per ring size: latency floor and bus-bandwidth plateau', () => {
    const p = readOperatorProfileCsv(vidur('network', 'h100_dgx', 'all_reduce.csv'));
    if (p.kind !== 'all-reduce') throw new Error('expected an all-reduce profile');
    const links = allReduceLinks(p);
    expect(links.map((l) => l.ranks)).toEqual([2, 4, 8]);
    for (const l of links) {
      expect(l.alphaSeconds!).toBeGreaterThan(10e-6);
      expect(l.alphaSeconds!).toBeLessThan(100e-6);
      // NVLink 4 is 450 GB/s per direction: a ring reaches a good share of it, never more.
      expect(l.busBandwidthGBps).toBeGreaterThan(150);
      expect(l.busBandwidthGBps).toBeLessThan(450);
    }
  });
});
