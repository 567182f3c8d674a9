/**
 * Where each replica's GPUs sit: replica -> pipeline stages -> tensor-parallel groups -> GPUs ->
 * nodes. GPUs are numbered node-major (topology.ts): GPU g is on node floor(g / gpusPerNode).
 */

export interface ReplicaPlacement {
  readonly replica: number;
  /** stages[s][r]: the GPU of tensor-parallel rank r in pipeline stage s. */
  readonly stages: readonly (readonly number[])[];
  /** Every GPU of the replica, stage by stage. */
  readonly gpus: readonly number[];
  /** The nodes the replica touches, ascending. */
  readonly nodes: readonly number[];
}

export interface PlacementShape {
  replicas: number;
  tensorParallelSize: number;
  pipelineParallelSize: number;
}

export interface PlacementCluster {
  nodes: number;
  gpusPerNode: number;
}

function positiveInteger(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 1)) throw new RangeError(`packReplicas: ${name}: expected an integer of at least 1, got ${value}`);
}

/**
 * packReplicas(shape, cluster) -> one placement per replica, packed from GPU 0 upwards, each
 * replica's stages on consecutive GPUs (a stage may start on the next node). A tensor-parallel
 * group that fits in a node never straddles two: when the current node has too few GPUs left, the
 * group starts on the next node and the rest stay idle. A group larger than a node (TP >
 * gpusPerNode: legitimate, and costly, since its all-reduce crosses the NICs) starts on a node
 * boundary and spans ceil(TP / gpusPerNode) nodes. Throws RangeError when the replicas do not fit.
 */
export function packReplicas(shape: PlacementShape, cluster: PlacementCluster): ReplicaPlacement[] {
  const { replicas, tensorParallelSize: tp, pipelineParallelSize: pp } = shape;
  const { nodes, gpusPerNode } = cluster;
  positiveInteger('replicas', replicas);
  positiveInteger('tensorParallelSize', tp);
  positiveInteger('pipelineParallelSize', pp);
  positiveInteger('nodes', nodes);
  positiveInteger('gpusPerNode', gpusPerNode);
  const total = nodes * gpusPerNode;
  const placements: ReplicaPlacement[] = [];
  let cursor = 0;
  for (let replica = 0; replica < replicas; replica++) {
    const stages: number[][] = [];
    for (let s = 0; s < pp; s++) {
      const offset = cursor % gpusPerNode;
      if (tp <= gpusPerNode ? offset + tp > gpusPerNode : offset !== 0) cursor += gpusPerNode - offset;
      if (cursor + tp > total) {
        throw new RangeError(
          `packReplicas: ${replicas} replicas of TP ${tp} x PP ${pp} do not fit ${nodes} nodes x ${gpusPerNode} GPUs ` +
            `with tensor-parallel groups kept inside a node (replica ${replica}, stage ${s} would need GPUs ${cursor}..${cursor + tp - 1})`,
        );
      }
      const group: number[] = [];
      for (let r = 0; r < tp; r++) group.push(cursor + r);
      stages.push(group);
      cursor += tp;
    }
    const gpus = stages.flat();
    const nodesTouched = [...new Set(gpus.map((g) => Math.floor(g / gpusPerNode)))];
    placements.push({ replica, stages, gpus, nodes: nodesTouched });
  }
  return placements;
}

/** Why `shape` does not pack into `cluster` (packReplicas' message), or null when it does: for validation rules. */
export function placementProblem(shape: PlacementShape, cluster: PlacementCluster): string | null {
  try {
    packReplicas(shape, cluster);
    return null;
  } catch (error) {
    if (error instanceof RangeError) return error.message.replace(/^packReplicas: /, '');
    throw error;
  }
}
