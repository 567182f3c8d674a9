import type { Kernel } from '../kernel/simulation-clock.js';
import { moeLayerCount } from '../catalog/model-arithmetic.js';
import { expertShares } from '../replica/replica-shape.js';
import type { EnginePlacement, KvTransport } from '../cluster/cluster.js';
import type { Replica } from '../replica/replica.js';
import type { Scenario } from '../scenario/scenario-types.js';
import type { StepTimeCalibration } from '../step-time/step-time-calibration.js';
import type { StepBatch, StepTime } from '../step-time/step-time-model.js';
import { runCollective, type CollectiveRequest } from './collective-flows.js';
import { FlowNetwork, type FlowSpec } from './flow-network.js';
import { maxMinRates } from './max-min-rates.js';
import { buildTopology, type Topology } from './topology.js';

/**
 * The cluster's shared fabric in a run: the flow network over the topology, and the traffic the
 * engines put on it.
 *
 * A step's communication keeps its closed-form price (the roofline's, fitted on NCCL profiles) and
 * also runs on the flow network as one collective per step phase; the step then lasts its closed
 * form plus the *stretch*: how much longer the flows took than they would on an idle fabric. With
 * nobody else on its links the stretch is 0 and the run equals the closed-form one exactly; when
 * another engine's traffic shares a NIC, leaf or spine link, the step waits for it. KV hand-offs
 * (disaggregation) move as flows outright.
 *
 * Modes: 'shared' puts on the network only the traffic that can meet another engine's (a TP group
 * or a pipeline boundary that crosses nodes, every KV hand-off); 'all' adds every TP all-reduce and
 * pipeline send inside a node, so a fabric analysis sees the scale-up links too (their ports are
 * the engine's own, so results stay the same, at more events).
 */
export type FabricMode = 'shared' | 'all';

/** What an engine's step puts on the network: TP groups to all-reduce, stage boundaries, its EP group. */
interface StepTraffic {
  allReduceStages: number[][];
  sends: [number[], number[]][];
  expertGroup: number[] | null;
}

/** Bytes of activations and logits (bf16 hidden states, fp32 logits), as the step-time model counts them. */
const ACTIVATION_BYTES = 2;
const LOGIT_BYTES = 4;

/** Per engine: the communication its steps waited for beyond the closed form, and what it moved. */
export interface EngineFabricUse {
  stretchSeconds: number;
  stretchedSteps: number;
  flowBytes: number;
  /** KV hand-offs it sent, and how much longer they took than on an idle fabric, in total. */
  handOffs: number;
  handOffWaitSeconds: number;
}

export class ClusterFabric {
  readonly topology: Topology;
  readonly network: FlowNetwork;
  readonly use: EngineFabricUse[];

  constructor(
    private readonly kernel: Kernel,
    private readonly scenario: Scenario,
    private readonly calibration: StepTimeCalibration,
    readonly placement: readonly EnginePlacement[],
    readonly mode: FabricMode,
  ) {
    // Oversubscription lives at the leaves' uplinks: without racks stated, an oversubscribed
    // fabric puts each node under its own leaf, so every node's traffic to another crosses it.
    const inter = scenario.cluster.fabric.interNode;
    const layout = scenario.cluster.topology ?? (inter !== null && inter.oversubscription > 1 ? { nodesPerRack: 1 } : {});
    this.topology = buildTopology(scenario.cluster, layout);
    this.network = new FlowNetwork(kernel, this.topology.links);
    this.use = placement.map(() => ({ stretchSeconds: 0, stretchedSteps: 0, flowBytes: 0, handOffs: 0, handOffWaitSeconds: 0 }));
  }

  /**
   * Whether a run needs the flow network in 'shared' mode: some engine's traffic leaves its node
   * (a TP group or pipeline stages spanning nodes), or KV moves between engines.
   */
  static needed(s: Scenario, placement: readonly EnginePlacement[]): boolean {
    if (s.serving.disaggregation !== null) return true;
    // A NIC that degrades must be there to degrade.
    if (s.failures.some((f) => f.kind === 'link')) return true;
    const perNode = s.cluster.gpusPerNode;
    // Data-parallel attention ranks whose EP group spans nodes dispatch tokens over the NICs.
    if (s.serving.dataParallelAttention && s.serving.expertParallelSize > perNode) return true;
    return placement.some((p) => Math.floor(p.gpus[0]! / perNode) !== Math.floor(p.gpus.at(-1)! / perNode));
  }

