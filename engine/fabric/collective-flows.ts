import type { FabricSpec } from '../catalog/catalog-types.js';
import type { FlowHandle, FlowNetwork, FlowSpec } from './flow-network.js';
import { maxMinRates } from './max-min-rates.js';
import type { Topology } from './topology.js';

/**
 * Collectives as flows on the fabric, one flow set per phase (never one per layer or per ring
 * step), priced with the alpha-beta conventions of engine/step-time/collectives.ts:
 * - `bytes` is the logical message (what torch.distributed is handed), not what a link carries;
 * - a per-call `fixedSeconds` (launch, synchronisation), paid once whatever the ring length;
 * - a per-step latency: `costs.hopLatencySeconds`, or else each step's own path latency
 *   (topology.hopLatencySeconds: NVLink 1.9 us, network 4 us, from the catalog);
 * - a bandwidth efficiency: a flow holds its links for payload / efficiency bytes, so a collective
 *   at efficiency 0.8 keeps a link busy 1 / 0.8 times as long as its payload needs (what other
 *   traffic sharing the link feels);
 * - a collective over one GPU, or of zero bytes, costs nothing.
 * With a fabric nothing else uses, a ring all-reduce inside one node then takes exactly
 * ringAllReduceSeconds(bytes, n, linkGBps, latency, efficiency, fixed).
 *
 * Algorithms:
 * - ring (all-reduce: 2(n-1) steps, 2(n-1)/n of the message from each GPU to its ring neighbour;
 *   all-gather and reduce-scatter: n-1 steps, (n-1)/n): n concurrent flows.
 * - hierarchical, for GPUs spread evenly over several nodes (g per node, m nodes): an intra-node
 *   ring reduce-scatter, an all-reduce of each GPU's 1/g shard across nodes along its rail (one
 *   flow per rail between consecutive nodes), an intra-node ring all-gather. `phases: 'sequential'`
 *   runs the three in order; the default `'overlapped'` runs them as one phase whose flows share
 *   the links at once, as NCCL pipelines chunks through them: the slowest link set bounds the time
 *   and the latencies add up. The nccl-tests logs in ../shared/data decide between the two
 *   (analyzers/calibration/collective-fit.ts): two nodes of 8 A100 reach an all-reduce bus
 *   bandwidth that sequential phases would reach only at an efficiency above 1.1.
 * - nvls, all-reduce on an NVSwitch that reduces in the switch (catalog `nvls`: Hopper and later):
 *   each port carries S + S/g each way in 2 steps (nvlsDrafts below), across nodes with the rails
 *   of the hierarchical algorithm beside it. 'auto' takes it when it is faster, as NCCL does for
 *   large messages; the H100 and H200 logs fit one NVLS efficiency in one node and across two.
 * - all-to-all: each GPU sends bytes/n (or its weight's share) to each other GPU at once, n-1 steps.
 * - sendrecv (nccl-tests sendrecv_perf): each GPU sends `bytes` to the next, one step.
 * - send: one flow from gpus[0] to gpus[1] (pipeline activations, KV transfer), one step.
 *
 * `costs.pipelineFill` adds, to ring, hierarchical and nvls phases (whose steps forward chunks from GPU
 * to GPU; all-to-all and point-to-point flows go straight to their destination), the cost of
 * moving a message through a pipeline in chunks. In k chunks through steps of total latency L,
 * a transfer of T seconds takes about (k + steps)(L / steps + T / k); the best k makes that
 * (sqrt(L) + sqrt(T))^2 = L + T + 2 sqrt(L T). NCCL chunks every protocol, and this cross term is
 * what the nccl-tests curves show between 1 MiB and 256 MiB, where a plain alpha-beta model misses
 * by 20-45% (analyzers/calibration/collective-fit.ts). T is the phase's transfer time on an
 * otherwise idle fabric.
 *
 * `costs.protocols` prices NCCL's LL and Simple protocols instead of one latency, NCCL's own
 * per-step and per-call latencies (tuning.cc hwLat, baseLat) scaled per protocol, LL at half the
 * bandwidth, and takes the faster: a small message's time is LL's, a large one's Simple's, which
 * is what the nccl-tests logs fit within 15% on every held-back row and one latency for all sizes
 * does not. The engine's own collectives price one protocol (its step-time calibration).
 */

