import { describe, expect, it } from 'vitest';
import { crossNodeStageBoundaries, replicaShapeOf } from '../../../engine/replica/replica-shape.js';
import { simulate } from '../../../engine/simulate.js';
import { tinyScenario } from '../../helpers/tiny-scenario.js';

/** Every key a scenario accepts changes the result (or is rejected): no silently ignored input. */

const pp2AcrossNodes = (interNode: Record<string, unknown>) =>
  tinyScenario({
    model: 'llama-3.1-70b',
    stop: { requests: 60 },
    cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 4, fabric: { interNode } },
    serving: { tensorParallelSize: 4, pipelineParallelSize: 2, replicas: 1 },
    workload: { arrival: { process: 'poisson', rate: 1 }, inputTokens: { dist: 'fixed', value: 2048 }, outputTokens: { dist: 'fixed', value: 32 } },
  });

describe('keys that must change results', () => {
  it('a PP2 replica whose stages sit on two nodes sends activations over the inter-node link: slower at 1 Gb/s than at 400 Gb/s', () => {
    const fast = simulate(pp2AcrossNodes({ kind: 'infiniband-ndr', gbpsPerGpu: 400 }));
    const slow = simulate(pp2AcrossNodes({ kind: 'infiniband-ndr', gbpsPerGpu: 1 }));
    // 2048 tokens x 8192 hidden x 2 bytes = 33.6 MB at 0.125 GB/s is ~0.27 s more per prefill.
    expect(slow.latency.ttft.mean! - fast.latency.ttft.mean!).toBeGreaterThan(0.25);
    expect(slow.latency.tpot.mean!).toBeGreaterThan(fast.latency.tpot.mean!);
  });

  it('oversubscription divides the bandwidth a cross-node send is guaranteed', () => {
    const shape = replicaShapeOf(pp2AcrossNodes({ kind: 'infiniband-ndr', gbpsPerGpu: 400, oversubscription: 4 }));
    expect(shape.interNodePipeline).toEqual({ crossings: 1, GBpsPerGpu: 12.5, latencyUs: expect.any(Number) });
    const plain = simulate(pp2AcrossNodes({ kind: 'infiniband-ndr', gbpsPerGpu: 400 }));
    const over = simulate(pp2AcrossNodes({ kind: 'infiniband-ndr', gbpsPerGpu: 400, oversubscription: 4 }));
    expect(over.latency.ttft.mean!).toBeGreaterThan(plain.latency.ttft.mean!);
  });

  it('stages that fit one node never touch the inter-node link', () => {
    const s = tinyScenario({
      model: 'llama-3.1-70b',
      stop: { requests: 1 },
      cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8, fabric: { interNode: { kind: 'infiniband-ndr', gbpsPerGpu: 1 } } },
      serving: { tensorParallelSize: 4, pipelineParallelSize: 2, replicas: 2 },
    });
    expect(crossNodeStageBoundaries(s)).toBe(0);
    expect(replicaShapeOf(s).interNodePipeline).toBeUndefined();
  });

  it('PP8 at TP2 on nodes of 8 GPUs crosses nodes at one stage boundary in four', () => {
    const s = tinyScenario({
      model: 'llama-3.1-70b',
      stop: { requests: 1 },
      cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8, fabric: { interNode: { kind: 'infiniband-ndr' } } },
      serving: { tensorParallelSize: 2, pipelineParallelSize: 8, replicas: 1 },
    });
    expect(crossNodeStageBoundaries(s)).toBe(1);
  });

  it("an inline GPU's intraNodeGBps is the bandwidth its tensor-parallel all-reduce runs at", () => {
    const gpu = (intraNodeGBps: number) => ({ hbmGiB: 80, hbmTBps: 3.35, bf16Tflops: 989, fp8Tflops: 1979, intraNodeGBps });
    const run = (g: number) =>
      simulate(
        tinyScenario({
          model: 'llama-3.1-70b',
          stop: { requests: 20 },
          cluster: { gpu: gpu(g), nodes: 1, gpusPerNode: 4 },
          serving: { tensorParallelSize: 4, replicas: 1 },
          workload: { inputTokens: { dist: 'fixed', value: 2048 } },
        }),
      );
    expect(run(10).latency.ttft.mean!).toBeGreaterThan(run(450).latency.ttft.mean! * 1.2);
  });
});
