import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNcclTests } from '../../analyzers/calibration/nccl-tests.js';
import { runCli, type CliRun } from './run-cli.js';

/**
 * `headroom collective` as a user meets it: the built CLI, judged by exit code, stdout and stderr.
 * Its table must line up with nccl-tests' own, so a user holds it row by row against their log.
 */

const dir = mkdtempSync(join(tmpdir(), 'headroom-collective-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A row of 2 x p5 H100 all_reduce_perf, verbatim from shared/data/fabric (out-of-place columns). */
const NCCL_ROW = '  1073741824     268435456     float     sum      -1   4607.6  233.04  436.95';

/** Where each whitespace-separated field of a line ends (its right edge: nccl-tests right-aligns). */
function fieldEnds(line: string): number[] {
  return [...line.matchAll(/\S+/g)].map((m) => m.index + m[0].length);
}

function expectInvalid(run: CliRun, message: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(message);
}

describe('headroom collective <kind> --gpus N: the flow model in nccl-tests layout', () => {
  it("prints all_reduce_perf's columns, one row per size from 8 B to 8 GiB, lined up with nccl-tests' own rows", () => {
    const run = runCli('collective', 'all-reduce', '--gpus', '8');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toContain('#       size         count      type   redop    root     time   algbw   busbw');
    expect(lines).toContain('#        (B)    (elements)                               (us)  (GB/s)  (GB/s)');
    const rows = lines.filter((l) => !l.startsWith('#'));
    expect(rows).toHaveLength(31);
    for (const row of rows) expect(row).toMatch(/^ *\d+ +\d+ +float +sum +-1 +\d+(\.\d+)? +\d+\.\d\d +\d+\.\d\d$/);
    const gib = rows.find((r) => r.trimStart().startsWith('1073741824 '))!;
    expect(fieldEnds(gib)).toEqual(fieldEnds(NCCL_ROW));
    expect(rows[0]!.trimStart().split(/ +/).slice(0, 5)).toEqual(['8', '2', 'float', 'sum', '-1']);
    // busbw = algbw x 2(n-1)/n, as nccl-tests computes it for all-reduce.
    for (const row of rows) {
      const f = row.trim().split(/ +/);
      expect(Math.abs(Number(f[7]) - Number(f[6]) * (14 / 8))).toBeLessThanOrEqual(0.01 + Number(f[7]) * 0.001);
    }
  });

  it('reads back with the nccl-tests parser calibrate --nccl uses', () => {
    const run = runCli('collective', 'all-reduce', '--gpus', '8', '--sizes', '1M:1G:4');
    const file = join(dir, 'predicted_all_reduce.log');
    writeFileSync(file, run.stdout);
    const parsed = readNcclTests(file);
    expect(parsed.operation).toBe('all_reduce');
    expect(parsed.rows.map((r) => r.bytes)).toEqual([2 ** 20, 2 ** 22, 2 ** 24, 2 ** 26, 2 ** 28, 2 ** 30]);
  });

  it('prints only the prediction JSON with --json: NVLS beside the rails over two H100 nodes, hierarchical over A100s, and slower NICs slow it', () => {
    const base = ['collective', 'all-reduce', '--gpus', '16', '--sizes', '1G:1G:2', '--json'];
    const run = runCli(...base);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ kind: 'collective', version: 1, collective: 'all-reduce', ncclTest: 'all_reduce_perf', gpus: 16, nodes: 2, gpusPerNode: 8, algorithm: 'nvls' });
    expect(result.cluster.intraNode).toMatchObject({ fabric: 'nvlink4', allReduceBandwidthEfficiency: null, nvls: { bandwidthEfficiency: 0.65, latencyUs: 25 } });
    expect(result.rows.map((r: { algorithm: string }) => r.algorithm)).toEqual(['nvls']);
    expect(result.cluster.interNode).toMatchObject({ fabric: 'infiniband-ndr', gbpsPerGpu: 400 });
    const a100 = JSON.parse(runCli(...base, '--gpu', 'a100-80gb').stdout);
    expect(a100).toMatchObject({ algorithm: 'hierarchical', cluster: { intraNode: { fabric: 'nvlink3', allReduceBandwidthEfficiency: 0.87, nvls: null } } });
    const slow = JSON.parse(runCli(...base, '--set', 'cluster.fabric.interNode.gbpsPerGpu=100').stdout);
    // At 100 Gb/s per GPU the rails, not NVLink, bound the time: 1/8 of the message per NIC at 12.5 GB/s.
    expect(slow.rows[0].seconds).toBeGreaterThan(2 ** 30 / 8 / 12.5e9);
    expect(slow.rows[0].seconds).toBeGreaterThan(1.5 * result.rows[0].seconds);
  });

  it('splits an all-gather buffer over the ranks as nccl-tests does: size rounded down to 4n bytes (8 B -> 0), count per rank, busbw (n-1)/n', () => {
    const run = runCli('collective', 'all-gather', '--gpus', '8', '--sizes', '8:8K:8', '--json');
    const rows = JSON.parse(run.stdout).rows as { bytes: number; count: number; algbwGBps: number; busbwGBps: number; redop: string }[];
    expect(rows.map((r) => r.bytes)).toEqual([0, 64, 512, 4096]);
    expect(rows.map((r) => r.count)).toEqual([0, 2, 16, 128]);
    for (const r of rows) expect(r.busbwGBps).toBeCloseTo((r.algbwGBps * 7) / 8, 12);
    expect(rows[1]!.redop).toBe('none');
  });

  it('exits 2 with the key path on a bad cluster value, and on bad flags, printing nothing on stdout', () => {
    expectInvalid(runCli('collective', 'all-reduce', '--gpus', '16', '--set', 'cluster.fabric.interNode.gbpsPerGpu=-5'), /cluster\.fabric\.interNode\.gbpsPerGpu: expected more than 0, got -5/);
    expectInvalid(runCli('collective', 'all-reduce', '--gpus', '8', '--gpu', 'h900'), /cluster\.gpu: unknown GPU "h900"/);
    expectInvalid(runCli('collective', 'all-reduce', '--gpus', '8', '--set', 'serving.tensorParallelSize=2'), /cluster keys only/);
    expectInvalid(runCli('collective', 'all-reduce', '--gpus', '16', '--nodes', '1'), /--gpus 16: the cluster has 1 node x 8 GPUs/);
    expectInvalid(runCli('collective', 'all-reduce', '--gpus', '0'), /--gpus must be an integer/);
    expectInvalid(runCli('collective', 'broadcast', '--gpus', '8'), /Allowed choices are all-reduce/);
    expectInvalid(runCli('collective', 'all-reduce', '--gpus', '8', '--sizes', '8G:8:2'), /--sizes: expected from:to:factor/);
  });
});