export type CollectiveKind = 'all-reduce' | 'all-gather' | 'reduce-scatter' | 'all-to-all' | 'sendrecv' | 'send';

export interface CollectiveCosts {
  /** Per-call cost, seconds, paid once per collective (over one GPU or zero bytes: not at all). */
  fixedSeconds: number;
  /** One step's latency, seconds; default: each step's path latency from the topology. */
  hopLatencySeconds?: number;
  /** Fraction of link bandwidth the collective reaches; default: the lowest catalog allReduceBandwidthEfficiency on each flow's path (1 where a fabric has none). */
  bandwidthEfficiency?: number;
  /** Add the chunk-pipelining fill, 2 sqrt(latency x transfer) per ring or hierarchical phase (default false: collectives.ts' closed form). */
  pipelineFill?: boolean;
  /**
   * Price NCCL's two protocols and take the faster (not with hopLatencySeconds): LL (8-byte lines,
   * half of each carrying a flag: half the bandwidth, NCCL's low per-step latency) and Simple (full
   * bandwidth, a higher latency). Each step's latency is NCCL's hwLat for the links it crosses
   * (catalog protocolLatencyUs) and each call pays NCCL's baseLat (ring: LL 6.6 us, Simple 8.4 us;
   * NVLS: its 25 us), times these scales: 1 is NCCL's own tuning table; a fit sets its own.
   * NVLS, all-to-all and point-to-point run Simple only.
   */
  protocols?: { lowLatencyScale: number; simpleLatencyScale: number };
}

export type CollectiveProtocol = 'LL' | 'Simple';

/** NCCL's per-call base latency of a ring (NVIDIA/nccl src/graph/tuning.cc baseLat[Ring]: LL 6.6 us, Simple 8.4 us). */
const RING_BASE_LATENCY_US = { ll: 6.6, simple: 8.4 };
/** What LL's lines carry of their 8 bytes: 4 of data beside a 4-byte flag (tuning.cc: busBw x 0.5 for ring LL). */
const LL_BANDWIDTH_SHARE = 0.5;

export interface CollectiveRequest {
  kind: CollectiveKind;
  /** GPUs in rank (ring) order; for send, [source, destination]. Distinct. */
  gpus: readonly number[];
  /** The logical message, bytes (collectives.ts conventions; all-to-all: what each GPU holds). */
  bytes: number;
  /** all-to-all skew: each rank's weight as a destination (expert popularity); default uniform. */
  weights?: readonly number[];
  /**
   * all-reduce, all-gather, reduce-scatter: 'auto' (default) takes the fastest on an idle fabric of
   * ring (GPUs unevenly spread or in one node), hierarchical (the same number, at least 2, on each
   * of several nodes) and, for all-reduce on a fabric that reduces in the switch, nvls.
   */
  algorithm?: 'auto' | 'ring' | 'hierarchical' | 'nvls';
  /** With costs.protocols: 'auto' (default) takes the faster protocol; 'LL' or 'Simple' forces one (LL only where it runs: ring, hierarchical). */
  protocol?: 'auto' | CollectiveProtocol;
  /** How the hierarchical algorithm's three phases run; default 'overlapped'. */
  phases?: 'overlapped' | 'sequential';
  costs: CollectiveCosts;
  /** Traffic tag for link accounting; default: the kind. */
  tag?: string;
  /** Owner (replica index) for link accounting; default 0. */
  owner?: number;
}

export interface PlannedFlow {
  readonly src: number;
  readonly dst: number;
  readonly path: readonly number[];
  /** Logical payload of this flow. */
  readonly payloadBytes: number;
  /** What it holds its links for: payload / efficiency. */
  readonly bytes: number;
}

export interface CollectivePhase {
  readonly name: string;
  readonly flows: readonly PlannedFlow[];
  /** Latency steps of the phase (for the report; the latency below already counts them). */
  readonly steps: number;
  /** Seconds from the phase's last byte to its end: step latencies, pipeline fill, per-call latencies, and the fixed cost on the last phase. */
  readonly latencySeconds: number;
  /** The steps' latency alone (what the pipeline fill is computed from). */
  readonly stepLatencySeconds: number;
  /** The phase's transfer time on an otherwise idle fabric. */
  readonly transferSeconds: number;
}

