import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../../engine/scenario/validate-scenario.js';
import { simulate } from '../../../engine/simulate.js';
import { writtenScenario } from '../../helpers/tiny-scenario.js';

/**
 * A TP group may span whole nodes (vLLM runs TP16 over two 8-GPU nodes): a legitimate, costly
 * layout. Its all-reduces run hierarchically, the inter-node phase over the NICs, so halving each
 * GPU's weights buys less than half the decode time.
 */
const written = (tp: number, replicas: number, extra: Record<string, unknown> = {}) =>
  writtenScenario({
    stop: { requests: 150 },
    model: 'llama-3.1-405b',
    cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8, fabric: { intraNode: 'nvlink4', interNode: { kind: 'infiniband-ndr', gbpsPerGpu: 400 } } },
    serving: { tensorParallelSize: tp, replicas, quantization: 'fp8' },
    workload: { arrival: { process: 'poisson', rate: 0.5 }, inputTokens: { dist: 'fixed', value: 1024 }, outputTokens: { dist: 'fixed', value: 256 } },
    ...extra,
  });
const scenario = (w: Record<string, unknown>) => {
  const v = validateScenario(w, { file: 'tp.yaml', baseDir: process.cwd() });
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.scenario;
};

describe('tensor parallelism across nodes', () => {
  const tp8 = simulate(scenario(written(8, 2)));
  const tp16 = simulate(scenario(written(16, 1)));

  it('TP16 over two nodes decodes faster than TP8 in one, but by less than the halved weights would give', () => {
    const ratio = tp16.latency.tpot.p50! / tp8.latency.tpot.p50!;
    console.log(`405B fp8 decode TPOT p50: TP8 ${(tp8.latency.tpot.p50! * 1e3).toFixed(1)} ms, TP16 across 2 nodes ${(tp16.latency.tpot.p50! * 1e3).toFixed(1)} ms (x${ratio.toFixed(2)})`);
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1);
  });

  it('a slower NIC makes TP16 across nodes slower; TP8 inside a node does not notice', () => {
    const slowNic = (tp: number, replicas: number) =>
      simulate(scenario(written(tp, replicas, { cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8, fabric: { interNode: { kind: 'infiniband-ndr', gbpsPerGpu: 25 } } } })));
    expect(slowNic(16, 1).latency.tpot.p50!).toBeGreaterThan(tp16.latency.tpot.p50! * 1.05);
    expect(slowNic(8, 2).latency.tpot.p50!).toBeCloseTo(tp8.latency.tpot.p50!, 9);
  });

  it('refuses a TP that neither tiles a node nor spans whole nodes, and a spanning TP without an inter-node fabric', () => {
    const bad = validateScenario(written(12, 1), { file: 'tp.yaml', baseDir: process.cwd() });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues.map((i) => i.message).join('\n')).toMatch(/or a multiple of it/);
    const noFabric = validateScenario(written(16, 1, { cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8 } }), { file: 'tp.yaml', baseDir: process.cwd() });
    expect(noFabric.ok).toBe(false);
    if (!noFabric.ok) expect(noFabric.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toMatch(/cluster\.fabric\.interNode: expected an inter-node fabric/);
  });
});
