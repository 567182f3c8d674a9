import type { Dtype } from '../catalog/catalog-types.js';

/** The replica shape `headroom steptime` is asked about, as its flags give it. */
export interface SteptimeShape {
  model: string;
  gpu: string;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  quantization?: Dtype;
  kvCacheDtype?: Dtype;
}

/**
 * The written scenario of one replica of `shape`, so that `steptime` takes its defaults (the
 * checkpoint's weight dtype, the GPU's fabric) and its checks (heads divide by TP, weights and a
 * maxModelLen sequence fit in HBM) from the same schema and rules as `simulate`, never its own.
 * The replica's GPUs fill one node up to 8 (a DGX-style node), more nodes beyond that.
 */
export function steptimeScenario(shape: SteptimeShape): Record<string, unknown> {
  const gpus = shape.tensorParallelSize * shape.pipelineParallelSize;
  const gpusPerNode = gpus <= 8 ? gpus : 8;
  const nodes = Math.ceil(gpus / gpusPerNode);
  return {
    name: 'steptime',
    stop: { requests: 1 },
    model: shape.model,
    cluster: {
      gpu: shape.gpu,
      nodes,
      gpusPerNode,
      ...(nodes > 1 ? { fabric: { interNode: { kind: 'infiniband-ndr' } } } : {}),
    },
    serving: {
      tensorParallelSize: shape.tensorParallelSize,
      pipelineParallelSize: shape.pipelineParallelSize,
      replicas: 1,
      ...(shape.quantization !== undefined ? { quantization: shape.quantization } : {}),
      ...(shape.kvCacheDtype !== undefined ? { kvCacheDtype: shape.kvCacheDtype } : {}),
    },
    workload: {
      arrival: { process: 'poisson', rate: 1 },
      inputTokens: { dist: 'fixed', value: 1 },
      outputTokens: { dist: 'fixed', value: 1 },
    },
  };
}