export interface CollectivePlan {
  readonly kind: CollectiveKind;
  readonly algorithm: 'none' | 'ring' | 'hierarchical' | 'nvls' | 'pairwise' | 'p2p';
  /** With costs.protocols, the protocol it runs; else null. */
  readonly protocol: CollectiveProtocol | null;
  readonly phases: readonly CollectivePhase[];
  /** Time on an otherwise idle fabric: sum over phases of transfer + latency. */
  readonly isolatedSeconds: number;
}

interface Draft {
  name: string;
  flows: PlannedFlow[];
  steps: number;
  /** Step latency before pipeline fill and fixed cost. */
  stepLatency: number;
  /** A per-call latency of the algorithm that chunks do not pipeline (NCCL's NVLS setup); default 0. */
  callLatency?: number;
  /** The steps' latency at NCCL's per-protocol hwLat (catalog protocolLatencyUs), seconds, before any scale. */
  protocolLatency: ProtocolLatency;
}

interface ProtocolLatency {
  ll: number;
  simple: number;
}

/** A draft's protocol latencies when no protocol is priced (never read). */
const UNPRICED: ProtocolLatency = Object.freeze({ ll: 0, simple: 0 });

function checkRequest(topology: Topology, request: CollectiveRequest): void {
  const { kind, gpus, bytes, costs } = request;
  if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new RangeError(`${kind}: bytes: expected a finite number >= 0, got ${bytes}`);
  if (gpus.length === 0) throw new RangeError(`${kind}: expected at least one GPU, got none`);
  if (new Set(gpus).size !== gpus.length) throw new RangeError(`${kind}: GPUs [${gpus.join(', ')}] repeat one`);
  for (const g of gpus) {
    if (!(Number.isInteger(g) && g >= 0 && g < topology.gpus)) throw new RangeError(`${kind}: GPU ${g} is not in this ${topology.gpus}-GPU cluster`);
  }
  if (kind === 'send' && gpus.length !== 2) throw new RangeError(`send: expected [source, destination], got ${gpus.length} GPUs`);
  if (!(costs.fixedSeconds >= 0) || !Number.isFinite(costs.fixedSeconds)) throw new RangeError(`${kind}: costs.fixedSeconds: expected seconds >= 0, got ${costs.fixedSeconds}`);
  const latency = costs.hopLatencySeconds;
  if (latency !== undefined && (!(latency >= 0) || !Number.isFinite(latency))) throw new RangeError(`${kind}: costs.hopLatencySeconds: expected seconds >= 0, got ${latency}`);
  const efficiency = costs.bandwidthEfficiency;
  if (efficiency !== undefined && (!(efficiency > 0) || !Number.isFinite(efficiency))) throw new RangeError(`${kind}: costs.bandwidthEfficiency: expected a number above 0, got ${efficiency}`);
  const protocols = costs.protocols;
  if (protocols !== undefined) {
    if (latency !== undefined) throw new RangeError(`${kind}: costs.protocols prices steps with NCCL's latencies; expected no costs.hopLatencySeconds beside it`);
    for (const key of ['lowLatencyScale', 'simpleLatencyScale'] as const) {
      const v = protocols[key];
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${kind}: costs.protocols.${key}: expected a number >= 0, got ${v}`);
    }
  } else if (request.protocol !== undefined && request.protocol !== 'auto') {
    throw new RangeError(`${kind}: protocol ${request.protocol} needs costs.protocols`);
  }
  const weights = request.weights;
  if (weights !== undefined) {
    if (kind !== 'all-to-all') throw new RangeError(`${kind}: weights apply to all-to-all only`);
    if (weights.length !== gpus.length) throw new RangeError(`all-to-all: expected one weight per GPU (${gpus.length}), got ${weights.length}`);
    if (weights.some((w) => !(w >= 0) || !Number.isFinite(w)) || !weights.some((w) => w > 0)) {
      throw new RangeError('all-to-all: weights: expected finite numbers >= 0, not all 0');
    }
  }
}

/** planCollective(topology, request) -> its phases and flows, and its time on an idle fabric. Pure. */
export function planCollective(topology: Topology, request: CollectiveRequest): CollectivePlan {
  checkRequest(topology, request);
  const { kind, gpus, bytes, costs } = request;
  const efficiencyOf = (path: readonly number[]): number => {
    if (costs.bandwidthEfficiency !== undefined) return costs.bandwidthEfficiency;
    let lowest = Infinity;
    for (const l of path) lowest = Math.min(lowest, topology.links[l]!.fabric.allReduceBandwidthEfficiency ?? 1);
    return lowest === Infinity ? 1 : lowest;
  };
  const flow = (src: number, dst: number, payloadBytes: number, efficiency?: number): PlannedFlow => {
    const path = topology.route(src, dst);
    return { src, dst, path, payloadBytes, bytes: payloadBytes / (efficiency ?? efficiencyOf(path)) };
  };
  const hop = (path: readonly number[]) => topology.hopLatencySeconds(path);
  /** One step's NCCL latency per protocol over a path: its slowest link's (catalog protocolLatencyUs). */
  const protocolHop = (path: readonly number[]): ProtocolLatency => {
    let ll = 0;
    let simple = 0;
    for (const l of path) {
      const f = topology.links[l]!.fabric;
      ll = Math.max(ll, (f.protocolLatencyUs?.ll ?? f.latencyUs) * 1e-6);
      simple = Math.max(simple, (f.protocolLatencyUs?.simple ?? f.latencyUs) * 1e-6);
    }
    return { ll, simple };
  };
  /**
   * `steps` steps at the slowest of these flows' paths (or at the average of a ring's: `perEdge`).
   * Only costs.protocols reads them: without it (the engine's per-step collectives) nothing is computed.
   */
  const protocolSteps = (flows: readonly PlannedFlow[], steps: number, perEdge: boolean): ProtocolLatency => {
    if (costs.protocols === undefined) return UNPRICED;
    const hops = flows.map((f) => protocolHop(f.path));
    if (perEdge) return { ll: (steps / flows.length) * hops.reduce((a, h) => a + h.ll, 0), simple: (steps / flows.length) * hops.reduce((a, h) => a + h.simple, 0) };
    return { ll: steps * Math.max(0, ...hops.map((h) => h.ll)), simple: steps * Math.max(0, ...hops.map((h) => h.simple)) };
  };
  /** A ring over `ring` moving `share` of the message from each GPU to the next, in `steps` steps. */
  const ringDraft = (name: string, ring: readonly number[], payloadBytes: number, steps: number, efficiency?: number): Draft => {
    const flows = ring.map((src, i) => flow(src, ring[(i + 1) % ring.length]!, payloadBytes, efficiency));
    // Each step crosses one ring edge's worth of latency on average: steps / n x the ring's total.
    const stepLatency =
      costs.hopLatencySeconds !== undefined
        ? steps * costs.hopLatencySeconds
        : (steps / ring.length) * flows.reduce((sum, f) => sum + hop(f.path), 0);
    return { name, flows, steps, stepLatency, protocolLatency: protocolSteps(flows, steps, true) };
  };

  const n = gpus.length;
  if (bytes === 0 || (n === 1 && kind !== 'send')) return finishPlan(topology, request, 'none', []);
  if (kind === 'send' || kind === 'sendrecv') {
    const pairs = kind === 'send' ? [[gpus[0]!, gpus[1]!] as const] : gpus.map((g, i) => [g, gpus[(i + 1) % n]!] as const);
    const flows = pairs.map(([src, dst]) => flow(src, dst, bytes));
    const stepLatency = costs.hopLatencySeconds ?? Math.max(...flows.map((f) => hop(f.path)));
    return finishPlan(topology, request, 'p2p', [{ name: kind, flows, steps: 1, stepLatency, protocolLatency: protocolSteps(flows, 1, false) }]);
  }
  if (kind === 'all-to-all') {
    const weights = request.weights ?? gpus.map(() => 1);
    const total = weights.reduce((a, b) => a + b, 0);
    const flows: PlannedFlow[] = [];
    for (const src of gpus) {
      gpus.forEach((dst, j) => {
        const share = (bytes * weights[j]!) / total;
        if (dst !== src && share > 0) flows.push(flow(src, dst, share));
      });
    }
    const stepLatency = (n - 1) * (costs.hopLatencySeconds ?? Math.max(0, ...flows.map((f) => hop(f.path))));
    return finishPlan(topology, request, 'pairwise', [{ name: 'all-to-all', flows, steps: n - 1, stepLatency, protocolLatency: protocolSteps(flows, n - 1, false) }]);
  }
  // all-reduce moves each byte twice round the ring (reduce-scatter, then all-gather).
  const factor = kind === 'all-reduce' ? 2 : 1;
  const perNode = groupByNode(topology, gpus);
  const even = perNode.length > 1 && perNode.every((group) => group.length === perNode[0]!.length) && perNode[0]!.length > 1;
  const schedule = request.phases ?? 'overlapped';
  const wanted = request.algorithm ?? 'auto';
  if (wanted === 'hierarchical' && !even) {
    throw new RangeError(`${kind}: hierarchical needs the GPUs on several nodes, the same number (at least 2) on each; got ${perNode.map((g) => g.length).join(' + ')}`);
  }
  const nvls = kind === 'all-reduce' ? nvlsOf(topology, perNode) : null;
  if (wanted === 'nvls' && nvls === null) {
    throw new RangeError(
      `${kind}: nvls needs an all-reduce over GPUs whose NVSwitch reduces in the switch (a catalog fabric with nvls), the same number (at least 2) on each node`,
    );
  }
  const candidates: CollectivePlan[] = [];
  if (wanted === 'ring' || ((wanted === 'auto' || wanted === 'hierarchical') && !even)) {
    candidates.push(finishPlan(topology, request, 'ring', [ringDraft('ring', gpus, (factor * (n - 1) * bytes) / n, factor * (n - 1))]));
  } else if (wanted !== 'nvls') {
    candidates.push(finishPlan(topology, request, 'hierarchical', hierarchicalDrafts(kind, perNode, bytes, ringDraft, schedule)));
  }
  if (nvls !== null && (wanted === 'nvls' || wanted === 'auto')) {
    candidates.push(finishPlan(topology, request, 'nvls', nvlsDrafts(perNode, bytes, nvls, ringDraft, costs, schedule)));
  }
  // 'auto' takes what is fastest on an idle fabric, as NCCL picks the algorithm its own cost model
  // predicts fastest (ties: the ring family, listed first).
  return candidates.reduce((best, plan) => (plan.isolatedSeconds < best.isolatedSeconds ? plan : best));
}

/**
 * The plan from drafts: isolated transfer times, pipeline fill on forwarding algorithms, per-call
 * latencies, the fixed cost on the last phase. With costs.protocols, one plan per protocol the
 * algorithm runs (LL on ring and hierarchical, Simple everywhere), the faster taken unless the
 * request names one.
 */
function finishPlan(topology: Topology, request: CollectiveRequest, algorithm: CollectivePlan['algorithm'], drafts: readonly Draft[]): CollectivePlan {
  const costs = request.costs;
  // Ring, hierarchical and NVLS steps forward chunks through GPUs and switches, a pipeline;
  // all-to-all and point-to-point flows go straight to their destination, nothing to fill.
  const forwards = algorithm === 'ring' || algorithm === 'hierarchical' || algorithm === 'nvls';
  const build = (protocol: CollectiveProtocol | null): CollectivePlan => {
    const scale = protocol === null ? 1 : protocol === 'LL' ? costs.protocols!.lowLatencyScale : costs.protocols!.simpleLatencyScale;
    const base = protocol === null || !(algorithm === 'ring' || algorithm === 'hierarchical') ? 0 : protocol === 'LL' ? RING_BASE_LATENCY_US.ll : RING_BASE_LATENCY_US.simple;
    const phases: CollectivePhase[] = drafts.map((draft, i) => {
      const flows = protocol === 'LL' ? draft.flows.map((f) => ({ ...f, bytes: f.bytes / LL_BANDWIDTH_SHARE })) : draft.flows;
      const transferSeconds = isolatedTransferSeconds(topology, flows);
      const stepLatencySeconds =
        protocol === null ? draft.stepLatency : scale * (protocol === 'LL' ? draft.protocolLatency.ll : draft.protocolLatency.simple);
      let latencySeconds = stepLatencySeconds;
      if (costs.pipelineFill && forwards) latencySeconds += 2 * Math.sqrt(stepLatencySeconds * transferSeconds);
      latencySeconds += protocol === null ? (draft.callLatency ?? 0) : scale * ((draft.callLatency ?? 0) + (i === 0 ? base * 1e-6 : 0));
      if (i === drafts.length - 1) latencySeconds += costs.fixedSeconds;
      return { name: draft.name, flows, steps: draft.steps, latencySeconds, stepLatencySeconds, transferSeconds };
    });
    const isolatedSeconds = phases.reduce((sum, p) => sum + p.transferSeconds + p.latencySeconds, 0);
    return { kind: request.kind, algorithm, protocol, phases, isolatedSeconds };
  };
  if (costs.protocols === undefined || algorithm === 'none') return build(null);
  const runsLL = algorithm === 'ring' || algorithm === 'hierarchical';
  const wanted = request.protocol ?? 'auto';
  if (wanted === 'LL' && !runsLL) throw new RangeError(`${request.kind}: protocol LL runs on ring and hierarchical only, not on ${algorithm}`);
  if (wanted !== 'auto' || !runsLL || drafts.length === 0) return build(wanted === 'auto' ? 'Simple' : wanted);
  const ll = build('LL');
  const simple = build('Simple');
  return ll.isolatedSeconds < simple.isolatedSeconds ? ll : simple;
}

/** Whether an all-reduce over `gpus` can run as nvls (its nodes' NVSwitch reduces in the switch, the same number, at least 2, of them on each). */
export function nvlsCapable(topology: Topology, gpus: readonly number[]): boolean {
  return gpus.length > 1 && nvlsOf(topology, groupByNode(topology, gpus)) !== null;
}

/**
 * The NVLS constants of the collective's scale-up fabric when every node holds the same number
 * (at least 2) of its GPUs and that fabric reduces in the switch; else null.
 */
function nvlsOf(topology: Topology, perNode: readonly (readonly number[])[]): NonNullable<FabricSpec['nvls']> | null {
  const size = perNode[0]!.length;
  if (size < 2 || perNode.some((group) => group.length !== size)) return null;
  let found: NonNullable<FabricSpec['nvls']> | null = null;
  for (const group of perNode) {
    for (const l of topology.route(group[0]!, group[1]!)) {
      const nvls = topology.links[l]!.fabric.nvls;
      if (nvls === undefined) return null;
      found = nvls;
    }
  }
  return found;
}

/**
 * NVLS all-reduce (NVLink SHARP, Hopper and later NVSwitch): each GPU reduces its 1/g shard by
 * loading it from all g GPUs through the switch at once (multimem.ld_reduce: the switch adds), then
 * stores the result once for the switch to multicast to all g (multimem.st). Each port then carries
 * S + S/g each way, against the ring's 2(g-1)/g S, in 2 steps instead of 2(g-1). Across nodes (NCCL's
 * NVLS tree) the shards are all-reduced along the rails between the two, as in hierarchical. A port's
 * two directions carry the same bytes, so the flows are a ring of GPU-to-GPU flows (one per port
 * each way) of that size; in 'sequential' phases the reduce and the multicast each bound by their
 * heavier direction (S). Efficiency: costs.bandwidthEfficiency, else the fabric's NVLS efficiency on
 * scale-up ports and the catalog's on the NICs. Latency: the steps' (costs.hopLatencySeconds, else
 * each path's), and NCCL's per-call NVLS latency (nvls.latencyUs), unpipelined: with catalog
 * latencies the call's fixed cost counts toward it, with costs.protocols it is Simple's per-call
 * latency (scaled like the rest), and costs.hopLatencySeconds (a one-latency fit) prices it in its
 * own fixed cost.
 */
function nvlsDrafts(
  perNode: readonly (readonly number[])[],
  bytes: number,
  nvls: NonNullable<FabricSpec['nvls']>,
  ringDraft: (name: string, ring: readonly number[], payloadBytes: number, steps: number, efficiency?: number) => Draft,
  costs: CollectiveCosts,
  schedule: 'overlapped' | 'sequential',
): Draft[] {
  const m = perNode.length;
  const g = perNode[0]!.length;
  const efficiency = costs.bandwidthEfficiency ?? nvls.bandwidthEfficiency;
  // NCCL's model charges NVLS its hwLat of 25 us per call and no ring baseLat: with catalog
  // latencies the call's fixed cost counts toward it; priced by protocol it is Simple's call latency.
  const callLatency =
    costs.protocols !== undefined ? nvls.latencyUs * 1e-6 : costs.hopLatencySeconds === undefined ? Math.max(0, nvls.latencyUs * 1e-6 - costs.fixedSeconds) : 0;
  const inside = (name: string, payloadBytes: number, steps: number) => merge(name, perNode.map((ring) => ringDraft(name, ring, payloadBytes, steps, efficiency)));
  const across =
    m === 1 ? null : merge('inter-node rails', Array.from({ length: g }, (_, r) => ringDraft('inter-node rails', perNode.map((ring) => ring[r]!), (2 * (m - 1) * bytes) / (m * g), 2 * (m - 1))));
  if (schedule === 'overlapped') {
    const parts = [inside('nvls', (bytes * (g + 1)) / g, 2), ...(across === null ? [] : [across])];
    return [
      {
        name: 'nvls',
        flows: parts.flatMap((p) => p.flows),
        steps: parts.reduce((sum, p) => sum + p.steps, 0),
        stepLatency: parts.reduce((sum, p) => sum + p.stepLatency, 0),
        callLatency,
        protocolLatency: sumLatency(parts.map((p) => p.protocolLatency)),
      },
    ];
  }
  return [{ ...inside('nvls reduce', bytes, 1), callLatency }, ...(across === null ? [] : [across]), inside('nvls multicast', bytes, 1)];
}

/** The collective's GPUs grouped by node, in node order, each group in the request's order. */
function groupByNode(topology: Topology, gpus: readonly number[]): number[][] {
  const groups = new Map<number, number[]>();
  for (const g of gpus) {
    const node = topology.nodeOf(g);
    const group = groups.get(node);
    if (group === undefined) groups.set(node, [g]);
    else group.push(g);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((node) => groups.get(node)!);
}

function hierarchicalDrafts(
  kind: 'all-reduce' | 'all-gather' | 'reduce-scatter',
  perNode: number[][],
  bytes: number,
  ringDraft: (name: string, ring: readonly number[], payloadBytes: number, steps: number) => Draft,
  schedule: 'overlapped' | 'sequential',
): Draft[] {
  const m = perNode.length;
  const g = perNode[0]!.length;
  const factor = kind === 'all-reduce' ? 2 : 1;
  const intra = (name: string, times: number) =>
    merge(name, perNode.map((ring) => ringDraft(name, ring, (times * (g - 1) * bytes) / g, times * (g - 1))));
  // Rail r: the r-th GPU of every node; each rail reduces (or gathers) a 1/g shard of the message.
  const rails = (name: string) =>
    merge(name, Array.from({ length: g }, (_, r) => ringDraft(name, perNode.map((ring) => ring[r]!), (factor * (m - 1) * bytes) / (m * g), factor * (m - 1))));
  if (schedule === 'overlapped') {
    const inside = intra('intra-node', factor);
    const across = rails('inter-node');
    return [
      {
        name: 'hierarchical',
        flows: [...inside.flows, ...across.flows],
        steps: inside.steps + across.steps,
        stepLatency: inside.stepLatency + across.stepLatency,
        protocolLatency: sumLatency([inside.protocolLatency, across.protocolLatency]),
      },
    ];
  }
  if (kind === 'all-reduce') return [intra('intra-node reduce-scatter', 1), rails('inter-node all-reduce'), intra('intra-node all-gather', 1)];
  if (kind === 'reduce-scatter') return [intra('intra-node reduce-scatter', 1), rails('inter-node reduce-scatter')];
  return [rails('inter-node all-gather'), intra('intra-node all-gather', 1)];
}

/** Drafts that run side by side in one phase (sub-rings of one step pattern): their latencies do not add. */
function merge(name: string, parts: readonly Draft[]): Draft {
  return {
    name,
    flows: parts.flatMap((p) => p.flows),
    steps: Math.max(...parts.map((p) => p.steps)),
    stepLatency: Math.max(...parts.map((p) => p.stepLatency)),
    protocolLatency: { ll: Math.max(...parts.map((p) => p.protocolLatency.ll)), simple: Math.max(...parts.map((p) => p.protocolLatency.simple)) },
  };
}

/** Latencies of drafts whose steps follow one another. */
function sumLatency(parts: readonly ProtocolLatency[]): ProtocolLatency {
  return { ll: parts.reduce((sum, p) => sum + p.ll, 0), simple: parts.reduce((sum, p) => sum + p.simple, 0) };
}

/** The longest flow time when only these flows use the fabric (the network's own max-min rule). */
function isolatedTransferSeconds(topology: Topology, flows: readonly PlannedFlow[]): number {
  const moving = flows.filter((f) => f.path.length > 0 && f.bytes > 0);
  if (moving.length === 0) return 0;
  const rates = maxMinRates(
    moving.map((f) => f.path),
    (l) => topology.links[l]!.capacity,
  );
  let longest = 0;
  moving.forEach((f, i) => {
    const seconds = f.bytes / rates[i]!;
    if (seconds > longest) longest = seconds;
  });
  return longest;
}

export interface CollectiveResult {
  readonly plan: CollectivePlan;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly seconds: number;
}

export interface CollectiveRun {
  readonly plan: CollectivePlan;
  readonly startedAt: number;
  /** True once the collective ended (finished or cancelled). */
  readonly ended: boolean;
  /** Stops the collective: its flows leave the fabric and onDone never runs. Harmless twice. */
  cancel(): void;
}

/**
 * runCollective(network, topology, request, onDone) -> a handle: plans the collective and runs its
 * phases in order on the flow network, each as one batch of flows that land with the phase's
 * latency; onDone runs (from a kernel event, never synchronously) when the last phase lands.
 */
export function runCollective(
  network: FlowNetwork,
  topology: Topology,
  request: CollectiveRequest,
  onDone: (result: CollectiveResult) => void,
): CollectiveRun {
  const plan = planCollective(topology, request);
  const tag = request.tag ?? request.kind;
  const owner = request.owner ?? 0;
  let startedAt = 0;
  let ended = false;
  let active: FlowHandle[] = [];
  let phaseIndex = 0;
  const finish = (at: number) => {
    ended = true;
    active = [];
    onDone({ plan, startedAt, endedAt: at, seconds: at - startedAt });
  };
  const startPhase = () => {
    const phase = plan.phases[phaseIndex]!;
    // A phase with nothing to move still waits out its latency, on one empty flow.
    const flows = phase.flows.length > 0 ? phase.flows : [{ path: [], bytes: 0 }];
    let waiting = flows.length;
    const landed = (flow: FlowHandle) => {
      waiting--;
      if (waiting > 0) return;
      phaseIndex++;
      if (phaseIndex < plan.phases.length) startPhase();
      else finish(flow.endedAt!);
    };
    const specs: FlowSpec[] = flows.map((f) => ({ path: f.path, bytes: f.bytes, latencySeconds: phase.latencySeconds, tag, owner, onDone: landed }));
    active = network.startAll(specs);
  };
  const run: CollectiveRun = {
    plan,
    get startedAt() {
      return startedAt;
    },
    get ended() {
      return ended;
    },
    cancel() {
      if (ended) return;
      ended = true;
      for (const flow of active) network.cancel(flow);
      active = [];
    },
  };
  if (plan.phases.length === 0) {
    // Nothing to move: end through the kernel at the current instant, like every other collective.
    const probe = network.start({ path: [], bytes: 0, tag, owner, onDone: (flow) => finish(flow.endedAt!) });
    startedAt = probe.startedAt;
    active = [probe];
  } else {
    startPhase();
    startedAt = active[0]!.startedAt;
  }
  return run;
}

/**
 * The costs `headroom collective` prices with when nothing is fitted for the deployment: the
 * catalog's per-step latencies (from each step's path) and bandwidth efficiencies (from each
 * flow's fabrics), NCCL's per-call base latency (NVIDIA/nccl src/graph/tuning.cc baseLat, 6.6 us
 * for a ring, as engine/catalog/fabrics.ts notes), and the chunk-pipelining fill the nccl-tests
 * curves show (analyzers/calibration/collective-fit.ts prints how far these defaults are from
 * every log: README, "Fabric").
 */
export const DEFAULT_COLLECTIVE_COSTS: CollectiveCosts = {
  fixedSeconds: 6.6e-6,
  pipelineFill: true,
};