  /** Gives each engine with traffic on the fabric its step runner. */
  attach(engines: readonly Replica[]): void {
    for (const engine of engines) {
      const plan = this.trafficOf(engine.index);
      if (plan.allReduceStages.length === 0 && plan.sends.length === 0 && plan.expertGroup === null) continue;
      engine.stepRunner = (replica, time, batch) => this.runStep(replica, time, batch, plan);
    }
  }

  /** Which of an engine's collectives go on the network: TP groups and pipeline boundaries. */
  private trafficOf(index: number): StepTraffic {
    const p = this.placement[index]!;
    const nodeOf = (gpu: number) => this.topology.nodeOf(gpu);
    const spans = (gpus: readonly number[]) => nodeOf(gpus[0]!) !== nodeOf(gpus.at(-1)!);
    const all = this.mode === 'all';
    // With PP, a replica's virtual engines are on different stages at any moment: their TP
    // all-reduces would meet on the network only as an artifact of the step-level model, so only
    // the stage boundaries go there.
    const allReduceStages = p.stages.length === 1 ? p.stages.filter((g) => g.length > 1 && (all || spans(g))) : [];
    const sends: [number[], number[]][] = [];
    for (let s = 0; s + 1 < p.stages.length; s++) {
      const a = p.stages[s]!;
      const b = p.stages[s + 1]!;
      if (all || nodeOf(a.at(-1)!) !== nodeOf(b[0]!)) sends.push([a, b]);
    }
    // A data-parallel attention rank's MoE layers send its tokens to the experts' GPUs of its
    // replica's EP group and take the results back.
    let expertGroup: number[] | null = null;
    const sv = this.scenario.serving;
    if (sv.dataParallelAttention) {
      const per = Math.max(1, sv.expertParallelSize / sv.tensorParallelSize);
      const first = Math.floor(index / per) * per;
      const group = this.placement.slice(first, first + per).flatMap((q) => q.gpus);
      if (all || spans(group)) expertGroup = group;
    }
    return { allReduceStages, sends, expertGroup };
  }

  /**
   * One step: its collectives start together on the network; when the last lands, the step ends
   * at its closed-form time plus the stretch (never before now).
   */
  private runStep(replica: Replica, time: StepTime, batch: Readonly<StepBatch>, plan: StepTraffic): void {
    const start = this.kernel.now;
    const m = this.scenario.model;
    const tokens = batch.prefillTokens + batch.decodeSeqs;
    const sampling = batch.prefillSeqs + batch.decodeSeqs;
    const owner = replica.index;
    const cal = this.calibration;
    const requests: CollectiveRequest[] = [];
    // Two all-reduces per layer and one after the head, of tokens x hidden activations, and the
    // logits' all-gather (half an all-reduce): the bytes of the step's TP traffic as one collective.
    const allReduceBytes = (2 * m.layers + 1) * tokens * m.hidden * ACTIVATION_BYTES + (sampling * m.vocab * LOGIT_BYTES) / 2;
    for (const gpus of plan.allReduceStages) {
      requests.push({ kind: 'all-reduce', gpus, bytes: allReduceBytes / plan.allReduceStages.length, costs: { fixedSeconds: 0, bandwidthEfficiency: cal.allReduceBandwidthEfficiency }, tag: 'tp-allreduce', owner });
    }
    // A stage boundary: each TP rank sends its share of the hidden states to the same rank of the next stage.
    const sendBytes = tokens * m.hidden * ACTIVATION_BYTES;
    for (const [from, to] of plan.sends) {
      for (let r = 0; r < from.length; r++) {
        requests.push({ kind: 'send', gpus: [from[r]!, to[r]!], bytes: sendBytes / from.length, costs: { fixedSeconds: 0, bandwidthEfficiency: cal.sendRecvBandwidthEfficiency }, tag: 'pp-activation', owner });
      }
    }
    // Expert dispatch and combine: from each of this rank's GPUs to every other GPU of the EP group
    // and back, its share of (tokens x active experts) hidden states per MoE layer.
    const raw: FlowSpec[] = [];
    let rawIsolated = 0;
    if (plan.expertGroup !== null && moeLayerCount(m) > 0) {
      const own = this.placement[owner]!.gpus;
      const group = plan.expertGroup;
      const total = (moeLayerCount(m) * tokens * m.activeExperts * m.hidden * ACTIVATION_BYTES) / own.length / cal.allReduceBandwidthEfficiency;
      // Each GPU of the group receives its experts' share of the routed tokens (Zipf popularity).
      const shares = expertShares(m.experts, group.length, this.scenario.serving.expertSkew);
      for (const g of own) {
        group.forEach((h, k) => {
          if (h === g) return;
          for (const [a, b] of [[g, h], [h, g]] as const) {
            const path = this.topology.route(a, b);
            raw.push({ path, bytes: total * shares[k]!, latencySeconds: this.topology.hopLatencySeconds(path), tag: 'ep-all-to-all', owner, onDone: () => landed() });
          }
        });
      }
    }
    if (raw.length > 0) rawIsolated = this.idleSeconds(raw);
    let waiting = requests.length + raw.length;
    let isolated = rawIsolated;
    const use = this.use[owner]!;
    const landed = () => {
      waiting--;
      if (waiting > 0) return;
      // Below a nanosecond the difference is the float rounding of the flows' arithmetic, not a wait.
      const waited = this.kernel.now - start - isolated;
      const stretch = waited > 1e-9 ? waited : 0;
      if (stretch > 0) {
        use.stretchSeconds += stretch;
        use.stretchedSteps++;
        replica.communicationSeconds += stretch;
      }
      replica.endStepAfter(Math.max(0, start + time.stepSeconds + stretch - this.kernel.now));
    };
    if (waiting === 0) {
      replica.endStepAfter(time.stepSeconds);
      return;
    }
    for (const request of requests) {
      const run = runCollective(this.network, this.topology, request, landed);
      isolated = Math.max(isolated, run.plan.isolatedSeconds);
      use.flowBytes += request.bytes;
    }
    if (raw.length > 0) {
      for (const f of raw) use.flowBytes += f.bytes;
      this.network.startAll(raw);
    }
  }

