import { kvBytesPerToken } from '../catalog/model-arithmetic.js';
import type { Kernel } from '../kernel/simulation-clock.js';
import type { MemoryPlan } from '../replica/memory-plan.js';
import { replicaMemoryPlan, replicaShapeOf } from '../replica/replica-shape.js';
import { Replica, type ReplicaConfig, type ReplicaObserver } from '../replica/replica.js';
import type { Sequence } from '../replica/sequence.js';
import { enginesPerReplica, poolScenario } from '../scenario/deployment.js';
import type { Scenario } from '../scenario/scenario-types.js';
import type { StepTimeCalibration } from '../step-time/step-time-calibration.js';
import type { StepTimeModel } from '../step-time/step-time-model.js';
import { createRooflineStepTime } from '../step-time/roofline-step-time.js';
import { ROUTERS, type Router } from './router.js';

/**
 * The cluster: its engines (grouped in pools), where a request enters, and, with prefill/decode
 * disaggregation, the hand-off of each prompt's KV from a prefill engine to a decode engine over
 * the fabric. Routing sees the engines of the pool a request is entering.
 */
export interface EnginePool {
  role: 'both' | 'prefill' | 'decode';
  engines: Replica[];
  memory: MemoryPlan;
  tensorParallelSize: number;
}

/** Moves a prompt's KV between engines; calls `done` when it has landed. */
export interface KvTransport {
  transfer(from: Replica, to: Replica, bytes: number, done: () => void): void;
}

/** What the cluster tells the metrics about a KV hand-off. */
export interface TransferObserver {
  onKvTransfer(seq: Sequence, seconds: number, bytes: number): void;
}

function replicaConfig(s: Scenario, memory: MemoryPlan): ReplicaConfig {
  const serving = s.serving;
  return {
    scheduler: serving.scheduler,
    maxNumSeqs: serving.maxNumSeqs,
    maxNumBatchedTokens: serving.maxNumBatchedTokens,
    enableChunkedPrefill: serving.enableChunkedPrefill,
    blockSize: serving.blockSize,
    // With pipeline parallelism a replica runs one virtual engine per stage (vLLM's), each with
    // its own scheduler and a share of the KV blocks, so PP micro-batches are in flight at once.
    // A data-parallel attention rank is an engine of its own TP GPUs: their whole KV cache.
    kvBlocks: serving.dataParallelAttention ? memory.kvBlocks : Math.floor(memory.kvBlocks / serving.pipelineParallelSize),
    maxModelLen: serving.maxModelLen,
    maxQueuedRequests: serving.maxQueuedRequests,
    enablePrefixCaching: serving.enablePrefixCaching,
  };
}

/** Where one engine's GPUs sit (GPUs numbered node-major, as engine/fabric/topology.ts does). */
export interface EnginePlacement {
  /** Each pipeline stage's GPUs in tensor-parallel rank order (one stage without PP). */
  stages: number[][];
  /** Every GPU of the engine's replica, stage by stage. */
  gpus: number[];
  /** The node of its first GPU. */
  node: number;
}

/**
 * Where each engine's GPUs sit: replicas in order (prefill pool first), each stage of a replica on
 * consecutive GPUs; a TP group that fits a node never straddles two (it starts on the next node)
 * and a larger one starts on a node boundary, as engine/fabric/placement.ts packs replicas and a
 * scheduler placing whole replicas would. A PP replica's virtual engines share its stages.
 */
export function placeEngines(s: Scenario): EnginePlacement[] {
  const perNode = s.cluster.gpusPerNode;
  const d = s.serving.disaggregation;
  const pp = d === null ? s.serving.pipelineParallelSize : 1;
  let next = 0;
  const stage = (size: number): number[] => {
    const offset = next % perNode;
    if (size <= perNode ? offset + size > perNode : offset !== 0) next += perNode - offset;
    const first = next;
    next += size;
    return Array.from({ length: size }, (_, r) => first + r);
  };
  if (d === null && s.serving.dataParallelAttention) {
    // Each data-parallel rank is an engine of TP GPUs; a replica's ranks sit side by side (its EP group).
    return Array.from({ length: s.serving.replicas * enginesPerReplica(s) }, () => {
      const group = stage(s.serving.tensorParallelSize);
      return { stages: [group], gpus: group, node: Math.floor(group[0]! / perNode) };
    });
  }
  const groups = d === null
    ? Array.from({ length: s.serving.replicas }, () => s.serving.tensorParallelSize)
    : [...Array.from({ length: d.prefill.replicas }, () => d.prefill.tensorParallelSize), ...Array.from({ length: d.decode.replicas }, () => d.decode.tensorParallelSize)];
  return groups.flatMap((tp) => {
    const stages = Array.from({ length: pp }, () => stage(tp));
    const placement = { stages, gpus: stages.flat(), node: Math.floor(stages[0]![0]! / perNode) };
    return Array.from({ length: pp }, () => placement);
  });
}

