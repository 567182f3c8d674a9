import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packReplicas, placementProblem } from '../../../engine/fabric/placement.js';

describe('packReplicas(shape, cluster): replicas -> stages -> GPUs -> nodes', () => {
  it('packs TP groups contiguously from GPU 0', () => {
    const p = packReplicas({ replicas: 2, tensorParallelSize: 4, pipelineParallelSize: 1 }, { nodes: 1, gpusPerNode: 8 });
    expect(p.map((r) => r.stages)).toEqual([[[0, 1, 2, 3]], [[4, 5, 6, 7]]]);
    expect(p.map((r) => r.nodes)).toEqual([[0], [0]]);
  });

  it('never lets a TP group that fits a node straddle two: it starts on the next node', () => {
    const p = packReplicas({ replicas: 3, tensorParallelSize: 3, pipelineParallelSize: 1 }, { nodes: 2, gpusPerNode: 8 });
    expect(p.map((r) => r.gpus)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [8, 9, 10],
    ]);
  });

  it('spreads a TP group larger than a node over whole nodes from a node boundary', () => {
    const p = packReplicas({ replicas: 2, tensorParallelSize: 16, pipelineParallelSize: 1 }, { nodes: 4, gpusPerNode: 8 });
    expect(p[0]!.nodes).toEqual([0, 1]);
    expect(p[1]!.gpus[0]).toBe(16);
    expect(p[1]!.nodes).toEqual([2, 3]);
  });

  it('puts pipeline stages on consecutive GPUs, the next node when the node is full', () => {
    const [r] = packReplicas({ replicas: 1, tensorParallelSize: 4, pipelineParallelSize: 3 }, { nodes: 2, gpusPerNode: 8 });
    expect(r!.stages).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
    expect(r!.nodes).toEqual([0, 1]);
  });

  it('refuses replicas that do not fit, and says so as data for rules', () => {
    const shape = { replicas: 3, tensorParallelSize: 3, pipelineParallelSize: 1 };
    expect(() => packReplicas(shape, { nodes: 1, gpusPerNode: 8 })).toThrow(/do not fit 1 nodes x 8 GPUs/);
    expect(placementProblem(shape, { nodes: 1, gpusPerNode: 8 })).toMatch(/replica 2, stage 0 would need GPUs 8..10/);
    expect(placementProblem(shape, { nodes: 2, gpusPerNode: 8 })).toBeNull();
    expect(() => packReplicas({ ...shape, replicas: 0 }, { nodes: 1, gpusPerNode: 8 })).toThrow(/replicas/);
  });

  it('uses no GPU twice and keeps every TP group that fits a node inside one (any shape, any cluster)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        (replicas, tp, pp, nodes, gpusPerNode) => {
          const shape = { replicas, tensorParallelSize: tp, pipelineParallelSize: pp };
          if (placementProblem(shape, { nodes, gpusPerNode }) !== null) return;
          const placements = packReplicas(shape, { nodes, gpusPerNode });
          const all = placements.flatMap((p) => p.gpus);
          expect(new Set(all).size).toBe(all.length);
          expect(Math.max(...all)).toBeLessThan(nodes * gpusPerNode);
          for (const p of placements) {
            expect(p.stages).toHaveLength(pp);
            for (const group of p.stages) {
              expect(group).toHaveLength(tp);
              const groupNodes = new Set(group.map((g) => Math.floor(g / gpusPerNode)));
              expect(groupNodes.size).toBe(Math.ceil(tp / gpusPerNode));
            }
          }
        },
      ),
    );
  });
});