  /**
   * How long a set of flows takes on an otherwise idle fabric, sharing its own links (every flow out
   * of one GPU its NIC): what a wait is measured from. Max-min rates of the whole set, each flow's
   * bytes at its rate plus its latency.
   */
  private idleSeconds(flows: readonly FlowSpec[]): number {
    const moving = flows.filter((f) => f.path.length > 0 && f.bytes > 0);
    const rates = maxMinRates(moving.map((f) => f.path), (l) => this.topology.links[l]!.capacity);
    let longest = flows.reduce((m, f) => Math.max(m, f.latencySeconds ?? 0), 0);
    moving.forEach((f, i) => {
      longest = Math.max(longest, (f.latencySeconds ?? 0) + f.bytes / rates[i]!);
    });
    return longest;
  }

  /**
   * KV hand-offs as flows: prefill rank i holds KV heads [i/a, (i+1)/a) of the a ranks' split, decode
   * rank j needs [j/b, (j+1)/b); each pair whose ranges overlap moves that share of the prompt's
   * KV, landing after its path's latency. The hand-off is done when every share has landed.
   */
  kvTransport(): KvTransport {
    const eff = this.calibration.sendRecvBandwidthEfficiency;
    return {
      transfer: (from, to, bytes, done) => {
        const a = this.placement[from.index]!.gpus;
        const b = this.placement[to.index]!.gpus;
        const specs: FlowSpec[] = [];
        let waiting = 0;
        let isolated = 0;
        const start = this.kernel.now;
        const use = this.use[from.index]!;
        const landed = () => {
          waiting--;
          if (waiting > 0) return;
          const waited = this.kernel.now - start - isolated;
          use.handOffs++;
          if (waited > 1e-9) use.handOffWaitSeconds += waited;
          done();
        };
        for (let i = 0; i < a.length; i++) {
          for (let j = 0; j < b.length; j++) {
            const share = Math.min((i + 1) / a.length, (j + 1) / b.length) - Math.max(i / a.length, j / b.length);
            if (share <= 1e-12) continue;
            const path = this.topology.route(a[i]!, b[j]!);
            const flowBytes = (bytes * share) / eff;
            const latency = this.topology.hopLatencySeconds(path);
            specs.push({ path, bytes: flowBytes, latencySeconds: latency, tag: 'kv-transfer', owner: from.index, onDone: landed });
          }
        }
        waiting = specs.length;
        isolated = this.idleSeconds(specs);
        use.flowBytes += bytes;
        this.network.startAll(specs);
      },
    };
  }
}