/**
 * KV transfers priced closed-form, each on links of its own: the prompt's KV leaves the prefill
 * engine's GPUs in parallel (each holds its share of the KV heads) and lands on the decode
 * engine's; the narrower side sets the parallelism. Inside a node it crosses the scale-up link;
 * across nodes each GPU's NIC at line rate / oversubscription (the share guaranteed when every GPU
 * sends through the spine at once), after the link's latency.
 */
export function closedFormKvTransport(kernel: Kernel, s: Scenario, calibration: StepTimeCalibration, placement: readonly EnginePlacement[]): KvTransport {
  const intra = s.cluster.fabric.intraNode;
  const inter = s.cluster.fabric.interNode;
  return {
    transfer(from, to, bytes, done) {
      const a = placement[from.index]!;
      const b = placement[to.index]!;
      const lanes = Math.min(a.gpus.length, b.gpus.length);
      const sameNode = a.node === b.node && a.gpus.length <= s.cluster.gpusPerNode && b.gpus.length <= s.cluster.gpusPerNode;
      const [GBps, latency] = sameNode || inter === null
        ? [intra.GBpsPerGpu, calibration.sendRecvLatencySeconds]
        : [inter.gbpsPerGpu / 8 / inter.oversubscription, inter.fabric.latencyUs * 1e-6];
      kernel.after(latency + bytes / lanes / (GBps * 1e9 * calibration.sendRecvBandwidthEfficiency), 'kv-transfer', done);
    },
  };
}

export class Cluster {
  readonly pools: EnginePool[];
  /** Every engine, in index order (prefill pool first when disaggregated). */
  readonly engines: Replica[];
  private readonly entry: EnginePool;
  private readonly router: Router;

  constructor(
    kernel: Kernel,
    scenario: Scenario,
    stepModelOf: (pool: Scenario) => StepTimeModel,
    observer: ReplicaObserver & TransferObserver,
    transport: KvTransport,
  ) {
    const d = scenario.serving.disaggregation;
    const parts: { role: EnginePool['role']; s: Scenario; count: number }[] =
      d === null
        ? [{ role: 'both', s: scenario, count: scenario.serving.replicas * enginesPerReplica(scenario) }]
        : [
            { role: 'prefill', s: poolScenario(scenario, 'prefill'), count: d.prefill.replicas },
            { role: 'decode', s: poolScenario(scenario, 'decode'), count: d.decode.replicas },
          ];
    let index = 0;
    this.pools = parts.map(({ role, s, count }) => {
      const memory = replicaMemoryPlan(s);
      const config = replicaConfig(s, memory);
      const model = stepModelOf(s);
      const engines = Array.from({ length: count }, () => new Replica(index++, kernel, config, model, observer));
      return { role, engines, memory, tensorParallelSize: s.serving.tensorParallelSize };
    });
    this.engines = this.pools.flatMap((p) => p.engines);
    this.entry = this.pools[0]!;
    const { router: kind, routing, blockSize } = scenario.serving;
    this.router = ROUTERS[kind](routing, blockSize);
    if (d !== null) {
      const decode = this.pools[1]!;
      // Decode engines are picked by the same rule, among themselves, as each hand-off comes.
      const router = ROUTERS[kind](routing, blockSize);
      const moves = transport;
      const bytesPerToken = kvBytesPerToken(scenario.model, scenario.serving.kvCacheDtype);
      const handOff = (seq: Sequence, from: Replica, time: number) => {
        const to = decode.engines[router.pick(decode.engines, seq, kernel.now)]!;
        const bytes = bytesPerToken * seq.prefillTarget;
        // Counted at its destination from now: the router must see hand-offs still in flight.
        to.incoming++;
        moves.transfer(from, to, bytes, () => {
          to.incoming--;
          // Its prefill engine failed while the KV was leaving: the attempt is already lost.
          if (seq.dead) return;
          from.releaseKv(seq);
          observer.onKvTransfer(seq, kernel.now - time, bytes);
          to.acceptWithKv(seq);
        });
      };
      for (const r of this.entry.engines) r.onPrefilled = handOff;
    }
  }

  /** The engine `seq` enters at, and why the router picked it (when asked). */
  route(seq: Sequence, now: number, explain: boolean): { engine: Replica; reason: string } {
    const engines = this.entry.engines;
    const i = this.router.pick(engines, seq, now);
    return { engine: engines[i]!, reason: explain ? this.router.explain(engines, i, seq) : '' };
  }

  /** The step-time model of a pool from the calibration (the roofline). */
  static rooflineOf(calibration: StepTimeCalibration): (pool: Scenario) => StepTimeModel {
    // A step holds at most the token budget plus one token per sequence: the memo of per-token-count
    // parts need not reach further (it is a cache; a larger count is computed, not looked up).
    return (pool) =>
      createRooflineStepTime(replicaShapeOf(pool), calibration, { memoTokens: Math.min(1 << 16, pool.serving.maxNumBatchedTokens + pool.serving.maxNumSeqs + 1) });
  }
}
