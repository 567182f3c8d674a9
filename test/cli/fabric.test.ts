import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FabricComparison, FabricResult } from '../../analyzers/fabric/fabric-result.js';
import { PROJECT_ROOT, runCli } from './run-cli.js';

/** `headroom fabric` as a user runs it on the shipped P/D scenario across two racks. */
const dir = mkdtempSync(join(tmpdir(), 'headroom-fabric-cli-'));
const pd = join(PROJECT_ROOT, 'scenarios', 'llama-3.1-8b-pd-disaggregated.yaml');
const small = ['--set', 'stop.requests=1500'];

describe('headroom fabric', () => {
  it('finds the spine saturating while the per-node view looks healthy, and when pressure begins beside the SLO break', () => {
    const out = join(dir, 'fabric.json');
    const run = runCli('fabric', pd, ...small, '--rates', '20,40,60,80', '-o', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Hottest link: rack0 leaf -> spine at p99 \d+%/);
    expect(run.stdout).toMatch(/fabric pressure onset: \d+ req\/s \(link p99 utilization/);
    const r = JSON.parse(readFileSync(out, 'utf8')) as FabricResult;
    expect(r.kind).toBe('fabric');
    expect(r.run.hottest[0]!.id).toBe('rack0 leaf -> spine');
    expect(r.run.hottest[0]!.traffic[0]!.tag).toBe('kv-transfer');
    expect(r.perNode.healthy).toBe(true);
    expect(r.hiddenFromPerNodeView).toBe(true);
    expect(r.points.map((p) => p.rate)).toEqual([20, 40, 60, 80]);
    // Link p99 climbs with the load.
    for (let i = 1; i < r.points.length; i++) expect(r.points[i]!.linkUtilizationP99).toBeGreaterThanOrEqual(r.points[i - 1]!.linkUtilizationP99);
    expect(r.pressureOnset!.rate).toBeLessThanOrEqual(r.sloBreakRate ?? Infinity);
  });

  it('--vary the spine oversubscription: 1:1 takes the pressure off the spine', () => {
    const run = runCli('fabric', pd, ...small, '--rates', '60', '--vary', 'cluster.topology.spine.oversubscription=1,4', '--json');
    expect(run.code, run.stderr).toBe(0);
    const c = JSON.parse(run.stdout) as FabricComparison;
    const [one, four] = c.configurations;
    const spine = (r: FabricResult) => r.run.linkLoads.find((l) => l.id === 'rack0 leaf -> spine')!.utilizationP99;
    console.log(`spine p99 at 1:1 ${(100 * spine(one!)).toFixed(0)}%, at 4:1 ${(100 * spine(four!)).toFixed(0)}%`);
    expect(spine(four!)).toBeGreaterThan(spine(one!) * 2);
    expect(four!.label).toBe('oversubscription=4');
  });

  it('gates CI: check fails on fabric.linkUtilizationP99 < 50%', () => {
    const run = runCli('check', pd, ...small, '--fail-on', 'fabric.linkUtilizationP99 < 50%');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/fabric\.linkUtilizationP99 < 50%/);
  });

  it('refuses bad input with exit 2 and writes nothing', () => {
    const out = join(dir, 'never.json');
    const bad = runCli('fabric', pd, '--set', 'cluster.topology.racks=9', '-o', out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/cluster\.topology: expected racks that hold the 4 nodes/);
    expect(runCli('fabric', pd, '--vary', 'nothing', '-o', out).code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
